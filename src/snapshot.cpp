#include "snapshot.hpp"

#include "http.hpp"
#include "source/chain.hpp"

namespace alimi {

// What a plan may know of earlier runs: swept dates and the names of its theater and movie. A
// name the site did not know is asked again after an hour, not every run.
PlanContext plan_context(Store &store, const TargetConfig &t, TimePoint now) {
    PlanContext ctx;
    ctx.now = now;
    ctx.memory = store.sweep_memory(t.name);
    const auto look_up = [&](const char *kind, const std::string &code, std::string &name,
                             bool &ask) {
        if (code.empty())
            return;
        const auto cached = store.cached_name(std::string(t.chain->name()), kind, code);
        name = cached ? cached->name : "";
        ask = !cached || (name.empty() && now - cached->seen_at >= std::chrono::hours(1));
    };
    look_up("theater", t.theater, ctx.theater_name, ctx.ask_theater);
    look_up("movie", t.movie, ctx.movie_name, ctx.ask_movie);
    return ctx;
}

Diff diff_with_state(Store &store, const TargetConfig &t, const Snapshot &snap, TimePoint now) {
    return diff_openings(snap, store.known_keys(t.name), store.has_baseline(t.name), kst_date(now),
                         store.silent_dates(t.name, snap.swept_dates));
}

SnapshotResult fetch_snapshot(Store &store, const TargetConfig &t, HttpClient &http,
                              TimePoint now) {
    auto plan = t.chain->make_plan(t, plan_context(store, t, now));
    for (auto requests = plan->next({}); !requests.empty();)
        requests = plan->next(http.perform(requests));
    return plan->result();
}

} // namespace alimi
