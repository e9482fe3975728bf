// Parsing JSON from a server: bounded in depth before nlohmann sees it, because copying or walking
// a deep tree recurses and a hostile server must not be able to overflow our stack.
#pragma once

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <string>
#include <string_view>

namespace alimi {

// The parsed answer (a leading BOM is fine), or why not: "not JSON" or "JSON nested deeper than 64
// levels".
tl::expected<nlohmann::json, std::string> parse_json_answer(std::string_view body);

// row[key] as text, as the newer cinema sites write fields: strings with their HTML references
// decoded, numbers and booleans as JSON writes them (sites send either), anything else "".
std::string decoded_field(const nlohmann::json &row, const char *key);

} // namespace alimi
