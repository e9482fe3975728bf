// `alimi theaters` and `alimi movies` on the current CGV site: the requests; parsers are pure.
#include "cgv_discovery.hpp"

#include "log.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace alimi {

std::optional<std::vector<TheaterInfo>> cgv_fetch_theaters(const DiscoverOptions &opt) {
    const auto regions = cgv_request(opt.api, "booking/searchRegnList", {});
    if (auto list = parse_answer<std::vector<TheaterInfo>>(regions, opt.ask(regions),
                                                           parse_cgv_regions, true))
        return list;
    // The region list has moved before; the content API lists the same sites.
    log::info("searchRegnList failed; trying content/site/searchAllRegionAndSite");
    const auto sites = cgv_request(opt.api, "content/site/searchAllRegionAndSite", {});
    return parse_answer<std::vector<TheaterInfo>>(sites, opt.ask(sites), parse_cgv_sites);
}

std::optional<std::vector<std::string>> cgv_fetch_screens(const DiscoverOptions &opt,
                                                          const std::string &theater) {
    constexpr std::size_t k_days = 3;
    const auto dates_req =
        cgv_request(opt.api, "booking/searchSiteScnscYmdListBySite", {{"siteNo", theater}});
    const auto dates = parse_answer<DateList>(dates_req, opt.ask(dates_req), parse_cgv_dates);
    if (!dates)
        return std::nullopt;
    const auto today = opt.today();
    std::vector<HttpRequest> days;
    for (const auto &d : dates->dates)
        if (d >= today && days.size() < k_days)
            days.push_back(cgv_request(opt.api, "booking/searchSscnsSchdExistList",
                                       {{"siteNo", theater}, {"scnYmd", compact_from_iso(d)}}));
    const auto answers = opt.ask(days);
    std::vector<std::string> screens;
    for (std::size_t i = 0; i < days.size(); ++i) {
        const auto grades =
            parse_answer<std::vector<std::string>>(days[i], answers[i], parse_cgv_hall_grades);
        if (!grades)
            return std::nullopt;
        for (const auto *screen : {"imax", "4dx", "screenx", "dolby"})
            if (std::find(grades->begin(), grades->end(), cgv_grade_code(screen)) !=
                    grades->end() &&
                std::find(screens.begin(), screens.end(), screen) == screens.end())
                screens.emplace_back(screen);
    }
    return screens;
}

std::optional<std::vector<MovieInfo>> cgv_fetch_movies(const DiscoverOptions &opt,
                                                       const std::string &screen) {
    QueryParams q = {{"movNm", ""}};
    if (!screen.empty())
        q.insert(q.end(), {{"div", "CUST_EXPO_MOVTYP_CD"}, {"attrCd", cgv_attr_code(screen)}});
    const auto req = cgv_request(opt.api, "booking/searchAtktTopPostrList", q);
    return parse_answer<std::vector<MovieInfo>>(req, opt.ask(req), parse_cgv_movies);
}

namespace {

// Movie codes with showings of the screen's grade on the theater's first open date: without a
// screen the national list is long, and one day page answers for all of it.
std::set<std::string> playing_first_day(const DiscoverOptions &opt, const std::string &theater) {
    std::set<std::string> out;
    const auto dates_req =
        cgv_request(opt.api, "booking/searchSiteScnscYmdListBySite", {{"siteNo", theater}});
    const auto dates = parse_answer<DateList>(dates_req, opt.ask(dates_req), parse_cgv_dates);
    const auto today = opt.today();
    if (!dates)
        return out;
    for (const auto &d : dates->dates) {
        if (d < today)
            continue;
        const auto req = cgv_request(
            opt.api, "booking/searchMovScnInfo",
            {{"siteNo", theater}, {"scnYmd", compact_from_iso(d)}, {"rtctlScopCd", "08"}});
        const auto page = parse_answer<ShowingPage>(req, opt.ask(req), [&](std::string_view body) {
            return parse_cgv_showings(body, theater, "");
        });
        if (page)
            for (const auto &s : page->showings)
                out.insert(s.movie_code);
        break;
    }
    return out;
}

// Movie codes that play in the screen's halls at the theater on any open date: one date list
// per movie of the screen's national list (a handful for a special hall).
std::set<std::string> playing_in_hall(const DiscoverOptions &opt, const std::string &theater,
                                      const std::string &screen,
                                      const std::vector<MovieInfo> &movies) {
    std::vector<HttpRequest> requests;
    for (const auto &m : movies)
        requests.push_back(cgv_request(opt.api, "booking/searchSiteScnscYmdListByMov",
                                       {{"siteNo", theater},
                                        {"movNo", m.code},
                                        {"div", "CUST_EXPO_MOVTYP_CD"},
                                        {"attrCd", cgv_attr_code(screen)}}));
    const auto answers = opt.ask(requests);
    const auto today = opt.today();
    std::set<std::string> out;
    for (std::size_t i = 0; i < movies.size(); ++i) {
        const auto dates = parse_answer<DateList>(requests[i], answers[i], parse_cgv_dates);
        if (dates && !dates->dates.empty() && dates->dates.back() >= today)
            out.insert(movies[i].code);
    }
    return out;
}

// Whether the site knows the theater; true when its list cannot be read (nothing to say then).
bool known_theater(const DiscoverOptions &opt, const std::string &theater) {
    const auto all = cgv_fetch_theaters(opt);
    return !all || std::any_of(all->begin(), all->end(),
                               [&](const TheaterInfo &t) { return t.code == theater; });
}

} // namespace

int cgv_list_theaters(const DiscoverOptions &opt, const std::string &query, std::ostream &out) {
    const auto all = cgv_fetch_theaters(opt);
    return all ? print_theaters(*all, query, opt.json, out) : 1;
}

int cgv_list_movies(const DiscoverOptions &opt, const std::string &theater,
                    const std::string &screen, std::ostream &out) {
    if (!known_theater(opt, theater)) {
        log::error("CGV lists no theater {}; find its code with: alimi theaters NAME", theater);
        return 2;
    }
    QueryParams q = {{"movNm", ""}};
    if (!screen.empty())
        q.insert(q.end(), {{"div", "CUST_EXPO_MOVTYP_CD"}, {"attrCd", cgv_attr_code(screen)}});
    const auto movies_req = cgv_request(opt.api, "booking/searchAtktTopPostrList", q);
    auto movies =
        parse_answer<std::vector<MovieInfo>>(movies_req, opt.ask(movies_req), parse_cgv_movies);
    if (!movies)
        return 1;
    const auto here = screen.empty() ? playing_first_day(opt, theater)
                                     : playing_in_hall(opt, theater, screen, *movies);
    for (auto &m : *movies)
        m.playing_here = here.contains(m.code);
    return print_movies(*movies, opt.json, out);
}

} // namespace alimi
