#include "filter.hpp"

#include <doctest/doctest.h>

using namespace alimi;

namespace {

Opening showing(const std::string &key, const std::string &date, const std::string &time,
                const std::string &movie, int free = -1) {
    Opening o;
    o.key = key;
    o.date = date;
    o.time = time;
    o.movie = movie;
    o.seats_free = free;
    o.seats_total = free < 0 ? -1 : 100;
    return o;
}

// A diff of current showings where `fresh` are the keys new to the state.
Diff diff_of(std::vector<Opening> current, const std::vector<std::string> &fresh) {
    Diff d;
    d.current = std::move(current);
    for (const auto &o : d.current)
        if (std::find(fresh.begin(), fresh.end(), o.key) != fresh.end())
            d.fresh.push_back(o);
    return d;
}

std::vector<std::string> keys(const std::vector<Opening> &v) {
    std::vector<std::string> out;
    for (const auto &o : v)
        out.push_back(o.key);
    return out;
}

} // namespace

TEST_CASE("titles match as users type them") {
    CHECK(title_key("듄: 파트 2") == "듄파트2");
    CHECK(title_key("Avatar: Fire and Ash") == "avatarfireandash");
    CHECK(title_key("ＩＭＡＸ") == "imax");
    CHECK(title_key("Pokémon") == "pokemon");
    // Decomposed jamo (macOS input) compose to the syllables the sites write.
    CHECK(title_key("\u1100\u1161\u11A8") == "각");
    CHECK(title_matches("아바타", "아바타: 불과 재"));
    CHECK(title_matches("듄2", "듄: 파트2"));
    CHECK(title_matches("아바타3", "아바타: 불과 재 3"));
    CHECK(title_matches("AVATAR", "avatar: fire and ash"));
    CHECK_FALSE(title_matches("듄2", "듄: 파트 12"));
    CHECK_FALSE(title_matches("아바타", "주토피아 2"));
    CHECK_FALSE(title_matches("듄3", "듄: 파트2"));
}

TEST_CASE("time windows, weekdays and date ranges parse and refuse") {
    CHECK(parse_time_window("18:00-24:30") == std::pair{1080, 1470});
    CHECK_FALSE(parse_time_window("18:00-12:00").has_value()); // inverted
    CHECK_FALSE(parse_time_window("18-24").has_value());
    CHECK_FALSE(parse_time_window("18:00-30:00").has_value());
    CHECK(parse_weekday("fri") == 4);
    CHECK_FALSE(parse_weekday("fry").has_value());
    CHECK(parse_date_range("2026-12-26..2026-12-31") ==
          std::pair<std::string, std::string>{"2026-12-26", "2026-12-31"});
    CHECK(parse_date_range("2026-12-24")->second == "2026-12-24");
    CHECK_FALSE(parse_date_range("2026-12-31..2026-12-26").has_value());
    CHECK_FALSE(parse_date_range("2026-02-30").has_value());
}

TEST_CASE("filters keep an evening weekend showing and drop a matinee and a weekday") {
    WatchFilter f;
    f.from_minute = 18 * 60;
    f.until_minute = 24 * 60 + 30;
    f.days[4] = f.days[5] = f.days[6] = true;                  // fri sat sun
    CHECK(passes(f, showing("a", "2026-12-26", "19:00", ""))); // a Saturday
    CHECK(passes(f, showing("b", "2026-12-26", "24:20", ""))); // past midnight, same business day
    CHECK_FALSE(passes(f, showing("c", "2026-12-26", "10:00", "")));
    CHECK_FALSE(passes(f, showing("d", "2026-12-22", "19:00", ""))); // a Tuesday
    f.dates = {{"2026-12-24", "2026-12-25"}};
    CHECK_FALSE(passes(f, showing("a", "2026-12-26", "19:00", "")));
    CHECK(passes(f, showing("e", "2026-12-25", "19:00", ""))); // Christmas is a Friday
    CHECK(filter_text(f) == "18:00-24:30 · 금 토 일 · 2026-12-24..2026-12-25");
}

TEST_CASE("a new showing outside the filters is known, never news") {
    WatchFilter f;
    f.title = "아바타";
    auto d = diff_of({showing("a", "2026-12-26", "19:00", "아바타: 불과 재"),
                      showing("z", "2026-12-26", "19:00", "주토피아 2")},
                     {"a", "z"});
    filter_news(d, {}, f);
    CHECK(keys(d.fresh) == std::vector<std::string>{"a"});
    CHECK(d.marks.at("z").settled == false);
    CHECK(d.marks.at("a").settled);
    // The filter changes later: z stays known, and is still no news.
    KnownRow z{"z", "2026-12-26", "19:00", "", "", d.marks.at("z")};
    auto later = diff_of({showing("z", "2026-12-26", "19:00", "주토피아 2")}, {});
    filter_news(later, {z}, WatchFilter{});
    CHECK(later.fresh.empty());
}

TEST_CASE("min_seats holds a showing back until its seats reach it") {
    WatchFilter f;
    f.min_seats = 2;
    auto d = diff_of({showing("a", "2026-12-26", "19:00", "", 1)}, {"a"});
    filter_news(d, {}, f);
    CHECK(d.fresh.empty());
    CHECK(d.marks.at("a").held);
    KnownRow a{"a", "2026-12-26", "19:00", "", "", d.marks.at("a")};
    auto later = diff_of({showing("a", "2026-12-26", "19:00", "", 3)}, {});
    filter_news(later, {a}, f);
    CHECK(keys(later.fresh) == std::vector<std::string>{"a"});
    CHECK(later.seats_back.empty()); // its first news is an opening
    CHECK(later.marks.at("a").settled);
}

TEST_CASE("seats back: once per rise, again after a fall") {
    WatchFilter f;
    f.seats_back = true;
    KnownRow row{"a", "2026-12-26", "19:00", "", "", OpeningMark{true}};
    auto step = [&](int free) {
        auto d = diff_of({showing("a", "2026-12-26", "19:00", "", free)}, {});
        filter_news(d, {row}, f);
        row.mark = d.marks.at("a");
        return d.seats_back.size();
    };
    CHECK(step(5) == 0); // open, as known
    CHECK(step(0) == 0); // sold out
    CHECK(step(2) == 1); // back
    CHECK(step(3) == 0); // still open: no second push
    CHECK(step(0) == 0);
    CHECK(step(1) == 1);
    f.seats_back = false;
    CHECK(step(0) == 0);
    CHECK(step(4) == 0); // not asked for
}

TEST_CASE("a baseline settles everything, whatever the filters") {
    WatchFilter f;
    f.min_seats = 2;
    f.title = "아바타";
    auto d = diff_of({showing("a", "2026-12-26", "19:00", "아바타", 0),
                      showing("z", "2026-12-26", "19:00", "듄", 9)},
                     {});
    d.baseline = true;
    filter_news(d, {}, f);
    CHECK(d.fresh.empty());
    CHECK(d.marks.at("a").settled);
    CHECK(d.marks.at("a").low);
    CHECK(d.marks.at("z").settled);
}
