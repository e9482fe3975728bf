#include "race.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>

namespace alimi {

namespace {

std::vector<std::string> split(const std::string &s, char sep) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string part; std::getline(in, part, sep);)
        if (!part.empty())
            out.push_back(part);
    return out;
}

// A showing first seen after the baseline in the last k_race_wave_minutes: a wave under way.
bool is_news(const KnownShowing &s, long long now) {
    return !s.from_baseline && now - s.first_seen <= k_race_wave_minutes * 60;
}

bool never_swept(const RaceView &v, const std::string &d) {
    const auto it = v.swept.find(d);
    return it == v.swept.end() || !it->second;
}

// Least recently swept first: new (absent) and never swept before any swept date.
long long sweep_rank(const RaceView &v, const std::string &d) {
    const auto it = v.swept.find(d);
    return it == v.swept.end() || !it->second ? -1 : *it->second;
}

// The wave dates and their listed neighbours where the halls play: a wave's next showings
// follow within minutes, and there only a day page shows them (elsewhere the wave's movie's
// list does, asked every run).
std::set<std::string> around(const RaceView &v) {
    std::set<std::string> out;
    const auto &listed = v.listed;
    for (std::size_t i = 0; i < listed.size(); ++i)
        if (v.wave.count(listed[i])) {
            out.insert(listed[i]);
            if (i > 0 && v.hall_dates.count(listed[i - 1]))
                out.insert(listed[i - 1]);
            if (i + 1 < listed.size() && v.hall_dates.count(listed[i + 1]))
                out.insert(listed[i + 1]);
        }
    return out;
}

} // namespace

std::vector<std::string> hall_movies(const std::vector<KnownShowing> &known,
                                     const std::string &national,
                                     const std::vector<KnownShowing> &elsewhere, long long run) {
    std::map<std::string, long long> news;
    const auto bump = [&](const std::string &code, long long at) {
        const auto [it, added] = news.emplace(code, at);
        it->second = std::max(it->second, at);
    };
    for (const auto &s : known)
        if (!s.movie_code.empty())
            bump(s.movie_code, s.first_seen);
    const auto nationwide = read_stamps(national);
    for (const auto &[code, at] : nationwide)
        bump(code, at);
    for (const auto &s : elsewhere)
        if (!s.movie_code.empty() && !s.from_baseline)
            bump(s.movie_code,
                 s.first_seen - (nationwide.empty() || nationwide.contains(s.movie_code)
                                     ? k_race_elsewhere_discount
                                     : k_race_unlisted_discount));
    std::vector<std::tuple<long long, std::size_t, std::string>> ranked; // -news, turn, code
    const auto n = news.size();
    std::size_t i = 0;
    for (const auto &[code, at] : news)
        ranked.emplace_back(-at, (i++ + static_cast<std::size_t>(run)) % n, code);
    std::sort(ranked.begin(), ranked.end());
    std::vector<std::string> out;
    for (auto &[at, turn, code] : ranked)
        out.push_back(std::move(code));
    return out;
}

// Notes are small "what@when" lists kept in the store between runs; the planner's memory
// is all in them, so the planner itself stays a pure function.
Stamps read_stamps(const std::string &note) {
    Stamps out;
    for (const auto &entry : split(note, ',')) {
        const auto at = entry.find('@');
        if (at == std::string::npos)
            continue;
        try {
            out[entry.substr(0, at)] = std::stoll(entry.substr(at + 1));
        } catch (const std::exception &) {
            // a damaged note only costs its moment
        }
    }
    return out;
}

std::string write_stamps(const Stamps &stamps) {
    std::vector<std::string> entries;
    for (const auto &[what, at] : stamps)
        entries.push_back(fmt::format("{}@{}", what, at));
    return fmt::format("{}", fmt::join(entries, ","));
}

// A flag lives until a page shows what it announced or its time runs out; a new date's flag
// (ending in '|') is shorter-lived, since a new date may well be for other halls only.
Flags live_flags(const Flags &flags, const std::set<std::string> &seen, long long now) {
    Flags out;
    for (const auto &[what, at] : flags)
        if (!seen.contains(what) &&
            now - at < (what.ends_with('|') ? k_race_new_date_minutes : k_race_flag_minutes) * 60)
            out[what] = at;
    return out;
}

double race_credit(const std::optional<std::string> &note, long long now, int rate) {
    const double cap = rate * 60.0;
    if (!note)
        return cap;
    const auto at = note->find('@');
    try {
        const double left = std::stod(note->substr(0, at));
        const long long since = std::max(0LL, now - std::stoll(note->substr(at + 1)));
        return std::min(cap, left + rate * static_cast<double>(since) / 60.0);
    } catch (const std::exception &) {
        return rate; // a damaged note: an ordinary run, and the credit starts again
    }
}

std::string credit_note(double credit, long long now) {
    return fmt::format("{:.2f}@{}", credit, now);
}

int race_allowance(double credit, bool hot, bool quiet, int rate, int halls) {
    if (quiet && !hot)
        return 2;
    // Credit above half full is spent on ordinary runs too (a run and a half), or a full
    // bucket's refill would be lost; below it is kept for news.
    const int ordinary = rate + (credit >= rate * 30.0 ? rate / 2 : 0) + halls - 1;
    const int most = hot ? 2 * rate : std::min(2 * rate, ordinary);
    return std::clamp(static_cast<int>(std::floor(credit)), std::min(2, most), most);
}

