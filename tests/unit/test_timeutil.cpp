#include "timeutil.hpp"

#include <doctest/doctest.h>

using namespace alimi;

TEST_CASE("Korea's date turns at 15:00 UTC") {
    const auto before = from_unix(1798729199); // 2026-12-31T14:59:59Z
    const auto after = from_unix(1798729200);  // 2026-12-31T15:00:00Z = 2027-01-01 00:00 KST
    CHECK(iso_date(kst_date(before)) == "2026-12-31");
    CHECK(iso_date(kst_date(after)) == "2027-01-01");
    CHECK(kst_clock(after) == "00:00");
}

TEST_CASE("compact dates parse strictly") {
    CHECK(parse_yyyymmdd("20261224").has_value());
    CHECK_FALSE(parse_yyyymmdd("20260230").has_value());
    CHECK_FALSE(parse_yyyymmdd("2026122").has_value());
    CHECK_FALSE(parse_yyyymmdd("2026-1-24").has_value());
}

TEST_CASE("Korean dates carry the weekday") {
    CHECK(korean_date(*parse_yyyymmdd("20261225")) == "12월 25일(금)");
    CHECK(korean_date(*parse_yyyymmdd("20240331")) == "3월 31일(일)");
}

TEST_CASE("timestamps are ISO 8601 UTC") {
    CHECK(iso_timestamp(from_unix(0)) == "1970-01-01T00:00:00Z");
    CHECK(ago(from_unix(0), from_unix(190)) == "3 min ago");
}

TEST_CASE("durations with units; a bare number is days") {
    CHECK(parse_duration("90s") == 90);
    CHECK(parse_duration("30m") == 1800);
    CHECK(parse_duration("12h") == 43200);
    CHECK(parse_duration("7d") == 604800);
    CHECK(parse_duration("2w") == 1209600);
    CHECK(parse_duration("3") == 259200);
    CHECK_FALSE(parse_duration("").has_value());
    CHECK_FALSE(parse_duration("d").has_value());
    CHECK_FALSE(parse_duration("7x").has_value());
    CHECK_FALSE(parse_duration("-1d").has_value());
}
