// `alimi check`: the I/O sequencer. In order: deliver what is already queued, fetch every target
// (concurrently, politely), compare with the state, queue pushes in the same transaction as the
// new openings, deliver, record cool-downs. Everything it decides is decided by pure functions.
#pragma once

#include "check_options.hpp"
#include "io.hpp"
#include "settings.hpp"
#include "store.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace alimi {

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

// io: the transport and clock (system_io(): libcurl and the system's; unit tests their own).
CheckOutcome run_check(const Config &cfg, Store &store, const CheckOptions &options,
                       std::ostream &out, const Io &io = system_io());

// Operator alerts change state only at the edges: one alert when failures reach `after`, one
// recovery when a target that was alerted about succeeds again. Never one per run.
enum class AlertChange { none, failing, recovered };
AlertChange alert_change(bool success, int failures, bool alerted, int after);

// One line of `check --json` for a fresh opening.
std::string opening_json(const TargetConfig &target, const Snapshot &snapshot, const Opening &o);

} // namespace alimi
