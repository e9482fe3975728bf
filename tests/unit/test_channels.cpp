// Telegram, Slack and webhook channels: config, requests and answers, as pure values.
#include "config.hpp"
#include "discord.hpp"
#include "slack.hpp"
#include "telegram.hpp"
#include "text.hpp"
#include "webhook.hpp"

#include "helpers.hpp"
#include "utf8.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

using namespace alimi;
using alimi::test::answer;
using alimi::test::env_with;

namespace {

const std::string k_token = "123456789:AAE-secretPartOfTheToken_xyz";
const std::string k_target = "\n[[target]]\nname = \"a\"\ntheater = \"0013\"\nscreen = \"imax\"\n";

Config toml(const std::string &notifier, EnvLookup env = env_with({})) {
    return config_from_tree(
        parse_toml_config("[[notifier]]\nname = \"n\"\n" + notifier + k_target, "c.toml"), "c.toml",
        env);
}

std::vector<std::string> problems(const std::string &notifier, EnvLookup env = env_with({})) {
    try {
        toml(notifier, env);
    } catch (const ConfigError &e) {
        return e.problems();
    }
    return {};
}

PushMessage message(std::string body = "아바타 · 12월 25일(금)\n  10:00 624/624") {
    PushMessage m;
    m.title = "CGV 용산 <IMAX> & 4DX";
    m.body = std::move(body);
    m.click = "https://cgv.co.kr/cnm/movieBook?x=1&y=2";
    m.priority = 4;
    m.data = R"({"target":"t","chain":"cgv","openings":[{"target":"t","date":"2026-12-25"}]})";
    return m;
}

} // namespace

TEST_CASE("telegram: keys, the tgram:// shorthand and its type inferred from the scheme") {
    auto cfg = toml("type = \"telegram\"\nbot_token_env = \"TG\"\nchat_id = -1001234567890\n"
                    "thread_id = 7\nsilent = true\n",
                    env_with({{"TG", k_token}}));
    const auto &s = cfg.notifiers[0].settings_as<TelegramSettings>();
    CHECK(s.bot_token == k_token);
    CHECK(s.chat_id == "-1001234567890");
    CHECK(s.thread_id == 7);
    CHECK(s.silent);
    cfg = toml("url = \"tgram://bot" + k_token + "/@alimi_alerts:42\"\n");
    CHECK(cfg.notifiers[0].type() == "telegram");
    const auto &u = cfg.notifiers[0].settings_as<TelegramSettings>();
    CHECK(u.bot_token == k_token);
    CHECK(u.chat_id == "@alimi_alerts");
    CHECK(u.thread_id == 42);
    CHECK(cfg.notifiers[0].describe() ==
          "n (telegram chat @alimi_alerts topic 42 via bot 123456789)");
}

TEST_CASE("telegram: a malformed token or chat is explained without quoting the token") {
    const auto p =
        problems("type = \"telegram\"\nbot_token = \"12345:short\\nx\"\nchat_id = \"x y\"\n");
    REQUIRE(p.size() == 2);
    CHECK(p[0] ==
          "c.toml:4: notifier 'n': bot_token holds a line break or NUL; a secret is one line");
    CHECK(p[0].find("short") == std::string::npos);
    CHECK(p[1] == "c.toml:5: notifier 'n': chat_id 'x y' must be a number (negative for groups) "
                  "or @channelname");
    const auto u = problems("url = \"tgram://" + k_token + "\"\n");
    REQUIRE(u.size() == 1);
    CHECK(u[0] == "c.toml:3: notifier 'n': url must be tgram://BOT_TOKEN/CHAT_ID[:THREAD_ID]");
}

TEST_CASE("telegram: HTML-escaped bold title, body, silent, topic and a booking button") {
    TelegramSettings s;
    s.bot_token = k_token;
    s.chat_id = "-100123";
    s.thread_id = 9;
    s.silent = true;
    const auto r = telegram_request(s, message());
    CHECK(r.url == "https://api.telegram.org/bot" + k_token + "/sendMessage");
    const auto j = nlohmann::json::parse(r.body);
    CHECK(j["chat_id"] == -100123);
    CHECK(j["parse_mode"] == "HTML");
    CHECK(j["text"] ==
          "<b>CGV 용산 &lt;IMAX&gt; &amp; 4DX</b>\n아바타 · 12월 25일(금)\n  10:00 624/624");
    CHECK(j["message_thread_id"] == 9);
    CHECK(j["disable_notification"] == true);
    CHECK(j["reply_markup"]["inline_keyboard"][0][0]["text"] == "예매하기");
    CHECK(j["reply_markup"]["inline_keyboard"][0][0]["url"] == message().click);
    s.chat_id = "@chan";
    CHECK(nlohmann::json::parse(telegram_request(s, message()).body)["chat_id"] == "@chan");
}

