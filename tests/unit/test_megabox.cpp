#include "chain.hpp"
#include "megabox.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

using namespace alimi;

namespace {

// Shaped like the saved real answer: a BOM, numbers as numbers, names with HTML references.
const std::string k_answer = "\xEF\xBB\xBF"
                             R"({"statCd":0,"msg":"정상적으로 조회되었습니다.",
 "movieFormDeList":[{"playDe":"20261224","formAt":"Y"},{"playDe":"20261225","formAt":"N"},
                    {"playDe":"20261226","formAt":"Y"}],
 "movieFormList":[
  {"brchNo":"1351","brchNm":"코엑스","playSchdlNo":"2612241351037","playDe":"20261224",
   "playStartTime":"15:50","movieNm":"아바타&#58; 불과 재","movieNo":"26018900","rpstMovieNo":"26018900",
   "theabNo":"03","theabExpoNm":"Dolby Cinema&#40;MX4D&#41;","theabKindCd":"DBC",
   "restSeatCnt":312,"totSeatCnt":"324","bokdAbleAt":"Y"},
  {"brchNo":"1351","playSchdlNo":2612241351038,"playDe":"20261224","playStartTime":"2430",
   "movieNm":"위키드","movieNo":"26020100","theabKindCd":"DBC","bokdAbleAt":"Y"},
  {"brchNo":"1351","playSchdlNo":"2612241351039","playDe":"20261224","playStartTime":"12:00",
   "movieNm":"x","movieNo":"1","theabKindCd":"NOR"},
  {"brchNo":"1351","playSchdlNo":"2612241351040","playDe":"20261224","playStartTime":"13:00",
   "movieNm":"y","movieNo":"26018900","theabKindCd":"DBC","bokdAbleAt":"N"},
  {"brchNo":"0019","playSchdlNo":"2612240019001","playDe":"bad","theabKindCd":"DBC"}],
 "areaBrchList":[{"areaCd":"10","areaCdNm":"서울","brchNo":"1351","brchNm":"코엑스"},
                 {"areaCd":"30","areaCdNm":"경기","brchNo":"0019","brchNm":"남양주현대아울렛 스페이스원"}],
 "movieList":[{"movieNo":"26018900","movieNm":"아바타&#58; 불과 재"},{"movieNo":"26020100","movieNm":"위키드"}]})";

} // namespace

TEST_CASE("megabox: open dates are the strip's formAt Y days") {
    const auto strip = parse_megabox_dates(k_answer);
    REQUIRE(strip);
    CHECK(strip->dates == std::vector<std::string>{"2026-12-24", "2026-12-26"});
}

TEST_CASE("megabox: showings of the branch and hall kind, keyed by playSchdlNo, names decoded") {
    const auto page = parse_megabox_showings(k_answer, "1351", "DBC", "");
    REQUIRE(page);
    REQUIRE(page->showings.size() == 2); // not NOR, not bokdAbleAt N, not the other branch
    const auto &o = page->showings[0];
    CHECK(o.key == "2612241351037");
    CHECK(o.date == "2026-12-24");
    CHECK(o.time == "15:50");
    CHECK(o.movie == "아바타: 불과 재");
    CHECK(o.screen == "Dolby Cinema(MX4D)");
    CHECK(o.seats_free == 312);
    CHECK(o.seats_total == 324);
    CHECK(o.link == "https://www.megabox.co.kr/bookingByPlaySchdlNo?playSchdlNo=2612241351037");
    CHECK(page->showings[1].key == "2612241351038"); // a number in the answer
    CHECK(page->showings[1].time == "24:30");
    CHECK(page->theater_name == "코엑스");
    const auto one = parse_megabox_showings(k_answer, "1351", "", "26020100");
    REQUIRE(one);
    CHECK(one->showings.size() == 1);
}

TEST_CASE("megabox: the throttle text is a rate limit; statCd errors say Megabox's words") {
    HttpResult r;
    r.status = 200;
    r.content_type = "text/html";
    r.body = "Workload is so high. Please try again later.";
    classify_response(r, Expect::json);
    CHECK(r.outcome == Outcome::blocked); // what HTTP alone would think
    megabox_refine_answer(r);
    CHECK(r.outcome == Outcome::rate_limited);
    CHECK(r.error == "rate limited by the server (Megabox: \"Workload is so high\")");
    const auto bad = parse_megabox_dates(
        R"({"statCd":-1,"msg":"입력 정보가 잘못되었습니다.","movieFormList":[]})");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message == "Megabox said -1: 입력 정보가 잘못되었습니다.");
    CHECK_FALSE(parse_megabox_dates(R"({"statCd":0})"));
    CHECK_FALSE(parse_megabox_showings("<html>", "1351", "", ""));
}

TEST_CASE("megabox: branches and movies for discovery") {
    const auto branches = parse_megabox_branches(k_answer);
    REQUIRE(branches);
    REQUIRE(branches->size() == 2);
    CHECK((*branches)[1].code == "0019");
    CHECK((*branches)[1].region == "경기");
    const auto movies = parse_megabox_movies(k_answer);
    REQUIRE(movies);
    CHECK((*movies)[0].name == "아바타: 불과 재");
}

TEST_CASE("megabox: the request is the quick-booking POST for one branch and day") {
    const auto r = megabox_request("https://www.megabox.co.kr", "1351", "2026-12-24");
    CHECK(r.method == "POST");
    CHECK(r.url == "https://www.megabox.co.kr/on/oh/ohb/SimpleBooking/selectBokdList.do");
    CHECK(r.body.find(R"("playDe":"20261224")") != std::string::npos);
    CHECK(r.body.find(R"("brchNo1":"1351")") != std::string::npos);
    CHECK(static_cast<bool>(r.refine == &megabox_refine_answer));
    CHECK(megabox_chain().theater_code_problem("1351").empty());
    CHECK_FALSE(megabox_chain().theater_code_problem("13510").empty());
}
