#include "filter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace alimi {

namespace {

// Config spells days in English (the contract's keys); pushes name them in Korean.
constexpr const char *k_days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr const char *k_korean_days[] = {"월", "화", "수", "목", "금", "토", "일"};

// "18:30" -> 1110; hours up to 29, as the sites write showings past midnight.
std::optional<int> parse_clock(std::string_view s) {
    if (s.size() != 5 || s[2] != ':')
        return std::nullopt;
    for (const auto i : {0, 1, 3, 4})
        if (s[i] < '0' || s[i] > '9')
            return std::nullopt;
    const int hour = (s[0] - '0') * 10 + (s[1] - '0');
    const int minute = (s[3] - '0') * 10 + (s[4] - '0');
    if (hour > 29 || minute > 59)
        return std::nullopt;
    return hour * 60 + minute;
}

// The dashes are checked as well as the day: "2026-1-5" or "20260105" is a config error,
// not a date the comparison below would misorder.
bool is_iso_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-')
        return false;
    return parse_yyyymmdd(compact_from_iso(std::string(s))).has_value();
}

// Monday 0 .. Sunday 6 of an ISO date.
std::optional<int> weekday_of(const std::string &iso) {
    const auto d = parse_yyyymmdd(compact_from_iso(iso));
    if (!d)
        return std::nullopt;
    return static_cast<int>(std::chrono::weekday(std::chrono::sys_days(*d)).iso_encoding()) - 1;
}

std::string clock_text(int minutes) {
    return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

} // namespace

// No day chosen means every day, so an empty days list cannot silence a target.
bool WatchFilter::any_day() const {
    return std::none_of(days.begin(), days.end(), [](bool d) { return d; });
}

// Whether the target watches less than its whole schedule: such a target says so in
// `list` and its first look explains what it will ignore.
bool WatchFilter::narrows() const {
    return !title.empty() || from_minute >= 0 || !any_day() || !dates.empty() || min_seats > 1 ||
           seats_back;
}

// Both ends are included; a window may run past midnight ("22:00-26:00") in the sites'
// own counting, but never backwards.
std::optional<std::pair<int, int>> parse_time_window(std::string_view text) {
    const auto dash = text.find('-');
    if (dash == std::string_view::npos)
        return std::nullopt;
    const auto from = parse_clock(text.substr(0, dash));
    const auto until = parse_clock(text.substr(dash + 1));
    if (!from || !until || *until < *from)
        return std::nullopt;
    return std::pair{*from, *until};
}

std::optional<int> parse_weekday(std::string_view text) {
    for (int i = 0; i < 7; ++i)
        if (text == k_days[i])
            return i;
    return std::nullopt;
}

// "2026-12-24" is a range of one day; ISO dates compare as text, so ranges need no parsing
// at match time.
std::optional<std::pair<std::string, std::string>> parse_date_range(std::string_view text) {
    const auto dots = text.find("..");
    const auto first = text.substr(0, dots);
    const auto last = dots == std::string_view::npos ? first : text.substr(dots + 2);
    if (!is_iso_date(first) || !is_iso_date(last) || last < first)
        return std::nullopt;
    return std::pair{std::string(first), std::string(last)};
}

// The filters that say whether a showing is of interest at all; seats are judged apart
// (seats_enough), because a wanted showing with too few seats is held, not ignored.
bool passes(const WatchFilter &f, const Opening &o) {
    if (!f.title.empty() && !title_matches(f.title, o.movie))
        return false;
    // A date-level opening has no start time: the window cannot tell, so it does not hold it.
    if (f.from_minute >= 0 && !o.time.empty()) {
        const auto start = parse_clock(o.time);
        if (!start || *start < f.from_minute || *start > f.until_minute)
            return false;
    }
    if (!f.any_day()) {
        const auto day = weekday_of(o.date);
        if (!day || !f.days[static_cast<std::size_t>(*day)])
            return false;
    }
    if (!f.dates.empty() && std::none_of(f.dates.begin(), f.dates.end(), [&](const auto &r) {
            return o.date >= r.first && o.date <= r.second;
        }))
        return false;
    return true;
}

