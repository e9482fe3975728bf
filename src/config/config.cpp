#include "config.hpp"

#include "chain.hpp"
#include "channel.hpp"
#include "config_reader.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <set>

namespace alimi {

namespace {

void read_http(TableReader &r, HttpSettings &http) {
    r.number("timeout", http.timeout, 0.1, 600);
    r.integer("max_per_host", http.max_per_host, 1, 16);
    r.number("min_gap", http.min_gap, 0, 3600);
    if (auto ua = r.string("user_agent")) {
        if (ua->empty())
            r.error(r.get("user_agent", ConfigNode::Kind::string), "[http] 'user_agent' is empty");
        if (breaks_header(*ua))
            r.error(r.get("user_agent", ConfigNode::Kind::string),
                    "[http] 'user_agent' holds a line break or NUL; a header value is one line");
        http.user_agent = *ua;
    }
    r.integer("retries", http.retries, 0, 10);
    r.number("cooldown_429", http.cooldown_429, 0, 7 * 86400);
    r.number("cooldown_block", http.cooldown_block, 0, 7 * 86400);
    r.finish();
}

// A template may name only the known fields; {{ and }} are literal braces.
std::string read_template(TableReader &r, const char *key, const std::string &target) {
    const auto text = r.string(key).value_or("");
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 2, "{{") == 0 || text.compare(i, 2, "}}") == 0) {
            ++i;
            continue;
        }
        if (text[i] != '{')
            continue;
        const auto end = text.find('}', i);
        const auto field =
            text.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
        const auto known = std::find(std::begin(k_template_fields), std::end(k_template_fields),
                                     field) != std::end(k_template_fields);
        if (end == std::string::npos || !known) {
            std::string names;
            for (const auto *f : k_template_fields)
                names += fmt::format("{}{{{}}}", names.empty() ? "" : ", ", f);
            r.error(r.find_node(key),
                    fmt::format("target '{}': {} template names unknown field '{}' (known: {})",
                                target, key, field, names));
            break;
        }
        i = end;
    }
    return text;
}

// Where a target pushes: its list, or every notifier. A target that would push nowhere is a
// mistake unless it says so: notify = "none" is for --json pipelines.
std::vector<std::string> read_target_notify(TableReader &r, const Config &cfg,
                                            const std::string &name) {
    const auto who = fmt::format("target '{}':", name);
    if (const auto *n = r.find_node("notify"); n && n->kind == ConfigNode::Kind::string) {
        if (r.string("notify") != "none")
            r.error(n, fmt::format("{} notify must be a list of notifier names or \"none\"", who));
        return {};
    }
    if (auto notify = read_notify_list(r, cfg, who)) {
        if (notify->empty())
            r.error(r.find_node("notify"),
                    fmt::format("{} notify = [] pushes nowhere; say notify = \"none\" if only "
                                "check --json should see its openings",
                                who));
        return *notify;
    }
    if (cfg.notifiers.empty())
        r.error(nullptr, fmt::format("{} no [[notifier]] to push to; add one, or say notify = "
                                     "\"none\" if only check --json should see its openings",
                                     who));
    std::vector<std::string> all;
    for (const auto &n : cfg.notifiers)
        all.push_back(n.name);
    return all;
}

// `theater` as one code, or a list of them (one target each, named "name@code").
std::vector<std::string> read_theaters(TableReader &r, const std::string &name) {
    const auto *n = r.find_node("theater");
    if (!n || n->kind != ConfigNode::Kind::array)
        return {r.string("theater").value_or("")};
    auto list = r.string_list("theater").value_or(std::vector<std::string>{});
    if (list.empty())
        r.error(n, fmt::format("target '{}': theater = [] names no theater (theater = \"0013\" or "
                               "theater = [\"0013\", \"0056\"])",
                               name));
    std::set<std::string> seen;
    for (const auto &code : list)
        if (!seen.insert(code).second)
            r.error(n, fmt::format("target '{}': theater '{}' is listed twice", name, code));
    return list;
}

TargetConfig read_target_keys(TableReader &r, const ConfigNode &node, const Config &cfg) {
    TargetConfig t;
    t.where = node.where;
    t.name = r.name("target");
    const auto source = r.string("source").value_or(std::string(default_chain().name()));
    t.chain = find_chain(source);
    if (!t.chain) {
        r.error(r.find_node("source"), fmt::format("target '{}': unknown source '{}' ({})", t.name,
                                                   source, chain_names()));
        t.chain = &default_chain(); // reads the rest as the default chain's, to report more
    }
    t.screen = r.string("screen").value_or("");
    if (const auto *m = r.find_node("movie"); m && m->kind == ConfigNode::Kind::integer) {
        r.get("movie",
              ConfigNode::Kind::integer); // a bare number is fine: codes have no leading zeros
        t.movie = std::to_string(m->integer);
    } else {
        t.movie = r.string("movie").value_or("");
    }
    read_filter(r, t);
    t.chain->read_target(r, cfg.defaults_of(*t.chain), t);
    t.notify = read_target_notify(r, cfg, t.name);
    t.title_template = read_template(r, "push_title", t.name);
    t.message_template = read_template(r, "message", t.name);
    if (const auto *e = r.get("enabled", ConfigNode::Kind::boolean))
        t.enabled = e->boolean;
    return t;
}

