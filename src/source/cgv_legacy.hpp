// Source "cgv-legacy": the original ticket.cgv.co.kr RIA endpoint (cgv-api.md section 1).
// POST of AES-encrypted JSON fields; the answer wraps an XML schedule whose PlayDays are openings.
#pragma once

#include "opening.hpp"

#include <string_view>
#include <utility>
#include <vector>

namespace alimi {

// The request fields in CGV's order: captured params as given, or plain codes encrypted.
std::vector<std::pair<std::string, std::string>> cgv_legacy_fields(const TargetConfig &target);

HttpRequest cgv_legacy_request(const TargetConfig &target);

// Parses {"d":{"DATA":"<xml>"}} (or d.data.DATA, optionally behind a BOM). A missing PlayDays
// element is an error: only a well-formed, complete schedule may say "no dates yet".
// theater (may be "") is only used for booking links.
SnapshotResult parse_cgv_legacy(std::string_view body, const std::string &theater = "");

inline constexpr const char *k_default_legacy_url =
    "http://ticket.cgv.co.kr/CGV2011/RIA/CJ000.aspx/CJ_TICKET_SCHEDULE_TOTAL_PLAY_YMD";

class Chain;
const Chain &cgv_legacy_chain();

// The legacy endpoint's own key: the captured request fields (`params`), in ChainSettings::extra.
struct LegacySettings final : ChainExtra {
    std::vector<std::pair<std::string, std::string>> params;
};
// s's captured params; empty when it has none.
inline const std::vector<std::pair<std::string, std::string>> &
legacy_params(const ChainSettings &s) {
    return chain_extra<LegacySettings>(s).params;
}

std::unique_ptr<SourcePlan> make_cgv_legacy_plan(const TargetConfig &target,
                                                 const PlanContext &ctx);

} // namespace alimi