// An unknown seat count (-1: the chain did not say) never holds a push back.
bool seats_enough(const WatchFilter &f, const Opening &o) {
    return o.seats_free < 0 || o.seats_free >= f.min_seats;
}

// The filter as a push and `list` show it, in the order a user reads a showing: film,
// time, days, dates, seats.
std::string filter_text(const WatchFilter &f) {
    std::vector<std::string> parts;
    if (!f.title.empty())
        parts.push_back(f.title);
    if (f.from_minute >= 0)
        parts.push_back(clock_text(f.from_minute) + "-" + clock_text(f.until_minute));
    if (!f.any_day()) {
        std::string days;
        for (std::size_t i = 0; i < 7; ++i)
            if (f.days[i])
                days += (days.empty() ? "" : " ") + std::string(k_korean_days[i]);
        parts.push_back(days);
    }
    for (const auto &[first, last] : f.dates)
        parts.push_back(first == last ? first : first + ".." + last);
    if (f.min_seats > 1)
        parts.push_back(fmt::format("{}석 이상", f.min_seats));
    if (f.seats_back)
        parts.push_back("좌석 다시 열림");
    std::string out;
    for (const auto &p : parts)
        out += (out.empty() ? "" : " · ") + p;
    return out;
}

} // namespace alimi

namespace alimi {

namespace {

// The state's mark of each known key, a renumbered showing's under its new key too.
// A showing renumbered by the site keeps what the state knew of it under its old key, so it
// is not news again and its hold or seat state carries over.
std::map<std::string, OpeningMark> known_marks(const Diff &diff,
                                               const std::vector<KnownRow> &known) {
    std::map<std::string, OpeningMark> out;
    for (const auto &r : known)
        out[r.key] = r.mark;
    for (const auto &[from, to] : diff.rekeyed)
        if (const auto it = out.find(from); it != out.end())
            out[to] = it->second;
    return out;
}

// A showing the state knows: what this look at it changes.
// A held showing becomes news once it is open to the filter with seats enough; a settled
// one whose seats had run low is "seats back" only for targets that asked for it.
OpeningMark known_step(const OpeningMark &was, const Opening &o, const WatchFilter &f, Diff &diff) {
    const bool open = passes(f, o) && seats_enough(f, o);
    OpeningMark now{was.settled, was.held, !seats_enough(f, o)};
    if (was.held && open) {
        diff.fresh.push_back(o);
        now = OpeningMark{true, false, false};
    } else if (was.settled && !was.held && was.low && open && f.seats_back) {
        diff.seats_back.push_back(o);
    }
    return now;
}

} // namespace

// Every current showing gets a mark, so "seen" is recorded for all and "announced" only
// for those that were news: a showing filtered out today is not news tomorrow either.
void filter_news(Diff &diff, const std::vector<KnownRow> &known, const WatchFilter &f) {
    const auto marks = known_marks(diff, known);
    std::set<std::string> candidates;
    for (const auto &o : diff.fresh)
        candidates.insert(o.key);
    diff.fresh.clear();
    diff.seats_back.clear();
    for (const auto &o : diff.current) {
        const bool low = !seats_enough(f, o);
        if (const auto it = marks.find(o.key); it != marks.end() && !diff.baseline) {
            diff.marks[o.key] = known_step(it->second, o, f, diff);
        } else if (diff.baseline || !candidates.contains(o.key)) {
            diff.marks[o.key] = OpeningMark{true, false, low}; // a silent baseline or date
        } else if (!passes(f, o)) {
            // Outside the filters: known, unsettled and never news, even if the filter is
            // later widened: by then it is an old showing, not an opening.
            diff.marks[o.key] = OpeningMark{false, false, low}; // known, never news
        } else {
            diff.marks[o.key] = OpeningMark{!low, low, low};
            if (!low)
                diff.fresh.push_back(o);
        }
    }
}

} // namespace alimi
