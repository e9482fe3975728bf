// Comparing a snapshot with what is already known: the heart of "new opening" detection. Pure.
#pragma once

#include "opening.hpp"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace alimi {

// What the state keeps of a showing besides having seen it: "seen" and "announced" apart, so a
// showing can be known without having been news (filtered out, too few seats) and become news
// later (its seats reach min_seats, or come back).
struct OpeningMark {
    bool settled = false; // news already, or part of a silent baseline: never news as an opening
    bool held = false;    // passed the filters with too few seats: news once they reach min_seats
    bool low = false;     // last seen with fewer free seats than min_seats
};

struct Diff {
    std::vector<Opening> current; // the snapshot's openings from today on, sorted
    // Those of current that are news as openings: new to the state (empty on a baseline), and,
    // once filter_news ran, inside the target's filters with seats enough.
    std::vector<Opening> fresh;
    std::vector<Opening> seats_back;          // known showings whose seats came back (filter_news)
    std::map<std::string, OpeningMark> marks; // by key, for every current opening (filter_news)
    bool baseline = false;                    // the target had no successful snapshot before
    // Keys of current openings taken silently on a date's first look (silent_dates): part of
    // the baseline, kept as such, never a wave's news.
    std::set<std::string> quiet;
    // Known keys the site renumbered (old, new): the same showings under a new hall code.
    std::vector<std::pair<std::string, std::string>> rekeyed;
};

// A showing the state knows, as far as telling a renumbered hall apart needs.
struct KnownRow {
    std::string key;
    std::string date;
    std::string time; // "" for date-level openings
    std::string movie_code;
    std::string hall;
    OpeningMark mark{true};
};

// The keys of rows.
std::set<std::string> keys_of(const std::vector<KnownRow> &rows);

// Keys the site renumbered are not a wave; returns (old key, new key) pairs. A fresh showing
// with the date, hall, start and movie of a known one this answer no longer lists is that
// showing renumbered (a Megabox playSchdlNo). A hall whose code changed with the same showings
// (CGV's scnsNo 0010 -> 0011): each (date, hall) of fresh whose showings are all new and match,
// start for start and movie for movie, the known showings of one other hall on that date that
// this answer no longer lists, is that hall renumbered.
std::vector<std::pair<std::string, std::string>>
renumbered_halls(const std::vector<Opening> &fresh, const std::vector<KnownRow> &known,
                 const std::set<std::string> &current_keys);

// Past dates (Korea time) are dropped: a date that has gone by is no longer bookable news.
// Openings that vanished from the snapshot are not reported: absence never changes what is known.
// Openings on silent_dates (ISO) are recorded without being fresh: dates first swept long after
// they opened, whose showings are old news to everyone but us; except those snapshot.loud
// names, which a tripwire saw arrive.
// known_rows, when given, lets a renumbered hall be re-keyed instead of pushed (renumbered_halls).
Diff diff_openings(const Snapshot &snapshot, const std::set<std::string> &known, bool has_baseline,
                   Date today, const std::set<std::string> &silent_dates = {},
                   const std::vector<KnownRow> &known_rows = {});

// Sort order of openings everywhere: date, time, movie, key.
bool opening_before(const Opening &a, const Opening &b);

} // namespace alimi
