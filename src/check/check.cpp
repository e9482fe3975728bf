// `alimi check`, the one I/O sequencer: run_check below reads top to bottom, and its steps follow
// it in the order it calls them. Everything they decide is decided by pure functions (plans,
// diff, messages, retry policy). Each host's fetching runs on a lane of its own (lanes.hpp);
// the state is read and written on this thread alone, recording in check_record.cpp and
// delivery in deliver.cpp.
#include "check.hpp"
#include "check_notes.hpp"
#include "check_order.hpp"
#include "check_record.hpp"
#include "cooldowns.hpp"
#include "snapshot.hpp"

#include "chain.hpp"
#include "deliver.hpp"
#include "diff.hpp"
#include "http.hpp"
#include "lanes.hpp"
#include "log.hpp"
#include "report.hpp"
#include "stop.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <set>

namespace alimi {

namespace {

// Targets committed together, with the troubles their host's answers reported by then.
struct Batch {
    std::vector<TargetRun> runs;
    std::map<std::string, HttpClient::HostTrouble> troubles;
    bool fetched = false; // false: a stop came before it was started
};

// One host's batches in order, with the host's own client: its manners, shared answers and
// troubles are the host's alone.
struct Lane {
    std::unique_ptr<HttpClient> http;
    std::vector<Batch> batches;
};

// The steps of run_check, defined below it in the order it calls them.
void follow_clock_jumps(Store &store, TimePoint now);
std::vector<Lane> make_lanes(const Config &cfg, Store &store,
                             const std::vector<const TargetConfig *> &order,
                             const CheckOptions &options, const Io &io, TimePoint now,
                             CheckOutcome &result);
void run_lanes(const Config &cfg, Store &store, std::vector<Lane> &lanes,
               const CheckOptions &options, const Io &io, TimePoint now, std::set<long long> &tried,
               CheckOutcome &result, std::ostream &out);
void say_stopped(std::size_t targets, CheckOutcome &result);
void make_plans(Store &store, std::vector<TargetRun> &runs, TimePoint now);
std::vector<TargetRun> plan_targets(const Config &cfg, Store &store,
                                    const std::vector<const TargetConfig *> &batch,
                                    const CheckOptions &options, TimePoint now,
                                    CheckOutcome &result);
void run_plans(std::vector<TargetRun> &runs, HttpClient &http);
void finish_run(const Config &cfg, Store &store, const std::vector<Lane> &lanes, TimePoint now,
                double seconds);

// Runs work in one write transaction, or in none for a dry run (which writes nothing).
template <typename Work>
auto in_transaction(Store &store, const CheckOptions &options, Work &&work) {
    if (options.dry_run)
        return work();
    Transaction tx(store.db());
    auto out = work();
    tx.commit();
    return out;
}

} // namespace

CheckOutcome run_check(const Config &cfg, Store &store, const CheckOptions &options,
                       std::ostream &out, const Io &io) {
    CheckOutcome result;
    store.set_secrets(cfg.secrets()); // answers quoted in errors may echo one
    const auto now = io.now();
    const auto started = std::chrono::steady_clock::now();
    std::set<long long> tried; // pushes sent in this run: once per run, whatever they answered
    if (!options.dry_run) {
        follow_clock_jumps(store, now);
        deliver_pending(cfg, store, now, tried, io); // pushes left by earlier runs: the oldest news
    }
    const auto order = check_order(cfg, store, options);
    auto lanes = make_lanes(cfg, store, order, options, io, now, result);
    run_lanes(cfg, store, lanes, options, io, now, tried, result, out);
    if (stop_requested())
        say_stopped(order.size(), result);
    if (options.dry_run)
        return result;
    result.pushes_pending = deliver_pending(cfg, store, now, tried, io);
    if (result.pushes_pending > 0)
        say_pending(store, result.pushes_pending);
    finish_run(cfg, store, lanes, now,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    return result;
}

namespace {

// A clock that went backwards would stretch every stored wait by the jump; shift them back.
void follow_clock_jumps(Store &store, TimePoint now) {
    const auto last = store.meta("last_run_at");
    if (!last)
        return;
    const long long back = std::stoll(*last) - to_unix(now);
    if (back <= 60)
        return; // ordinary jitter between runs
    log::error("the clock went back {} s since the last run; moving stored retry times and "
               "cool-downs back too",
               back);
    store.shift_future_times(back);
    store.set_meta("last_run_at", std::to_string(to_unix(now)));
}

// A client for one host's lane: stoppable, sharing answers among the host's targets, spread if
// asked, and silent towards what earlier runs left cooling down.
std::unique_ptr<HttpClient> lane_client(const Config &cfg, Store &store,
                                        const CheckOptions &options,
                                        const std::map<std::string, int> &expected, const Io &io,
                                        TimePoint now) {
    auto http = std::make_unique<HttpClient>(cfg.http, cfg.secrets(), io);
    http->stop_on_signal();
    http->share_answers(); // one theater's targets, one movie list: each asked once per run
    if (options.spread > 0)
        http->spread(options.spread, expected);
    hold_cooling_paths(store, *http, now);
    return http;
}

// Every batch is planned before any is fetched: plans read the state, which only this thread
// may touch, and they depend on earlier runs only.
std::vector<Lane> make_lanes(const Config &cfg, Store &store,
                             const std::vector<const TargetConfig *> &order,
                             const CheckOptions &options, const Io &io, TimePoint now,
                             CheckOutcome &result) {
    const auto expected = expected_requests(order);
    return in_transaction(store, options, [&] {
        std::vector<Lane> lanes;
        for (const auto &batches : host_lanes(order, options.spread > 0)) {
            Lane lane{lane_client(cfg, store, options, expected, io, now), {}};
            for (const auto &batch : batches)
                lane.batches.push_back(
                    {plan_targets(cfg, store, batch, options, now, result), {}, false});
            lanes.push_back(std::move(lane));
        }
        return lanes;
    });
}

// Records one fetched batch in one transaction and prints its --json lines after the commit.
void record_batch(const Config &cfg, Store &store, const Batch &batch, const CheckOptions &options,
                  TimePoint now, CheckOutcome &result, std::ostream &out) {
    const auto json_lines = in_transaction(store, options, [&] {
        auto lines = record_results(cfg, store, batch.runs, options, now, result);
        if (!options.dry_run)
            record_cooldowns(cfg, store, batch.troubles, now);
        return lines;
    });
    // Printed after the commit: a --json reader never sees an opening the state lost.
    out << json_lines << std::flush;
    if (!out && !result.output_lost) {
        log::error("stdout is closed: this run's --json lines are lost (the openings are "
                   "stored and pushed as usual)");
        result.output_lost = true;
    }
}

// The hosts fetch side by side, each on its own thread; this thread records each batch the
// moment it is in and pushes its news, so no push waits for another host. What a batch learns
// is committed before the next: a run stopped part way (a systemd timeout) keeps it, and the
// next run starts with the targets this one missed.
void run_lanes(const Config &cfg, Store &store, std::vector<Lane> &lanes,
               const CheckOptions &options, const Io &io, TimePoint now, std::set<long long> &tried,
               CheckOutcome &result, std::ostream &out) {
    std::vector<std::size_t> steps;
    for (const auto &lane : lanes)
        steps.push_back(lane.batches.size());
    Lanes running(steps, [&lanes](std::size_t l, std::size_t b) {
        if (stop_requested())
            return;
        auto &batch = lanes[l].batches[b];
        run_plans(batch.runs, *lanes[l].http); // no write lock is held across the network
        batch.troubles = lanes[l].http->troubled_hosts();
        batch.fetched = true;
    });
    while (const auto done = running.next()) {
        const auto &batch = lanes[done->lane].batches[done->step];
        if (!batch.fetched)
            continue;
        record_batch(cfg, store, batch, options, now, result, out);
        if (!options.dry_run)
            deliver_pending(cfg, store, now, tried, io);
    }
}

void say_stopped(std::size_t targets, CheckOutcome &result) {
    result.stopped = true;
    const auto checked = static_cast<std::size_t>(result.targets_ok + result.targets_failed);
    log::error("stopped by signal {}: {} of {} target(s) checked and saved; the next run starts "
               "with the rest",
               stop_signal(), checked, targets);
}

std::vector<TargetRun> plan_targets(const Config &cfg, Store &store,
                                    const std::vector<const TargetConfig *> &batch,
                                    const CheckOptions &options, TimePoint now,
                                    CheckOutcome &result) {
    std::vector<TargetRun> runs;
    for (const auto *target : batch) {
        const auto &t = *target;
        if (auto cd = host_cooldown(store, source_host(t), now)) {
            const auto why = fmt::format("{} cooling down until {} ({}); nothing sent",
                                         source_host(t), kst_when(cd->until, now), cd->reason);
            say_failure(store, t, why, options);
            if (!options.dry_run)
                record_failure(cfg, store, t, why, now);
            ++result.targets_failed;
            continue;
        }
        if (!options.dry_run)
            adopt_identity(store, t, now);
        runs.push_back({&t, nullptr, {}, false});
    }
    make_plans(store, runs, now);
    return runs;
}

// Each chain plans its targets together: targets that can share answers (one theater's) do.
void make_plans(Store &store, std::vector<TargetRun> &runs, TimePoint now) {
    std::map<const Chain *, std::vector<std::size_t>> by_chain;
    for (std::size_t i = 0; i < runs.size(); ++i)
        by_chain[runs[i].target->chain].push_back(i);
    for (const auto &[chain, indexes] : by_chain) {
        std::vector<const TargetConfig *> targets;
        std::vector<PlanContext> ctxs;
        for (const auto i : indexes) {
            targets.push_back(runs[i].target);
            ctxs.push_back(plan_context(store, *runs[i].target, now));
        }
        auto plans = chain->make_plans(targets, ctxs);
        for (std::size_t k = 0; k < indexes.size(); ++k)
            runs[indexes[k]].plan = std::move(plans[k]);
    }
}

// Runs every plan of a batch (one host's) step by step; each step's requests of all its targets
// go out together, so the HTTP module shares their answers and applies the host's manners.
void run_plans(std::vector<TargetRun> &runs, HttpClient &http) {
    std::vector<HttpResult> none;
    for (auto &r : runs) {
        r.requests = r.plan->next(none);
        r.done = r.requests.empty();
    }
    for (;;) {
        std::vector<HttpRequest> batch;
        for (const auto &r : runs)
            if (!r.done)
                batch.insert(batch.end(), r.requests.begin(), r.requests.end());
        if (batch.empty())
            return;
        auto answers = http.perform(batch);
        std::size_t at = 0;
        for (auto &r : runs) {
            if (r.done)
                continue;
            std::vector<HttpResult> mine(
                std::make_move_iterator(answers.begin() + static_cast<long>(at)),
                std::make_move_iterator(answers.begin() +
                                        static_cast<long>(at + r.requests.size())));
            at += r.requests.size();
            r.requests = r.plan->next(mine);
            r.done = r.requests.empty();
        }
    }
}

// Housekeeping after a run: counters, the run's duration, daily pruning, status files.
void finish_run(const Config &cfg, Store &store, const std::vector<Lane> &lanes, TimePoint now,
                double seconds) {
    // Counters, timings and pruning: a power cut may lose them, which costs nothing, so this
    // commit does not wait for the disk. Openings and pushes always do.
    Transaction tx(store.db(), Transaction::Sync::deferred);
    for (const auto &lane : lanes) {
        store.add_request_counts(lane.http->request_counts());
        if (const auto site = lane.http->server_clock())
            store.note_site_clock(*site); // what pruning trusts when our clock runs ahead
    }
    store.set_meta("last_run_at", std::to_string(to_unix(now)));
    store.set_meta("last_check_seconds", fmt::format("{:.3f}", seconds));
    const auto last_prune = store.meta("last_prune_at");
    if (!last_prune || to_unix(now) - std::stoll(*last_prune) >= 86400) {
        const auto c = store.prune(now, static_cast<long long>(cfg.status.keep_days * 86400));
        log::info("pruned {} events, {} finished pushes, {} past openings", c.events, c.pushes,
                  c.openings);
    }
    tx.commit();
    refresh_status_files(cfg, store, now);
}

} // namespace

} // namespace alimi
