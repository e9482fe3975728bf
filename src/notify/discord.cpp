#include "discord.hpp"

#include "config_reader.hpp"
#include "text.hpp"
#include "utf8.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace alimi {

namespace {
constexpr std::size_t k_title_bytes = 256; // Discord counts characters; bytes are a safe bound
constexpr int k_embed_colour = 0xE71A0F;   // CGV red
// Both of Discord's host names serve webhooks; a URL on either is used as it is.
bool is_native_webhook(std::string_view url) {
    for (const auto *host :
         {"https://discord.com/api/webhooks/", "https://discordapp.com/api/webhooks/"})
        if (url.starts_with(host))
            return true;
    return false;
}

// discord://ID/TOKEN (Apprise's spelling) or the webhook URL itself.
std::string webhook_from_url(TableReader &r, const std::string &url, const std::string &who) {
    r.note_secret("url");
    if (is_native_webhook(url))
        return url;
    const std::string rest = url.starts_with("discord://") ? url.substr(10) : "";
    const auto slash = rest.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size() ||
        rest.find('/', slash + 1) != std::string::npos) {
        r.error(r.find_node("url"),
                fmt::format("{}: url must be discord://WEBHOOK_ID/WEBHOOK_TOKEN or "
                            "https://discord.com/api/webhooks/...",
                            who));
        return "";
    }
    return fmt::format("https://discord.com/api/webhooks/{}", rest);
}

// `url` (Apprise's form) and `webhook_url` are two spellings of one setting; giving both
// would leave a reader guessing which one pushes, so it is an error.
DiscordSettings read_discord(TableReader &r, const NotifierConfig &n, const EnvLookup &env) {
    DiscordSettings s;
    const auto who = fmt::format("notifier '{}'", n.name);
    if (const auto url = r.string("url")) {
        if (r.find_node("webhook_url") || r.find_node("webhook_url_env"))
            r.error(r.find_node("url"),
                    fmt::format("{}: url replaces webhook_url; give one or the other", who));
        s.webhook_url = webhook_from_url(r, *url, who);
        return s;
    }
    s.webhook_url = read_secret(r, "webhook_url", who, env);
    if (!r.find_node("webhook_url") && !r.find_node("webhook_url_env"))
        r.error(nullptr,
                fmt::format("[[notifier]] '{}' of type discord is missing 'webhook_url'", n.name));
    else if (!s.webhook_url.empty() && !s.webhook_url.starts_with("https://") &&
             !s.webhook_url.starts_with("http://"))
        r.error(r.find_node("webhook_url"),
                fmt::format("{}: webhook_url must be an http(s) URL", who));
    return s;
}

class DiscordChannel final : public Channel {
  public:
    std::string_view type() const override { return "discord"; }

    std::shared_ptr<const ChannelSettings> read(TableReader &r, const NotifierConfig &n,
                                                const EnvLookup &env) const override {
        return std::make_shared<const DiscordSettings>(read_discord(r, n, env));
    }
    HttpRequest request(const NotifierConfig &n, const PushMessage &m,
                        const std::string &) const override {
        return discord_request(n, m);
    }
    Delivery interpret(const HttpResult &answer) const override {
        return interpret_discord(answer);
    }
    // .../api/webhooks/<id>/<token>: the id is harmless, the token is the secret.
    std::string where(const NotifierConfig &n) const override {
        const auto path = printable_url(n.settings_as<DiscordSettings>().webhook_url);
        const auto marker = path.find("/webhooks/");
        const auto id = marker == std::string::npos
                            ? ""
                            : path.substr(marker + 10, path.find('/', marker + 10) - marker - 10);
        return fmt::format("discord webhook {}", id.empty() ? "?" : id);
    }
    std::vector<std::string> secrets(const NotifierConfig &n) const override {
        const auto &url = n.settings_as<DiscordSettings>().webhook_url;
        return {url, url.substr(url.rfind('/') + 1)};
    }
    bool claims_url(std::string_view url) const override {
        return url.starts_with("discord://") || is_native_webhook(url);
    }
    // The layout of the fingerprints stored with held pushes; kept so they stay held.
    std::string fingerprint_text(const NotifierConfig &n) const override {
        return fmt::format("discord\nhttps://ntfy.sh\n\n\n\n\n{}",
                           n.settings_as<DiscordSettings>().webhook_url);
    }
    // A webhook is its id and thread, whichever of Discord's host names reaches it.
    std::string destination_text(const NotifierConfig &n) const override {
        const auto url = canonical_url(n.settings_as<DiscordSettings>().webhook_url);
        const auto at = url.find("/webhooks/");
        return "discord\n" + (at == std::string::npos ? url : url.substr(at));
    }
};

} // namespace

const Channel &discord_channel() {
    static const DiscordChannel k_channel;
    return k_channel;
}

// One embed per push: its title links to the booking page, and a poster shows as a
// thumbnail that never hides the text.
HttpRequest discord_request(const NotifierConfig &n, const PushMessage &m) {
    nlohmann::json embed = {{"title", std::string(utf8_prefix(m.title, k_title_bytes))},
                            {"description", std::string(utf8_prefix(m.body, k_max_body_bytes))},
                            {"color", k_embed_colour}};
    if (!m.click.empty())
        embed["url"] = m.click;
    if (!m.image.empty())
        embed["thumbnail"] = {{"url", m.image}};
    const nlohmann::json body = {
        {"username", "alimi"},
        {"embeds", {embed}},
        // No mentions parsed: a movie title with "@everyone" in it must not ping a whole server.
        {"allowed_mentions", {{"parse", nlohmann::json::array()}}}};
    HttpRequest r;
    r.method = "POST";
    // wait=true makes Discord answer with the stored message (and its id) instead of 204.
    const auto &url = n.settings_as<DiscordSettings>().webhook_url;
    r.url = url + (url.find('?') == std::string::npos ? "?wait=true" : "&wait=true");
    r.body = body.dump();
    r.expect = Expect::any;
    r.headers = {"Content-Type: application/json"};
    r.display = n.describe(); // the URL's path is the webhook's token
    return r;
}

// The stored message's id is the delivery's receipt, named in the "pushed" log line.
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
    // Discord's body says how long to wait (retry_after, in seconds); the header is the
    // fallback, then five seconds.
    if (a.status == 429) {
        const double wait = obj && j.contains("retry_after") && j["retry_after"].is_number()
                                ? j["retry_after"].get<double>()
                                : a.retry_after.value_or(5);
        return {Delivery::Kind::retry, "rate limited by Discord (" + why + ")", wait};
    }
    // Any other 4xx is the webhook refusing this push (deleted, bad token, bad body): sending
    // it again unchanged would be refused again.
    if (a.status >= 400 && a.status < 500)
        return {Delivery::Kind::rejected, "webhook refused the push (" + why + ")", 0};
    return {Delivery::Kind::retry, why, 0};
}

} // namespace alimi
