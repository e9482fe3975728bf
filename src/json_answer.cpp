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

} // namespace alimi
