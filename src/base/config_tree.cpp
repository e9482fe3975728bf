#include "config_tree.hpp"

#include "text.hpp"
#include "utf8.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace alimi {

namespace {

std::string join_lines(const std::vector<std::string> &lines) {
    std::string out;
    for (const auto &l : lines)
        out += (out.empty() ? "" : "\n") + l;
    return out;
}

std::string toml_where(const std::string &path, const toml::source_region &r) {
    return r.begin.line ? fmt::format("{}:{}", path, r.begin.line) : path;
}

// TOML and JSON become one tree of nodes that remember where they were written, so the
// config reader checks both formats with the same code and names file:line in errors.
ConfigNode from_toml(const toml::node &n, const std::string &path, const std::string &where) {
    ConfigNode out;
    out.where = where;
    if (auto *t = n.as_table()) {
        out.kind = ConfigNode::Kind::table;
        for (auto &&[key, value] : *t) {
            // Prefer the key's own line: "unknown key" should point at the key, not its table.
            const auto &region = key.source().begin.line ? key.source() : value.source();
            out.members.push_back(
                {std::string(key.str()), from_toml(value, path, toml_where(path, region))});
        }
    } else if (auto *a = n.as_array()) {
        out.kind = ConfigNode::Kind::array;
        for (auto &&item : *a)
            out.items.push_back(from_toml(item, path, toml_where(path, item.source())));
        // Dates and times (TOML's own types) are left as an untyped node: the reader then says the
        // key wants a string, which is what the contract's date keys are.
    } else if (auto *s = n.as_string()) {
        out.kind = ConfigNode::Kind::string;
        out.text = s->get();
    } else if (auto *i = n.as_integer()) {
        out.kind = ConfigNode::Kind::integer;
        out.integer = i->get();
    } else if (auto *f = n.as_floating_point()) {
        out.kind = ConfigNode::Kind::floating;
        out.floating = f->get();
    } else if (auto *b = n.as_boolean()) {
        out.kind = ConfigNode::Kind::boolean;
        out.boolean = b->get();
    }
    return out;
}

// RFC 6901 escaping of one reference token.
std::string pointer_token(std::string_view key) {
    std::string out;
    for (const char c : key)
        out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    return out;
}

// JSON has no lines once parsed, so a node's place is its JSON pointer ("/target/0/theater").
ConfigNode from_json(const nlohmann::json &j, const std::string &path, const std::string &pointer) {
    ConfigNode out;
    out.where = fmt::format("{}: {}", path, pointer.empty() ? "/" : pointer);
    using V = nlohmann::json::value_t;
    switch (j.type()) {
    case V::object:
        out.kind = ConfigNode::Kind::table;
        for (auto it = j.begin(); it != j.end(); ++it)
            out.members.push_back(
                {it.key(), from_json(it.value(), path, pointer + "/" + pointer_token(it.key()))});
        break;
    case V::array:
        out.kind = ConfigNode::Kind::array;
        for (std::size_t i = 0; i < j.size(); ++i)
            out.items.push_back(from_json(j[i], path, fmt::format("{}/{}", pointer, i)));
        break;
    case V::string:
        out.kind = ConfigNode::Kind::string;
        out.text = j.get<std::string>();
        break;
    case V::number_integer:
    // A number past a long long's range wraps to a negative one here, which no integer key
    // accepts (every one is range-checked), so it is still refused.
    case V::number_unsigned:
        out.kind = ConfigNode::Kind::integer;
        out.integer = j.get<long long>();
        break;
    case V::number_float:
        out.kind = ConfigNode::Kind::floating;
        out.floating = j.get<double>();
        break;
    case V::boolean:
        out.kind = ConfigNode::Kind::boolean;
        out.boolean = j.get<bool>();
        break;
    default:
        break;
    }
    return out;
}

} // namespace

ConfigError::ConfigError(const std::vector<std::string> &problems)
    : std::runtime_error(join_lines(problems)), m_problems(problems) {}

const ConfigNode *ConfigNode::find(std::string_view key) const {
    for (const auto &[k, v] : members)
        if (k == key)
            return &v;
    return nullptr;
}

