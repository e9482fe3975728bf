#include "config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace alimi {

namespace {

bool is_name(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
}

bool is_topic(std::string_view s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

bool is_theater_code(std::string_view s) {
    return s.size() == 4 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c));
    });
}

bool is_http_url(std::string_view s) {
    return (s.starts_with("http://") && s.size() > 7) || (s.starts_with("https://") && s.size() > 8);
}

// Reads one table of the tree. Every key looked up is remembered, so finish() can report the
// rest as unknown: a misspelt key must be an error, not a silently ignored setting.
class TableReader {
  public:
    TableReader(const ConfigNode& node, std::string section, std::vector<std::string>& errors)
        : m_node(node), m_section(std::move(section)), m_errors(errors) {}

    const std::string& where() const { return m_node.where; }
    const ConfigNode* find_node(std::string_view key) const { return m_node.find(key); }

    void error(const ConfigNode* at, const std::string& message) {
        m_errors.push_back(fmt::format("{}: {}", at ? at->where : m_node.where, message));
    }

    const ConfigNode* get(std::string_view key, ConfigNode::Kind kind) {
        m_seen.insert(std::string(key));
        const auto* n = m_node.find(key);
        if (!n) return nullptr;
        const bool numeric_ok = kind == ConfigNode::Kind::floating && n->is_number();
        if (n->kind != kind && !numeric_ok) {
            error(n, fmt::format("{} '{}' must be {}, not {}", m_section, key, kind_name(kind),
                                 kind_name(n->kind)));
            return nullptr;
        }
        return n;
    }

    std::optional<std::string> string(std::string_view key) {
        const auto* n = get(key, ConfigNode::Kind::string);
        return n ? std::optional(n->text) : std::nullopt;
    }

    std::string required_string(std::string_view key) {
        const bool present = m_node.find(key) != nullptr;
        auto v = string(key);
        if (!present) error(nullptr, fmt::format("{} is missing '{}'", m_section, key));
        return v.value_or("");
    }

    void number(std::string_view key, double& out, double min, double max) {
        if (const auto* n = get(key, ConfigNode::Kind::floating)) {
            if (n->number() < min || n->number() > max)
                error(n, fmt::format("{} '{}' must be between {} and {}", m_section, key, min, max));
            else
                out = n->number();
        }
    }

    void integer(std::string_view key, int& out, int min, int max) {
        if (const auto* n = get(key, ConfigNode::Kind::integer)) {
            if (n->integer < min || n->integer > max)
                error(n, fmt::format("{} '{}' must be between {} and {}", m_section, key, min, max));
            else
                out = static_cast<int>(n->integer);
        }
    }

    std::optional<std::vector<std::string>> string_list(std::string_view key) {
        const auto* n = get(key, ConfigNode::Kind::array);
        if (!n) return std::nullopt;
        std::vector<std::string> out;
        for (const auto& item : n->items) {
            if (item.kind == ConfigNode::Kind::string) out.push_back(item.text);
            else error(&item, fmt::format("{} '{}' must list strings", m_section, key));
        }
        return out;
    }

    // Reports keys that were never looked up.
    void finish() {
        for (const auto& [key, value] : m_node.members)
            if (!m_seen.contains(key)) error(&value, fmt::format("unknown key '{}' in {}", key, m_section));
    }

  private:
    const ConfigNode& m_node;
    std::string m_section;
    std::vector<std::string>& m_errors;
    std::set<std::string> m_seen;
};

const std::vector<std::string>& screens_of(SourceKind source) {
    static const std::vector<std::string> k_cgv = {"imax", "4dx", "screenx", "dolby"};
    static const std::vector<std::string> k_legacy = {"imax", "4dx", "screenx"};
    return source == SourceKind::cgv ? k_cgv : k_legacy;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : std::string(sep)) + i;
    return out;
}

void read_http(TableReader& r, HttpSettings& http) {
    r.number("timeout", http.timeout, 0.1, 600);
    r.integer("max_per_host", http.max_per_host, 1, 16);
    r.number("min_gap", http.min_gap, 0, 3600);
    if (auto ua = r.string("user_agent")) {
        if (ua->empty()) r.error(r.get("user_agent", ConfigNode::Kind::string), "[http] 'user_agent' is empty");
        http.user_agent = *ua;
    }
    r.integer("retries", http.retries, 0, 10);
    r.number("cooldown_429", http.cooldown_429, 0, 7 * 86400);
    r.number("cooldown_block", http.cooldown_block, 0, 7 * 86400);
    r.finish();
}

