#include "check.hpp"
#include "crypto.hpp"
#include "discord.hpp"
#include "notifier.hpp"
#include "ntfy.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace alimi;

namespace {
const TimePoint k_now = from_unix(1800000000);

DiscordSettings discord_at(std::string url) {
    DiscordSettings s;
    s.webhook_url = std::move(url);
    return s;
}
} // namespace

TEST_CASE("transient push failures retry at the next run, then back off to 15 minutes") {
    const Delivery retry{Delivery::Kind::retry, "down", 0};
    CHECK(next_push_attempt(k_now, 1, retry) == k_now);
    CHECK(next_push_attempt(k_now, 2, retry) == k_now + std::chrono::seconds(30));
    CHECK(next_push_attempt(k_now, 3, retry) == k_now + std::chrono::seconds(60));
    CHECK(next_push_attempt(k_now, 20, retry) == k_now + std::chrono::seconds(900));
    const Delivery asked{Delivery::Kind::retry, "429", 5};
    CHECK(next_push_attempt(k_now, 1, asked) == k_now + std::chrono::seconds(5));
    const Delivery hold{Delivery::Kind::hold, "quota", 3600};
    CHECK(next_push_attempt(k_now, 1, hold) == k_now + std::chrono::seconds(3600));
    CHECK_FALSE(
        next_push_attempt(k_now, 1, Delivery{Delivery::Kind::rejected, "401", 0}).has_value());
}

TEST_CASE("operator alerts fire once at the threshold and once on recovery") {
    CHECK(alert_change(false, 2, false, 3) == AlertChange::none);
    CHECK(alert_change(false, 3, false, 3) == AlertChange::failing);
    CHECK(alert_change(false, 4, true, 3) == AlertChange::none);
    CHECK(alert_change(true, 0, true, 3) == AlertChange::recovered);
    CHECK(alert_change(true, 0, false, 3) == AlertChange::none);
}

TEST_CASE("ntfy Basic auth, markdown and icon") {
    NtfySettings n;
    n.server = "https://ntfy.example";
    n.topic = "t";
    n.user = "me";
    n.password = "pw";
    n.markdown = true;
    n.icon = "https://example.com/i.png";
    const auto r = ntfy_request(n, PushMessage{"t", "b", "", {}, 3, {}}, "");
    const auto has = [&](const std::string &h) {
        return std::find(r.headers.begin(), r.headers.end(), h) != r.headers.end();
    };
    CHECK(has("Authorization: Basic bWU6cHc="));
    CHECK(has("X-Markdown: yes"));
    CHECK(has("X-Icon: https://example.com/i.png"));
}

TEST_CASE("discord pushes are embeds posted with wait=true") {
    const auto n = make_notifier("dc", discord_channel(),
                                 discord_at("https://discord.com/api/webhooks/42/secret"));
    const auto r = push_request(
        n, PushMessage{"예매 오픈", "body", "https://cgv.co.kr/x", {}, 4, {}}, "alimi-1");
    CHECK(r.url == "https://discord.com/api/webhooks/42/secret?wait=true");
    const auto j = nlohmann::json::parse(r.body);
    CHECK(j["embeds"][0]["title"] == "예매 오픈");
    CHECK(j["embeds"][0]["url"] == "https://cgv.co.kr/x");
    CHECK(j["allowed_mentions"]["parse"].empty());
}

TEST_CASE("discord answers: id, retry_after, refusals") {
    CHECK(interpret_discord(test::answer(200, R"({"id":"99"})", Outcome::ok)).detail == "99");
    const auto limited = interpret_discord(
        test::answer(429, R"({"retry_after":1.5,"global":false})", Outcome::rate_limited));
    CHECK(limited.kind == Delivery::Kind::retry);
    CHECK(limited.wait_seconds == 1.5);
    const auto gone = interpret_discord(
        test::answer(404, R"({"message":"Unknown Webhook","code":10015})", Outcome::permanent));
    CHECK(gone.kind == Delivery::Kind::rejected);
    CHECK(gone.detail == "webhook refused the push (HTTP 404: Unknown Webhook)");
    CHECK(interpret_discord(test::answer(502, "", Outcome::retryable)).kind ==
          Delivery::Kind::retry);
}

TEST_CASE("notifier descriptions and fingerprints never reveal secrets") {
    NtfySettings s;
    s.server = "https://ntfy.sh";
    s.topic = "alerts";
    s.token = "tk_supersecret";
    const auto n = make_notifier("phone", ntfy_channel(), s);
    CHECK(n.describe() == "phone (https://ntfy.sh/alerts)");
    CHECK(n.fingerprint().find("supersecret") == std::string::npos);
    s.token = "tk_other";
    CHECK(make_notifier("phone", ntfy_channel(), s).fingerprint() != n.fingerprint());
    const auto d = make_notifier("dc", discord_channel(),
                                 discord_at("https://discord.com/api/webhooks/1234/tok3n?x=1"));
    CHECK(d.describe() == "dc (discord webhook 1234)");
    CHECK(d.describe().find("tok3n") == std::string::npos);
}

TEST_CASE("fingerprints keep the layout stored with held pushes, so an upgrade releases none") {
    NtfySettings s;
    s.server = "https://ntfy.sh";
    s.topic = "alerts";
    s.token = "tk_a";
    CHECK(make_notifier("p", ntfy_channel(), s).fingerprint() ==
          sha256_hex("ntfy\nhttps://ntfy.sh\nalerts\ntk_a\n\n\n").substr(0, 16));
    const auto url = "https://discord.com/api/webhooks/1/x";
    CHECK(make_notifier("d", discord_channel(), discord_at(url)).fingerprint() ==
          sha256_hex(std::string("discord\nhttps://ntfy.sh\n\n\n\n\n") + url).substr(0, 16));
}

TEST_CASE("every registered channel is found by its type, and nothing else is") {
    for (const auto *c : channels())
        CHECK(find_channel(c->type()) == c);
    CHECK(find_channel("pager") == nullptr);
    CHECK(channel_names() == "ntfy, discord, telegram, slack or webhook");
    CHECK(&default_channel() == &ntfy_channel());
}
