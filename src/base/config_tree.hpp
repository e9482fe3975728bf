// TOML and JSON configs both become this located tree, so one validator serves both formats and
// every message can name where the problem is: "PATH:LINE" for TOML, "PATH: /json/pointer" for
// JSON.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace alimi {

// A config that cannot be used; what() holds one line per problem, each starting with where.
class ConfigError : public std::runtime_error {
  public:
    explicit ConfigError(const std::vector<std::string> &problems);
    const std::vector<std::string> &problems() const { return m_problems; }

  private:
    std::vector<std::string> m_problems;
};

struct ConfigMember;

struct ConfigNode {
    enum class Kind { table, array, string, integer, floating, boolean, other };

    Kind kind = Kind::other;
    std::string where; // "config.toml:12" or "config.json: /target/0/name"
    std::string text;
    long long integer = 0;
    double floating = 0;
    bool boolean = false;
    std::vector<ConfigMember> members; // tables, in file order
    std::vector<ConfigNode> items;     // arrays

    const ConfigNode *find(std::string_view key) const;
    bool is_number() const { return kind == Kind::integer || kind == Kind::floating; }
    double number() const {
        return kind == Kind::integer ? static_cast<double>(integer) : floating;
    }
};

// A key and its value; a named struct because std::pair may not hold the incomplete ConfigNode.
struct ConfigMember {
    std::string key;
    ConfigNode value;
};

const char *kind_name(ConfigNode::Kind kind);

ConfigNode parse_toml_config(std::string_view text, const std::string &path);
ConfigNode parse_json_config(std::string_view text, const std::string &path);

// Reads PATH and parses it by its extension (.json is JSON, anything else TOML).
ConfigNode load_config_tree(const std::string &path);

} // namespace alimi