NotifierConfig read_notifier(const ConfigNode& node, std::vector<std::string>& errors,
                             const EnvLookup& env) {
    NotifierConfig n;
    n.where = node.where;
    TableReader r(node, "[[notifier]]", errors);
    n.name = r.required_string("name");
    if (!n.name.empty() && !is_name(n.name))
        r.error(r.find_node("name"), fmt::format("notifier name '{}' may only use A-Z a-z 0-9 . _ -", n.name));
    n.type = r.string("type").value_or("ntfy");
    if (n.type != "ntfy") r.error(r.find_node("type"), fmt::format("notifier '{}': unknown type '{}' (known: ntfy)", n.name, n.type));
    n.server = r.string("server").value_or(n.server);
    while (n.server.ends_with('/')) n.server.pop_back();
    if (!is_http_url(n.server))
        r.error(r.find_node("server"), fmt::format("notifier '{}': server must be an http:// or https:// URL", n.name));
    n.topic = r.required_string("topic");
    if (r.find_node("topic") && !is_topic(n.topic))
        r.error(r.find_node("topic"), fmt::format("notifier '{}': topic must be 1-64 of A-Z a-z 0-9 _ -", n.name));
    const auto token = r.string("token");
    const auto token_env = r.string("token_env");
    if (token && token_env) r.error(r.find_node("token_env"), fmt::format("notifier '{}': give token or token_env, not both", n.name));
    if (token) n.token = *token;
    if (token_env) {
        auto v = env(*token_env);
        if (!v || v->empty())
            r.error(r.find_node("token_env"), fmt::format("notifier '{}': environment variable {} (token_env) is not set", n.name, *token_env));
        else
            n.token = *v;
    }
    r.finish();
    return n;
}

void read_legacy_params(TableReader& r, TargetConfig& t) {
    const auto* params = r.get("params", ConfigNode::Kind::table);
    if (!params) return;
    for (const auto& [key, value] : params->members) {
        if (value.kind != ConfigNode::Kind::string)
            r.error(&value, fmt::format("target '{}': params.{} must be a string (the captured Base64 value)", t.name, key));
        else
            t.params.emplace_back(key, value.text);
    }
    if (params->members.empty()) r.error(params, fmt::format("target '{}': params is empty", t.name));
}

void check_target_fields(TableReader& r, TargetConfig& t) {
    const bool legacy = t.source == SourceKind::cgv_legacy;
    if (!t.params.empty() && (!t.theater.empty() || !t.screen.empty() || !t.movie.empty()))
        r.error(nullptr, fmt::format("target '{}': params replaces theater/screen/movie; give one or the other", t.name));
    if (t.params.empty() && t.theater.empty())
        r.error(nullptr, fmt::format("target '{}' is missing 'theater'{}", t.name, legacy ? " (or 'params')" : ""));
    if (!t.theater.empty() && !is_theater_code(t.theater))
        r.error(r.find_node("theater"), fmt::format("target '{}': theater code '{}' must be 4 letters or digits, like \"0013\"", t.name, t.theater));
    const auto& screens = screens_of(t.source);
    if (!t.screen.empty() && std::find(screens.begin(), screens.end(), t.screen) == screens.end())
        r.error(r.find_node("screen"), fmt::format("target '{}': unknown screen '{}' for source {} (one of {})", t.name, t.screen, source_name(t.source), join(screens, ", ")));
    if (!t.movie.empty() && !std::all_of(t.movie.begin(), t.movie.end(), ::isdigit))
        r.error(r.find_node("movie"), fmt::format("target '{}': movie code '{}' must be digits", t.name, t.movie));
    if (!legacy && !t.theater.empty() && t.screen.empty() && t.movie.empty())
        r.error(nullptr, fmt::format("target '{}' needs 'movie' or 'screen' (or both)", t.name));
}

