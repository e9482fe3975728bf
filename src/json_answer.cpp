#include "json_answer.hpp"

#include "text.hpp"

#include <fmt/format.h>

namespace alimi {

tl::expected<nlohmann::json, std::string> parse_json_answer(std::string_view body) {
    if (json_nesting_exceeds(body, k_max_json_depth))
        return tl::unexpected(fmt::format("JSON nested deeper than {} levels", k_max_json_depth));
    auto j = nlohmann::json::parse(strip_bom(body), nullptr, false);
    if (j.is_discarded())
        return tl::unexpected(std::string("not JSON"));
    return j;
}

std::string decoded_field(const nlohmann::json &row, const char *key) {
    if (!row.is_object() || !row.contains(key))
        return "";
    const auto &v = row[key];
    if (v.is_string())
        return html_unescape(v.get<std::string>());
    return v.is_number() || v.is_boolean() ? v.dump() : "";
}

} // namespace alimi
