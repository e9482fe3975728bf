// The race: which requests a theater's whole-screen targets spend their per-run budget on, so a
// new showing is seen within a run or two without asking more of the site. Openings come in
// waves: a new date, or a movie's first showings in a special hall on a date already listed,
// then more within minutes. Cheap lists are tripwires for the first of a wave (the theater's
// date list; per movie and hall, the dates it plays there; per hall, the movies bookable in it
// nationally); day pages then go first to what a tripwire flagged, then around the wave under
// way, then to a listed date the hall does not play yet, then to the least recently swept.
// Pure functions of (what the state knows, the answers so far, now).
#pragma once

#include "source/source.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace alimi {

inline constexpr int k_race_wave_minutes = 20; // openings this recent mark a wave under way
inline constexpr int k_race_rotation = 3;      // other movies' lists: one every third run

// A movie worth a tripwire, with the moment it last showed news (unix seconds).
struct HallMovie {
    std::string code;
    long long news_at = 0;
};

// The movies of one hall type worth asking about, most recent news first: those with showings
// known here (news: the latest first look at one), then those its national list added (news:
// when they appeared). `national` is the hall list's note ("code@unix,...").
std::vector<std::string> hall_movies(const std::vector<KnownShowing> &known,
                                     const std::string &national);

// Which of them to ask this run (run: the group's run number): the first every run, the second
// every other run, the others one at a time, in turn, every k_race_rotation runs.
std::vector<std::string> movies_to_ask(const std::vector<std::string> &movies, long long run);

// Whether the hall's national list is asked this run: every other run, halls taking turns
// (hall: the hall type's place in the group), so each run asks one list for the host.
bool national_list_due(long long run, std::size_t hall);

// Whether the theater's date list is asked this run: every other run, and on a first look. A
// new date of a hall's watched movie shows in that movie's list anyway.
bool date_list_due(long long run, bool first_look);

// The national list's note after an answer: every code with the moment it first appeared
// (earlier notes keep their moment; a code gone from the list is dropped).
std::string national_note(const std::string &previous, const std::vector<std::string> &codes,
                          long long now);

// A movie's dates in a hall: which are news. Against the last answer, the dates it did not
// have; on a first answer, the dates where the target knows no showing of the movie.
std::set<std::string> tripwire_hits(const std::optional<std::string> &previous_note,
                                    const std::vector<std::string> &dates, const std::string &movie,
                                    const std::vector<KnownShowing> &known);

// The note to keep for that list: its dates, less the hits not swept this run (so they are
// still news next run).
std::string tripwire_note(const std::vector<std::string> &dates, const std::set<std::string> &hits,
                          const std::vector<std::string> &swept);

// One run's facts for choosing day pages (dates ISO).
struct RaceView {
    std::vector<std::string> listed;                       // open dates, today on, sorted
    std::map<std::string, std::optional<long long>> swept; // last sweep; absent: new
    std::set<std::string> flagged;                         // tripwire hits this run
    std::set<std::string> wave;                            // dates with news in the last minutes
    std::set<std::string> hall_dates;                      // dates the halls already play
    int budget = 0;                                        // day pages this run
    bool finish_baseline = false; // a first run: sweep every listed date now, whatever the budget
    bool safety_turn = false;     // sweep one date the halls do not play (every other run)
};

// The dates to sweep, sorted; never more than the budget unless finishing a baseline.
std::vector<std::string> choose_race_dates(const RaceView &v);

// Dates with news (showings first seen after the baseline) in the last k_race_wave_minutes.
std::set<std::string> wave_dates(const std::vector<KnownShowing> &known, long long now);

} // namespace alimi
