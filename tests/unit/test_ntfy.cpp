#include "ntfy.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

using namespace alimi;

namespace {
bool has(const HttpRequest &r, const std::string &header) {
    return std::find(r.headers.begin(), r.headers.end(), header) != r.headers.end();
}
} // namespace

TEST_CASE("the publish request carries the message in headers and body") {
    NtfySettings n;
    n.server = "https://ntfy.example";
    n.topic = "alerts";
    n.token = "tk_secret";
    PushMessage m;
    m.title = "예매 오픈";
    m.body = "body";
    m.priority = 4;
    m.tags = {"tada"};
    m.click = "https://cgv.co.kr/x";
    m.actions = {{"Book", "https://cgv.co.kr/x"}};
    const auto r = ntfy_request(n, m, "alimi-7");
    CHECK(r.url == "https://ntfy.example/alerts");
    CHECK(r.method == "POST");
    CHECK(r.body == "body");
    CHECK(has(r, "X-Title: =?UTF-8?B?7JiI66ekIOyYpO2UiA==?="));
    CHECK(has(r, "X-Priority: 4"));
    CHECK(has(r, "X-Tags: tada"));
    CHECK(has(r, "X-Click: https://cgv.co.kr/x"));
    CHECK(has(r, "X-Actions: view, Book, https://cgv.co.kr/x"));
    CHECK(has(r, "X-Sequence-ID: alimi-7"));
    CHECK(has(r, "Authorization: Bearer tk_secret"));
}

TEST_CASE("ntfy's answers decide the outbox's next step") {
    CHECK(interpret_ntfy(test::answer(200, R"({"id":"abc123"})", Outcome::ok)).kind ==
          Delivery::Kind::delivered);
    CHECK(interpret_ntfy(test::answer(200, R"({"id":"abc123"})", Outcome::ok)).detail == "abc123");
    const auto quota = interpret_ntfy(test::answer(
        429, R"({"code":42908,"http":429,"error":"daily quota"})", Outcome::rate_limited));
    CHECK(quota.kind == Delivery::Kind::hold);
    CHECK(quota.wait_seconds == 3600);
    const auto burst =
        interpret_ntfy(test::answer(429, R"({"code":42901,"http":429})", Outcome::rate_limited));
    CHECK(burst.kind == Delivery::Kind::retry);
    CHECK(burst.wait_seconds >= 5);
    const auto auth = interpret_ntfy(test::answer(
        401, R"({"code":40101,"http":401,"error":"unauthorized"})", Outcome::permanent));
    CHECK(auth.kind == Delivery::Kind::rejected);
    CHECK(auth.detail == "credentials refused (HTTP 401, code 40101: unauthorized)");
    CHECK(interpret_ntfy(test::answer(413, R"({"code":41301})", Outcome::permanent)).kind ==
          Delivery::Kind::rejected);
    CHECK(interpret_ntfy(test::answer(502, "bad gateway", Outcome::retryable)).kind ==
          Delivery::Kind::retry);
}
