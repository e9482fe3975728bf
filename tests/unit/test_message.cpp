#include "cgv.hpp"
#include "chain.hpp"
#include "message.hpp"
#include "opening.hpp"

#include "utf8.hpp"

#include <fmt/format.h>

#include <doctest/doctest.h>

using namespace alimi;

namespace {
TargetConfig target() {
    TargetConfig t;
    t.name = "yongsan-imax";
    t.chain = &cgv_chain();
    t.theater = "0013";
    t.screen = "imax";
    return t;
}
Opening at(const std::string &date, const std::string &time = "", const std::string &movie = "") {
    Opening o;
    o.key = date + time;
    o.date = date;
    o.time = time;
    o.movie = movie;
    return o;
}
} // namespace

TEST_CASE("date openings make one message with Korean dates") {
    Snapshot s;
    s.theater_name = "CGV 용산아이파크몰";
    s.movie_name = "듄-파트2";
    auto first = at("2026-12-25");
    first.link =
        "https://cgv.co.kr/cnm/movieBook/cinema?siteNo=0013&siteNm=CGV%20x&scnYmd=20261225";
    const auto m = opening_message(target(), s, {first, at("2026-12-26")});
    CHECK(m.title == "CGV 용산아이파크몰 IMAX 예매 오픈 (yongsan-imax)");
    CHECK(m.body == "듄-파트2\n• 12월 25일(금)\n• 12월 26일(토)");
    CHECK(m.priority == 4);
    CHECK(m.click.starts_with("https://cgv.co.kr/cnm/movieBook/cinema?siteNo=0013&siteNm=CGV%20"));
    CHECK(m.click.find("scnYmd=20261225") != std::string::npos);
    REQUIRE(m.actions.size() == 1);
}

TEST_CASE("without a theater name the title uses the code") {
    const auto m = opening_message(target(), Snapshot{}, {at("2026-12-25")});
    CHECK(m.title == "CGV 0013 IMAX 예매 오픈 (yongsan-imax)");
}

TEST_CASE("showings are grouped by movie and date with times and seats") {
    auto a = at("2026-12-25", "10:00", "아바타");
    a.seats_free = 624;
    a.seats_total = 624;
    auto b = at("2026-12-25", "25:30", "아바타");
    const auto m = opening_message(target(), Snapshot{}, {a, b});
    CHECK(m.body == "아바타 · 12월 25일(금)\n  10:00 624/624 · 25:30 (01:30)\n"
                    "https://cgv.co.kr/cnm/movieBook/cinema?siteNo=0013&siteNm=&scnYmd=20261225");
}

namespace {
Opening showing_at(const std::string &date, const std::string &time, const std::string &movie,
                   const std::string &hall) {
    auto o = at(date, time, movie);
    o.movie_code = movie == "아바타" ? "30000774" : "30000801";
    o.screen = hall;
    o.link = "https://x/" + date + time;
    return o;
}
} // namespace

TEST_CASE("a whole-screen body: per movie then date, one heading each, halls when two") {
    Snapshot s;
    s.theater_name = "용산아이파크몰";
    s.listed_dates = {"2026-12-24", "2026-12-25"};
    // Fresh openings arrive sorted by date: movies interleave, headings must not repeat.
    const std::vector<Opening> fresh = {
        showing_at("2026-12-25", "13:00", "아바타", "SCREENX관"),
        showing_at("2026-12-24", "10:00", "주토피아 2", "14관 SCREENX"),
        showing_at("2026-12-24", "09:00", "아바타", "SCREENX관"),
        showing_at("2026-12-25", "11:00", "주토피아 2", "14관 SCREENX")};
    const auto m = opening_message(target(), s, fresh);
    CHECK(m.title == "CGV 용산아이파크몰 IMAX 4회차 예매 오픈 (yongsan-imax)");
    CHECK(m.body ==
          "아바타 · 12월 24일(목)\n  09:00 SCREENX관\n"
          "아바타 · 12월 25일(금)\n  13:00 SCREENX관\n"
          "주토피아 2 · 12월 24일(목)\n  10:00 14관 SCREENX\n"
          "주토피아 2 · 12월 25일(금)\n  11:00 14관 SCREENX\n"
          "https://cgv.co.kr/cnm/movieBook/"
          "cinema?siteNo=0013&siteNm=%EC%9A%A9%EC%82%B0%EC%95%84%EC%9D%B4%ED%8C%8C%ED%81%AC%"
          "EB%AA%B0&scnYmd=20261224");
    CHECK(m.click == "https://x/2026-12-2409:00"); // the first new showing
    // One hall of the type: no hall names.
    const auto one =
        opening_message(target(), s, {showing_at("2026-12-24", "10:00", "아바타", "IMAX관")});
    CHECK(one.body.starts_with("아바타 · 12월 24일(목)\n  10:00\n"));
}

