#include "ntfy.hpp"

#include "config_reader.hpp"
#include "text.hpp"
#include "utf8.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace alimi {

namespace {
// The README's and examples' topic: refused, so nobody pushes to a topic everyone copied.
constexpr std::string_view k_placeholder_topic = "CHANGE-ME";
} // namespace

namespace {

// A title is one line on a phone; a template or a cinema must not make a header of kilobytes.
constexpr std::size_t k_max_title_bytes = 256;

std::string join(const std::vector<std::string> &items, const char *sep) {
    std::string out;
    for (const auto &i : items)
        out += (out.empty() ? "" : sep) + i;
    return out;
}

// "view" actions open a URL on tap; labels and URLs come from our own message, never from
// a server's text, so the header's ; and , separators are safe.
std::string actions_header(const std::vector<PushAction> &actions) {
    std::vector<std::string> parts;
    for (std::size_t i = 0; i < actions.size() && i < 3; ++i) // ntfy takes at most three
        parts.push_back(fmt::format("view, {}, {}", actions[i].label, actions[i].url));
    return join(parts, "; ");
}

Delivery make(Delivery::Kind kind, std::string detail, double wait = 0) {
    return Delivery{kind, std::move(detail), wait};
}

// ntfy://[user:password@|tk_token@]host[:port]/topic, ntfys:// for https (Apprise's spelling).
// Credentials inside the URL make the URL a secret of the file's, noted for the chmod
// advice; the password and token are then redacted like any other.
void read_ntfy_url(TableReader &r, NtfySettings &n, const std::string &who,
                   const std::string &url) {
    const auto *at = r.find_node("url");
    const bool tls = url.starts_with("ntfys://");
    if (!tls && !url.starts_with("ntfy://")) {
        r.error(at, fmt::format("{}: url must start with ntfy:// or ntfys://", who));
        return;
    }
    auto rest = url.substr(url.find("://") + 3);
    const auto slash = rest.find('/');
    if (slash == std::string::npos || slash + 1 >= rest.size()) {
        r.error(at, fmt::format("{}: url needs a topic: ntfys://host/topic", who));
        return;
    }
    auto authority = rest.substr(0, slash);
    n.topic = rest.substr(slash + 1);
    if (const auto userinfo_end = authority.rfind('@'); userinfo_end != std::string::npos) {
        const auto userinfo = authority.substr(0, userinfo_end);
        authority = authority.substr(userinfo_end + 1);
        r.note_secret("url");
        if (const auto colon = userinfo.find(':'); colon != std::string::npos) {
            n.user = userinfo.substr(0, colon);
            n.password = userinfo.substr(colon + 1);
        } else {
            n.token = userinfo;
        }
    }
    n.server = (tls ? "https://" : "http://") + authority;
    if (authority.empty())
        r.error(at, fmt::format("{}: url has no host", who));
}

void read_ntfy(TableReader &r, NtfySettings &n, const std::string &who, const EnvLookup &env) {
    if (const auto url = r.string("url")) {
        if (r.find_node("server") || r.find_node("topic"))
            r.error(r.find_node("url"),
                    fmt::format("{}: url replaces server and topic; give one or the other", who));
        read_ntfy_url(r, n, who, *url);
    } else {
        n.server = r.string("server").value_or(n.server);
        n.topic = r.required_string("topic");
    }
    // "https://ntfy.sh/" and "https://ntfy.sh" must post to the same topic URL.
    while (n.server.ends_with('/'))
        n.server.pop_back();
    if (!is_http_url(n.server))
        r.error(r.find_node("server"),
                fmt::format("{}: server must be an http:// or https:// URL", who));
    if (!n.topic.empty() && !is_topic(n.topic))
        r.error(r.find_node(r.find_node("url") ? "url" : "topic"),
                fmt::format("{}: topic must be 1-64 of A-Z a-z 0-9 _ -", who));
    // Anyone who knows a public topic reads its pushes: an example's topic must not be shared
    // by everyone who copied the example.
    if (n.topic.starts_with(k_placeholder_topic))
        r.push_error(r.find_node(r.find_node("url") ? "url" : "topic"),
                     fmt::format("{}: topic '{}' is the example's placeholder; pick your own long, "
                                 "unguessable topic (alimi init makes one)",
                                 who, n.topic));
    if (auto token = read_secret(r, "token", who, env); !token.empty())
        n.token = token;
    // Without a token, whoever knows the topic reads (and can send to) the pushes: a topic
    // written in the file is a secret of the file's, noted after any token (which says more).
    if (!n.topic.empty() && n.token.empty())
        r.note_secret(r.find_node("url") ? "url" : "topic");
    if (auto user = r.string("user"))
        n.user = *user;
    if (auto password = read_secret(r, "password", who, env); !password.empty())
        n.password = password;
    if (!n.token.empty() && !n.user.empty())
        r.error(nullptr, fmt::format("{}: give a token or user/password, not both", who));
    if (!n.user.empty() && n.password.empty())
        r.error(nullptr, fmt::format("{}: user needs password or password_env", who));
    n.icon = r.string("icon").value_or("");
    for (const auto &[key, value] : {std::pair{"icon", &n.icon}, std::pair{"user", &n.user}})
        if (breaks_header(*value))
            r.error(r.find_node(key),
                    fmt::format("{}: {} holds a line break or NUL; it goes into a header line, "
                                "which must be one line",
                                who, key));
    if (const auto *m = r.get("markdown", ConfigNode::Kind::boolean))
        n.markdown = m->boolean;
}

class NtfyChannel final : public Channel {
  public:
    std::string_view type() const override { return "ntfy"; }