TargetConfig read_target(const ConfigNode& node, const Config& cfg, std::vector<std::string>& errors) {
    TargetConfig t;
    t.where = node.where;
    TableReader r(node, "[[target]]", errors);
    t.name = r.required_string("name");
    if (!t.name.empty() && !is_name(t.name))
        r.error(r.find_node("name"), fmt::format("target name '{}' may only use A-Z a-z 0-9 . _ -", t.name));
    const auto source = r.string("source").value_or("cgv");
    if (source == "cgv-legacy") t.source = SourceKind::cgv_legacy;
    else if (source != "cgv")
        r.error(r.find_node("source"), fmt::format("target '{}': unknown source '{}' (cgv or cgv-legacy)", t.name, source));
    t.theater = r.string("theater").value_or("");
    t.screen = r.string("screen").value_or("");
    if (const auto* m = r.find_node("movie"); m && m->kind == ConfigNode::Kind::integer) {
        r.get("movie", ConfigNode::Kind::integer); // a bare number is fine: codes have no leading zeros
        t.movie = std::to_string(m->integer);
    } else {
        t.movie = r.string("movie").value_or("");
    }
    if (t.source == SourceKind::cgv) {
        t.api = r.string("api").value_or(cfg.cgv_api);
        t.dates_per_run = cfg.cgv_dates_per_run;
        r.integer("dates_per_run", t.dates_per_run, 1, 31);
        while (t.api.ends_with('/')) t.api.pop_back();
        if (!is_http_url(t.api)) r.error(r.find_node("api"), fmt::format("target '{}': api must be an http:// or https:// URL", t.name));
    } else {
        t.url = r.string("url").value_or(k_default_legacy_url);
        if (!is_http_url(t.url)) r.error(r.find_node("url"), fmt::format("target '{}': url must be an http:// or https:// URL", t.name));
        read_legacy_params(r, t);
    }
    if (auto notify = r.string_list("notify")) {
        for (const auto& n : *notify)
            if (!cfg.notifier(n)) r.error(r.find_node("notify"), fmt::format("target '{}': notify names '{}', which is no [[notifier]]", t.name, n));
        t.notify = *notify;
    } else {
        for (const auto& n : cfg.notifiers) t.notify.push_back(n.name);
    }
    check_target_fields(r, t);
    r.finish();
    return t;
}

template <typename Item>
void check_unique(const std::vector<Item>& items, const char* what, std::vector<std::string>& errors) {
    std::set<std::string> seen;
    for (const auto& i : items)
        if (!i.name.empty() && !seen.insert(i.name).second)
            errors.push_back(fmt::format("{}: duplicate {} name '{}'", i.where, what, i.name));
}

void read_sections(TableReader& top, const ConfigNode& root, Config& cfg, std::vector<std::string>& errors,
                   const EnvLookup& env) {
    cfg.state = top.string("state");
    if (const auto* cgv = top.get("cgv", ConfigNode::Kind::table)) {
        TableReader r(*cgv, "[cgv]", errors);
        cfg.cgv_api = r.string("api").value_or(cfg.cgv_api);
        r.integer("dates_per_run", cfg.cgv_dates_per_run, 1, 31);
        r.finish();
    }
    if (const auto* http = top.get("http", ConfigNode::Kind::table)) {
        TableReader r(*http, "[http]", errors);
        read_http(r, cfg.http);
    }
    if (const auto* status = top.get("status", ConfigNode::Kind::table)) {
        TableReader r(*status, "[status]", errors);
        cfg.status.html = r.string("html").value_or("");
        cfg.status.prometheus = r.string("prometheus").value_or("");
        r.finish();
    }
    if (const auto* list = top.get("notifier", ConfigNode::Kind::array))
        for (const auto& item : list->items) {
            if (item.kind != ConfigNode::Kind::table) top.error(&item, "each [[notifier]] must be a table");
            else cfg.notifiers.push_back(read_notifier(item, errors, env));
        }
    if (const auto* list = top.get("target", ConfigNode::Kind::array))
        for (const auto& item : list->items) {
            if (item.kind != ConfigNode::Kind::table) top.error(&item, "each [[target]] must be a table");
            else cfg.targets.push_back(read_target(item, cfg, errors));
        }
    if (cfg.targets.empty() && !top.find_node("target"))
        errors.push_back(fmt::format("{}: no [[target]] configured", root.where));
}

} // namespace

const char* source_name(SourceKind kind) { return kind == SourceKind::cgv ? "cgv" : "cgv-legacy"; }

const NotifierConfig* Config::notifier(std::string_view name) const {
    for (const auto& n : notifiers)
        if (n.name == name) return &n;
    return nullptr;
}

const TargetConfig* Config::target(std::string_view name) const {
    for (const auto& t : targets)
        if (t.name == name) return &t;
    return nullptr;
}

Config config_from_tree(const ConfigNode& root, const std::string& path, const EnvLookup& env) {
    Config cfg;
    cfg.path = path;
    std::vector<std::string> errors;
    TableReader top(root, "the top level", errors);
    read_sections(top, root, cfg, errors, env);
    top.finish();
    check_unique(cfg.notifiers, "notifier", errors);
    check_unique(cfg.targets, "target", errors);
    if (!errors.empty()) throw ConfigError(errors);
    return cfg;
}

Config load_config(const std::string& path, const EnvLookup& env) {
    return config_from_tree(load_config_tree(path), path, env);
}

} // namespace alimi
