// Source "megabox" (chains-and-channels.md A1): the quick-booking call selectBokdList.do answers
// with the branch's date strip (movieFormDeList, formAt "Y" = has a schedule), the day's showing
// rows (movieFormList, keyed by playSchdlNo), every branch and the movie list. Answers may start
// with a BOM, names carry HTML references, numbers come as numbers or strings, and the throttle
// is a plain-text "Workload is so high" sent with HTTP 200.
#pragma once

#include "discover.hpp"
#include "sweep.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace alimi {

class Chain;
const Chain &megabox_chain();

// POST {api}/on/oh/ohb/SimpleBooking/selectBokdList.do for one branch and day (ISO date).
HttpRequest megabox_request(const std::string &api, const std::string &branch,
                            const std::string &iso_date);

// The throttle text, whatever its status and content type, is a rate limit (HttpRequest::refine).
void megabox_refine_answer(HttpResult &answer);

// The answer's object after the BOM and statCd checks (megaMap unwrapped when present).
tl::expected<nlohmann::json, SourceError> megabox_data(std::string_view body);

// Open dates (formAt "Y") of the strip, ISO and sorted.
tl::expected<DateStrip, SourceError> parse_megabox_dates(std::string_view body);

// The day's showings of branch, kept for the hall kind (theabKindCd; "" = every hall) and movie
// (movieNo or rpstMovieNo; "" = every movie); rows marked not bookable are left out.
tl::expected<ShowingPage, SourceError> parse_megabox_showings(std::string_view body,
                                                              const std::string &branch,
                                                              const std::string &kind,
                                                              const std::string &movie);

// areaBrchList and movieList, for `alimi theaters` and `alimi movies`.
tl::expected<std::vector<TheaterInfo>, SourceError> parse_megabox_branches(std::string_view body);
tl::expected<std::vector<MovieInfo>, SourceError> parse_megabox_movies(std::string_view body);

// theabKindCd of a configured screen: dolby DBC, mx4d MX4D, dolby-atmos MX.
std::string megabox_kind_code(const std::string &screen);

} // namespace alimi
