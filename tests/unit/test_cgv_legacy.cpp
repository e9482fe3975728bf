#include "cgv_legacy.hpp"
#include "chain.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace alimi;

namespace {

std::string envelope(const std::string &xml) {
    return nlohmann::json{{"d", {{"DATA", xml}}}}.dump();
}

const std::string k_xml = R"(<CSchedule>
  <PlayDays>
    <CPlayDay><PLAY_YMD>20240331</PLAY_YMD><FORMAT_DATE>2024년03월31일(일)</FORMAT_DATE></CPlayDay>
    <CPlayDay><PLAY_YMD>20240401</PLAY_YMD><FORMAT_DATE>2024년04월01일(월)</FORMAT_DATE></CPlayDay>
  </PlayDays>
  <Movies><CMovie><GROUP_CD>20035290</GROUP_CD><GROUP_NM>듄-파트2</GROUP_NM><TICKET_RATE>9.14</TICKET_RATE></CMovie></Movies>
  <STheaters><CSTheater><THEATER_CD>0013</THEATER_CD><THEATER_NM>CGV 용산아이파크몰</THEATER_NM></CSTheater></STheaters>
  <Screen><CScreen><RATING_CD>02</RATING_CD><RATING_NM>아이맥스</RATING_NM></CScreen></Screen>
</CSchedule>)";

TargetConfig plain_target() {
    TargetConfig t;
    t.name = "t";
    t.chain = &cgv_legacy_chain();
    t.settings.api = k_default_legacy_url;
    t.theater = "0013";
    t.screen = "imax";
    return t;
}

} // namespace

TEST_CASE("play days become date openings with names for the message") {
    const auto snap = parse_cgv_legacy(envelope(k_xml));
    REQUIRE(snap);
    REQUIRE(snap->openings.size() == 2);
    CHECK(snap->openings[0].key == "20240331");
    CHECK(snap->openings[0].date == "2024-03-31");
    CHECK(snap->openings[0].time.empty());
    CHECK(snap->theater_name == "CGV 용산아이파크몰");
    CHECK(snap->screen_name == "아이맥스");
    CHECK(snap->movie_name == "듄-파트2");
}

TEST_CASE("volatile fields do not change the openings") {
    auto other = k_xml;
    other.replace(other.find("9.14"), 4, "1.23");
    const auto a = parse_cgv_legacy(envelope(k_xml));
    const auto b = parse_cgv_legacy(envelope(other));
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->openings.size() == b->openings.size());
    for (std::size_t i = 0; i < a->openings.size(); ++i)
        CHECK(a->openings[i].key == b->openings[i].key);
}

TEST_CASE("a BOM and the d.data.DATA envelope are accepted") {
    const auto body = "\xEF\xBB\xBF" + nlohmann::json{{"d", {{"data", {{"DATA", k_xml}}}}}}.dump();
    const auto snap = parse_cgv_legacy(body);
    REQUIRE(snap);
    CHECK(snap->openings.size() == 2);
}

TEST_CASE("an empty PlayDays element is a valid empty schedule") {
    const auto snap = parse_cgv_legacy(envelope("<CSchedule><PlayDays/></CSchedule>"));
    REQUIRE(snap);
    CHECK(snap->openings.empty());
}

TEST_CASE("garbage is an error, never an empty schedule") {
    CHECK(parse_cgv_legacy("<html>blocked</html>").error().message == "bad answer: not JSON");
    CHECK(parse_cgv_legacy("{\"x\":1}").error().message ==
          "bad answer: JSON without the \"d\" envelope");
    CHECK(parse_cgv_legacy("{\"d\":{\"DATA\":5}}").error().message ==
          "bad answer: envelope has no DATA string");
    CHECK(
        parse_cgv_legacy(envelope("<CSchedule>")).error().message.starts_with("bad answer: XML "));
    CHECK(parse_cgv_legacy(envelope("<Other/>")).error().message ==
          "bad answer: XML without CSchedule");
    CHECK(parse_cgv_legacy(envelope("<CSchedule/>")).error().message ==
          "bad answer: XML without PlayDays");
    CHECK(parse_cgv_legacy(envelope("<CSchedule><PlayDays><CPlayDay><PLAY_YMD>2024</PLAY_YMD></"
                                    "CPlayDay></PlayDays></CSchedule>"))
              .error()
              .message == "bad answer: PLAY_YMD '2024' is not a date");
}

