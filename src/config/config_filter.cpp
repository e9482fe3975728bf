// Reading a [[target]]'s filters (watch_filter.hpp): title, times, days, dates, min_seats and
// seats_back. Each wrong value is one error at file:line with the form that would be right.
#include "chain.hpp"
#include "config.hpp"
#include "config_reader.hpp"
#include "error_text.hpp"
#include "filter.hpp"
#include "text.hpp"

#include <fmt/format.h>

namespace alimi {

namespace {

void read_title(TableReader &r, TargetConfig &t) {
    auto title = r.string("title").value_or("");
    if (title.find('{') != std::string::npos) {
        // `title` named the push title's template before it named the film to watch.
        r.error(r.find_node("title"),
                fmt::format("target '{}': title is the film to watch (title = \"아바타\"); a "
                            "push title template is push_title = \"{}\"",
                            t.name, title));
        return;
    }
    // A title of punctuation alone would match nothing (or, folded to "", everything).
    if (!title.empty() && title_key(title).empty())
        r.error(r.find_node("title"),
                fmt::format("target '{}': title '{}' has no letters or digits to match", t.name,
                            title));
    // Both at once would be two answers to "which film"; the error says which one to keep.
    if (!title.empty() && !t.movie.empty())
        r.error(r.find_node("title"),
                fmt::format("target '{}': give title or movie, not both (title matches every "
                            "code of the film)",
                            t.name));
    t.filter.title = std::move(title);
}

// One window per target; two windows are two targets, which keeps every push's filter
// one line long.
void read_times(TableReader &r, TargetConfig &t) {
    const auto times = r.string("times");
    if (!times)
        return;
    if (const auto window = parse_time_window(*times)) {
        std::tie(t.filter.from_minute, t.filter.until_minute) = *window;
        return;
    }
    r.error(r.find_node("times"),
            fmt::format("target '{}': times '{}' is not a window of start times like "
                        "\"18:00-24:30\" (HH:MM-HH:MM, up to 29:59, the end not before the start)",
                        t.name, *times));
}

void read_days(TableReader &r, TargetConfig &t) {
    const auto days = r.string_list("days");
    for (const auto &d : days.value_or(std::vector<std::string>{})) {
        if (const auto i = parse_weekday(d)) {
            t.filter.days[static_cast<std::size_t>(*i)] = true;
            continue;
        }
        const std::vector<std::string> names = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
        // "Sat", "saturday" and "sta" each get the nearest name suggested.
        const auto guess = nearest(lower_ascii(d), names);
        r.error(r.find_node("days"),
                fmt::format("target '{}': unknown day '{}' in days ({}mon tue wed thu fri sat "
                            "sun)",
                            t.name, d, guess.empty() ? "" : "did you mean '" + guess + "'? "));
    }
}

void read_dates(TableReader &r, TargetConfig &t) {
    for (const auto &d : r.string_list("dates").value_or(std::vector<std::string>{})) {
        if (const auto range = parse_date_range(d))
            t.filter.dates.push_back(*range);
        else
            r.error(r.find_node("dates"),
                    fmt::format("target '{}': dates entry '{}' is not \"2026-12-24\" or "
                                "\"2026-12-26..2026-12-31\" (real dates, the first not after "
                                "the last)",
                                t.name, d));
    }
}

// 1000 is far above any hall's size: a larger number is a typo that would hold every push.
void read_seats(TableReader &r, TargetConfig &t) {
    if (const auto *n = r.get("min_seats", ConfigNode::Kind::integer)) {
        if (n->integer < 1 || n->integer > 1000)
            r.error(n, fmt::format("target '{}': min_seats must be between 1 and 1000 (min_seats "
                                   "= 2 for two seats)",
                                   t.name));
        else
            t.filter.min_seats = static_cast<int>(n->integer);
    }
    if (const auto *b = r.get("seats_back", ConfigNode::Kind::boolean))
        t.filter.seats_back = b->boolean;
}

} // namespace

void read_filter(TableReader &r, TargetConfig &t) {
    read_title(r, t);
    read_times(r, t);
    read_days(r, t);
    read_dates(r, t);
    read_seats(r, t);
}

// Run after the chain has read its keys, because whether seats are known depends on the
// target (a movie target's date list has none).
void check_filter(TableReader &r, const TargetConfig &t) {
    const bool wants_seats = t.filter.min_seats > 1 || t.filter.seats_back;
    if (wants_seats && !t.chain->gives_seats(t))
        r.error(r.find_node(r.find_node("seats_back") ? "seats_back" : "min_seats"),
                fmt::format("target '{}': {}'s answers for this target carry no seat counts, so "
                            "min_seats and seats_back cannot work{}",
                            t.name, t.chain->name(), t.chain->seats_hint()));
}

} // namespace alimi
