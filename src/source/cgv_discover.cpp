// `alimi theaters` and `alimi movies` on the current CGV site: the requests; parsers are pure.
#include "source/cgv_discovery.hpp"

#include "http.hpp"
#include "log.hpp"
#include "timeutil.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>

namespace alimi {

namespace {

std::optional<std::vector<TheaterInfo>> fetch_theaters(const DiscoverOptions &opt) {
    HttpClient http(opt.http);
    const auto regions = cgv_request(opt.api, "booking/searchRegnList", {});
    if (auto list = parse_answer<std::vector<TheaterInfo>>(regions, http.perform({regions}).at(0),
                                                           parse_cgv_regions, true))
        return list;
    // The region list has moved before; the content API lists the same sites.
    log::info("searchRegnList failed; trying content/site/searchAllRegionAndSite");
    const auto sites = cgv_request(opt.api, "content/site/searchAllRegionAndSite", {});
    return parse_answer<std::vector<TheaterInfo>>(sites, http.perform({sites}).at(0),
                                                  parse_cgv_sites);
}

// Movie codes with showings of the screen's grade on the theater's first open date.
std::set<std::string> playing_here(HttpClient &http, const DiscoverOptions &opt,
                                   const std::string &theater, const std::string &screen,
                                   const HttpRequest &dates_req, const HttpResult &dates_answer) {
    std::set<std::string> out;
    const auto dates = parse_answer<DateList>(dates_req, dates_answer, parse_cgv_dates);
    const auto today = iso_date(kst_date(now_utc()));
    if (!dates)
        return out;
    for (const auto &d : dates->dates) {
        if (d < today)
            continue;
        std::string ymd = d;
        std::erase(ymd, '-');
        const auto req = cgv_request(opt.api, "booking/searchMovScnInfo",
                                     {{"siteNo", theater}, {"scnYmd", ymd}, {"rtctlScopCd", "08"}});
        const auto page =
            parse_answer<ShowingPage>(req, http.perform({req}).at(0), [&](std::string_view body) {
                return parse_cgv_showings(body, theater, cgv_grade_code(screen));
            });
        if (page)
            for (const auto &s : page->showings)
                out.insert(s.movie_code);
        break;
    }
    return out;
}

} // namespace

int cgv_list_theaters(const DiscoverOptions &opt, const std::string &query, std::ostream &out) {
    const auto all = fetch_theaters(opt);
    return all ? print_theaters(*all, query, opt.json, out) : 1;
}

int cgv_list_movies(const DiscoverOptions &opt, const std::string &theater,
                    const std::string &screen, std::ostream &out) {
    HttpClient http(opt.http);
    QueryParams q = {{"movNm", ""}};
    if (!screen.empty())
        q.insert(q.end(), {{"div", "CUST_EXPO_MOVTYP_CD"}, {"attrCd", cgv_attr_code(screen)}});
    const auto movies_req = cgv_request(opt.api, "booking/searchAtktTopPostrList", q);
    const auto dates_req =
        cgv_request(opt.api, "booking/searchSiteScnscYmdListBySite", {{"siteNo", theater}});
    const auto answers = http.perform({movies_req, dates_req});
    auto movies = parse_answer<std::vector<MovieInfo>>(movies_req, answers[0], parse_cgv_movies);
    if (!movies)
        return 1;
    const auto here = playing_here(http, opt, theater, screen, dates_req, answers[1]);
    for (auto &m : *movies)
        m.playing_here = here.contains(m.code);
    return print_movies(*movies, opt.json, out);
}

} // namespace alimi
