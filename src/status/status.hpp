// Rendering target health for `alimi status`: pure functions over values.
#pragma once

#include "store_values.hpp"

#include <optional>
#include <string>
#include <vector>

namespace alimi {

struct StatusRow {
    TargetHealth health;
    std::string source;
    std::optional<Cooldown> cooldown;
    std::string watches; // "CGV 용산아이파크몰 · IMAX · 모든 영화": names where known
    long long found_total = 0; // every opening ever found (a counter pruning never lowers)
    long long found_week = 0;  // openings found in the last 7 days
};

// A fixed-width table for people; "-" where nothing is known yet.
std::string status_table(const std::vector<StatusRow> &rows, TimePoint now);

// A JSON array with at least the contract's fields per target.
std::string status_json(const std::vector<StatusRow> &rows);

// `alimi history`: one line per event, oldest first; an "openings" event shows the push as it
// was sent (title, then each line of its body, indented).
std::string history_text(const std::vector<Event> &events);
std::string history_json(const std::vector<Event> &events);

} // namespace alimi
