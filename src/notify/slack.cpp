#include "slack.hpp"

#include "config_reader.hpp"
#include "text.hpp"
#include "utf8.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace alimi {

namespace {

constexpr std::string_view k_hooks = "https://hooks.slack.com/services/";
// A section block's text may hold 3000 characters; bytes are a safe bound for characters.
constexpr std::size_t k_section_bytes = 2900;
constexpr std::size_t k_alt_bytes = 1000; // an image block's alt_text takes 2000 characters

// slack://T/B/X (Apprise's spelling) or the hooks URL itself.
// Exactly three path parts (team, bot, secret), none empty: anything else cannot be a
// hooks URL and would only fail at the first push.
std::string webhook_from_url(TableReader &r, const std::string &url, const std::string &who) {
    r.note_secret("url");
    if (url.starts_with(k_hooks))
        return url;
    const std::string rest = url.starts_with("slack://") ? url.substr(8) : "";
    int slashes = 0;
    for (const char c : rest)
        slashes += c == '/';
    if (slashes != 2 || rest.starts_with('/') || rest.ends_with('/') ||
        rest.find("//") != std::string::npos) {
        r.error(r.find_node("url"), fmt::format("{}: url must be slack://T.../B.../X... or "
                                                "https://hooks.slack.com/services/T.../B.../X...",
                                                who));
        return "";
    }
    return fmt::format("{}{}", k_hooks, rest);
}

// webhook_url_env keeps the secret part of the URL out of the config file.
SlackSettings read_slack(TableReader &r, const NotifierConfig &n, const EnvLookup &env) {
    SlackSettings s;
    const auto who = fmt::format("notifier '{}'", n.name);
    if (const auto url = r.string("url")) {
        s.webhook_url = webhook_from_url(r, *url, who);
        return s;
    }
    s.webhook_url = read_secret(r, "webhook_url", who, env);
    if (!r.find_node("webhook_url") && !r.find_node("webhook_url_env"))
        r.error(nullptr, fmt::format("{}: slack needs webhook_url, webhook_url_env or url", who));
    else if (!s.webhook_url.empty() && !is_http_url(s.webhook_url))
        r.error(r.find_node("webhook_url"),
                fmt::format("{}: webhook_url must be an http(s) URL", who));
    return s;
}

// .../services/T.../B.../X...: the team and bot ids are harmless, X is the secret.
std::string public_part(const std::string &url) {
    const auto path = printable_url(url);
    const auto cut = path.rfind('/');
    const auto at = path.find("/services/");
    if (at == std::string::npos || cut <= at + 10)
        return "?";
    return path.substr(at + 10, cut - at - 10);
}

class SlackChannel final : public Channel {
  public:
    std::string_view type() const override { return "slack"; }
    std::shared_ptr<const ChannelSettings> read(TableReader &r, const NotifierConfig &n,
                                                const EnvLookup &env) const override {
        return std::make_shared<const SlackSettings>(read_slack(r, n, env));
    }
    HttpRequest request(const NotifierConfig &n, const PushMessage &m,
                        const std::string &) const override {
        auto r = slack_request(n.settings_as<SlackSettings>(), m);
        r.display = where(n);
        return r;
    }
    Delivery interpret(const HttpResult &answer) const override { return interpret_slack(answer); }
    std::string where(const NotifierConfig &n) const override {
        return fmt::format("slack webhook {}",
                           public_part(n.settings_as<SlackSettings>().webhook_url));
    }
    std::string fingerprint_text(const NotifierConfig &n) const override {
        return fmt::format("slack\n{}", n.settings_as<SlackSettings>().webhook_url);
    }
    // One hooks URL, however spelt, is one channel: two notifiers naming it push once.
    std::string destination_text(const NotifierConfig &n) const override {
        return "slack\n" + canonical_url(n.settings_as<SlackSettings>().webhook_url);
    }
    std::vector<std::string> secrets(const NotifierConfig &n) const override {
        const auto &url = n.settings_as<SlackSettings>().webhook_url;
        return {url, url.substr(url.rfind('/') + 1)};
    }
    bool claims_url(std::string_view url) const override {
        return url.starts_with("slack://") || url.starts_with(k_hooks);
    }
};

} // namespace

const Channel &slack_channel() {
    static const SlackChannel k_channel;
    return k_channel;
}

// Slack's mrkdwn reads &, < and > as markup, so they are escaped; the top-level text is
// the notification's fallback where blocks are not shown.
HttpRequest slack_request(const SlackSettings &s, const PushMessage &m) {
    const auto text = fmt::format("*{}*\n{}", escape_markup(m.title), escape_markup(m.body));
    nlohmann::json blocks = nlohmann::json::array();
    blocks.push_back(
        {{"type", "section"},
         {"text", {{"type", "mrkdwn"}, {"text", utf8_prefix(text, k_section_bytes)}}}});
    // Slack refuses a whole message whose button URL is not http(s), so no button then.
    if (m.click.starts_with("https://") || m.click.starts_with("http://"))
        blocks.push_back({{"type", "actions"},
                          {"elements",
                           {{{"type", "button"},
                             {"text", {{"type", "plain_text"}, {"text", "예매하기"}}},
                             {"url", m.click}}}}});
    if (!m.image.empty())
        blocks.push_back({{"type", "image"},
                          {"image_url", m.image},
                          {"alt_text", std::string(utf8_prefix(m.title, k_alt_bytes))}});
    const nlohmann::json body = {{"text", text}, {"blocks", blocks}};
    HttpRequest r;
    r.method = "POST";
    r.url = s.webhook_url;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    r.expect = Expect::any;
    r.headers = {"Content-Type: application/json"};
    return r;
}

Delivery interpret_slack(const HttpResult &a) {
    const auto said = one_line(trim(a.body), 80);
    if (a.outcome == Outcome::ok && said == "ok")
        return {Delivery::Kind::delivered, "ok", 0};
    if (a.status >= 200 && a.status < 300) // only "ok" means posted: never guess
        return {Delivery::Kind::rejected,
                fmt::format("Slack answered HTTP {} without \"ok\": {}", a.status, said), 0};
    // Slack serves its error words as text/html: the word is the explanation, not a page.
    auto plain = a;
    if (a.status >= 400)
        plain.error = fmt::format("HTTP {}", a.status);
    return http_verdict(plain, "Slack", said);
}

} // namespace alimi
