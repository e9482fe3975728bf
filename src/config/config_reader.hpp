// Reading one table of a ConfigNode tree with type checks and unknown-key detection. Internal to
// the config loader (config.cpp, config_notifier.cpp).
#pragma once

#include "config_tree.hpp"
#include "error_text.hpp"
#include "paths.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace alimi {

inline bool is_name(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
}

inline bool is_topic(std::string_view s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
    });
}

inline bool is_http_url(std::string_view s) {
    return (s.starts_with("http://") && s.size() > 7) ||
           (s.starts_with("https://") && s.size() > 8);
}

// Reads one table of the tree. Every key looked up is remembered, so finish() can report the
// rest as unknown: a misspelt key must be an error, not a silently ignored setting.
class TableReader {
  public:
    TableReader(const ConfigNode &node, std::string section, std::vector<std::string> &errors)
        : m_node(node), m_section(std::move(section)), m_errors(errors) {}

    const std::string &where() const { return m_node.where; }
    const ConfigNode *find_node(std::string_view key) const { return m_node.find(key); }

    void error(const ConfigNode *at, const std::string &message) {
        m_errors.push_back(fmt::format("{}: {}", at ? at->where : m_node.where, message));
    }
    // A problem only for commands that push (an unset token_env, an example's placeholder
    // topic): kept aside when set up so, for read-only commands need no secrets.
    void defer_push_errors_to(std::vector<std::string> &problems) { m_push_errors = &problems; }
    void push_error(const ConfigNode *at, const std::string &message) {
        if (!m_push_errors)
            return error(at, message);
        m_push_errors->push_back(fmt::format("{}: {}", at ? at->where : m_node.where, message));
    }

    const ConfigNode *get(std::string_view key, ConfigNode::Kind kind) {
        m_seen.insert(std::string(key));
        const auto *n = m_node.find(key);
        if (!n)
            return nullptr;
        const bool numeric_ok = kind == ConfigNode::Kind::floating && n->is_number();
        if (n->kind != kind && !numeric_ok) {
            error(n, fmt::format("{} '{}' must be {}, not {}", m_section, key, kind_name(kind),
                                 kind_name(n->kind)));
            return nullptr;
        }
        return n;
    }

    std::optional<std::string> string(std::string_view key) {
        const auto *n = get(key, ConfigNode::Kind::string);
        return n ? std::optional(n->text) : std::nullopt;
    }

    std::string required_string(std::string_view key) {
        const bool present = m_node.find(key) != nullptr;
        auto v = string(key);
        if (!present)
            error(nullptr, fmt::format("{} is missing '{}'", m_section, key));
        return v.value_or("");
    }

    void number(std::string_view key, double &out, double min, double max) {
        if (const auto *n = get(key, ConfigNode::Kind::floating)) {
            if (n->number() < min || n->number() > max)
                error(n,
                      fmt::format("{} '{}' must be between {} and {}", m_section, key, min, max));
            else
                out = n->number();
        }
    }

    void integer(std::string_view key, int &out, int min, int max) {
        if (const auto *n = get(key, ConfigNode::Kind::integer)) {
            if (n->integer < min || n->integer > max)
                error(n,
                      fmt::format("{} '{}' must be between {} and {}", m_section, key, min, max));
            else
                out = static_cast<int>(n->integer);
        }
    }

    std::optional<std::vector<std::string>> string_list(std::string_view key) {
        const auto *n = get(key, ConfigNode::Kind::array);
        if (!n)
            return std::nullopt;
        std::vector<std::string> out;
        for (const auto &item : n->items) {
            if (item.kind == ConfigNode::Kind::string)
                out.push_back(item.text);
            else
                error(&item, fmt::format("{} '{}' must list strings", m_section, key));
        }
        return out;
    }

    // Remembers that a secret is written in the file itself (see Config::inline_secret).
    void note_secret(const std::string &key) {
        if (m_secret.empty())
            m_secret = key;
    }
    const std::string &secret_key() const { return m_secret; }

    // The required `name` of a [[target]] or [[notifier]]: [A-Za-z0-9._-]+.
    std::string name(const char *what) {
        auto n = required_string("name");
        if (!n.empty() && !is_name(n))
            error(find_node("name"),
                  fmt::format("{} name '{}' may only use A-Z a-z 0-9 . _ -", what, n));
        return n;
    }

    // Reports keys that were never looked up.
    // Every key this table's reader never asked for is unknown; the nearest known one is
    // suggested ("theatre" -> "theater").
    void finish() {
        const std::vector<std::string> known(m_seen.begin(), m_seen.end());
        for (const auto &[key, value] : m_node.members) {
            if (m_seen.contains(key))
                continue;
            const auto guess = nearest(key, known);
            error(&value, fmt::format("unknown key '{}' in {}{}", key, m_section,
                                      guess.empty() ? "" : "; did you mean '" + guess + "'?"));
        }
    }

  private:
    const ConfigNode &m_node;
    std::string m_section;
    std::vector<std::string> &m_errors;
    std::vector<std::string> *m_push_errors = nullptr;
    std::set<std::string> m_seen;
    std::string m_secret;
};

// A secret from KEY or KEY_env (the name of an environment variable), never both; who names the
// table in errors ("notifier 'phone'"). Errors name the key or variable, never the value.
std::string read_secret(TableReader &r, const std::string &key, const std::string &who,
                        const EnvLookup &env);

} // namespace alimi