TEST_CASE("a cut body keeps every movie's heading; a huge title is cut, not the dates") {
    Snapshot s;
    s.listed_dates = {"2026-12-24"};
    std::vector<Opening> fresh;
    for (int day = 10; day < 28; ++day)
        for (int h = 10; h < 24; ++h)
            for (const char *minute : {"00", "30"})
                fresh.push_back(showing_at(fmt::format("2026-12-{}", day),
                                           fmt::format("{}:{}", h, minute), "아바타", ""));
    fresh.push_back(showing_at("2026-12-26", "", std::string(5000, 'Z'), ""));
    const auto m = opening_message(target(), s, fresh);
    CHECK(m.body.size() <= k_max_body_bytes);
    CHECK(m.body.find("아바타 · 12월 10일(목)") == 0);
    const auto z = m.body.find(std::string(200, 'Z') + "… · 12월 26일(토)");
    CHECK(z != std::string::npos);                        // the other movie's heading stays
    CHECK(m.body.find("시간 미정") == std::string::npos); // its time line was cut
    CHECK(m.body.find("... and ") != std::string::npos);
    CHECK(m.body.ends_with("scnYmd=20261210"));
}

TEST_CASE("a showing with no start time still shows its movie and date") {
    Snapshot s;
    s.listed_dates = {"2026-12-24"};
    const auto m = opening_message(target(), s, {showing_at("2026-12-24", "", "아바타", "")});
    CHECK(m.body.starts_with("아바타 · 12월 24일(목)\n  시간 미정\n"));
}

TEST_CASE("long bodies are cut at 4096 bytes on a UTF-8 boundary with a count") {
    std::vector<Opening> many;
    for (int i = 0; i < 600; ++i)
        many.push_back(at("2026-12-25"));
    Snapshot s;
    s.movie_name = "가나다라마바사";
    const auto m = opening_message(target(), s, many);
    CHECK(m.body.size() <= k_max_body_bytes);
    CHECK(is_valid_utf8(m.body));
    CHECK(m.body.find("... and ") != std::string::npos);
    const auto shown = std::count(m.body.begin(), m.body.end(), '\n') - 1; // minus the movie line
    const auto more = std::stoi(m.body.substr(m.body.rfind("and ") + 4));
    CHECK(shown + more == 600);
}

TEST_CASE("after-midnight times show the clock time too") {
    CHECK(display_time("10:00") == "10:00");
    CHECK(display_time("25:30") == "25:30 (01:30)");
    CHECK(display_time("24:00") == "24:00 (00:00)");
}

TEST_CASE("templates replace named fields and keep escaped braces") {
    CHECK(
        render_template("{{x}} {count}개: {dates}", {{"count", "2"}, {"dates", "12월 25일(금)"}}) ==
        "{x} 2개: 12월 25일(금)");
    CHECK(render_template("{unknown} {", {}) == "{unknown} {");
}

TEST_CASE("a target's templates shape the push") {
    auto t = target();
    t.title_template = "{movie} {screen} ({count})";
    t.message_template = "{theater}: {dates}";
    Snapshot s;
    s.theater_name = "CGV 용산아이파크몰";
    s.movie_name = "듄-파트2";
    const auto m = opening_message(t, s, {at("2026-12-25"), at("2026-12-26")});
    CHECK(m.title == "듄-파트2 IMAX (2)");
    CHECK(m.body == "CGV 용산아이파크몰: 12월 25일(금), 12월 26일(토)");
}

TEST_CASE("operator alerts name the target and the error") {
    const auto m = failure_alert_message("yongsan-imax", 3, "bad answer: not JSON");
    CHECK(m.title == "alimi: yongsan-imax 확인 실패 (3회 연속)");
    CHECK(m.body.find("bad answer: not JSON") != std::string::npos);
    CHECK(recovery_alert_message("yongsan-imax").title == "alimi: yongsan-imax 복구됨");
}

TEST_CASE("a poster is an http(s) URL or a path on the chain's host; anything odd is none") {
    const std::string_view host = "https://img.cgv.co.kr";
    CHECK(poster_url(host, " /Movie/a/1_320.jpg ") == "https://img.cgv.co.kr/Movie/a/1_320.jpg");
    CHECK(poster_url(host, "https://x.kr/p.jpg") == "https://x.kr/p.jpg");
    CHECK(poster_url(host, "").empty());
    CHECK(poster_url(host, "Movie/a.jpg").empty()); // neither a URL nor a path from the root
    CHECK(poster_url(host, "//evil.kr/a.jpg").empty());
    CHECK(poster_url(host, "/a/../b.jpg").empty());
    CHECK(poster_url(host, "/a b.jpg").empty());
    CHECK(poster_url(host, "/a\".jpg").empty());
    CHECK(poster_url(host, "javascript:alert(1)").empty());
    CHECK(poster_url(host, "/포스터.jpg").empty()); // raw UTF-8 is not a URL
}

TEST_CASE("a push shows the first fresh showing's poster, or any fresh one's") {
    const auto t = target();
    Snapshot snap;
    snap.theater_name = "CGV 용산아이파크몰";
    Opening a, b;
    a.date = "20261211", a.time = "10:00";
    b.date = "20261212", b.time = "19:00", b.poster = "https://img.cgv.co.kr/b.jpg";
    CHECK(opening_message(t, snap, {a, b}).image == "https://img.cgv.co.kr/b.jpg");
    a.poster = "https://img.cgv.co.kr/a.jpg";
    CHECK(opening_message(t, snap, {b, a}).image == "https://img.cgv.co.kr/a.jpg");
    CHECK(opening_message(t, snap, {}).image.empty());
}
