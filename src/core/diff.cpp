#include "diff.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace alimi {

// The order a push lists showings in: by day and start, the key last so that equal
// showings still sort the same way every run.
bool opening_before(const Opening &a, const Opening &b) {
    return std::tie(a.date, a.time, a.movie, a.key) < std::tie(b.date, b.time, b.movie, b.key);
}

std::set<std::string> keys_of(const std::vector<KnownRow> &rows) {
    std::set<std::string> keys;
    for (const auto &r : rows)
        keys.insert(r.key);
    return keys;
}

namespace {

using HallDay = std::pair<std::string, std::string>;               // (date, hall)
using Showings = std::vector<std::pair<std::string, std::string>>; // sorted (time+movie, key)

// Only rows with a hall and a start time can be matched across renumbering; date-level
// openings have neither and are compared by key alone.
template <typename Row> std::map<HallDay, Showings> by_hall_day(const std::vector<Row> &rows) {
    std::map<HallDay, Showings> out;
    for (const auto &r : rows)
        if (!r.hall.empty() && !r.time.empty())
            out[{r.date, r.hall}].emplace_back(r.time + "|" + r.movie_code, r.key);
    for (auto &[_, v] : out)
        std::sort(v.begin(), v.end());
    return out;
}

// The same starts and movies in the same order: a hall whose whole day moved to a new
// hall code, not a day with real changes.
bool same_showings(const Showings &a, const Showings &b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const auto &x, const auto &y) { return x.first == y.first; });
}

} // namespace

namespace {

// A showing renumbered within its hall (a Megabox playSchdlNo, a Lotte sequence): a known one no
// longer listed with the same date, hall, start and movie. Moves them out of fresh.
void renumbered_in_hall(std::vector<Opening> &fresh, const std::vector<KnownRow> &known,
                        const std::set<std::string> &current_keys,
                        std::vector<std::pair<std::string, std::string>> &out) {
    std::multimap<std::string, std::string> gone; // date|hall|start|movie -> old key
    for (const auto &r : known)
        if (!r.hall.empty() && !r.time.empty() && !current_keys.contains(r.key))
            gone.emplace(r.date + "|" + r.hall + "|" + r.time + "|" + r.movie_code, r.key);
    std::erase_if(fresh, [&](const Opening &o) {
        const auto it = gone.find(o.date + "|" + o.hall + "|" + o.time + "|" + o.movie_code);
        if (o.hall.empty() || it == gone.end())
            return false;
        out.emplace_back(it->second, o.key);
        gone.erase(it);
        return true;
    });
}

} // namespace

std::vector<std::pair<std::string, std::string>>
// The second kind of renumbering: a site gives a hall a new code (Megabox does on
// refits), so a whole day of showings appears under new keys. Matched day by day, one old
// hall to one new, only where the old hall has nothing listed any more.
renumbered_halls(const std::vector<Opening> &fresh_in, const std::vector<KnownRow> &known,
                 const std::set<std::string> &current_keys) {
    std::vector<std::pair<std::string, std::string>> out;
    auto fresh = fresh_in;
    renumbered_in_hall(fresh, known, current_keys, out);
    auto known_days = by_hall_day(known);
    std::set<HallDay> still; // known halls with a showing still listed did not move
    for (const auto &r : known)
        if (current_keys.contains(r.key))
            still.insert({r.date, r.hall});
    for (const auto &[day, showings] : by_hall_day(fresh)) {
        if (known_days.contains(day))
            continue; // the hall had showings known on that date: not a new code
        for (auto it = known_days.begin(); it != known_days.end(); ++it) {
            if (it->first.first != day.first || still.contains(it->first) ||
                !same_showings(it->second, showings))
                continue;
            for (std::size_t i = 0; i < showings.size(); ++i)
                out.emplace_back(it->second[i].second, showings[i].second);
            known_days.erase(it); // one old hall becomes one new hall
            break;
        }
    }
    return out;
}

// The heart of "never invent a push": only keys new to the state are candidates, dates
// looked at for the first time are silent unless a tripwire saw them open, and showings
// that merely changed their key are carried over instead of announced.
Diff diff_openings(const Snapshot &snapshot, const std::set<std::string> &known, bool has_baseline,
                   Date today, const std::set<std::string> &silent_dates,
                   const std::vector<KnownRow> &known_rows) {
    Diff d;
    d.baseline = !has_baseline;
    const auto first_day = iso_date(today);
    std::set<std::string> keys;
    for (const auto &o : snapshot.openings) {
        // ISO dates compare correctly as strings; a repeated key counts once.
        if (o.date < first_day || !keys.insert(o.key).second)
            continue;
        d.current.push_back(o);
    }
    std::sort(d.current.begin(), d.current.end(), opening_before);
    // A first look announces nothing: every current showing becomes known, silently.
    if (d.baseline)
        return d;
    for (const auto &o : d.current) {
        if (known.contains(o.key))
            continue;
        if (!silent_dates.contains(o.date) || snapshot.loud.contains(o.date + "|" + o.movie_code))
            d.fresh.push_back(o);
        else
            d.quiet.insert(o.key);
    }
    d.rekeyed = renumbered_halls(d.fresh, known_rows, keys);
    std::set<std::string> moved;
    for (const auto &[_, to] : d.rekeyed)
        moved.insert(to);
    std::erase_if(d.fresh, [&](const Opening &o) { return moved.contains(o.key); });
    return d;
}

} // namespace alimi