TEST_CASE("every byte of a legacy answer is kept, so all must be UTF-8") {
    CHECK(parse_cgv_legacy("{\"d\":{\"DATA\":\"\xff\xfe\"}}").error().message ==
          "bad answer: answer is not valid UTF-8");
}

TEST_CASE("anything but CPlayDay inside PlayDays means the format changed") {
    CHECK(parse_cgv_legacy(envelope("<CSchedule><PlayDays><CPlayDay><PLAY_YMD>20261224</PLAY_YMD></"
                                    "CPlayDay><Day/></PlayDays></CSchedule>"))
              .error()
              .message == "bad answer: unexpected <Day> in PlayDays");
}

TEST_CASE("entity tricks in the XML are not expanded") {
    const std::string xml =
        R"(<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
<CSchedule><PlayDays><CPlayDay><PLAY_YMD>&e;</PLAY_YMD></CPlayDay></PlayDays></CSchedule>)";
    const auto snap = parse_cgv_legacy(envelope(xml));
    REQUIRE_FALSE(snap);
    CHECK(snap.error().message.find("root:") == std::string::npos);
}

TEST_CASE("plain codes are encrypted into CGV's field set") {
    auto t = plain_target();
    const auto fields = cgv_legacy_fields(t);
    REQUIRE(fields.size() == 10);
    CHECK(fields[0] == std::pair<std::string, std::string>{"REQSITE", "x02PG4EcdFrHKluSEQQh4A=="});
    CHECK(fields[1] ==
          std::pair<std::string, std::string>{"TheaterCd", "LMP+XuzWskJLFG41YQ7HGA=="});
    CHECK(fields[3].second == "nG6tVgEQPGU2GvOIdnwTjg=="); // MovieGroupCd "" for a whole screen
}

TEST_CASE("the request is a JSON POST with the RIA headers") {
    const auto r = cgv_legacy_request(plain_target());
    CHECK(r.method == "POST");
    CHECK(r.url == k_default_legacy_url);
    CHECK(nlohmann::json::parse(r.body)["TheaterCd"] == "LMP+XuzWskJLFG41YQ7HGA==");
    CHECK(std::find(r.headers.begin(), r.headers.end(), "Origin: http://ticket.cgv.co.kr") !=
          r.headers.end());
    CHECK(std::find(r.headers.begin(), r.headers.end(), "X-Requested-With: XMLHttpRequest") !=
          r.headers.end());
}

TEST_CASE("a target's identity is its chain's text: codes and endpoint, and the legacy params") {
    TargetConfig t;
    t.chain = find_chain("cgv");
    t.theater = "0013";
    t.screen = "imax";
    t.settings.api = "https://cgv.co.kr/api/v1";
    // The stored text of every state written so far: an unedited target keeps its baseline.
    CHECK(t.chain->identity_text(t) == "cgv|0013|imax||https://cgv.co.kr/api/v1");
    t.chain = find_chain("cgv-legacy");
    t.theater = t.screen = "";
    t.settings.api = "http://legacy.test/ws";
    LegacySettings captured;
    captured.params = {{"theaterCd", "0013"}, {"screenCd", "018"}};
    t.settings.extra = std::make_shared<const LegacySettings>(captured);
    CHECK(t.chain->identity_text(t) ==
          "cgv-legacy||||http://legacy.test/ws|theaterCd=0013|screenCd=018");
    auto edited = t;
    captured.params[1].second = "019";
    edited.settings.extra = std::make_shared<const LegacySettings>(captured);
    CHECK(edited.chain->identity_text(edited) != t.chain->identity_text(t));
}
