#include "cgv.hpp"
#include "cgv_discovery.hpp"
#include "chain.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

using namespace alimi;

namespace {
std::string ok(const std::string &data) {
    return R"({"statusCode":0,"statusMessage":"ok","data":)" + data + "}";
}
const std::string k_rows = ok(R"([
  {"siteNo":"0013","siteNm":"CGV 용산아이파크몰","scnYmd":"20261224","scnsNo":"018","scnSseq":"1","movNo":"30000774",
   "movNm":"아바타","expoScnsNm":"IMAX관","tcscnsGradCd":"03","scnsrtTm":"1000","frSeatCnt":"624","stcnt":624},
  {"siteNo":"0013","scnYmd":"20261224","scnsNo":"018","scnSseq":"5","movNo":"30000774","movNm":"아바타",
   "tcscnsGradCd":"03","scnsrtTm":"2530","frSeatCnt":"0","stcnt":"624"},
  {"siteNo":"P013","scnYmd":"20261224","scnsNo":"001","scnSseq":"1","movNo":"30000774","tcscnsGradCd":"03","scnsrtTm":"1100"},
  {"siteNo":"0013","scnYmd":"20261224","scnsNo":"005","scnSseq":"1","movNo":"30000774","tcscnsGradCd":"01","scnsrtTm":"1200"}
])");
} // namespace

TEST_CASE("a CGV request names Cloudflare's 1015 in its 429 message, and only there") {
    const auto req = cgv_request("https://cgv.co.kr/api/v1", "booking/searchRegnList", {});
    REQUIRE(static_cast<bool>(req.refine));
    HttpResult r;
    r.status = 429;
    r.body = "error code: 1015";
    classify_response(r, Expect::json);
    req.refine(r);
    CHECK(r.outcome == Outcome::rate_limited);
    CHECK(r.error == "rate limited by the server (HTTP 429 (Cloudflare 1015))");
    r.body = "slow down";
    classify_response(r, Expect::json);
    req.refine(r);
    CHECK(r.error == "rate limited by the server (HTTP 429)");
}

TEST_CASE("the envelope's statusCode decides, as number or string") {
    CHECK(cgv_data(ok("[]")).has_value());
    CHECK(cgv_data(R"({"statusCode":"0","data":[]})").has_value());
    CHECK(cgv_data(R"({"statusCode":1,"statusMessage":"오류","data":null})").error().message ==
          "CGV answered statusCode 1: 오류");
    CHECK(cgv_data(R"({"statusCode":0,"data":null})").error().message ==
          "bad answer: statusCode 0 without data");
    CHECK(cgv_data("<html>").error().message == "bad answer: not JSON");
    CHECK(cgv_data(R"({"data":[]})").error().message == "bad answer: JSON without statusCode");
}

TEST_CASE("date lists become sorted ISO dates") {
    const auto d = parse_cgv_dates(
        ok(R"([{"scnYmd":"20261226"},{"scnYmd":"20261224"},{"scnYmd":"20261224"}])"));
    REQUIRE(d);
    CHECK(d->dates == std::vector<std::string>{"2026-12-24", "2026-12-26"});
    CHECK(parse_cgv_dates(ok(R"([{"scnYmd":"2026"}])")).error().message ==
          "bad answer: scnYmd '2026' is not a date");
    CHECK(parse_cgv_dates(ok(R"({"a":1})")).error().message == "bad answer: data is not a list");
}

TEST_CASE("showings are filtered to the theater's own siteNo and the screen grade") {
    const auto page = parse_cgv_showings(k_rows, "0013", "03");
    REQUIRE(page);
    REQUIRE(page->showings.size() == 2);
    const auto &a = page->showings[0];
    CHECK(a.key == "0013|20261224|018|10:00");
    CHECK(a.date == "2026-12-24");
    CHECK(a.time == "10:00");
    CHECK(a.movie == "아바타");
    CHECK(a.movie_code == "30000774");
    CHECK(a.screen == "IMAX관");
    CHECK(a.seats_free == 624);
    CHECK(a.seats_total == 624);
    CHECK(a.link.find("scnsNo=018&scnSseq=1") != std::string::npos);
    CHECK(page->showings[1].time == "25:30");
    CHECK(page->theater_name == "CGV 용산아이파크몰");
    CHECK(parse_cgv_showings(k_rows, "0013", "")->showings.size() == 3); // no screen: every hall
}

