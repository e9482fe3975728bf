#include "source/race.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
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

// "code@unix,..." -> code -> unix
std::map<std::string, long long> read_national(const std::string &note) {
    std::map<std::string, long long> out;
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
                                     const std::vector<KnownShowing> &elsewhere) {
    std::map<std::string, long long> news;
    for (const auto &s : known)
        if (!s.movie_code.empty())
            news[s.movie_code] = std::max(news[s.movie_code], s.first_seen);
    for (const auto &s : elsewhere)
        if (!s.movie_code.empty() && !s.from_baseline)
            news[s.movie_code] = std::max(news[s.movie_code], s.first_seen);
    for (const auto &[code, at] : read_national(national))
        news[code] = std::max(news[code], at);
    std::vector<std::pair<long long, std::string>> ranked;
    for (const auto &[code, at] : news)
        ranked.emplace_back(-at, code);
    std::sort(ranked.begin(), ranked.end());
    std::vector<std::string> out;
    for (auto &[at, code] : ranked)
        out.push_back(std::move(code));
    return out;
}

std::vector<std::string> movies_to_ask(const std::vector<std::string> &movies, long long run) {
    std::vector<std::string> out(movies.begin(), movies.begin() + std::min<long>(1, movies.size()));
    if (movies.size() > 1 && run % 2 == 0)
        out.push_back(movies[1]);
    if (movies.size() > 2 && run % k_race_rotation == 0) {
        const auto others = static_cast<long long>(movies.size() - 2);
        out.push_back(movies[2 + static_cast<std::size_t>((run / k_race_rotation) % others)]);
    }
    return out;
}

bool national_list_due(long long run, std::size_t hall) {
    return (run + static_cast<long long>(hall)) % 2 == 0;
}

bool date_list_due(long long run, bool first_look) {
    return first_look || run % 2 == 1;
}

std::string national_note(const std::string &previous, const std::vector<std::string> &codes,
                          long long now) {
    const auto before = read_national(previous);
    std::vector<std::string> entries;
    for (const auto &code : codes) {
        const auto it = before.find(code);
        entries.push_back(fmt::format("{}@{}", code, it == before.end() ? now : it->second));
    }
    std::sort(entries.begin(), entries.end());
    entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
    return fmt::format("{}", fmt::join(entries, ","));
}

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

std::string tripwire_note(const std::vector<std::string> &dates, const std::set<std::string> &hits,
                          const std::vector<std::string> &swept) {
    std::vector<std::string> kept;
    for (const auto &d : dates)
        if (!hits.count(d) || std::find(swept.begin(), swept.end(), d) != swept.end())
            kept.push_back(d);
    return fmt::format("{}", fmt::join(kept, ","));
}

std::vector<std::string> choose_race_dates(const RaceView &v) {
    const auto wave = around(v);
    std::vector<std::tuple<int, long long, long long, std::string>> ranked; // tier, -value, last
    for (const auto &d : v.listed) {
        const bool fresh = v.swept.find(d) == v.swept.end() || v.flagged.count(d);
        const long long weight = wave.count(d)           ? k_weight_wave
                                 : v.stretch.count(d)    ? k_weight_stretch
                                 : v.hall_dates.count(d) ? k_weight_played
                                                         : k_weight_unplayed;
        const long long last = sweep_rank(v, d);
        const long long age = std::max(1LL, v.now - last);
        ranked.emplace_back(fresh || never_swept(v, d) ? 0 : 1, -weight * age, last, d);
    }
    std::sort(ranked.begin(), ranked.end());
    std::vector<std::string> out;
    for (const auto &[tier, value, last, d] : ranked)
        if (static_cast<int>(out.size()) < v.budget || (v.finish_baseline && never_swept(v, d)))
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
