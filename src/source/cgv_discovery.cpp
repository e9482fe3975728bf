#include "cgv_discovery.hpp"

#include "text.hpp"

#include <algorithm>
#include <map>

namespace alimi {

namespace {

using json = nlohmann::json;

// CGV sends some codes as numbers in one answer and as strings in another; either reads
// as the same text, and a missing key as "" (the caller decides what is required).
std::string str(const json &row, std::initializer_list<const char *> keys) {
    for (const auto *k : keys)
        if (row.is_object() && row.contains(k)) {
            if (row[k].is_string())
                return std::string(trim(row[k].get<std::string>()));
            if (row[k].is_number())
                return row[k].dump();
        }
    return "";
}

TheaterInfo theater_from(const json &site, const std::string &region) {
    return {str(site, {"siteNo"}), str(site, {"siteNm"}), region, str(site, {"bzplcOperStusNm"})};
}

// A shape we do not know is permanent: asking again will not change it, and the message
// names what was missing so a site change is easy to see.
SourceError bad(const char *what) {
    return SourceError{Outcome::permanent, std::string("bad answer: ") + what};
}

} // namespace

tl::expected<std::vector<TheaterInfo>, SourceError> parse_cgv_regions(std::string_view body) {
    auto data = cgv_data(body);
    if (!data)
        return tl::unexpected(data.error());
    if (!data->is_array())
        return tl::unexpected(bad("data is not a list"));
    std::vector<TheaterInfo> out;
    // One region without its site list means the answer is not the one we know; refusing it
    // whole is safer than a partial list that would drop theaters from region targets.
    for (const auto &region : *data) {
        if (!region.is_object() || !region.contains("siteList") || !region["siteList"].is_array())
            return tl::unexpected(bad("a region without siteList"));
        const auto name = str(region, {"regnGrpNm", "regnNm", "regnGrpCdNm"});
        for (const auto &site : region["siteList"])
            // A row without a code cannot be watched or matched, so it is skipped, not listed
            // blank.
            if (!str(site, {"siteNo"}).empty())
                out.push_back(theater_from(site, name));
    }
    return out;
}

tl::expected<std::vector<TheaterInfo>, SourceError> parse_cgv_sites(std::string_view body) {
    auto data = cgv_data(body);
    if (!data)
        return tl::unexpected(data.error());
    if (!data->is_object() || !data->contains("siteInfo") || !(*data)["siteInfo"].is_array())
        return tl::unexpected(bad("data without siteInfo"));
    // Sites name their region by code; the names come from regionInfo, when the answer has it.
    std::map<std::string, std::string> regions;
    if (data->contains("regionInfo") && (*data)["regionInfo"].is_array())
        for (const auto &r : (*data)["regionInfo"])
            // Real answers: {comCdval: "01", comCdvalNm: "서울", cnt}; older shapes kept.
            regions[str(r, {"comCdval", "regnGrpCd"})] =
                str(r, {"comCdvalNm", "regnGrpNm", "regnNm"});
    std::vector<TheaterInfo> out;
    for (const auto &site : (*data)["siteInfo"])
        if (!str(site, {"siteNo"}).empty())
            out.push_back(theater_from(site, regions[str(site, {"regnGrpCd"})]));
    return out;
}

tl::expected<std::vector<MovieInfo>, SourceError> parse_cgv_movies(std::string_view body) {
    auto data = cgv_data(body);
    if (!data)
        return tl::unexpected(data.error());
    if (!data->is_array())
        return tl::unexpected(bad("data is not a list"));
    std::vector<MovieInfo> out;
    for (const auto &m : *data)
        if (!str(m, {"movNo"}).empty())
            out.push_back({str(m, {"movNo"}), str(m, {"movNm"}), str(m, {"atktRate"}), false, ""});
    return out;
}

tl::expected<std::vector<std::string>, SourceError> parse_cgv_hall_grades(std::string_view body) {
    auto data = cgv_data(body);
    if (!data)
        return tl::unexpected(data.error());
    if (!data->is_array())
        return tl::unexpected(bad("data is not a list"));
    std::vector<std::string> out;
    for (const auto &row : *data)
        // Only the hall-grade rows name a screen type (IMAX, 4DX, ...); other code groups in the
        // same list describe other things.
        if (str(row, {"comCd"}) == "TCSCNS_GRAD_CD" && !str(row, {"comCdval"}).empty())
            out.push_back(str(row, {"comCdval"}));
    return out;
}

} // namespace alimi
