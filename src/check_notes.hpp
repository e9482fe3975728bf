// What a check says and notes about targets besides their openings: failures told the way a
// person reading cron mail wants them, the pending-push summary, edited targets, targets that
// may never fire. Part of the check sequencer (check.cpp), split off to keep files small.
#pragma once

#include "check.hpp"
#include "config.hpp"
#include "store.hpp"

#include <string>

namespace alimi {

// Why a run exits 1 for pushes, in one line: how many wait, the oldest's notifier, age and why.
void say_pending(Store &store, int pending);

// A failure is said when it starts and when its cause changes, at -v otherwise.
void say_failure(Store &store, const TargetConfig &t, const std::string &error,
                 const CheckOptions &options);

// Records what a target watches; one edited to watch something else starts a silent baseline.
void adopt_identity(Store &store, const TargetConfig &t, TimePoint now);

// An empty first look at a theater or movie the site does not list: said once.
void warn_if_unknown(Store &store, const TargetConfig &t, TimePoint now);

} // namespace alimi
