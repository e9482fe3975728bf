#include "timeutil.hpp"

#include <fmt/format.h>

namespace alimi {

namespace {
// Korea keeps UTC+9 all year (no DST since 1988), so a fixed offset is exact and the host's
// zone, whatever it is, never decides what "today" is at a cinema.
constexpr auto k_kst_offset = std::chrono::hours(9);
constexpr const char *k_weekdays_ko[] = {"일", "월", "화", "수", "목", "금", "토"};

unsigned month_of(Date d) {
    return static_cast<unsigned>(d.month());
}
unsigned day_of(Date d) {
    return static_cast<unsigned>(d.day());
}

struct Clock {
    Date date;
    long long seconds_of_day;
};

// floor, not a cast: a moment before 1970 still falls on the right day.
Clock split(TimePoint t) {
    const auto day = std::chrono::floor<std::chrono::days>(t);
    return {Date{day}, (t - day).count()};
}
} // namespace

// Whole seconds: the state stores unix seconds, and a moment kept finer than it is stored would
// compare unequal with itself after a round trip.
TimePoint now_utc() {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

TimePoint from_unix(long long seconds) {
    return TimePoint{std::chrono::seconds{seconds}};
}

long long to_unix(TimePoint t) {
    return t.time_since_epoch().count();
}

Date kst_date(TimePoint t) {
    return split(t + k_kst_offset).date;
}

std::optional<Date> parse_yyyymmdd(std::string_view s) {
    if (s.size() != 8)
        return std::nullopt;
    for (const char c : s)
        if (c < '0' || c > '9')
            return std::nullopt;
    const int y = std::stoi(std::string(s.substr(0, 4)));
    const unsigned m = std::stoul(std::string(s.substr(4, 2)));
    const unsigned d = std::stoul(std::string(s.substr(6, 2)));
    const Date date{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
    if (!date.ok()) // "20261332" or "20270229": digits that name no day are no date
        return std::nullopt;
    return date;
}

std::string iso_date(Date d) {
    return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()), month_of(d), day_of(d));
}

std::string compact_date(Date d) {
    return fmt::format("{:04}{:02}{:02}", static_cast<int>(d.year()), month_of(d), day_of(d));
}

// "12월 24일(목)": the form Korean booking sites and pushes use, day of week included
// because users plan by it.
std::string korean_date(Date d) {
    const std::chrono::weekday wd{std::chrono::sys_days{d}};
    return fmt::format("{}월 {}일({})", month_of(d), day_of(d), k_weekdays_ko[wd.c_encoding()]);
}

// UTC with Z for machines (JSON, history --json); people get KST from the kst_ forms.
std::string iso_timestamp(TimePoint t) {
    const auto c = split(t);
    return fmt::format("{}T{:02}:{:02}:{:02}Z", iso_date(c.date), c.seconds_of_day / 3600,
                       c.seconds_of_day / 60 % 60, c.seconds_of_day % 60);
}

std::string kst_clock(TimePoint t) {
    const auto c = split(t + k_kst_offset);
    return fmt::format("{:02}:{:02}", c.seconds_of_day / 3600, c.seconds_of_day / 60 % 60);
}

std::string kst_timestamp(TimePoint t) {
    return fmt::format("{} {} KST", iso_date(kst_date(t)), kst_clock(t));
}

// Today's moments by their clock time alone; other days with their date.
std::string kst_when(TimePoint t, TimePoint now) {
    return kst_date(t) == kst_date(now) ? kst_clock(t) + " KST" : kst_timestamp(t);
}

// "90s", "15m", "2h", "7d", "1w", or days by default; at most 12 characters, so the
// product cannot overflow.
std::optional<long long> parse_duration(std::string_view s) {
    if (s.empty() || s.size() > 12)
        return std::nullopt;
    long long unit = 86400; // a bare number counts days
    if (s.back() < '0' || s.back() > '9') {
        switch (s.back()) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        case 'w':
            unit = 7 * 86400;
            break;
        default:
            return std::nullopt;
        }
        s.remove_suffix(1);
    }
    if (s.empty())
        return std::nullopt;
    long long n = 0;
    for (const char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        n = n * 10 + (c - '0');
    }
    return n * unit;
}

// Coarse on purpose: `status` is read at a glance, and hours up to two days read better
// than "1 days ago".
std::string ago(TimePoint then, TimePoint now) {
    const auto s = (now - then).count();
    // A time ahead of ours means our clock or the record's is off; saying so beats "-5 s ago".
    if (s < 0)
        return "in the future";
    if (s < 60)
        return fmt::format("{} s ago", s);
    if (s < 3600)
        return fmt::format("{} min ago", s / 60);
    if (s < 86400 * 2)
        return fmt::format("{} h ago", s / 3600);
    return fmt::format("{} days ago", s / 86400);
}

std::string compact_from_iso(std::string iso) {
    std::erase(iso, '-');
    return iso;
}

} // namespace alimi
