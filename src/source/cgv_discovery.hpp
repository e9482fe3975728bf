// Looking codes up on the current site, so nobody needs browser devtools: theaters (siteNo) and
// bookable movies (movNo). Parsers are pure; discover.cpp does the requests.
#pragma once

#include "cgv.hpp"
#include "discover.hpp"

#include <ostream>

#include <string>
#include <vector>

namespace alimi {

// booking/searchRegnList: regions, each with a siteList.
tl::expected<std::vector<TheaterInfo>, SourceError> parse_cgv_regions(std::string_view body);
// content/site/searchAllRegionAndSite: {siteInfo:[...]}.
tl::expected<std::vector<TheaterInfo>, SourceError> parse_cgv_sites(std::string_view body);
// booking/searchAtktTopPostrList.
tl::expected<std::vector<MovieInfo>, SourceError> parse_cgv_movies(std::string_view body);

// Every theater the site lists (the region list, else the content API); nullopt when it failed.
std::optional<std::vector<TheaterInfo>> cgv_fetch_theaters(const DiscoverOptions &opt);
// The bookable movies, nationally, in the screen's halls when screen is given.
std::optional<std::vector<MovieInfo>> cgv_fetch_movies(const DiscoverOptions &opt,
                                                       const std::string &screen);

// The special screens (imax, 4dx, ...) with a schedule on the theater's next three open dates
// (booking/searchSscnsSchdExistList); nullopt when the site failed.
std::optional<std::vector<std::string>> cgv_fetch_screens(const DiscoverOptions &opt,
                                                          const std::string &theater);
// searchSscnsSchdExistList: the tcscnsGradCd values with a schedule that day.
tl::expected<std::vector<std::string>, SourceError> parse_cgv_hall_grades(std::string_view body);

// Prints matching theaters; returns the exit code (1 when the site failed or nothing matched).
int cgv_list_theaters(const DiscoverOptions &opt, const std::string &query, std::ostream &out);

// Prints bookable movies (national list, screen-filtered) and whether they play at the theater.
int cgv_list_movies(const DiscoverOptions &opt, const std::string &theater,
                    const std::string &screen, std::ostream &out);

} // namespace alimi