TEST_CASE("a showing without its identity is an error, not a skipped row") {
    const auto r = parse_cgv_showings(
        ok(R"([{"siteNo":"0013","scnYmd":"20261224","tcscnsGradCd":"03"}])"), "0013", "03");
    CHECK(r.error().message == "bad answer: a showing without scnYmd, scnsNo or scnSseq");
}

TEST_CASE("invalid UTF-8 fails a showing only in a row that is kept") {
    const std::string other_venue = R"({"siteNo":"P013","siteNm":")"
                                    "\xff"
                                    R"(","scnYmd":"20261224","scnsNo":"1","scnSseq":"1"})";
    const std::string ours =
        R"({"siteNo":"0013","siteNm":"A","scnYmd":"20261224","scnsNo":"018","scnSseq":"1",)"
        R"("tcscnsGradCd":"03","movNm":"NAME","scnsrtTm":"1000"})";
    const auto kept = parse_cgv_showings(ok("[" + other_venue + "," + ours + "]"), "0013", "03");
    REQUIRE(kept);
    CHECK(kept->showings.size() == 1);
    std::string broken = ours;
    broken.replace(broken.find("NAME"), 4, "\xc0\xaf"); // an overlong '/', not UTF-8
    const auto bad = parse_cgv_showings(ok("[" + broken + "]"), "0013", "03");
    CHECK(bad.error().message == "bad answer: a kept showing is not valid UTF-8");
}

TEST_CASE("HHmm times, including after midnight") {
    CHECK(cgv_time("0930") == "09:30");
    CHECK(cgv_time("2500") == "25:00");
    CHECK(cgv_time("3000").empty());
    CHECK(cgv_time("12:0").empty());
    CHECK(cgv_time("1260").empty());
}

TEST_CASE("sweeps visit new dates first, then never swept, then the least recently swept") {
    SourceMemory m;
    m.swept["2026-12-24"] = 300;
    m.swept["2026-12-25"] = 100;
    m.swept["2026-12-26"] = std::nullopt;
    const std::vector<std::string> listed = {"2026-12-24", "2026-12-25", "2026-12-26",
                                             "2026-12-27"};
    CHECK(choose_sweep_dates(listed, m, 1) == std::vector<std::string>{"2026-12-27"});
    CHECK(choose_sweep_dates(listed, m, 2) == std::vector<std::string>{"2026-12-26", "2026-12-27"});
    CHECK(choose_sweep_dates(listed, m, 3) ==
          std::vector<std::string>{"2026-12-25", "2026-12-26", "2026-12-27"});
    CHECK(choose_sweep_dates(listed, m, 9).size() == 4);
}

TEST_CASE("requests always carry coCd and encode their values") {
    const auto r =
        cgv_request("https://cgv.co.kr/api/v1", "booking/searchRegnList", {{"srchKwrd", "용산"}});
    CHECK(r.url ==
          "https://cgv.co.kr/api/v1/booking/searchRegnList?coCd=A420&srchKwrd=%EC%9A%A9%EC%82%B0");
    CHECK(r.method == "GET");
}

TEST_CASE("screen names map to the site's codes") {
    CHECK(cgv_attr_code("imax") == "04");
    CHECK(cgv_grade_code("imax") == "03");
    CHECK(cgv_attr_code("4dx") == "03");
    CHECK(cgv_grade_code("4dx") == "02");
    CHECK(cgv_grade_code("screenx") == "04");
    CHECK(cgv_grade_code("dolby") == "07");
}

TEST_CASE("theater lists from either endpoint, matched by name or code") {
    const auto regions = parse_cgv_regions(
        ok(R"([{"regnGrpNm":"서울","siteList":[{"siteNo":"0056","siteNm":"CGV 강남"},
        {"siteNo":"0013","siteNm":"CGV 용산아이파크몰"}]},{"regnGrpNm":"경기","siteList":[{"siteNo":"0211","siteNm":"CGV 광교"}]}])"));
    REQUIRE(regions);
    CHECK(regions->size() == 3);
    const auto found = match_theaters(*regions, "용산");
    REQUIRE(found.size() == 1);
    CHECK(found[0].code == "0013");
    CHECK(found[0].region == "서울");
    CHECK(match_theaters(*regions, "cgv").size() == 3);
    CHECK(match_theaters(*regions, "02").front().code == "0211");
    const auto sites = parse_cgv_sites(ok(R"({"regionInfo":[{"regnGrpCd":"01","regnGrpNm":"서울"}],
        "siteInfo":[{"regnGrpCd":"01","siteNo":"0013","siteNm":"CGV 용산아이파크몰"}]})"));
    REQUIRE(sites);
    CHECK(sites->at(0).region == "서울");
    // What the live site sends: regions named by comCdval / comCdvalNm.
    const auto live = parse_cgv_sites(ok(R"({"regionInfo":[{"comCdval":"02","comCdvalNm":"경기",
        "cnt":"31"}],"siteInfo":[{"regnGrpCd":"02","siteNo":"0211","siteNm":"광교"}]})"));
    REQUIRE(live);
    CHECK(live->at(0).region == "경기");
    CHECK_FALSE(parse_cgv_sites(ok("[]")).has_value());
}

