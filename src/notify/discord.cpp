#include "notify/discord.hpp"

#include "text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace alimi {

namespace {
constexpr std::size_t k_title_bytes = 256; // Discord counts characters; bytes are a safe bound
constexpr int k_embed_colour = 0xE71A0F;   // CGV red
} // namespace

HttpRequest discord_request(const NotifierConfig &n, const PushMessage &m) {
    nlohmann::json embed = {{"title", std::string(utf8_prefix(m.title, k_title_bytes))},
                            {"description", std::string(utf8_prefix(m.body, k_max_body_bytes))},
                            {"color", k_embed_colour}};
    if (!m.click.empty())
        embed["url"] = m.click;
    const nlohmann::json body = {{"username", "alimi"},
                                 {"embeds", {embed}},
                                 {"allowed_mentions", {{"parse", nlohmann::json::array()}}}};
    HttpRequest r;
    r.method = "POST";
    // wait=true makes Discord answer with the stored message (and its id) instead of 204.
    r.url = n.webhook_url +
            (n.webhook_url.find('?') == std::string::npos ? "?wait=true" : "&wait=true");
    r.body = body.dump();
    r.expect = Expect::any;
    r.headers = {"Content-Type: application/json"};
    r.display = n.describe(); // the URL's path is the webhook's token
    return r;
}

Delivery interpret_discord(const HttpResult &a) {
    const auto j = parse_small_answer(a.body);
    const bool obj = j.is_object();
    if (a.status >= 200 && a.status < 300 && a.outcome == Outcome::ok)
        return {Delivery::Kind::delivered,
                obj && j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "",
                0};
    const auto said = obj && j.contains("message") && j["message"].is_string()
                          ? one_line(j["message"].get<std::string>(), 120)
                          : "";
    const auto why =
        fmt::format("{}{}", a.error.empty() ? fmt::format("HTTP {}", a.status) : a.error,
                    said.empty() ? "" : ": " + said);
    if (a.status == 429) {
        const double wait = obj && j.contains("retry_after") && j["retry_after"].is_number()
                                ? j["retry_after"].get<double>()
                                : a.retry_after.value_or(5);
        return {Delivery::Kind::retry, "rate limited by Discord (" + why + ")", wait};
    }
    if (a.status >= 400 && a.status < 500)
        return {Delivery::Kind::rejected, "webhook refused the push (" + why + ")", 0};
    return {Delivery::Kind::retry, why, 0};
}

} // namespace alimi
