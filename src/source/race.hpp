// The race: which requests a theater's whole-screen targets spend their per-run budget on, so a
// new showing is seen within a run or two without asking more of the site. Openings come in
// waves: a new date, or a movie's first showings in a special hall on a date already listed,
// then more within minutes. Cheap lists are tripwires for the first of a wave (the theater's
// date list; per movie and hall, the dates it plays there; per hall, the movies bookable in it
// nationally); day pages then go first to what a tripwire flagged, then by value: how likely a
// date changed (around a wave under way, where the halls play, elsewhere) times how long it has
// not been looked at. Pure functions of (what the state knows, the answers so far, now).
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

// How likely a date is to gain showings before it is looked at again, relative to a date the
// halls do not play yet (the per-movie lists watch those already). Where a hall plays, more
// showings join (15% of openings, seen only on the day page). A wave works on a stretch of
// dates within minutes: the dates a movie with news plays in the hall, and above all the dates
// with news and their neighbours, where the next showings of the wave follow.
inline constexpr long long k_weight_unplayed = 1;
inline constexpr long long k_weight_played = 4;
inline constexpr long long k_weight_stretch = 32;
inline constexpr long long k_weight_wave = 64;

// The movies of one hall type worth asking about, most recent news first. A movie's news is the
// latest of: the first look at one of its showings in this hall type here (`known`), its first
// appearance in the hall's national list (`national`, the list's note "code@unix,..."), and a
// showing first seen after the baseline in another hall of the theater (`elsewhere`): a film
// opens its formats together, so its IMAX news makes it the likeliest next 4DX opening too.
std::vector<std::string> hall_movies(const std::vector<KnownShowing> &known,
                                     const std::string &national,
                                     const std::vector<KnownShowing> &elsewhere);

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
    std::set<std::string> stretch;                         // where the wave's movies play
    std::set<std::string> hall_dates;                      // dates the halls already play
    long long now = 0;                                     // unix seconds
    int budget = 0;                                        // day pages this run
    bool finish_baseline = false; // a first run: sweep every listed date now, whatever the budget
};

// The dates to sweep, sorted; never more than the budget unless finishing a baseline. New,
// never swept and flagged dates first; then the highest weight (k_weight_*) times the seconds
// since the date's last sweep: what most likely changed since it was looked at. A wave is
// swept hard, and no date waits for ever behind it.
std::vector<std::string> choose_race_dates(const RaceView &v);

// Dates with news (showings first seen after the baseline) in the last k_race_wave_minutes.
std::set<std::string> wave_dates(const std::vector<KnownShowing> &known, long long now);

// The stretch of that wave: every date where a movie with such news plays in the hall, where
// its further showings are likeliest to join.
std::set<std::string> wave_stretch(const std::vector<KnownShowing> &known, long long now);

} // namespace alimi
