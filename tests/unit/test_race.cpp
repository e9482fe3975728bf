#include "source/race.hpp"

#include <doctest/doctest.h>

using namespace alimi;

namespace {
KnownShowing known(const std::string &date, const std::string &movie, long long at,
                   bool baseline = false) {
    return {date, movie, at, baseline};
}
std::vector<std::string> days(int from, int to) {
    std::vector<std::string> out;
    for (int d = from; d <= to; ++d)
        out.push_back("2026-12-" + std::string(d < 10 ? "0" : "") + std::to_string(d));
    return out;
}
RaceView swept_view(int from, int to, int budget) {
    RaceView v;
    v.listed = days(from, to);
    long long at = 1000;
    for (const auto &d : v.listed)
        v.swept[d] = at++; // earlier dates swept longer ago
    v.now = 2000;
    v.budget = budget;
    return v;
}
} // namespace

TEST_CASE("hall movies: the latest news first, national newcomers by when they appeared") {
    const std::vector<KnownShowing> k = {known("2026-12-10", "A", 100),
                                         known("2026-12-11", "B", 300),
                                         known("2026-12-12", "A", 200)};
    CHECK(hall_movies(k, "", {}) == std::vector<std::string>{"B", "A"});
    CHECK(hall_movies(k, "C@500,A@50", {}) == std::vector<std::string>{"C", "B", "A"});
    CHECK(hall_movies(k, "A@400", {}) == std::vector<std::string>{"A", "B"}); // the later news
    CHECK(hall_movies({}, "bad,D@x,E@7", {}) == std::vector<std::string>{"E"});
}

TEST_CASE("hall movies: news in the theater's other halls counts, their baseline does not") {
    const std::vector<KnownShowing> k = {known("2026-12-10", "A", 100),
                                         known("2026-12-11", "B", 300)};
    const std::vector<KnownShowing> imax = {known("2026-12-10", "A", 900),
                                            known("2026-12-12", "C", 800),
                                            known("2026-12-12", "D", 1000, true)};
    CHECK(hall_movies(k, "", imax) == std::vector<std::string>{"A", "C", "B"});
}

TEST_CASE("the likeliest movie every run, the next every other run, the rest in turn") {
    const std::vector<std::string> movies = {"A", "B", "C", "D"};
    CHECK(movies_to_ask(movies, 1) == std::vector<std::string>{"A"});
    CHECK(movies_to_ask(movies, 2) == std::vector<std::string>{"A", "B"});
    CHECK(movies_to_ask(movies, 3) == std::vector<std::string>{"A", "D"});
    CHECK(movies_to_ask(movies, 6) == std::vector<std::string>{"A", "B", "C"});
    CHECK(movies_to_ask({}, 3).empty());
    CHECK(national_list_due(2, 0));
    CHECK_FALSE(national_list_due(2, 1)); // halls take turns
    CHECK(national_list_due(3, 1));
    CHECK(date_list_due(1, false));
    CHECK_FALSE(date_list_due(2, false));
    CHECK(date_list_due(2, true));
}

TEST_CASE("the national note keeps when each movie appeared and drops the gone") {
    CHECK(national_note("", {"B", "A"}, 10) == "A@10,B@10");
    CHECK(national_note("A@10,B@10", {"A", "C"}, 20) == "A@10,C@20");
}

TEST_CASE("tripwire: news against the last answer, or dates the target knows no showing of") {
    const auto d = days(10, 13);
    CHECK(tripwire_hits(std::string("2026-12-10,2026-12-11"), d, "A", {}) ==
          std::set<std::string>{"2026-12-12", "2026-12-13"});
    CHECK(tripwire_hits(std::string(""), {}, "A", {}).empty());
    const std::vector<KnownShowing> k = {known("2026-12-10", "A", 1), known("2026-12-11", "B", 1)};
    CHECK(tripwire_hits(std::nullopt, d, "A", k) ==
          std::set<std::string>{"2026-12-11", "2026-12-12", "2026-12-13"});
    // A hit not swept this run stays news for the next one.
    CHECK(tripwire_note(d, {"2026-12-12", "2026-12-13"}, {"2026-12-12"}) ==
          "2026-12-10,2026-12-11,2026-12-12");
}

