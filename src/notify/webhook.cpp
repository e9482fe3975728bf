#include "webhook.hpp"

#include "config_reader.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace alimi {

namespace {

// A stricter set than RFC 9110's token: every real header name fits it, and nothing that
// could split or confuse a header line does.
bool is_header_name(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

// Names whose values are credentials: written in the file, they make it worth a chmod 600.
bool names_a_credential(std::string_view name) {
    const auto lower = lower_ascii(std::string(name));
    for (const auto *word : {"auth", "token", "key", "secret", "cookie", "password"})
        if (lower.find(word) != std::string::npos)
            return true;
    return false;
}

// json://host/path and jsons://host/path (Apprise) are http:// and https://.
std::string native_url(const std::string &url) {
    if (url.starts_with("json://"))
        return "http://" + url.substr(7);
    if (url.starts_with("jsons://"))
        return "https://" + url.substr(8);
    return url;
}

// headers = { Name = "value", Name_env = "VARIABLE" }: values from the file or the environment.
void read_headers(TableReader &r, WebhookSettings &s, const std::string &who,
                  const EnvLookup &env) {
    const auto *table = r.get("headers", ConfigNode::Kind::table);
    if (!table)
        return;
    for (const auto &[key, value] : table->members) {
        const bool from_env = key.ends_with("_env");
        const auto name = from_env ? key.substr(0, key.size() - 4) : key;
        if (!is_header_name(name) || value.kind != ConfigNode::Kind::string) {
            r.error(&value, fmt::format("{}: headers.{} must be a header name (letters, digits, "
                                        "-) with a string value",
                                        who, one_line(key, 40)));
            continue;
        }
        auto v = from_env ? env(value.text).value_or("") : value.text;
        if (from_env && v.empty())
            r.push_error(&value, fmt::format("{}: environment variable {} (headers.{}) is not set",
                                             who, one_line(value.text, 40), key));
        if (!from_env && names_a_credential(name))
            r.note_secret("headers");
        // A credential's value is redacted everywhere; X-Source = "alimi" is plain config.
        if (from_env || names_a_credential(name))
            s.secret_values.push_back(v);
        if (breaks_header(v))
            r.error(&value, fmt::format("{}: headers.{} holds a line break or NUL; a header "
                                        "value must be one line",
                                        who, key));
        s.headers.emplace_back(name, std::move(v));
    }
}

// url_env keeps the URL out of the config file, as for every channel whose URL is a secret.
WebhookSettings read_webhook(TableReader &r, const NotifierConfig &n, const EnvLookup &env) {
    WebhookSettings s;
    const auto who = fmt::format("notifier '{}'", n.name);
    s.url = native_url(read_secret(r, "url", who, env));
    if (!r.find_node("url") && !r.find_node("url_env"))
        r.error(nullptr, fmt::format("{}: webhook needs url or url_env", who));
    else if (!s.url.empty() && !is_http_url(s.url))
        r.error(r.find_node(r.find_node("url") ? "url" : "url_env"),
                fmt::format("{}: url must be http://, https://, json:// or jsons://", who));
    read_headers(r, s, who, env);
    return s;
}

class WebhookChannel final : public Channel {
  public:
    std::string_view type() const override { return "webhook"; }
    std::shared_ptr<const ChannelSettings> read(TableReader &r, const NotifierConfig &n,
                                                const EnvLookup &env) const override {
        return std::make_shared<const WebhookSettings>(read_webhook(r, n, env));
    }
    HttpRequest request(const NotifierConfig &n, const PushMessage &m,
                        const std::string &) const override {
        auto r = webhook_request(n.settings_as<WebhookSettings>(), m);
        r.display = where(n);
        return r;
    }
    Delivery interpret(const HttpResult &answer) const override {
        return interpret_webhook(answer);
    }
    // Only the host: a webhook's path or query is often its key.
    std::string where(const NotifierConfig &n) const override {
        return fmt::format("webhook {}", host_of(n.settings_as<WebhookSettings>().url));
    }
    // Two notifiers naming one URL (spelt differently) are one destination: one push each.
    std::string destination_text(const NotifierConfig &n) const override {
        return "webhook\n" + canonical_url(n.settings_as<WebhookSettings>().url);
    }
    // Headers are part of the fingerprint: a held push is released when the operator fixes a
    // token header, not only when the URL changes. Only ever hashed.
    std::string fingerprint_text(const NotifierConfig &n) const override {
        const auto &s = n.settings_as<WebhookSettings>();
        auto text = fmt::format("webhook\n{}", s.url);
        for (const auto &[k, v] : s.headers)
            text += fmt::format("\n{}: {}", k, v);
        return text;
    }
    // The URL and its long path parts, plus every credential header's value.
    std::vector<std::string> secrets(const NotifierConfig &n) const override {
        const auto &s = n.settings_as<WebhookSettings>();
        auto out = url_secrets(s.url);
        out.insert(out.end(), s.secret_values.begin(), s.secret_values.end());
        return out;
    }
    // Apprise-style URLs (json://) given to `notify test URL` are this channel's.
    bool claims_url(std::string_view url) const override {
        return url.starts_with("json://") || url.starts_with("jsons://");
    }
};

} // namespace

const Channel &webhook_channel() {
    static const WebhookChannel k_channel;
    return k_channel;
}

// A stable JSON document for receivers' scripts: the keys are part of the contract, and
// structured fields (target, chain, openings) come from the push's data, not its text.
std::string webhook_body(const PushMessage &m) {
    const auto data = nlohmann::ordered_json::parse(m.data, nullptr, false);
    const auto field = [&](const char *key) {
        return data.is_object() && data.contains(key) ? data[key] : nlohmann::ordered_json("");
    };
    nlohmann::ordered_json body = {{"title", m.title},        {"message", m.body},
                                   {"priority", m.priority},  {"target", field("target")},
                                   {"chain", field("chain")}, {"link", m.click}};
    const auto openings = field("openings");
    // Always a list, even when empty, so receivers need no null check.
    body["openings"] = openings.is_array() ? openings : nlohmann::ordered_json::array();
    if (!m.image.empty())
        body["poster"] = m.image;
    return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

HttpRequest webhook_request(const WebhookSettings &s, const PushMessage &m) {
    HttpRequest r;
    r.method = "POST";
    r.url = s.url;
    r.body = webhook_body(m);
    r.expect = Expect::any;
    r.headers = {"Content-Type: application/json"};
    for (const auto &[k, v] : s.headers)
        r.headers.push_back(fmt::format("{}: {}", k, v));
    return r;
}

// Any 2xx is delivered: receivers answer 200, 201, 202 or 204 as they please.
Delivery interpret_webhook(const HttpResult &a) {
    if (a.status >= 200 && a.status < 300 && a.outcome == Outcome::ok)
        return {Delivery::Kind::delivered, fmt::format("HTTP {}", a.status), 0};
    return http_verdict(a, "the webhook", one_line(trim(a.body), 120));
}

} // namespace alimi
