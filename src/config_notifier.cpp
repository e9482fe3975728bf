// [[notifier]] and [alerts]: where secrets enter the config. Messages here name keys and
// variables, never their values.
#include "config.hpp"

#include "config_reader.hpp"
#include "notify/channel.hpp"

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
    if (var) {
        const auto v = env(*var);
        if (!v || v->empty())
            r.error(r.find_node(key + "_env"),
                    fmt::format("{}: environment variable {} ({}_env) is not set", who, *var, key));
        return v.value_or("");
    }
    return direct.value_or("");
}

NotifierConfig read_notifier(const ConfigNode &node, std::vector<std::string> &errors,
                             const EnvLookup &env) {
    NotifierConfig n;
    n.where = node.where;
    TableReader r(node, "[[notifier]]", errors);
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

} // namespace alimi