TEST_CASE("day pages: flagged and new first, then weight times the time since the last sweep") {
    auto v = swept_view(1, 20, 3);    // swept at 1001..1020, now 2000
    v.listed.push_back("2026-12-21"); // new: not in memory
    v.flagged = {"2026-12-15"};
    for (const auto &d : days(10, 20))
        v.hall_dates.insert(d);
    // New, flagged, then the least recently swept played date: 4 x 990 s beats 1 x 999 s.
    CHECK(choose_race_dates(v) ==
          std::vector<std::string>{"2026-12-10", "2026-12-15", "2026-12-21"});
    for (const auto &d : days(10, 20)) // the played dates were just swept: an unplayed one's turn
        v.swept[d] = 1800;
    CHECK(choose_race_dates(v) ==
          std::vector<std::string>{"2026-12-01", "2026-12-15", "2026-12-21"});
    v.budget = 2; // a hard cap: the flagged and new dates take it
    CHECK(choose_race_dates(v) == std::vector<std::string>{"2026-12-15", "2026-12-21"});
}

TEST_CASE("day pages: a wave and its stretch are swept hard, and starve nothing for ever") {
    auto v = swept_view(1, 20, 3);
    for (const auto &d : days(1, 20))
        v.hall_dates.insert(d);
    for (const auto &d : days(1, 20))
        v.swept[d] = 1900;        // all swept 100 s ago ...
    v.swept["2026-12-02"] = 1500; // ... but this played date, 500 s ago: 4 x 500
    v.wave = {"2026-12-18"};      // news: it and its listed neighbours weigh 64 x 100
    CHECK(choose_race_dates(v) ==
          std::vector<std::string>{"2026-12-17", "2026-12-18", "2026-12-19"});
    v.stretch = {"2026-12-05"}; // the wave's movie plays there: 32 x 100, before the played
    v.budget = 4;
    CHECK(choose_race_dates(v) ==
          std::vector<std::string>{"2026-12-05", "2026-12-17", "2026-12-18", "2026-12-19"});
    v.swept["2026-12-02"] = 300; // unswept for long: 4 x 1700 passes the wave's 64 x 100
    CHECK(choose_race_dates(v).front() == "2026-12-02");
}

TEST_CASE("day pages: the played dates rotate; a baseline is finished at once") {
    auto v = swept_view(1, 6, 2);
    v.hall_dates = {"2026-12-04", "2026-12-05", "2026-12-06"};
    v.swept["2026-12-06"] = 1; // swept longest ago
    CHECK(choose_race_dates(v) == std::vector<std::string>{"2026-12-04", "2026-12-06"});
    v.hall_dates.clear(); // nothing played: the least recently swept
    CHECK(choose_race_dates(v) == std::vector<std::string>{"2026-12-01", "2026-12-06"});
    RaceView first;
    first.listed = days(1, 30);
    first.budget = 2;
    first.finish_baseline = true;
    CHECK(choose_race_dates(first).size() == 30);
}

TEST_CASE("a wave is news of the last minutes, never the baseline") {
    const std::vector<KnownShowing> k = {known("2026-12-10", "A", 10000),
                                         known("2026-12-11", "A", 10000 - 30 * 60),
                                         known("2026-12-12", "A", 10000, true)};
    CHECK(wave_dates(k, 10000 + 60) == std::set<std::string>{"2026-12-10"});
}

TEST_CASE("a wave's stretch: every date a movie with news plays in the hall") {
    const std::vector<KnownShowing> k = {
        known("2026-12-10", "A", 10000), known("2026-12-14", "A", 500, true),
        known("2026-12-20", "A", 10000 - 30 * 60), known("2026-12-11", "B", 500, true),
        known("2026-12-12", "C", 10000 - 30 * 60)};
    CHECK(wave_stretch(k, 10000 + 60) ==
          std::set<std::string>{"2026-12-10", "2026-12-14", "2026-12-20"});
    CHECK(wave_stretch(k, 10000 + 30 * 60).empty());
}
