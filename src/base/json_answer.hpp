// Parsing JSON from a server: bounded in depth before nlohmann sees it, because copying or walking
// a deep tree recurses and a hostile server must not be able to overflow our stack.
#pragma once

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <string>
#include <string_view>

namespace alimi {

// The parsed answer (a leading BOM is fine), or why not: "not JSON" or "JSON nested deeper than 64
// levels". Bytes that are not UTF-8 become U+FFFD instead of failing the whole answer: one bad
// byte in a row the target filters out (another venue, another hall) must not fail the target.
// The rows a parser keeps are checked with holds_bad_text.
tl::expected<nlohmann::json, std::string> parse_json_answer(std::string_view body);

// Whether any text in value holds U+FFFD, which is what invalid UTF-8 became: a row that is kept
// must not, because its names and keys would no longer say what the server meant.
bool holds_bad_text(const nlohmann::json &value);

// row[key] as text, as the newer cinema sites write fields: strings with their HTML references
// decoded, numbers and booleans as JSON writes them (sites send either), anything else "".
std::string decoded_field(const nlohmann::json &row, const char *key);

} // namespace alimi