// `region = "서울"` instead of theater; nullopt when not given. Written at all (even wrongly),
// the target is a region target: its missing theater is no second error.
std::optional<std::string> read_region(TableReader &r, const std::string &name) {
    const auto *node = r.find_node("region");
    if (!node)
        return std::nullopt;
    const auto region = std::string(trim(r.string("region").value_or("")));
    if (r.find_node("theater")) {
        r.error(node, fmt::format("target '{}': theater and region are alternatives; give one "
                                  "(theater = [\"0013\", \"0056\"] or region = \"서울\")",
                                  name));
        read_theaters(r, name); // read, so it is not also called an unknown key
    }
    if (node->kind == ConfigNode::Kind::string && region.empty())
        r.error(node, fmt::format("target '{}': region = \"\" names no region (region = "
                                  "\"서울\"; see alimi theaters)",
                                  name));
    return region;
}

// One [[target]]: one TargetConfig per theater it lists, or one standing for a region's.
std::vector<TargetConfig> read_target(const ConfigNode &node, const Config &cfg,
                                      std::vector<std::string> &errors) {
    TableReader r(node, "[[target]]", errors);
    auto common = read_target_keys(r, node, cfg);
    const auto region = read_region(r, common.name);
    common.region = region.value_or("");
    // A region target is checked as any theater of its region will be: the chain's example.
    const auto theaters =
        region ? std::vector<std::string>{std::string(common.chain->example_theater())}
               : read_theaters(r, common.name);
    const bool listed =
        node.find("theater") && node.find("theater")->kind == ConfigNode::Kind::array;
    std::vector<TargetConfig> out;
    for (const auto &code : theaters) {
        auto t = common;
        t.theater = code;
        // Checked under the name as written, so a problem of every theater is said once.
        std::vector<std::string> found;
        TableReader check(node, "[[target]]", found);
        t.chain->check_target(check, t);
        check_filter(check, t);
        for (auto &e : found)
            if (std::find(errors.begin(), errors.end(), e) == errors.end())
                errors.push_back(std::move(e));
        if (region) {
            t.theater.clear();
            t.group = common.name;
        } else if (listed) {
            t.group = common.name;
            t.name = common.name + "@" + code;
        }
        out.push_back(std::move(t));
    }
    r.finish();
    return out;
}

// One name for each item over all the lists (targets and region targets share one namespace).
template <typename Item>
void check_unique(std::initializer_list<const std::vector<Item> *> lists, const char *what,
                  std::vector<std::string> &errors) {
    std::set<std::string> seen;
    for (const auto *items : lists)
        for (const auto &i : *items)
            if (!i.name.empty() && !seen.insert(i.name).second)
                errors.push_back(fmt::format("{}: duplicate {} name '{}'", i.where, what, i.name));
}

// [cgv] and the like: each chain reads its own table into the defaults of its targets.
void read_chain_sections(TableReader &top, Config &cfg, std::vector<std::string> &errors) {
    for (const auto *chain : chains()) {
        auto defaults = chain->defaults();
        const auto section = std::string(chain->section());
        if (!section.empty())
            if (const auto *node = top.get(section, ConfigNode::Kind::table)) {
                TableReader r(*node, "[" + section + "]", errors);
                chain->read_section(r, defaults);
                r.finish();
            }
        cfg.chain_defaults.emplace(chain->name(), std::move(defaults));
    }
}

