// One target's snapshot against the state, for check and for `alimi test`: what its plan may know
// of earlier runs, and how a snapshot compares with what is known.
#pragma once

#include "diff.hpp"
#include "settings.hpp"
#include "store.hpp"

namespace alimi {

// What a plan may know of earlier runs: swept dates and the cached names of its theater and
// movie (a name the site did not know is asked again after an hour, not every run).
PlanContext plan_context(Store &store, const TargetConfig &t, TimePoint now);

// The names the state keeps for the target's theater and movie, as a snapshot carries them.
Snapshot cached_names(Store &store, const TargetConfig &t);

// What a target watches, in its pushes' words: "CGV 용산아이파크몰 · IMAX · 모든 영화", with
// the names the state has learnt and codes until then.
std::string watches_line(Store &store, const TargetConfig &t);

// A snapshot compared with what the state knows; changes nothing.
Diff diff_with_state(Store &store, const TargetConfig &t, const Snapshot &snap, TimePoint now);

// One target's snapshot fetched now, step by step (`alimi test`); changes nothing.
class HttpClient;
SnapshotResult fetch_snapshot(Store &store, const TargetConfig &t, HttpClient &http, TimePoint now);

} // namespace alimi
