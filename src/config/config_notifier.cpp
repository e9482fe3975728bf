// [[notifier]] and [alerts]: where secrets enter the config. Messages here name keys and
// variables, never their values.
#include "config.hpp"

#include "channel.hpp"
#include "config_reader.hpp"

#include <map>
#include <set>

namespace alimi {

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
    auto value = var ? env(*var).value_or("") : direct.value_or("");
    if (var && value.empty())
        r.push_error(
            r.find_node(key + "_env"),
            fmt::format("{}: environment variable {} ({}_env) is not set", who, *var, key));
    // Secrets end up in header lines and URLs: a line break would smuggle in another header.
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
        r.error(r.find_node(var ? key + "_env" : key),
                fmt::format("{}: {} holds a line break or NUL; a secret is one line", who,
                            var ? "the value of " + *var : key));
        return "";
    }
    return value;
}

std::optional<std::vector<std::string>> read_notify_list(TableReader &r, const Config &cfg,
                                                         const std::string &who) {
    auto notify = r.string_list("notify");
    if (!notify)
        return notify;
    std::set<std::string> seen;
    for (const auto &name : *notify) {
        if (!cfg.notifier(name))
            r.error(r.find_node("notify"),
                    fmt::format("{} notify names '{}', which is no [[notifier]]", who, name));
        // Listed twice would mean two pushes of one opening to one place.
        if (!seen.insert(name).second)
            r.error(r.find_node("notify"), fmt::format("{} notify names '{}' twice", who, name));
    }
    return notify;
}

NotifierConfig read_notifier(const ConfigNode &node, std::vector<std::string> &errors,
                             const EnvLookup &env, std::vector<std::string> &push_problems) {
    NotifierConfig n;
    n.where = node.where;
    TableReader r(node, "[[notifier]]", errors);
    r.defer_push_errors_to(push_problems);
    n.name = r.name("notifier");
    const auto type = r.string("type");
    // Peeked, not read: the channel reads (and so accepts) its own url key.
    const auto *url = r.find_node("url");
    n.channel =
        channel_for(type, url && url->kind == ConfigNode::Kind::string ? std::optional(url->text)
                                                                       : std::nullopt);
    if (n.channel)
        n.settings = n.channel->read(r, n, env);
    else // the config is rejected: nothing will use this notifier
        r.error(r.find_node("type"), fmt::format("notifier '{}': unknown type '{}' ({})", n.name,
                                                 type.value_or(""), channel_names()));
    if (const auto *p = r.get("poster", ConfigNode::Kind::boolean))
        n.poster = p->boolean;
    n.inline_secret = r.secret_key();
    r.finish();
    return n;
}

void refuse_shared_destinations(const std::vector<NotifierConfig> &notifiers,
                                std::vector<std::string> &errors) {
    std::map<std::string, const NotifierConfig *> seen; // destination text -> first notifier
    for (const auto &n : notifiers) {
        if (!n.channel || !n.settings)
            continue;
        const auto text = n.channel->destination_text(n);
        // A secret from an unset variable leaves a part empty: that is said elsewhere.
        if (text.ends_with('\n') || text.find("\n\n") != std::string::npos || text.ends_with("://"))
            continue;
        const auto [it, fresh] = seen.emplace(text, &n);
        if (!fresh)
            errors.push_back(fmt::format(
                "{}: notifiers '{}' ({}) and '{}' push to the same destination: every opening "
                "would arrive twice; keep one",
                n.where, it->second->name, it->second->where, n.name));
    }
}

void read_alerts(TableReader &r, Config &cfg) {
    if (auto notify = read_notify_list(r, cfg, "[alerts]"))
        cfg.alerts.notify = *notify;
    r.integer("after", cfg.alerts.after, 1, 1000);
    r.finish();
}

} // namespace alimi
