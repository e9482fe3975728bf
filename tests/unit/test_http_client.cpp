// HttpClient's manners over an in-memory transport: retries, cool-downs, redaction, sharing,
// pushes decided by their status line, and how many requests a host gets at once.
#include "fake_transport.hpp"
#include "http.hpp"

#include <doctest/doctest.h>

using namespace alimi;
using namespace alimi::test;

namespace {

HttpSettings quick(int retries = 0) {
    HttpSettings s;
    s.min_gap = 0;
    s.retries = retries;
    return s;
}

HttpRequest get(const std::string &url) {
    HttpRequest r;
    r.url = url;
    return r;
}

} // namespace

TEST_CASE("a 5xx is tried again and its second answer counts, with the attempts") {
    FakeWire wire;
    int n = 0;
    wire.answer = [&](const HttpRequest &) {
        return ++n == 1 ? reply(503, "busy", "text/plain") : reply(200, R"({"ok":1})");
    };
    HttpClient http(quick(1), {}, fake_io(wire));
    const auto r = http.perform({get("http://127.0.0.1:1/a")}).at(0);
    CHECK(r.outcome == Outcome::ok);
    CHECK(r.attempts == 2);
    CHECK(wire.sent.size() == 2);
}

TEST_CASE("a 429 silences its path for the rest of the client's life, Retry-After kept") {
    FakeWire wire;
    wire.answer = [](const HttpRequest &r) {
        return r.url.ends_with("/a") ? reply(429, "error code: 1015", "text/plain", "120")
                                     : reply(200, "{}");
    };
    HttpClient http(quick(2), {}, fake_io(wire));
    const auto first = http.perform({get("http://h:1/api/a")}).at(0);
    CHECK(first.outcome == Outcome::rate_limited);
    CHECK(first.attempts == 1); // a 429 is never retried within a run
    REQUIRE(first.retry_after);
    CHECK(*first.retry_after == doctest::Approx(120));
    const auto again = http.perform({get("http://h:1/api/a"), get("http://h:1/api/b")});
    CHECK(again[0].outcome == Outcome::not_sent);
    // Says what the path answered: the first look-up may have been a quiet one.
    CHECK(again[0].error == "not sent: the server rate-limited this path earlier in this run "
                            "(rate limited by the server (HTTP 429))");
    CHECK(again[1].outcome == Outcome::ok);
    CHECK(wire.sent.size() == 2);
    CHECK(http.troubled_hosts().size() == 1);
}

TEST_CASE("a block page silences the host; a held key is never sent to") {
    FakeWire wire;
    wire.answer = [](const HttpRequest &) {
        return reply(403, "<html>Attention Required!</html>", "text/html");
    };
    HttpClient http(quick(), {}, fake_io(wire));
    http.hold("held:1", "cooling down after a 429");
    const auto r = http.perform({get("http://held:1/x"), get("http://h:1/a")});
    CHECK(r[0].outcome == Outcome::not_sent);
    CHECK(r[0].error == "cooling down after a 429");
    CHECK(r[1].outcome == Outcome::blocked);
    // Later in the run, another path of that host is not asked.
    const auto later = http.perform({get("http://h:1/b")}).at(0);
    CHECK(later.outcome == Outcome::not_sent);
    CHECK(later.error == "not sent: the host blocked us earlier in this run (blocked by the "
                         "server (403 HTML page))");
    CHECK(wire.sent.size() == 1);
}

TEST_CASE("secrets are taken out of bodies and redirect targets on arrival") {
    FakeWire wire;
    wire.answer = [](const HttpRequest &) {
        auto x = reply(302, R"({"echo":"tk_SECRET"})");
        x.answer.location = "http://h:1/?token=tk_SECRET";
        return x;
    };
    HttpClient http(quick(), {"tk_SECRET"}, fake_io(wire));
    const auto r = http.perform({get("http://h:1/a")}).at(0);
    CHECK(r.body.find("tk_SECRET") == std::string::npos);
    CHECK(r.location.find("tk_SECRET") == std::string::npos);
}

TEST_CASE("shared, the same request is sent once and every asker gets its answer") {
    FakeWire wire;
    wire.answer = [](const HttpRequest &) { return reply(200, R"({"n":1})"); };
    HttpClient http(quick(), {}, fake_io(wire));
    http.share_answers();
    const auto r = http.perform({get("http://h:1/a"), get("http://h:1/a")});
    http.perform({get("http://h:1/a")});
    CHECK(wire.sent.size() == 1);
    CHECK(r[1].body == R"({"n":1})");
}

TEST_CASE("a push whose status line said 2xx is delivered though its body broke off") {
    FakeWire wire;
    wire.answer = [](const HttpRequest &r) {
        return r.status_decides
                   ? broken(Outcome::timeout, "no answer in time (timeout)", 200, R"({"id")")
                   : broken(Outcome::timeout, "no answer in time (timeout)", 200, "{");
    };
    HttpClient http(quick(), {}, fake_io(wire));
    auto push = get("http://ntfy:1/topic");
    push.method = "POST";
    push.status_decides = true;
    const auto r = http.perform({push, get("http://h:1/a")});
    CHECK(r[0].outcome == Outcome::ok);
    CHECK_FALSE(r[0].body_whole);
    CHECK(r[0].error == "answer body not read whole (no answer in time (timeout))");
    CHECK(r[1].outcome == Outcome::timeout); // a check's request: broken is broken
    CHECK(r[1].body.empty());
    CHECK(r[1].status == 0);
}

TEST_CASE("a host gets at most max_per_host requests at once") {
    FakeWire wire;
    wire.answer = [](const HttpRequest &) { return reply(200, "{}"); };
    auto s = quick();
    s.max_per_host = 2;
    HttpClient http(s, {}, fake_io(wire));
    std::vector<HttpRequest> five(5, get("http://h:1/a"));
    const auto r = http.perform(five);
    CHECK(r.size() == 5);
    CHECK(wire.sent.size() == 5);
    CHECK(wire.most_in_flight == 2);
}