    std::shared_ptr<const ChannelSettings> read(TableReader &r, const NotifierConfig &n,
                                                const EnvLookup &env) const override {
        NtfySettings s;
        read_ntfy(r, s, fmt::format("notifier '{}'", n.name), env);
        return std::make_shared<const NtfySettings>(std::move(s));
    }
    HttpRequest request(const NotifierConfig &n, const PushMessage &m,
                        const std::string &sequence_id) const override {
        return ntfy_request(n.settings_as<NtfySettings>(), m, sequence_id);
    }
    Delivery interpret(const HttpResult &answer) const override { return interpret_ntfy(answer); }
    std::string where(const NotifierConfig &n) const override {
        const auto &s = n.settings_as<NtfySettings>();
        return fmt::format("{}/{}", printable_url(s.server), s.topic);
    }
    std::vector<std::string> secrets(const NotifierConfig &n) const override {
        const auto &s = n.settings_as<NtfySettings>();
        // The Authorization value too: an echo of the request would carry it encoded.
        return {s.token, s.password,
                s.password.empty() ? "" : base64_encode(s.user + ":" + s.password)};
    }
    bool claims_url(std::string_view url) const override {
        return url.starts_with("ntfy://") || url.starts_with("ntfys://");
    }
    // Server and topic make the phone's subscription: two notifiers naming the same pair are
    // one destination and push each opening once.
    std::string destination_text(const NotifierConfig &n) const override {
        const auto &s = n.settings_as<NtfySettings>();
        return fmt::format("ntfy\n{}/{}", canonical_url(s.server), s.topic);
    }
    // The layout of the fingerprints stored with held pushes; kept so they stay held.
    std::string fingerprint_text(const NotifierConfig &n) const override {
        const auto &s = n.settings_as<NtfySettings>();
        return fmt::format("ntfy\n{}\n{}\n{}\n{}\n{}\n", s.server, s.topic, s.token, s.user,
                           s.password);
    }
};

} // namespace

const Channel &ntfy_channel() {
    static const NtfyChannel k_channel;
    return k_channel;
}

// The body is the message and the metadata goes in headers (the form every ntfy server
// version accepts); non-ASCII header values go RFC 2047 encoded.
HttpRequest ntfy_request(const NtfySettings &n, const PushMessage &m,
                         const std::string &sequence_id) {
    HttpRequest r;
    r.method = "POST";
    r.url = n.server + "/" + n.topic;
    r.expect = Expect::json;
    r.body = std::string(utf8_prefix(m.body, k_max_body_bytes));
    r.headers = {"Content-Type: text/plain; charset=utf-8", "Accept: application/json",
                 "X-Title: " + header_value(utf8_prefix(m.title, k_max_title_bytes)),
                 fmt::format("X-Priority: {}", m.priority)};
    if (!m.tags.empty())
        r.headers.push_back("X-Tags: " + header_value(join(m.tags, ",")));
    if (!m.click.empty())
        r.headers.push_back("X-Click: " + header_value(m.click));
    if (!m.actions.empty())
        r.headers.push_back("X-Actions: " + header_value(actions_header(m.actions)));
    // A sequence id makes a retried push replace its own earlier copy on the phone (ntfy
    // 2.16+) instead of showing twice when the first answer was lost.
    if (!sequence_id.empty())
        r.headers.push_back("X-Sequence-ID: " + sequence_id);
    if (n.markdown)
        r.headers.push_back("X-Markdown: yes");
    if (!n.icon.empty())
        r.headers.push_back("X-Icon: " + header_value(n.icon));
    if (!m.image.empty()) // an image URL attached: the app shows it under the text
        r.headers.push_back("X-Attach: " + header_value(m.image));
    if (!n.token.empty())
        r.headers.push_back("Authorization: Bearer " + n.token);
    else if (!n.user.empty())
        r.headers.push_back("Authorization: Basic " + base64_encode(n.user + ":" + n.password));
    return r;
}

// ntfy's JSON error codes say more than the status: 42908 (daily quota) holds for an hour,
// other 429s retry after at least 5 s, refused credentials wait for a config change.
Delivery interpret_ntfy(const HttpResult &a) {
    const auto j = parse_small_answer(a.body);
    if (a.outcome == Outcome::ok) {
        const bool has_id = j.is_object() && j.contains("id") && j["id"].is_string();
        return make(Delivery::Kind::delivered, has_id ? j["id"].get<std::string>() : "");
    }
    long code = 0;
    std::string said;
    if (j.is_object()) {
        if (j.contains("code") && j["code"].is_number_integer())
            code = j["code"].get<long>();
        if (j.contains("error") && j["error"].is_string())
            said = one_line(j["error"].get<std::string>(), 120);
    }
    const auto why = fmt::format("{}{}{}", a.error, code ? fmt::format(", code {}", code) : "",
                                 said.empty() ? "" : ": " + said);
    if (code == 42908)
        return make(Delivery::Kind::hold, "daily message quota reached (" + why + ")", 3600);
    if (a.status == 429)
        return make(Delivery::Kind::retry, why, std::max(5.0, a.retry_after.value_or(5)));
    if (a.status == 401 || a.status == 403)
        return make(Delivery::Kind::rejected, "credentials refused (" + why + ")", 3600);
    if (a.status >= 400 && a.status < 500)
        return make(Delivery::Kind::rejected, "request refused (" + why + ")", 3600);
    return make(Delivery::Kind::retry, why);
}

} // namespace alimi
