// Comparing a snapshot with what is already known: the heart of "new opening" detection. Pure.
#pragma once

#include "source/source.hpp"

#include <set>
#include <string>
#include <vector>

namespace alimi {

struct Diff {
    std::vector<Opening> current; // the snapshot's openings from today on, sorted
    std::vector<Opening> fresh;   // those of current whose key was not known (empty on a baseline)
    bool baseline = false;        // the target had no successful snapshot before
};

// Past dates (Korea time) are dropped: a date that has gone by is no longer bookable news.
// Openings that vanished from the snapshot are not reported: absence never changes what is known.
// Openings on silent_dates (ISO) are recorded without being fresh: dates first swept long after
// they opened, whose showings are old news to everyone but us.
Diff diff_openings(const Snapshot &snapshot, const std::set<std::string> &known, bool has_baseline,
                   Date today, const std::set<std::string> &silent_dates = {});

// Sort order of openings everywhere: date, time, movie, key.
bool opening_before(const Opening &a, const Opening &b);

} // namespace alimi
