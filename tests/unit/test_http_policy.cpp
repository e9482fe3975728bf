#include "http_policy.hpp"

#include <doctest/doctest.h>

using namespace alimi;

namespace {
HttpResult answer(long status, std::string body, std::string content_type = "application/json") {
    HttpResult r;
    r.status = status;
    r.body = std::move(body);
    r.content_type = std::move(content_type);
    return r;
}
HttpResult classified(long status, std::string body, std::string ct = "application/json",
                      Expect e = Expect::json) {
    auto r = answer(status, std::move(body), std::move(ct));
    classify_response(r, e);
    return r;
}
} // namespace

TEST_CASE("answers are classified into outcomes") {
    CHECK(classified(200, "{}").outcome == Outcome::ok);
    CHECK(classified(503, "busy").outcome == Outcome::retryable);
    CHECK(classified(404, "{}").outcome == Outcome::permanent);
    const auto limited = classified(429, "error code: 1015", "text/plain");
    CHECK(limited.outcome == Outcome::rate_limited);
    CHECK(limited.error == "rate limited by the server (HTTP 429)");
}

TEST_CASE("403 HTML pages and HTML instead of JSON are blocks") {
    const auto r = classified(403, "<!DOCTYPE html><html>Attention Required</html>", "text/html");
    CHECK(r.outcome == Outcome::blocked);
    CHECK(r.error == "blocked by the server (403 HTML page)");
    const auto page = classified(200, "<html><body>captcha</body></html>", "text/html");
    CHECK(page.outcome == Outcome::blocked);
    CHECK(page.error == "blocked by the server (HTTP 200 HTML page instead of JSON)");
}

TEST_CASE("invalid UTF-8 is left to the JSON parsers, and empty bodies are not data") {
    // Rows a target filters out may hold bad bytes; the parsers check the rows they keep.
    CHECK(classified(200, "{\"a\":\"\xff\"}").outcome == Outcome::ok);
    const auto xml = classified(200, "<a>\xff</a>", "text/xml", Expect::xml);
    CHECK(xml.outcome == Outcome::permanent);
    CHECK(xml.error == "answer is not valid UTF-8");
    CHECK(classified(200, "  ").outcome == Outcome::retryable);
}

TEST_CASE("Retry-After as seconds or HTTP-date") {
    const auto now = from_unix(784111777); // Sun, 06 Nov 1994 08:49:37 GMT
    CHECK(parse_retry_after("120", now) == 120.0);
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:51:37 GMT", now) == 120.0);
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now) == 0.0);
    CHECK_FALSE(parse_retry_after("soon", now).has_value());
    CHECK_FALSE(parse_retry_after("", now).has_value());
}

TEST_CASE("hosts and printable URLs drop secrets") {
    CHECK(host_of("https://tk_x@ntfy.example.com:8443/topic?x=1") == "ntfy.example.com:8443");
    CHECK(host_of("http://127.0.0.1:5000") == "127.0.0.1:5000");
    CHECK(host_of("nonsense").empty());
    CHECK(printable_url("https://user:pw@h/p/a?token=1#f") == "https://h/p/a");
}

TEST_CASE("retries back off with jitter, within budget and deadline") {
    RetryPolicy p;
    auto r = answer(503, "");
    r.outcome = Outcome::retryable;
    CHECK(retry_delay(p, r, 1, 10, 0, 0.5) == doctest::Approx(0.5)); // 0.5 * min(20, 1)
    CHECK(retry_delay(p, r, 2, 10, 0, 0.5) == doctest::Approx(1.0)); // 0.5 * 2
    CHECK_FALSE(retry_delay(p, r, 3, 10, 0, 0.5).has_value());       // past max_retries
    CHECK_FALSE(retry_delay(p, r, 1, 0, 0, 0.5).has_value());        // budget spent
    CHECK_FALSE(retry_delay(p, r, 1, 10, 59.9, 0.5).has_value());    // past the deadline
    p.max_retries = 10;
    CHECK(retry_delay(p, r, 9, 10, 0, 0.999) == doctest::Approx(19.98)); // capped
}

TEST_CASE("blocks, limits, timeouts and permanent failures are never retried in a run") {
    RetryPolicy p;
    for (auto o : {Outcome::blocked, Outcome::rate_limited, Outcome::timeout, Outcome::permanent}) {
        HttpResult r;
        r.outcome = o;
        CHECK_FALSE(retry_delay(p, r, 1, 10, 0, 0.5).has_value());
    }
}

TEST_CASE("a short Retry-After on a 503 is obeyed, a long one ends the retries") {
    RetryPolicy p;
    auto r = answer(503, "");
    r.outcome = Outcome::retryable;
    r.retry_after = 3;
    CHECK(retry_delay(p, r, 1, 10, 0, 0.1) == 3.0);
    r.retry_after = 3600;
    CHECK_FALSE(retry_delay(p, r, 1, 10, 0, 0.1).has_value());
}

TEST_CASE("a 429 silences its host and path, a block its host") {
    CHECK(cooldown_key("https://cgv.co.kr/api/v1/day?siteNo=0013&x=1", Outcome::rate_limited) ==
          "cgv.co.kr/api/v1/day");
    CHECK(cooldown_key("https://user:pw@CGV.co.kr/api/v1/day", Outcome::blocked) == "cgv.co.kr");
    CHECK(cooldown_key("http://127.0.0.1:8080", Outcome::rate_limited) == "127.0.0.1:8080");
    CHECK(cooldown_host("cgv.co.kr/api/v1/day") == "cgv.co.kr");
    CHECK(cooldown_host("cgv.co.kr") == "cgv.co.kr");
}

TEST_CASE("cool-downs: Retry-After rules, a 429 starts short and doubles on repeats") {
    const TimePoint at = from_unix(1800000000);
    CooldownRules rules; // first 60, max 600, block 1800, repeat within an hour
    const auto limited = Outcome::rate_limited;
    CHECK(cooldown_seconds(rules, limited, std::nullopt, std::nullopt, at) == 60);
    CHECK(cooldown_seconds(rules, limited, 30.0, std::nullopt, at) == 30);
    CHECK(cooldown_seconds(rules, limited, 1e9, std::nullopt, at) == 86400);
    CHECK(cooldown_seconds(rules, Outcome::blocked, std::nullopt, std::nullopt, at) == 1800);
    CHECK(cooldown_seconds(rules, Outcome::blocked, 90.0, std::nullopt, at) == 90);
    PastCooldown last{at - std::chrono::seconds(100), 60};
    CHECK(cooldown_seconds(rules, limited, std::nullopt, last, at) == 120);
    last.seconds = 480;
    CHECK(cooldown_seconds(rules, limited, std::nullopt, last, at) == 600); // capped
    last.until = at - std::chrono::hours(2);
    CHECK(cooldown_seconds(rules, limited, std::nullopt, last, at) == 60); // long ago: afresh
    rules.max_429 = 30;
    CHECK(cooldown_seconds(rules, limited, std::nullopt, std::nullopt, at) == 30);
}

TEST_CASE("one spelling per address tells two notifiers of one destination") {
    CHECK(canonical_url("HTTPS://Hook.Example:443/x/") == "https://hook.example/x");
    CHECK(canonical_url("http://h:80/a?k=1") == "http://h/a?k=1");
    CHECK(canonical_url("http://h:8080/a") == "http://h:8080/a");
    CHECK(canonical_url("https://h/a?B=1") != canonical_url("https://h/a?b=1"));
}
