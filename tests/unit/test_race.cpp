#include "race.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>

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

TEST_CASE("hall movies: news in the other halls counts later than its own, their baseline never") {
    const std::vector<KnownShowing> k = {known("2026-12-10", "A", 100),
                                         known("2026-12-11", "B", 3900)};
    const std::vector<KnownShowing> imax = {known("2026-12-10", "A", 5000),
                                            known("2026-12-12", "C", 4100),
                                            known("2026-12-12", "D", 9000, true)};
    // A at 5000 - 300 and C at 4100 - 300 beside B's own news at 3900; D is a baseline.
    CHECK(hall_movies(k, "", imax) == std::vector<std::string>{"A", "B", "C"});
    // Once the hall's national list is known, a movie it does not show counts 30 minutes older.
    CHECK(hall_movies(k, "A@10,B@10", imax) == std::vector<std::string>{"A", "B", "C"});
    CHECK(hall_movies(k, "B@10", imax) == std::vector<std::string>{"B", "A", "C"});
}

TEST_CASE("hall movies: equal news takes turns by run, not always the lowest code") {
    std::set<std::string> firsts;
    for (long long run = 1; run <= 3; ++run)
        firsts.insert(hall_movies({}, "A@10,B@10,C@10", {}, run).front());
    CHECK(firsts == std::set<std::string>{"A", "B", "C"});
}

TEST_CASE("lists: the most overdue first, each when its period is up, none for ever behind") {
    const std::vector<ListCandidate> c = {{"dates", 2}, {"movie:04:A", 1}, {"movie:04:B", 4}};
    // Never asked: all due, the shortest period first.
    CHECK(lists_to_ask(c, "", 3, 5) == std::vector<std::size_t>{1, 0, 2});
    // Asked at run 9: at run 10 only the likeliest movie is due, at 11 the date list too.
    const auto asked = asked_note("", {"dates", "movie:04:A", "movie:04:B"}, 9);
    CHECK(asked == "dates@9,movie:04:A@9,movie:04:B@9");
    CHECK(lists_to_ask(c, asked, 10, 5) == std::vector<std::size_t>{1});
    CHECK(lists_to_ask(c, asked, 11, 5) == std::vector<std::size_t>{1, 0});
    CHECK(lists_to_ask(c, asked, 13, 5) == std::vector<std::size_t>{1, 0, 2});
    // No room for all: the most overdue go; the one left out is first when its turn is over.
    CHECK(lists_to_ask(c, asked, 13, 1) == std::vector<std::size_t>{1});
    const auto later = asked_note(asked, {"movie:04:A"}, 13);
    CHECK(lists_to_ask(c, later, 14, 1) == std::vector<std::size_t>{0});
    CHECK(lists_to_ask(c, later, 14, 0).empty());
}

TEST_CASE("flags wait until a page shows the movie, 45 minutes at most, a new date 10") {
    const auto f = read_stamps("2026-12-10|A@1000,2026-12-11|@1000,bad");
    CHECK(f.size() == 2);
    CHECK(write_stamps(f) == "2026-12-10|A@1000,2026-12-11|@1000");
    CHECK(live_flags(f, {}, 1000 + 9 * 60).size() == 2);
    CHECK(live_flags(f, {}, 1000 + 11 * 60) == Flags{{"2026-12-10|A", 1000}});
    CHECK(live_flags(f, {"2026-12-10|A"}, 1001) == Flags{{"2026-12-11|", 1000}});
    CHECK(live_flags(f, {}, 1000 + 45 * 60).empty());
}

