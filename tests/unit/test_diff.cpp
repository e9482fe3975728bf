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
