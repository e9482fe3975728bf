// What `alimi check` is asked to do, apart from the sequencer: the stages it runs (notes, order,
// cool-downs) take the options without the sequencer's header.
#pragma once

#include <string>
#include <vector>

namespace alimi {

// The longest silence a server's answer may impose on a host (seconds): one day.
inline constexpr double k_max_cooldown = 86400;

struct CheckOptions {
    bool dry_run = false;
    bool json = false;
    std::vector<std::string> targets; // empty: all
    // Seconds to space the run's requests over (0: as fast as min_gap allows). Spread, the
    // targets go theater by theater and each theater's pushes go out as soon as it is checked.
    double spread = 0;
    // Take over the default state of a config that is missing, without the proof that its
    // targets are this config's (state_place.hpp).
    bool adopt = false;
};

} // namespace alimi
