// [[notifier]] and [alerts]: where secrets enter the config. Messages here name keys and
// variables, never their values.
#include "config.hpp"

#include "config_reader.hpp"
#include "crypto.hpp"
#include "http_policy.hpp"

namespace alimi {

namespace {

// A secret from KEY or KEY_env (the name of an environment variable), never both.
std::string read_secret(TableReader &r, const std::string &key, const std::string &who,
                        const EnvLookup &env) {
    const auto direct = r.string(key);
    const auto var = r.string(key + "_env");
    if (direct && !direct->empty())
        r.note_secret(key);
    if (direct && var)
        r.error(r.find_node(key + "_env"),
                fmt::format("{}: give {} or {}_env, not both", who, key, key));
    if (var) {
        const auto v = env(*var);
        if (!v || v->empty())
            r.error(r.find_node(key + "_env"),
                    fmt::format("{}: environment variable {} ({}_env) is not set", who, *var, key));
        return v.value_or("");
    }
    return direct.value_or("");
}

// ntfy://[user:password@|tk_token@]host[:port]/topic, ntfys:// for https (Apprise's spelling).
void read_ntfy_url(TableReader &r, NotifierConfig &n, const std::string &url) {
    const auto *at = r.find_node("url");
    const bool tls = url.starts_with("ntfys://");
    if (!tls && !url.starts_with("ntfy://")) {
        r.error(at, fmt::format("notifier '{}': url must start with ntfy:// or ntfys://", n.name));
        return;
    }
    auto rest = url.substr(url.find("://") + 3);
    const auto slash = rest.find('/');
    if (slash == std::string::npos || slash + 1 >= rest.size()) {
        r.error(at, fmt::format("notifier '{}': url needs a topic: ntfys://host/topic", n.name));
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
        r.error(at, fmt::format("notifier '{}': url has no host", n.name));
}

void read_ntfy(TableReader &r, NotifierConfig &n, const EnvLookup &env) {
    const auto who = fmt::format("notifier '{}'", n.name);
    if (const auto url = r.string("url")) {
        if (r.find_node("server") || r.find_node("topic"))
            r.error(r.find_node("url"),
                    fmt::format("{}: url replaces server and topic; give one or the other", who));
        read_ntfy_url(r, n, *url);
    } else {
        n.server = r.string("server").value_or(n.server);
        n.topic = r.required_string("topic");
    }
    while (n.server.ends_with('/'))
        n.server.pop_back();
    if (!is_http_url(n.server))
        r.error(r.find_node("server"),
                fmt::format("{}: server must be an http:// or https:// URL", who));
    if (!n.topic.empty() && !is_topic(n.topic))
        r.error(r.find_node(r.find_node("url") ? "url" : "topic"),
                fmt::format("{}: topic must be 1-64 of A-Z a-z 0-9 _ -", who));
    if (auto token = read_secret(r, "token", who, env); !token.empty())
        n.token = token;
    if (auto user = r.string("user"))
        n.user = *user;
    if (auto password = read_secret(r, "password", who, env); !password.empty())
        n.password = password;
    if (!n.token.empty() && !n.user.empty())
        r.error(nullptr, fmt::format("{}: give a token or user/password, not both", who));
    if (!n.user.empty() && n.password.empty())
        r.error(nullptr, fmt::format("{}: user needs password or password_env", who));
    n.icon = r.string("icon").value_or("");
    if (const auto *m = r.get("markdown", ConfigNode::Kind::boolean))
        n.markdown = m->boolean;
}

void read_discord(TableReader &r, NotifierConfig &n, const EnvLookup &env) {
    const auto who = fmt::format("notifier '{}'", n.name);
    n.webhook_url = read_secret(r, "webhook_url", who, env);
    if (!r.find_node("webhook_url") && !r.find_node("webhook_url_env"))
        r.error(nullptr,
                fmt::format("[[notifier]] '{}' of type discord is missing 'webhook_url'", n.name));
    else if (!n.webhook_url.empty() && !n.webhook_url.starts_with("https://") &&
             !n.webhook_url.starts_with("http://"))
        r.error(r.find_node("webhook_url"),
                fmt::format("{}: webhook_url must be an http(s) URL", who));
}

} // namespace

NotifierConfig read_notifier(const ConfigNode &node, std::vector<std::string> &errors,
                             const EnvLookup &env) {
    NotifierConfig n;
    n.where = node.where;
    TableReader r(node, "[[notifier]]", errors);
    n.name = r.name("notifier");
    n.type = r.string("type").value_or("ntfy");
    if (n.type == "ntfy")
        read_ntfy(r, n, env);
    else if (n.type == "discord")
        read_discord(r, n, env);
    else
        r.error(r.find_node("type"),
                fmt::format("notifier '{}': unknown type '{}' (ntfy or discord)", n.name, n.type));
    n.inline_secret = r.secret_key();
    r.finish();
    return n;
}

void read_alerts(TableReader &r, Config &cfg) {
    if (auto notify = r.string_list("notify")) {
        for (const auto &name : *notify)
            if (!cfg.notifier(name))
                r.error(r.find_node("notify"),
                        fmt::format("[alerts] notify names '{}', which is no [[notifier]]", name));
        cfg.alerts.notify = *notify;
    }
    r.integer("after", cfg.alerts.after, 1, 1000);
    r.finish();
}

std::string NotifierConfig::fingerprint() const {
    return sha256_hex(fmt::format("{}\n{}\n{}\n{}\n{}\n{}\n{}", type, server, topic, token, user,
                                  password, webhook_url))
        .substr(0, 16);
}

std::string NotifierConfig::describe() const {
    if (type == "discord") {
        // .../api/webhooks/<id>/<token>: the id is harmless, the token is the secret.
        auto path = printable_url(webhook_url);
        const auto marker = path.find("/webhooks/");
        const auto id = marker == std::string::npos
                            ? ""
                            : path.substr(marker + 10, path.find('/', marker + 10) - marker - 10);
        return fmt::format("{} (discord webhook {})", name, id.empty() ? "?" : id);
    }
    return fmt::format("{} ({}/{})", name, printable_url(server), topic);
}

} // namespace alimi