TEST_CASE("bookable movies keep their codes") {
    const auto m = parse_cgv_movies(
        ok(R"([{"movNo":"30000774","movNm":"아바타","atktRate":31.2},{"movNm":"no code"}])"));
    REQUIRE(m);
    REQUIRE(m->size() == 1);
    CHECK(m->at(0).code == "30000774");
    CHECK(m->at(0).booking_rate == "31.2");
}

TEST_CASE("deeply nested answers are refused before they are parsed") {
    const auto deep =
        R"({"statusCode":0,"data":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
    CHECK(cgv_data(deep).error().message == "bad answer: JSON nested deeper than 64 levels");
    CHECK(parse_cgv_dates(deep).error().message == "bad answer: JSON nested deeper than 64 levels");
}

TEST_CASE("a movie target learns its names once, and its film's name when its dates open") {
    TargetConfig t;
    t.name = "avatar";
    t.chain = &cgv_chain();
    t.theater = "0013";
    t.screen = "imax";
    t.movie = "30000774";
    t.settings.api = "https://cgv.example/api/v1";
    PlanContext ctx;
    ctx.now = from_unix(1800000000);
    ctx.ask_theater = true;
    ctx.ask_movie = true;
    auto plan = make_cgv_plan(t, ctx);
    const auto first = plan->next({});
    REQUIRE(first.size() == 3); // the dates, the theater list, the movie list
    CHECK(first[1].url.find("searchRegnList") != std::string::npos);
    CHECK(plan->next({test::answer(200, ok("[]"), Outcome::ok),
                      test::answer(200, ok(R"([{"regnGrpNm":"서울","siteList":[{"siteNo":"0013",
                          "siteNm":"용산아이파크몰"}]}])"),
                                   Outcome::ok),
                      test::answer(500, "", Outcome::retryable)})
              .empty());
    auto snap = plan->result();
    REQUIRE(snap);
    CHECK(snap->theater_name == "용산아이파크몰");
    CHECK(snap->names.size() == 3); // the theater, ours again (known), the movie ("": unknown)

    // Known theater, film asked within the hour and unknown; now a date opens.
    ctx.ask_theater = ctx.ask_movie = false;
    ctx.theater_name = "용산아이파크몰";
    plan = make_cgv_plan(t, ctx);
    REQUIRE(plan->next({}).size() == 1);
    const auto follow =
        plan->next({test::answer(200, ok(R"([{"scnYmd":"20280101"}])"), Outcome::ok)});
    REQUIRE(follow.size() == 1);
    CHECK(follow[0].url.find("searchAtktTopPostrList") != std::string::npos);
    CHECK(plan->next({test::answer(200, ok(R"([{"movNo":"30000774","movNm":"아바타"}])"),
                                   Outcome::ok)})
              .empty());
    snap = plan->result();
    REQUIRE(snap);
    CHECK(snap->movie_name == "아바타");
    CHECK(snap->openings.at(0).movie == "아바타");
    CHECK(snap->openings.at(0).link.find("siteNm=%EC%9A%A9") != std::string::npos);
}

TEST_CASE("special halls with a schedule that day") {
    const auto g =
        parse_cgv_hall_grades(ok(R"([{"comCd":"TCSCNS_GRAD_CD","comCdval":"03","schdCnt":"2"},
        {"comCd":"OTHER","comCdval":"99"},{"comCd":"TCSCNS_GRAD_CD","comCdval":"04","schdCnt":"1"}])"));
    REQUIRE(g);
    CHECK(*g == std::vector<std::string>{"03", "04"});
    CHECK_FALSE(parse_cgv_hall_grades(ok("{}")).has_value());
}
