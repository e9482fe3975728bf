// In what order and batches `check` takes its targets, and what each host should expect.
#pragma once

#include "check_options.hpp"
#include "store.hpp"

#include <map>
#include <string>
#include <vector>

namespace alimi {

// Targets per batch: one durable commit each, so a small config still syncs once per run.
inline constexpr std::size_t k_batch = 32;

// The selected targets, least recently attempted first (config order among equals): a run cut
// short by a stop starts the next one where it left off.
std::vector<const TargetConfig *> check_order(const Config &cfg, Store &store,
                                              const CheckOptions &options);

// Batches of k_batch targets in order; by theater (check --spread), one theater's targets each,
// in order of first appearance, so a theater's pushes need not wait for the theaters after it.
std::vector<std::vector<const TargetConfig *>>
batches(const std::vector<const TargetConfig *> &order, bool by_theater);

// The batches of each host on its own (hosts in order of first appearance): `check` runs the
// hosts side by side, so one site that hangs holds back no other site's targets or pushes.
std::vector<std::vector<std::vector<const TargetConfig *>>>
host_lanes(const std::vector<const TargetConfig *> &order, bool by_theater);

// About how many requests each host should expect this run, by the chains' own estimates.
std::map<std::string, int> expected_requests(const std::vector<const TargetConfig *> &order);

} // namespace alimi