void read_sections(TableReader &top, const ConfigNode &root, Config &cfg,
                   std::vector<std::string> &errors, const EnvLookup &env) {
    cfg.state = top.string("state");
    read_chain_sections(top, cfg, errors);
    if (const auto *http = top.get("http", ConfigNode::Kind::table)) {
        TableReader r(*http, "[http]", errors);
        read_http(r, cfg.http);
    }
    if (const auto *delivery = top.get("delivery", ConfigNode::Kind::table)) {
        TableReader r(*delivery, "[delivery]", errors);
        r.number("give_up_after", cfg.delivery.give_up_after, 60, 30 * 86400);
        r.finish();
    }
    if (const auto *status = top.get("status", ConfigNode::Kind::table)) {
        TableReader r(*status, "[status]", errors);
        cfg.status.html = r.string("html").value_or("");
        cfg.status.prometheus = r.string("prometheus").value_or("");
        r.number("interval", cfg.status.interval, 1, 86400);
        r.number("keep_days", cfg.status.keep_days, 1, 3650);
        for (auto [key, out] : {std::pair{"ntfy_metrics", &cfg.status.ntfy_metrics},
                                std::pair{"ping_url", &cfg.status.ping_url}}) {
            *out = r.string(key).value_or("");
            if (!out->empty() && !is_http_url(*out))
                r.error(r.find_node(key),
                        fmt::format("[status] '{}' must be an http:// or https:// URL", key));
        }
        r.finish();
    }
    if (const auto *list = top.get("notifier", ConfigNode::Kind::array))
        for (const auto &item : list->items) {
            if (item.kind != ConfigNode::Kind::table)
                top.error(&item, "each [[notifier]] must be a table");
            else
                cfg.notifiers.push_back(read_notifier(item, errors, env, cfg.push_problems));
        }
    refuse_shared_destinations(cfg.notifiers, errors);
    if (const auto *alerts = top.get("alerts", ConfigNode::Kind::table)) {
        TableReader r(*alerts, "[alerts]", errors);
        read_alerts(r, cfg);
    }
    if (const auto *list = top.get("target", ConfigNode::Kind::array))
        for (const auto &item : list->items) {
            if (item.kind != ConfigNode::Kind::table)
                top.error(&item, "each [[target]] must be a table");
            else
                for (auto &t : read_target(item, cfg, errors))
                    (t.region.empty() ? cfg.targets : cfg.region_targets).push_back(std::move(t));
        }
    if (cfg.targets.empty() && cfg.region_targets.empty() && !top.find_node("target"))
        errors.push_back(fmt::format("{}: no [[target]] configured", root.where));
}

} // namespace

void check_screen(TableReader &r, const TargetConfig &t) {
    const auto &screens = t.chain->screens();
    if (!t.screen.empty() && std::find(screens.begin(), screens.end(), t.screen) == screens.end())
        r.error(r.find_node("screen"),
                fmt::format("target '{}': unknown screen '{}' for source {} (one of {})", t.name,
                            t.screen, t.chain->name(), fmt::join(screens, ", ")));
}

void check_movie_code(TableReader &r, const TargetConfig &t) {
    if (!t.movie.empty() && !std::all_of(t.movie.begin(), t.movie.end(), ::isdigit))
        r.error(r.find_node("movie"),
                fmt::format("target '{}': movie code '{}' must be digits", t.name, t.movie));
}

ChainSettings Config::defaults_of(const Chain &chain) const {
    const auto it = chain_defaults.find(chain.name());
    return it == chain_defaults.end() ? chain.defaults() : it->second;
}

std::vector<std::string> Config::secrets() const {
    std::vector<std::string> out;
    for (const auto &n : notifiers)
        for (auto &s : n.channel->secrets(n))
            if (!s.empty()) {
                // "Bearer X" is redacted as X too, and Basic's user and password.
                for (auto &part : credential_parts(s))
                    out.push_back(std::move(part));
                out.push_back(std::move(s));
            }
    for (const auto &url : {status.ping_url, status.ntfy_metrics})
        for (auto &s : url_secrets(url))
            out.push_back(std::move(s));
    // Longest first, so a URL is replaced whole before a key inside it is.
    std::sort(out.begin(), out.end(),
              [](const auto &a, const auto &b) { return a.size() > b.size(); });
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

const NotifierConfig *Config::notifier(std::string_view name) const {
    for (const auto &n : notifiers)
        if (n.name == name)
            return &n;
    return nullptr;
}

const TargetConfig *Config::target(std::string_view name) const {
    for (const auto &t : targets)
        if (t.name == name)
            return &t;
    return nullptr;
}

std::vector<const TargetConfig *> Config::targets_named(std::string_view name) const {
    std::vector<const TargetConfig *> out;
    for (const auto &t : targets)
        if (t.name == name || t.group == name)
            out.push_back(&t);
    return out;
}

Config config_from_tree(const ConfigNode &root, const std::string &path, const EnvLookup &env) {
    Config cfg;
    cfg.path = path;
    std::vector<std::string> errors;
    TableReader top(root, "the top level", errors);
    read_sections(top, root, cfg, errors, env);
    top.finish();
    check_unique({&cfg.notifiers}, "notifier", errors);
    for (const auto &n : cfg.notifiers)
        if (!n.inline_secret.empty() && cfg.inline_secret.empty())
            cfg.inline_secret = fmt::format("notifier '{}' {}", n.name, n.inline_secret);
    check_unique({&cfg.targets, &cfg.region_targets}, "target", errors);
    if (!errors.empty())
        throw ConfigError(errors);
    return cfg;
}

Config load_config(const std::string &path, const EnvLookup &env) {
    return config_from_tree(load_config_tree(path), path, env);
}

} // namespace alimi
