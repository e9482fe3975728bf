// What `check` writes down of a fetched target: its openings and their pushes, its health and
// operator alerts. Part of the check sequencer (check.cpp), split off to keep files small;
// everything here runs inside the transaction of the batch it records.
#pragma once

#include "check.hpp"
#include "http_policy.hpp"
#include "opening.hpp"

#include <memory>
#include <string>
#include <vector>

namespace alimi {

// One target's plan in a run, with the requests of its current step.
struct TargetRun {
    const TargetConfig *target;
    std::unique_ptr<SourcePlan> plan;
    std::vector<HttpRequest> requests; // of the current step
    bool done = false;
};

// A failed target: health, history and, at the threshold, one operator alert.
void record_failure(const Config &cfg, Store &store, const TargetConfig &t,
                    const std::string &error, TimePoint now);

// Records every plan's outcome (a dry run only compares); returns the lines for stdout: --json
// objects, or a dry run's report of what a check would do.
std::string record_results(const Config &cfg, Store &store, const std::vector<TargetRun> &runs,
                           const CheckOptions &options, TimePoint now, CheckOutcome &result);

} // namespace alimi
