#include "diff.hpp"

#include <doctest/doctest.h>

using namespace alimi;

namespace {
Opening date_opening(const std::string &ymd) {
    Opening o;
    o.key = ymd;
    o.date = ymd.substr(0, 4) + "-" + ymd.substr(4, 2) + "-" + ymd.substr(6, 2);
    return o;
}
Snapshot snapshot_of(std::initializer_list<const char *> days) {
    Snapshot s;
    for (const auto *d : days)
        s.openings.push_back(date_opening(d));
    return s;
}
const Date k_today = *parse_yyyymmdd("20261224");
} // namespace

TEST_CASE("the first snapshot is a silent baseline") {
    const auto d = diff_openings(snapshot_of({"20261225", "20261226"}), {}, false, k_today);
    CHECK(d.baseline);
    CHECK(d.fresh.empty());
    CHECK(d.current.size() == 2);
}

TEST_CASE("only unknown keys are fresh, sorted by date") {
    const auto d = diff_openings(snapshot_of({"20261230", "20261225", "20261227"}), {"20261225"},
                                 true, k_today);
    REQUIRE(d.fresh.size() == 2);
    CHECK(d.fresh[0].key == "20261227");
    CHECK(d.fresh[1].key == "20261230");
}

TEST_CASE("past dates are dropped, today stays") {
    const auto d = diff_openings(snapshot_of({"20261223", "20261224"}), {}, true, k_today);
    REQUIRE(d.current.size() == 1);
    CHECK(d.current[0].key == "20261224");
}

TEST_CASE("vanished openings are not news and repeated keys count once") {
    const auto d =
        diff_openings(snapshot_of({"20261225", "20261225"}), {"20261226"}, true, k_today);
    CHECK(d.current.size() == 1);
    CHECK(d.fresh.size() == 1);
}

namespace {
Opening showing_at(const std::string &key, const std::string &hall, const std::string &time,
                   const std::string &movie = "m1") {
    Opening o;
    o.key = key;
    o.date = "2026-12-25";
    o.hall = hall;
    o.time = time;
    o.movie_code = movie;
    return o;
}
KnownRow known_row(const Opening &o) {
    return {o.key, o.date, o.time, o.movie_code, o.hall};
}
} // namespace

TEST_CASE("a hall renumbered with the same showings is re-keyed, not fresh") {
    const std::vector<Opening> before = {showing_at("a|0010|10:00", "0010", "10:00"),
                                         showing_at("a|0010|13:00", "0010", "13:00")};
    std::vector<KnownRow> known;
    for (const auto &o : before)
        known.push_back(known_row(o));
    Snapshot now;
    now.openings = {showing_at("a|0011|10:00", "0011", "10:00"),
                    showing_at("a|0011|13:00", "0011", "13:00")};
    const auto d = diff_openings(now, keys_of(known), true, k_today, {}, known);
    CHECK(d.fresh.empty());
    CHECK(d.rekeyed == std::vector<std::pair<std::string, std::string>>{
                           {"a|0010|10:00", "a|0011|10:00"}, {"a|0010|13:00", "a|0011|13:00"}});
}

TEST_CASE("a new hall with other showings, or an old hall still listed, is news") {
    const std::vector<KnownRow> known = {known_row(showing_at("a|0010|10:00", "0010", "10:00"))};
    Snapshot other_start;
    other_start.openings = {showing_at("a|0011|11:00", "0011", "11:00")};
    CHECK(diff_openings(other_start, keys_of(known), true, k_today, {}, known).fresh.size() == 1);
    Snapshot both;
    both.openings = {showing_at("a|0010|10:00", "0010", "10:00"),
                     showing_at("a|0011|10:00", "0011", "10:00")};
    const auto d = diff_openings(both, keys_of(known), true, k_today, {}, known);
    CHECK(d.fresh.size() == 1);
    CHECK(d.rekeyed.empty());
}

TEST_CASE("a showing renumbered within its hall keeps its place") {
    const std::vector<KnownRow> known = {known_row(showing_at("2612251351001", "03", "10:00"))};
    Snapshot now;
    now.openings = {showing_at("2612251351041", "03", "10:00"),
                    showing_at("2612251351042", "03", "19:00")};
    const auto d = diff_openings(now, keys_of(known), true, k_today, {}, known);
    REQUIRE(d.fresh.size() == 1);
    CHECK(d.fresh[0].time == "19:00");
    CHECK(d.rekeyed.size() == 1);
}