bool quiet_hour(const std::vector<KnownShowing> &known, long long now) {
    const auto night = [](long long unix) {
        const auto hour = (unix + 9 * 3600) / 3600 % 24; // KST, no DST
        return hour >= 1 && hour < 9;
    };
    const bool a_day_of_records =
        std::any_of(known.begin(), known.end(),
                    [&](const KnownShowing &s) { return s.first_seen <= now - 86400; });
    return night(now) && a_day_of_records &&
           std::none_of(known.begin(), known.end(), [&](const KnownShowing &s) {
               return !s.from_baseline && night(s.first_seen);
           });
}

// Each list has its own period in runs; the most overdue go first, so a tight run still
// reaches every list in turn instead of asking the same one each time.
std::vector<std::size_t> lists_to_ask(const std::vector<ListCandidate> &candidates,
                                      const std::string &asked, long long run, int room) {
    const auto last = read_stamps(asked);
    std::vector<std::tuple<double, std::size_t>> due; // -overdue, place
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        const auto it = last.find(candidates[i].key);
        const auto period = std::max(1, candidates[i].period);
        // never asked: due now, and more so the longer the group has run
        const auto since = it == last.end() ? run + period : run - it->second;
        const double overdue = static_cast<double>(since) / period;
        if (overdue >= 1)
            due.emplace_back(-overdue, i);
    }
    std::sort(due.begin(), due.end());
    std::vector<std::size_t> out;
    for (const auto &[overdue, i] : due)
        if (static_cast<int>(out.size()) < room)
            out.push_back(i);
    return out;
}

std::string asked_note(const std::string &before, const std::vector<std::string> &asked,
                       long long run) {
    auto last = read_stamps(before);
    for (const auto &key : asked)
        last[key] = run;
    return write_stamps(last);
}

// Each code keeps the moment it first appeared in the nationwide list: a film that just
// went on sale is told from one that has been on sale for weeks.
std::string national_note(const std::string &previous, const std::vector<std::string> &codes,
                          long long now) {
    const auto before = read_stamps(previous);
    std::vector<std::string> entries;
    for (const auto &code : codes) {
        const auto it = before.find(code);
        entries.push_back(fmt::format("{}@{}", code, it == before.end() ? now : it->second));
    }
    std::sort(entries.begin(), entries.end());
    entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
    return fmt::format("{}", fmt::join(entries, ","));
}

// Against the list's previous answer a new date is a hit; on a first answer (no note yet),
// a date counts where no known showing of the movie is, so a restart loses no opening.
std::set<std::string> tripwire_hits(const std::optional<std::string> &previous_note,
                                    const std::vector<std::string> &dates, const std::string &movie,
                                    const std::vector<KnownShowing> &known) {
    std::set<std::string> hits;
    if (previous_note) {
        const auto before = split(*previous_note, ',');
        for (const auto &d : dates)
            if (std::find(before.begin(), before.end(), d) == before.end())
                hits.insert(d);
        return hits;
    }
    for (const auto &d : dates)
        if (std::none_of(known.begin(), known.end(), [&](const KnownShowing &s) {
                return s.date == d && s.movie_code == movie;
            }))
            hits.insert(d);
    return hits;
}

std::string tripwire_note(const std::vector<std::string> &dates) {
    return fmt::format("{}", fmt::join(dates, ","));
}

// Flagged dates first, then dates never looked at, then the rest by how long they have
// waited, weighted by how likely news is there (a wave's dates most).
std::vector<std::string> choose_race_dates(const RaceView &v) {
    const auto wave = around(v);
    // tier, -value, last sweep, turn (equal dates take turns by run), date
    std::vector<std::tuple<int, long long, long long, std::size_t, std::string>> ranked;
    const auto n = v.listed.size();
    for (std::size_t i = 0; i < n; ++i) {
        const auto &d = v.listed[i];
        const int tier = v.flagged.count(d) ? 0 : never_swept(v, d) ? 1 : 2;
        const long long weight = wave.count(d)           ? k_weight_wave
                                 : v.stretch.count(d)    ? k_weight_stretch
                                 : v.hall_dates.count(d) ? k_weight_played
                                                         : k_weight_unplayed;
        const long long last = sweep_rank(v, d);
        const long long age = std::max(1LL, v.now - last);
        ranked.emplace_back(tier, -weight * age, last, (i + static_cast<std::size_t>(v.run)) % n,
                            d);
    }
    std::sort(ranked.begin(), ranked.end());
    std::vector<std::string> out;
    for (const auto &[tier, value, last, turn, d] : ranked)
        if (static_cast<int>(out.size()) < v.budget)
            out.push_back(d);
    std::sort(out.begin(), out.end());
    return out;
}

std::set<std::string> wave_dates(const std::vector<KnownShowing> &known, long long now) {
    std::set<std::string> out;
    for (const auto &s : known)
        if (is_news(s, now))
            out.insert(s.date);
    return out;
}

// Every date of a film that is opening now: its further dates are the likeliest next news.
std::set<std::string> wave_stretch(const std::vector<KnownShowing> &known, long long now) {
    std::set<std::string> movies, out;
    for (const auto &s : known)
        if (is_news(s, now))
            movies.insert(s.movie_code);
    for (const auto &s : known)
        if (movies.count(s.movie_code))
            out.insert(s.date);
    return out;
}

} // namespace alimi
