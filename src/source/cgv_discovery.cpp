#include "cgv_discovery.hpp"

#include "text.hpp"

#include <algorithm>
#include <map>

namespace alimi {

namespace {

using json = nlohmann::json;

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
    for (const auto &region : *data) {
        if (!region.is_object() || !region.contains("siteList") || !region["siteList"].is_array())
            return tl::unexpected(bad("a region without siteList"));
        const auto name = str(region, {"regnGrpNm", "regnNm", "regnGrpCdNm"});
        for (const auto &site : region["siteList"])
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
        if (str(row, {"comCd"}) == "TCSCNS_GRAD_CD" && !str(row, {"comCdval"}).empty())
            out.push_back(str(row, {"comCdval"}));
    return out;
}

} // namespace alimi
