#include "json_answer.hpp"

#include "text.hpp"
#include "utf8.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace alimi {

tl::expected<nlohmann::json, std::string> parse_json_answer(std::string_view body) {
    if (json_nesting_exceeds(body, k_max_json_depth))
        return tl::unexpected(fmt::format("JSON nested deeper than {} levels", k_max_json_depth));
    const auto text = strip_bom(body);
    auto j = is_valid_utf8(text) ? nlohmann::json::parse(text, nullptr, false)
                                 : nlohmann::json::parse(valid_utf8(text), nullptr, false);
    if (j.is_discarded())
        return tl::unexpected(std::string("not JSON"));
    return j;
}

bool holds_bad_text(const nlohmann::json &value) {
    if (value.is_string())
        return value.get_ref<const std::string &>().find(k_replacement_char) != std::string::npos;
    if (!value.is_structured())
        return false;
    // Depth is bounded by parse_json_answer, so this recursion is too.
    return std::any_of(value.begin(), value.end(),
                       [](const nlohmann::json &v) { return holds_bad_text(v); });
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
