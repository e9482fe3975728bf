#include "chain.hpp"
#include "lotte.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace alimi;

namespace {

// Shaped like the saved bodies: IsOK as text, doubly wrapped lists, numbers as numbers.
const std::string k_page = R"({"IsOK":"true","ResultMessage":"SUCCESS","ResultCode":null,
 "MoviePlayDates":{"Items":{"Items":[
   {"PlayDate":"2026-12-24","IsPlayDate":"Y"},{"PlayDate":"2026-12-25 오전 12:00:00","IsPlayDate":"Y"},
   {"PlayDate":"2026-12-26","IsPlayDate":"N"}]}},
 "CinemaDivison":{"AreaDivisions":{"Items":[{"DetailDivisionCode":"0001","GroupNameKR":"서울"}]}},
 "Cinemas":{"Cinemas":{"Items":[
   {"DivisionCode":1,"DetailDivisionCode":"0001","CinemaID":1016,"CinemaNameKR":"월드타워"},
   {"DivisionCode":2,"DetailDivisionCode":"0940","CinemaID":1016,"CinemaNameKR":"월드타워"},
   {"DivisionCode":1,"DetailDivisionCode":"0001","CinemaID":1013,"CinemaNameKR":"가산디지털"}]}},
 "Movies":{"Movies":{"Items":[{"RepresentationMovieCode":"23816","MovieNameKR":"아바타: 불과 재"}]}}})";

const std::string k_day = R"({"IsOK":"true","ResultMessage":"SUCCESS",
 "PlaySeqs":{"Items":[
  {"CinemaID":1016,"CinemaNameKR":"월드타워","ScreenID":101621,"ScreenNameKR":"21관",
   "ScreenDivisionCode":940,"ScreenDivisionNameKR":"수퍼플렉스","PlayDt":"2026-12-24","PlaySequence":3,
   "StartTime":"21:25","MovieNameKR":"아바타: 불과 재","RepresentationMovieCode":"23816",
   "TotalSeatCount":500,"BookingSeatCount":488,"IsBookingYN":"Y"},
  {"CinemaID":1016,"ScreenID":101621,"ScreenDivisionCode":940,"PlayDt":"2026-12-24","PlaySequence":4,
   "StartTime":"23:55","MovieNameKR":"x","RepresentationMovieCode":"1","IsBookingYN":"N"},
  {"CinemaID":1016,"ScreenID":1201,"ScreenNameKR":"1관","ScreenDivisionCode":300,"PlayDt":"2026-12-24",
   "PlaySequence":1,"StartTime":"10:00","MovieNameKR":"위키드","RepresentationMovieCode":"23900",
   "IsBookingYN":"E"},
  {"CinemaID":1013,"ScreenID":101301,"ScreenDivisionCode":940,"PlayDt":"broken","PlaySequence":1}]}})";

} // namespace

TEST_CASE("lotte: play dates and the composite cinema id come from the ticketing page") {
    const auto page = parse_lotte_page(k_page, "1016");
    REQUIRE(page);
    CHECK(page->composite == "1|0001|1016"); // not the special-hall grouping (DivisionCode 2)
    CHECK(page->strip.dates == std::vector<std::string>{"2026-12-24", "2026-12-25"});
    CHECK(page->strip.theater_name == "월드타워");
    CHECK(parse_lotte_page(k_page, "1|0001|1016")->composite == "1|0001|1016");
    const auto missing = parse_lotte_page(k_page, "9999");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message ==
          "cinema 9999 is not in Lotte Cinema's list (see: alimi theaters --chain lotte)");
}

TEST_CASE("lotte: showings of the cinema and hall division, keyed with their start time") {
    const auto page = parse_lotte_showings(k_day, "1016", lotte_divisions("superplex"), "");
    REQUIRE(page);
    REQUIRE(page->showings.size() == 1); // IsBookingYN N is not an opening yet
    const auto &o = page->showings[0];
    CHECK(o.key == "1016|101621|2026-12-24|3|21:25");
    CHECK(o.time == "21:25");
    CHECK(o.screen == "수퍼플렉스 21관");
    CHECK(o.seats_free == 488);
    CHECK(o.seats_total == 500);
    CHECK(o.link == "https://www.lottecinema.co.kr/NLCHS/ticketing?link_screenId=101621"
                    "&link_cinemaCode=1016&link_movieCd=23816&link_date=2026-12-24"
                    "&link_time=21%3A25&link_channelCode=naver");
    const auto charlotte = parse_lotte_showings(k_day, "1016", lotte_divisions("charlotte"), "");
    REQUIRE(charlotte);
    REQUIRE(charlotte->showings.size() == 1); // sold out (E) still opened
    CHECK(parse_lotte_showings(k_day, "1016", {}, "23900")->showings.size() == 1);
}

TEST_CASE("lotte: IsOK is compared as text; a failure says Lotte's ResultMessage") {
    const auto bad = parse_lotte_page(R"({"IsOK":"false","ResultMessage":"잘못된 요청"})", "1016");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "Lotte Cinema said: 잘못된 요청");
    CHECK(parse_lotte_page(R"({"IsOK":true,"Cinemas":{"Items":[{"CinemaID":"1016",
        "DivisionCode":"1","DetailDivisionCode":"0001"}]},"MoviePlayDates":{"Items":[]}})",
                           "1016"));
    CHECK_FALSE(parse_lotte_showings(R"({"IsOK":"True"})", "1016", {}, ""));
}

TEST_CASE("lotte: the request is one form field holding JSON") {
    const auto r =
        lotte_play_sequence("https://www.lottecinema.co.kr", "1|0001|1016", "2026-12-24", "");
    CHECK(r.url == "https://www.lottecinema.co.kr/LCWS/Ticketing/TicketingData.aspx");
    REQUIRE(r.body.starts_with("paramList="));
    CHECK(r.body.find("GetPlaySequence") != std::string::npos);
    CHECK(r.body.find("1%7C0001%7C1016") != std::string::npos);
    CHECK(lotte_chain().theater_code_problem("1016").empty());
    CHECK(lotte_chain().theater_code_problem("1|0001|1016").empty());
    CHECK_FALSE(lotte_chain().theater_code_problem("1|1016").empty());
    const auto cinemas = parse_lotte_cinemas(k_page);
    REQUIRE(cinemas);
    CHECK(cinemas->size() == 2);
    CHECK((*cinemas)[0].region == "서울");
    CHECK((*parse_lotte_movies(k_page))[0].code == "23816");
}