// With the article, as errors read: "screen must be a string, not an integer".
const char *kind_name(ConfigNode::Kind kind) {
    switch (kind) {
    case ConfigNode::Kind::table:
        return "a table";
    case ConfigNode::Kind::array:
        return "an array";
    case ConfigNode::Kind::string:
        return "a string";
    case ConfigNode::Kind::integer:
        return "an integer";
    case ConfigNode::Kind::floating:
        return "a number";
    case ConfigNode::Kind::boolean:
        return "a boolean";
    default:
        return "a value of another type";
    }
}

namespace {

constexpr int k_max_toml_key_depth = 64;

// Characters that may appear in or around a bare key part, spaces around dots included.
bool is_key_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ' ' ||
           c == '\t';
}

// The line of the first dotted key (a.b.c, [a.b.c], {a.b = 1}) with more than max_depth parts, or
// 0. toml++ recurses once per part, so a hostile 100 KB key would overflow the stack: this linear
// scan runs first. Strings are skipped (a quoted key part counts as one part).
int deep_key_line(std::string_view text, int max_depth) {
    int line = 1, dots = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"' || c == '\'') {
            const bool triple = text.substr(i, 3) == std::string(3, c);
            const auto close = triple ? std::string(3, c) : std::string(1, c);
            std::size_t j = i + close.size();
            while (j < text.size() && text.substr(j, close.size()) != close) {
                const std::size_t step = (c == '"' && text[j] == '\\') ? 2 : 1;
                line += static_cast<int>(std::count(
                    text.begin() + static_cast<long>(j),
                    text.begin() + static_cast<long>(std::min(j + step, text.size())), '\n'));
                j += step;
            }
            i = j + close.size() - 1;
            continue;
        }
        if (c == '.') {
            if (++dots >= max_depth)
                return line;
        } else if (!is_key_char(c)) {
            dots = 0; // '=', brackets, braces, commas and line ends end a key
        }
        line += c == '\n';
    }
    return 0;
}

} // namespace

// toml++ gives the line and column of a syntax error; one_line keeps its description to
// a single line of output.
ConfigNode parse_toml_config(std::string_view text, const std::string &path) {
    if (const int line = deep_key_line(text, k_max_toml_key_depth))
        throw ConfigError({fmt::format("{}:{}: a key nested deeper than {} levels", path, line,
                                       k_max_toml_key_depth)});
    try {
        const auto table = toml::parse(text, path);
        return from_toml(table, path, path);
    } catch (const toml::parse_error &e) {
        throw ConfigError(
            {fmt::format("{}: {}", toml_where(path, e.source()), one_line(e.description()))});
    }
}

// The nesting guard runs first for the same reason as TOML's: a recursive parser and a
// hostile file.
ConfigNode parse_json_config(std::string_view text, const std::string &path) {
    if (json_nesting_exceeds(text, k_max_json_depth))
        throw ConfigError(
            {fmt::format("{}: nested deeper than {} levels", path, k_max_json_depth)});
    try {
        const auto j = nlohmann::json::parse(strip_bom(text));
        if (!j.is_object())
            throw ConfigError({fmt::format("{}: /: the top level must be an object", path)});
        return from_json(j, path, "");
    } catch (const nlohmann::json::exception &e) {
        // nlohmann's message already says "at line L, column C"; drop its "[json.exception...]"
        // tag.
        std::string what = e.what();
        if (auto pos = what.find("] "); pos != std::string::npos)
            what = what.substr(pos + 2);
        // "; last read: '...'" quotes the text being read, which may be a token.
        what = what.substr(0, what.find("; last read:"));
        // A JSON file that parses once comments are ignored failed only for its comments: saying
        // so saves the user a hunt for the "syntax error".
        if (!nlohmann::json::parse(strip_bom(text), nullptr, false, true).is_discarded())
            what += "; JSON allows no comments (write the config as TOML to keep them)";
        throw ConfigError({fmt::format("{}: {}", path, one_line(what))});
    }
}

// The format follows the file name: .json is JSON, anything else TOML (the default).
ConfigNode load_config_tree(const std::string &path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))
        throw ConfigError({fmt::format(
            "{}: is a directory; give the config file in it (config.toml or config.json)", path)});
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ConfigError(
            {fmt::format("{}: cannot read config file ({})", path, std::strerror(errno))});
    std::ostringstream buf;
    buf << in.rdbuf();
    if (path.ends_with(".json"))
        return parse_json_config(buf.str(), path);
    return parse_toml_config(buf.str(), path);
}

} // namespace alimi