TEST_CASE("telegram: text is cut by whole lines at 4096 UTF-16 units, saying how many are left") {
    std::string body;
    for (int i = 0; i < 600; ++i)
        body += fmt::format("😀 상영 {:03}\n", i); // the emoji takes 2 UTF-16 units
    body.pop_back();
    const auto text = telegram_text(message(body));
    const auto plain_units =
        utf16_units(text) - utf16_units("<b></b>") - 2 * 2 - 4; // &lt; &gt; &amp;
    CHECK(plain_units <= k_telegram_max_units);
    CHECK(plain_units > k_telegram_max_units - 40);
    CHECK(text.find("... and ") != std::string::npos);
    CHECK(text.ends_with("more lines"));
    CHECK(telegram_text(message()).find("... and") == std::string::npos);
}

TEST_CASE("telegram answers: ok, retry_after, refusals with the description, 5xx") {
    const auto ok =
        interpret_telegram(answer(200, R"({"ok":true,"result":{"message_id":77}})", Outcome::ok));
    CHECK(ok.kind == Delivery::Kind::delivered);
    CHECK(ok.detail == "77");
    const auto limited = interpret_telegram(answer(
        429,
        R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 34","parameters":{"retry_after":34}})",
        Outcome::rate_limited));
    CHECK(limited.kind == Delivery::Kind::retry);
    CHECK(limited.wait_seconds == 34);
    const auto chat = interpret_telegram(
        answer(400, R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})",
               Outcome::permanent));
    CHECK(chat.kind == Delivery::Kind::rejected);
    CHECK(chat.detail == "Telegram refused the push (HTTP 400: Bad Request: chat not found)");
    const auto blocked = interpret_telegram(answer(
        403,
        R"({"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"})",
        Outcome::blocked));
    CHECK(blocked.kind == Delivery::Kind::rejected);
    const auto markup = interpret_telegram(answer(
        400,
        R"({"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag"})",
        Outcome::permanent));
    CHECK(markup.kind == Delivery::Kind::rejected);
    CHECK(markup.detail.find("can't parse entities") != std::string::npos);
    CHECK(interpret_telegram(answer(502, "<html>bad gateway</html>", Outcome::retryable)).kind ==
          Delivery::Kind::retry);
}

TEST_CASE("a server's wait is clamped to a day, infinities and nonsense included") {
    const auto now = from_unix(1800000000);
    const auto huge = Delivery{Delivery::Kind::retry, "429", 1e300};
    CHECK(next_push_attempt(now, 1, huge) == now + std::chrono::seconds(86400));
    const auto inf =
        Delivery{Delivery::Kind::retry, "429", std::numeric_limits<double>::infinity()};
    CHECK(next_push_attempt(now, 1, inf) == now + std::chrono::seconds(86400));
    const auto negative = Delivery{Delivery::Kind::hold, "x", -5};
    CHECK(next_push_attempt(now, 1, negative) == now);
}

TEST_CASE("every answer text is redacted of the notifier's secrets, plain and URL-encoded") {
    const auto cfg = toml("type = \"telegram\"\nbot_token = \"" + k_token + "\"\nchat_id = 5\n");
    const auto d = interpret_push_answer(cfg.notifiers[0],
                                         answer(400,
                                                R"({"ok":false,"description":"bad token )" +
                                                    k_token + " " + url_encode(k_token) + R"("})",
                                                Outcome::permanent));
    CHECK(d.detail.find("secretPart") == std::string::npos);
    CHECK(d.detail.find("***") != std::string::npos);
    CHECK(redact("a tk_1234 b", {"tk_1234", ""}) == "a *** b");
    CHECK(redact("abc", {"ab"}) == "abc"); // too short to be a secret worth blanking words for
}

TEST_CASE("slack: url forms, escaped mrkdwn, a button, and its answers") {
    auto cfg = toml("url = \"slack://T000/B000/XXXXsecret\"\n");
    CHECK(cfg.notifiers[0].type() == "slack");
    const auto &s = cfg.notifiers[0].settings_as<SlackSettings>();
    CHECK(s.webhook_url == "https://hooks.slack.com/services/T000/B000/XXXXsecret");
    CHECK(cfg.notifiers[0].describe() == "n (slack webhook T000/B000)");
    CHECK(toml("url = \"https://hooks.slack.com/services/T1/B1/X1\"\n").notifiers[0].type() ==
          "slack");
    CHECK(problems("type = \"slack\"\nurl = \"slack://T/B\"\n").size() == 1);
    const auto j = nlohmann::json::parse(slack_request(s, message()).body);
    CHECK(j["text"] ==
          "*CGV 용산 &lt;IMAX&gt; &amp; 4DX*\n아바타 · 12월 25일(금)\n  10:00 624/624");
    CHECK(j["blocks"][0]["text"]["type"] == "mrkdwn");
    CHECK(j["blocks"][1]["elements"][0]["url"] == message().click);
    CHECK(interpret_slack(answer(200, "ok", Outcome::ok)).kind == Delivery::Kind::delivered);
    const auto gone = interpret_slack(answer(404, "no_service", Outcome::permanent));
    CHECK(gone.kind == Delivery::Kind::rejected);
    CHECK(gone.detail == "Slack refused the push (HTTP 404: no_service)");
    auto limited = answer(429, "rate_limited", Outcome::rate_limited);
    limited.retry_after = 30;
    CHECK(interpret_slack(limited).wait_seconds == 30);
    CHECK(interpret_slack(answer(200, "maybe", Outcome::ok)).kind == Delivery::Kind::rejected);
}