TEST_CASE("the credit: fills at the rate a minute up to an hour's worth; runs spend it") {
    CHECK(race_credit(std::nullopt, 1000, 4) == doctest::Approx(240));
    CHECK(race_credit(std::string("10.00@1000"), 1030, 4) == doctest::Approx(12));
    CHECK(race_credit(std::string("-3.00@1000"), 1060, 4) == doctest::Approx(1));
    CHECK(race_credit(std::string("230@1000"), 9000, 4) == doctest::Approx(240));
    CHECK(race_credit(std::string("x@y"), 1000, 4) == doctest::Approx(4));
    CHECK(credit_note(12.5, 1000) == "12.50@1000");
    CHECK(race_allowance(100, false, false, 4) == 4);    // an ordinary run: the rate
    CHECK(race_allowance(100, false, false, 4, 2) == 5); // and one for a second hall type
    CHECK(race_allowance(240, false, false, 4) == 6);    // more than half full: a run and a half
    CHECK(race_allowance(240, true, false, 4) == 8);     // news under way: up to twice the rate
    CHECK(race_allowance(5.5, true, false, 4) == 5);     // as far as the credit goes
    CHECK(race_allowance(-10, true, false, 4) == 2);     // never below a list and a page
    CHECK(race_allowance(240, false, true, 4) == 2);     // a quiet night hour
    CHECK(race_allowance(240, true, true, 4) == 8);
}

TEST_CASE("quiet hours: 01-09 KST once a day is on record, unless an opening was seen then") {
    const long long kst_0300 = 1764784800; // 2025-12-04 03:00 KST
    const long long kst_1200 = kst_0300 + 9 * 3600;
    const std::vector<KnownShowing> day_old = {known("2026-12-10", "A", kst_0300 - 86400, true)};
    CHECK(quiet_hour(day_old, kst_0300));
    CHECK_FALSE(quiet_hour(day_old, kst_1200));
    CHECK_FALSE(quiet_hour({known("2026-12-10", "A", kst_0300 - 3600, true)}, kst_0300));
    CHECK_FALSE(quiet_hour({}, kst_0300));
    CHECK_FALSE(quiet_hour({known("2026-12-10", "A", kst_0300 - 86400 + 3600)}, kst_0300));
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
    CHECK(tripwire_note(d) == "2026-12-10,2026-12-11,2026-12-12,2026-12-13");
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

TEST_CASE("day pages: the played dates rotate; a first look is spread, flagged dates first") {
    auto v = swept_view(1, 6, 2);
    v.hall_dates = {"2026-12-04", "2026-12-05", "2026-12-06"};
    v.swept["2026-12-06"] = 1; // swept longest ago
    CHECK(choose_race_dates(v) == std::vector<std::string>{"2026-12-04", "2026-12-06"});
    v.hall_dates.clear(); // nothing played: the least recently swept
    CHECK(choose_race_dates(v) == std::vector<std::string>{"2026-12-01", "2026-12-06"});
    RaceView first; // nothing swept yet: the budget's worth, taking turns by run
    first.listed = days(1, 30);
    first.budget = 4;
    first.now = 2000;
    std::set<std::string> looked;
    for (first.run = 1; first.run <= 8; ++first.run) {
        const auto chosen = choose_race_dates(first);
        CHECK(chosen.size() == 4);
        for (const auto &d : chosen)
            first.swept[d] = first.now;
        looked.insert(chosen.begin(), chosen.end());
        first.now += 60;
    }
    CHECK(looked.size() == 30);     // 30 dates in 8 runs of 4
    first.flagged = {"2026-12-20"}; // news goes before the never-swept rest
    first.swept = {};
    CHECK(std::ranges::count(choose_race_dates(first), "2026-12-20") == 1);
}

TEST_CASE("a wave is news of the last minutes, never the baseline") {
    const std::vector<KnownShowing> k = {known("2026-12-10", "A", 10000),
                                         known("2026-12-11", "A", 10000 - 70 * 60),
                                         known("2026-12-12", "A", 10000, true)};
    CHECK(wave_dates(k, 10000 + 60) == std::set<std::string>{"2026-12-10"});
}

TEST_CASE("a wave's stretch: every date a movie with news plays in the hall") {
    const std::vector<KnownShowing> k = {
        known("2026-12-10", "A", 10000), known("2026-12-14", "A", 500, true),
        known("2026-12-20", "A", 10000 - 70 * 60), known("2026-12-11", "B", 500, true),
        known("2026-12-12", "C", 10000 - 70 * 60)};
    CHECK(wave_stretch(k, 10000 + 60) ==
          std::set<std::string>{"2026-12-10", "2026-12-14", "2026-12-20"});
    CHECK(wave_stretch(k, 10000 + 70 * 60).empty());
}
