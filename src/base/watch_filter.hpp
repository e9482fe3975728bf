// A target's filters as values (filter.hpp applies them): kept apart so the config can hold them
// without knowing openings.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace alimi {

// A target's filters as the config gave them; the default passes everything.
struct WatchFilter {
    std::string title;          // as written ("" = any); matched by title_matches
    int from_minute = -1;       // start-time window in minutes of the business day; -1 = any
    int until_minute = -1;      // inclusive; past midnight as the site writes it (24:30 = 1470)
    std::array<bool, 7> days{}; // Monday first; all false = any day
    std::vector<std::pair<std::string, std::string>> dates; // ISO ranges (first, last), inclusive
    int min_seats = 1;       // a showing with fewer free seats is not open (unknown seats are)
    bool seats_back = false; // push again when a known showing rises back to min_seats

    bool any_day() const;
    // Whether anything narrows the target (for `show` and `test`).
    bool narrows() const;
};

} // namespace alimi
