// What a check says and notes about targets besides their openings: failures told the way a
// person reading cron mail wants them, the pending-push summary, edited targets, targets that
// may never fire. Part of the check sequencer (check.cpp), split off to keep files small.
#pragma once

#include "check_options.hpp"
#include "diff.hpp"
#include "settings.hpp"
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

// Whether a target's first answer is too empty to be its baseline. One that lists no showing
// and no open date is a site that shows nothing there yet, or a partial answer, for a whole
// screen's schedule (a real one is never empty). For one movie, nothing is the usual look before
// it goes on sale, and its first dates are the news: that look is a baseline when the site
// answers with real data about the theater (it knows the theater's name).
bool waits_for_content(Store &store, const TargetConfig &t, const Snapshot &snap, const Diff &diff);

// Keeps the target's standing warning true (Store::warning): set and said once when its site
// lists none of one of its codes (a movie alone is a note: most often one not on sale yet),
// cleared when every code is listed. said: the run has already said it (wait_for_first_answer).
void keep_warning(Store &store, const TargetConfig &t, bool said, TimePoint now);

// A target whose site shows nothing there yet: said once (a warning when the site does not list
// its theater or movie, which most likely never fires), at -v on later runs.
void wait_for_first_answer(Store &store, const TargetConfig &t, TimePoint now);

} // namespace alimi
