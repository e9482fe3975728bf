#include "snapshot.hpp"

#include "chain.hpp"
#include "filter.hpp"
#include "http.hpp"
#include "message.hpp"

#include <fmt/format.h>

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

Snapshot cached_names(Store &store, const TargetConfig &t) {
    Snapshot snap;
    const std::string chain(t.chain->name());
    if (const auto n = store.cached_name(chain, "theater", t.theater))
        snap.theater_name = n->name;
    if (const auto n = store.cached_name(chain, "movie", t.movie))
        snap.movie_name = n->name;
    return snap;
}

std::string watches_line(Store &store, const TargetConfig &t) {
    const auto names = cached_names(store, t);
    const auto bare = bare_theater_name(*t.chain, names);
    const auto screen =
        t.screen.empty() ? std::string("모든 상영관") : t.chain->screen_label(t.screen);
    const auto movie = t.movie.empty()            ? std::string("모든 영화")
                       : names.movie_name.empty() ? fmt::format("영화 {}", t.movie)
                                                  : names.movie_name;
    return fmt::format("{} {} · {} · {}", t.chain->display_name(), bare.empty() ? t.theater : bare,
                       screen, movie);
}

Diff diff_with_state(Store &store, const TargetConfig &t, const Snapshot &snap, TimePoint now) {
    const auto rows = store.known_rows(t.name);
    auto diff = diff_openings(snap, keys_of(rows), store.has_baseline(t.name), kst_date(now),
                              store.silent_dates(t.name, snap.swept_dates), rows);
    filter_news(diff, rows, t.filter);
    return diff;
}

SnapshotResult fetch_snapshot(Store &store, const TargetConfig &t, HttpClient &http,
                              TimePoint now) {
    auto plan = t.chain->make_plan(t, plan_context(store, t, now));
    for (auto requests = plan->next({}); !requests.empty();)
        requests = plan->next(http.perform(requests));
    return plan->result();
}

} // namespace alimi