TEST_CASE("webhook: url forms, headers from the file and the environment, one-line values") {
    auto cfg = toml("type = \"webhook\"\nurl = \"jsons://ha.example/api/webhook/k3y\"\n"
                    "headers = { X-Source = \"alimi\", Authorization_env = \"HA\" }\n",
                    env_with({{"HA", "Bearer abc.def"}}));
    const auto &s = cfg.notifiers[0].settings_as<WebhookSettings>();
    CHECK(s.url == "https://ha.example/api/webhook/k3y");
    const std::vector<std::pair<std::string, std::string>> want = {
        {"Authorization", "Bearer abc.def"}, {"X-Source", "alimi"}};
    CHECK(s.headers == want); // in the order the parser keeps keys
    CHECK(cfg.notifiers[0].describe() == "n (webhook ha.example)");
    CHECK(toml("url = \"json://127.0.0.1:8/x\"\n").notifiers[0].type() == "webhook");
    const auto p =
        problems("type = \"webhook\"\nurl = \"https://x\"\nheaders = { A = \"1\\r\\nB: 2\" }\n");
    REQUIRE(p.size() == 1);
    CHECK(p[0] == "c.toml:5: notifier 'n': headers.A holds a line break or NUL; a header value "
                  "must be one line");
}

TEST_CASE("webhook: the documented body carries the openings as check --json prints them") {
    WebhookSettings s;
    s.url = "https://n8n.example/hook";
    s.headers = {{"X-Key", "v"}};
    const auto r = webhook_request(s, message());
    CHECK(std::find(r.headers.begin(), r.headers.end(), "X-Key: v") != r.headers.end());
    const auto j = nlohmann::json::parse(r.body);
    CHECK(j["title"] == message().title);
    CHECK(j["message"] == message().body);
    CHECK(j["priority"] == 4);
    CHECK(j["target"] == "t");
    CHECK(j["chain"] == "cgv");
    CHECK(j["link"] == message().click);
    CHECK(j["openings"][0]["date"] == "2026-12-25");
    CHECK(interpret_webhook(answer(204, "", Outcome::ok)).kind == Delivery::Kind::delivered);
    CHECK(interpret_webhook(answer(401, "no", Outcome::permanent)).kind ==
          Delivery::Kind::rejected);
    CHECK(interpret_webhook(answer(503, "", Outcome::retryable)).kind == Delivery::Kind::retry);
}

TEST_CASE("discord: the discord:// shorthand and the native URL need no type") {
    const auto cfg = toml("url = \"discord://4242/t0ken-value\"\n");
    CHECK(cfg.notifiers[0].type() == "discord");
    CHECK(cfg.notifiers[0].settings_as<DiscordSettings>().webhook_url ==
          "https://discord.com/api/webhooks/4242/t0ken-value");
    CHECK(cfg.notifiers[0].describe() == "n (discord webhook 4242)");
    const auto p = problems("url = \"discord://4242\"\n");
    REQUIRE(p.size() == 1);
    CHECK(p[0] == "c.toml:3: notifier 'n': url must be discord://WEBHOOK_ID/WEBHOOK_TOKEN or "
                  "https://discord.com/api/webhooks/...");
}

TEST_CASE("a credential written in a webhook header marks the file as holding a secret") {
    CHECK(toml("type = \"webhook\"\nurl_env = \"U\"\nheaders = { X-Source = \"alimi\" }\n",
               env_with({{"U", "https://x.example/h"}}))
              .inline_secret.empty());
    CHECK(toml("type = \"webhook\"\nurl_env = \"U\"\nheaders = { Authorization = \"Bearer k\" }\n",
               env_with({{"U", "https://x.example/h"}}))
              .inline_secret == "notifier 'n' headers");
}

TEST_CASE("a malformed but one-line telegram token is explained without quoting it") {
    const auto p = problems("type = \"telegram\"\nbot_token = \"12345:short\"\nchat_id = 1\n");
    REQUIRE(p.size() == 1);
    CHECK(p[0].find("bot_token is not a bot token") != std::string::npos);
    CHECK(p[0].find("short") == std::string::npos);
}
