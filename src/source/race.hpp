// The race: which requests a theater's whole-screen targets spend their per-run budget on, so a
// new showing is seen within a run or two without asking more of the site. Openings come in
// waves: a new date, or a movie's first showings in a special hall on a date already listed,
// then more within minutes. Cheap lists are tripwires for the first of a wave (the theater's
// date list; per movie and hall, the dates it plays there; per hall, the movies bookable in it
// nationally); day pages then go first to what a tripwire flagged, then by value: how likely a
// date changed (around a wave under way, where the halls play, elsewhere) times how long it has
// not been looked at. Pure functions of (what the state knows, the answers so far, now).
#pragma once

#include "opening.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace alimi {

// A wave's further dates follow the first within seconds to about 50 minutes.
inline constexpr int k_race_wave_minutes = 60; // openings this recent mark a wave under way
inline constexpr int k_race_rotation = 4;      // every other movie's list at least every 4th run
// A date a tripwire flagged is asked every run until its page shows the movie in the hall
// (day pages can lag the lists, or answer `data []` at first), for at most this long.
inline constexpr int k_race_flag_minutes = 45;
// A new date: until its page shows the hall (a new date may well be for other halls only).
inline constexpr int k_race_new_date_minutes = 10;
// A movie's news in the theater's other halls ranks as this much older than news of its own;
// much older when the hall's national list does not show the movie (no such hall plays it yet).
inline constexpr long long k_race_elsewhere_discount = 5 * 60;
inline constexpr long long k_race_unlisted_discount = 30 * 60;

// How likely a date is to gain showings before it is looked at again, relative to a date the
// halls do not play yet (the per-movie lists watch those already). Where a hall plays, more
// showings join (15% of openings, seen only on the day page). A wave works on a stretch of
// dates within minutes: the dates a movie with news plays in the hall, and above all the dates
// with news and their neighbours, where the next showings of the wave follow.
inline constexpr long long k_weight_unplayed = 1;
inline constexpr long long k_weight_played = 4;
inline constexpr long long k_weight_stretch = 32;
inline constexpr long long k_weight_wave = 64;

// The race's notes are mostly "key@number,...": a moment (unix seconds) or a run per key, kept
// across runs in the state. A damaged entry is skipped: it costs only its moment.
using Stamps = std::map<std::string, long long>;
Stamps read_stamps(const std::string &note);
std::string write_stamps(const Stamps &stamps);

// The movies of one hall type worth asking about, most recent news first. A movie's news is the
// latest of: the first look at one of its showings in this hall type here (`known`), its first
// appearance in the hall's national list (`national`, the list's note "code@unix,..."), and a
// showing first seen after the baseline in another hall of the theater (`elsewhere`): a film
// opens its formats together, so its IMAX news makes it the likeliest next 4DX opening too.
// News elsewhere counts k_race_elsewhere_discount older, or k_race_unlisted_discount for a
// movie the hall's national list (once read) does not show: a 4DX film no IMAX hall plays is
// a weaker bet for IMAX than the hall's own news. Equal news (a baseline, one national answer)
// takes turns by run, not by code.
std::vector<std::string> hall_movies(const std::vector<KnownShowing> &known,
                                     const std::string &national,
                                     const std::vector<KnownShowing> &elsewhere, long long run = 0);

// A tripwire's news waiting to be seen on a day page: "date|movie" -> when it was first flagged
// ("date|": a new date in the date list; "date|movie?": a first answer's date that may be news).
using Flags = Stamps;
// The flags still waiting: those not seen (seen: "date|movie" the day pages showed this run)
// and younger than k_race_flag_minutes.
Flags live_flags(const Flags &flags, const std::set<std::string> &seen, long long now);

// A theater's requests a run come from a credit that fills at `rate` (requests_per_run) a
// minute up to an hour's worth: an ordinary run spends the rate (and one more for each further
// hall type, whose lists it needs; half the rate more while the credit is over half full, or
// a full bucket's refill is lost), a run with news under way up to twice the rate, a quiet
// night hour two; so bursts are paid for by thinner nights and the mean stays at the rate.
// Note "credit@unix"; none yet: full.
double race_credit(const std::optional<std::string> &note, long long now, int rate);
std::string credit_note(double credit, long long now);
int race_allowance(double credit, bool hot, bool quiet, int rate, int halls = 1);

// 01-09 KST, once the records cover a day, unless an opening was ever first seen at those
// hours (not counting a baseline): a target a few hours old does not know its nights yet.
bool quiet_hour(const std::vector<KnownShowing> &known, long long now);

// A cheap list the run may ask, and how often it should: the date list and a hall's
// national list every other run, a hall's likeliest movie every run, its other movies every
// k_race_rotation runs.
struct ListCandidate {
    std::string key; // "dates", "hall:04", "movie:04:30000774"
    int period = 1;  // runs
};

// Which lists to ask this run, most overdue first (runs since last asked over the period; never
// asked counts as overdue since the group began), at most room of them, and only those due. A
// list that did not fit stays due and grows more overdue, so none waits for ever. asked: the
// note "key@run,..." of when each was last asked.
std::vector<std::size_t> lists_to_ask(const std::vector<ListCandidate> &candidates,
                                      const std::string &asked, long long run, int room);

// The note after this run: asked (keys) at run, the others as they were.
std::string asked_note(const std::string &before, const std::vector<std::string> &asked,
                       long long run);

// The national list's note after an answer: every code with the moment it first appeared
// (earlier notes keep their moment; a code gone from the list is dropped).
std::string national_note(const std::string &previous, const std::vector<std::string> &codes,
                          long long now);

// A movie's dates in a hall: which are news. Against the last answer, the dates it did not
// have; on a first answer, the dates where the target knows no showing of the movie.
std::set<std::string> tripwire_hits(const std::optional<std::string> &previous_note,
                                    const std::vector<std::string> &dates, const std::string &movie,
                                    const std::vector<KnownShowing> &known);

// The note to keep for that list: its dates (a hit waits as a flag until a page shows it).
std::string tripwire_note(const std::vector<std::string> &dates);

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
    long long run = 0;                                     // equal values take turns by run
};

// The dates to sweep, sorted; never more than the budget. Flagged dates first, then new and
// never swept ones (a first look is spread over runs this way); then the highest weight
// (k_weight_*) times the seconds since the date's last sweep: what most likely changed since it
// was looked at. A wave is swept hard, and no date waits for ever behind it; equal dates take
// turns by run.
std::vector<std::string> choose_race_dates(const RaceView &v);

// Dates with news (showings first seen after the baseline) in the last k_race_wave_minutes.
std::set<std::string> wave_dates(const std::vector<KnownShowing> &known, long long now);

// The stretch of that wave: every date where a movie with such news plays in the hall, where
// its further showings are likeliest to join.
std::set<std::string> wave_stretch(const std::vector<KnownShowing> &known, long long now);

} // namespace alimi
