// Where region targets' theater lists come from: the state's copy, read again from the chain's
// site by a check when it is missing or a day old. The expansion itself is regions.hpp's.
#pragma once

#include "io.hpp"
#include "settings.hpp"
#include "store.hpp"
#include "timeutil.hpp"

namespace alimi {

// Expands cfg's region targets from the lists the state keeps (no request); problems said on
// stderr.
void regions_from_state(Config &cfg, Store &store);

// check: reads from the chain's site each list that is missing or a day old (a failing site is
// tried again after 10 minutes; a host cooling down is not asked), keeps what it read when keep,
// then expands. Returns how many region targets are left without members (said on stderr).
// io: what the lists are read through, and the clock.
int refresh_regions(Config &cfg, Store &store, const Io &io, bool keep);

} // namespace alimi
