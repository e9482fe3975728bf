// `alimi check`: the I/O sequencer. In order: deliver what is already queued, fetch every target
// (concurrently, politely), compare with the state, queue pushes in the same transaction as the
// new openings, deliver, record cool-downs. Everything it decides is decided by pure functions.
#pragma once

#include "config.hpp"
#include "store.hpp"

#include <ostream>
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

struct CheckOutcome {
    int targets_ok = 0;
    int targets_failed = 0;
    int openings_new = 0;
    int pushes_pending = 0;   // after this run's delivery; they stay queued for the next run
    bool output_lost = false; // the --json reader was gone
    bool stopped = false;     // a stop signal ended the run before every target was checked
    int exit_code() const {
        return targets_failed > 0 || pushes_pending > 0 || output_lost || stopped ? 1 : 0;
    }
};

CheckOutcome run_check(const Config &cfg, Store &store, const CheckOptions &options,
                       std::ostream &out);

// Operator alerts change state only at the edges: one alert when failures reach `after`, one
// recovery when a target that was alerted about succeeds again. Never one per run.
enum class AlertChange { none, failing, recovered };
AlertChange alert_change(bool success, int failures, bool alerted, int after);

// One line of `check --json` for a fresh opening.
std::string opening_json(const TargetConfig &target, const Snapshot &snapshot, const Opening &o);

} // namespace alimi
