// `alimi check`, the one I/O sequencer: run_check below reads top to bottom, and its steps follow
// it in the order it calls them. Everything they decide is decided by pure functions (plans,
// diff, messages, retry policy); delivery lives in deliver.cpp.
#include "check.hpp"
#include "check_notes.hpp"
#include "check_order.hpp"
#include "cooldowns.hpp"
#include "snapshot.hpp"

#include "deliver.hpp"
#include "diff.hpp"
#include "http.hpp"
#include "log.hpp"
#include "report.hpp"
#include "source/chain.hpp"
#include "stop.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <set>

namespace alimi {

namespace {

struct TargetRun {
    const TargetConfig *target;
    std::unique_ptr<SourcePlan> plan;
    std::vector<HttpRequest> requests; // of the current step
    bool done = false;
};

// The steps of run_check, defined below it in the order it calls them.
void follow_clock_jumps(Store &store, TimePoint now);
void check_batch(const Config &cfg, Store &store, const std::vector<const TargetConfig *> &batch,
                 HttpClient &http, const CheckOptions &options, TimePoint now, CheckOutcome &result,
                 std::ostream &out);
void say_stopped(std::size_t targets, CheckOutcome &result);
void make_plans(Store &store, std::vector<TargetRun> &runs, TimePoint now);
std::vector<TargetRun> plan_targets(const Config &cfg, Store &store,
                                    const std::vector<const TargetConfig *> &batch,
                                    const CheckOptions &options, TimePoint now,
                                    CheckOutcome &result);
void run_plans(std::vector<TargetRun> &runs, HttpClient &http);
std::string record_results(const Config &cfg, Store &store, const std::vector<TargetRun> &runs,
                           const CheckOptions &options, TimePoint now, CheckOutcome &result);
void finish_run(const Config &cfg, Store &store, const HttpClient &http, TimePoint now,
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
                       std::ostream &out) {
    CheckOutcome result;
    store.set_secrets(cfg.secrets()); // answers quoted in errors may echo one
    const auto now = now_utc();
    const auto started = std::chrono::steady_clock::now();
    std::set<long long> tried; // pushes sent in this run: once per run, whatever they answered
    if (!options.dry_run) {
        follow_clock_jumps(store, now);
        deliver_pending(cfg, store, now, tried); // pushes left by earlier runs are the oldest news
    }
    HttpClient http(cfg.http, cfg.secrets());
    http.stop_on_signal();
    http.share_answers(); // one theater's targets, one movie list: each asked once per run
    const auto order = check_order(cfg, store, options);
    if (options.spread > 0)
        http.spread(options.spread, expected_requests(order));
    // What a batch learns is committed before the next starts: a run stopped part way (a
    // systemd timeout) keeps it, and the next run starts with the targets this one missed.
    for (const auto &batch : batches(order, options.spread > 0)) {
        if (stop_requested())
            break;
        check_batch(cfg, store, batch, http, options, now, result, out);
        if (options.spread > 0 && !options.dry_run) // its news goes out before the next theater
            deliver_pending(cfg, store, now, tried);
    }
    if (stop_requested())
        say_stopped(order.size(), result);
    if (options.dry_run)
        return result;
    result.pushes_pending = deliver_pending(cfg, store, now, tried);
    if (result.pushes_pending > 0)
        say_pending(store, result.pushes_pending);
    finish_run(cfg, store, http, now,
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

void queue_alert(const Config &cfg, Store &store, const std::string &target, const PushMessage &m,
                 TimePoint now) {
    for (const auto &n : cfg.alerts.notify)
        store.queue_push(target, n, m, now, "alert", push_route(cfg, *cfg.notifier(n)));
    if (!cfg.alerts.notify.empty())
        log::info("{}: operator alert queued: {}", target, m.title);
}

// A failed target: health, history and, at the threshold, one operator alert.
void record_failure(const Config &cfg, Store &store, const TargetConfig &t,
                    const std::string &error, TimePoint now) {
    const int failures = store.record_failure(t.name, error, now);
    store.add_event(t.name, "error", error, now);
    if (alert_change(false, failures, store.alerted(t.name), cfg.alerts.after) ==
        AlertChange::failing) {
        queue_alert(cfg, store, t.name, failure_alert_message(t.name, failures, error), now);
        store.set_alerted(t.name, true);
    }
}

// Plan, fetch, then record in one transaction and print the --json lines after its commit.
void check_batch(const Config &cfg, Store &store, const std::vector<const TargetConfig *> &batch,
                 HttpClient &http, const CheckOptions &options, TimePoint now, CheckOutcome &result,
                 std::ostream &out) {
    auto runs = in_transaction(store, options, [&] {
        hold_cooling_paths(store, http, now);
        return plan_targets(cfg, store, batch, options, now, result);
    });
    run_plans(runs, http); // no write lock is held across the network
    const auto json_lines = in_transaction(store, options, [&] {
        auto lines = record_results(cfg, store, runs, options, now, result);
        if (!options.dry_run)
            record_cooldowns(cfg, store, http, now);
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

// Runs every plan step by step; each step's requests of all targets go out as one batch, so
// targets on different hosts proceed concurrently and the HTTP module applies per-host manners.
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

// What a good snapshot teaches: renumbered keys, openings, sweeps, and the push of what is new.
// The caller holds the run's transaction, so a crash keeps both an opening and its push or
// neither (and the next run finds the opening again).
void record_openings(const Config &cfg, Store &store, const TargetConfig &t, const Snapshot &snap,
                     const Diff &diff, TimePoint now) {
    if (!diff.rekeyed.empty()) {
        store.rekey(t.name, diff.rekeyed);
        log::info("{}: {} showing(s) kept under new keys: the site renumbered a hall (same "
                  "starts and movies), which is no news",
                  t.name, diff.rekeyed.size());
    }
    store.save_openings(t.name, diff.current, diff.baseline, now);
    store.record_sweep(t.name, snap, diff.baseline, now);
    if (diff.fresh.empty())
        return;
    store.count_found(t.name, static_cast<int>(diff.fresh.size()));
    auto message = opening_message(t, snap, diff.fresh);
    message.data = push_data(t, snap, diff.fresh);
    for (const auto &n : t.notify)
        if (const auto *to = cfg.notifier(n))
            store.queue_push(t.name, n, message, now, "opening", push_route(cfg, *to));
    // As the push showed it: history prints the title, then the body's lines.
    store.add_event(t.name, "openings",
                    fmt::format("{} new: {}\n{}", diff.fresh.size(), message.title, message.body),
                    now);
}

// A target that answered: its health, said when it ends a run of failures.
void record_health(const Config &cfg, Store &store, const TargetConfig &t, bool baseline,
                   TimePoint now) {
    if (const auto ended = store.record_success(t.name, baseline, now); ended > 0)
        log::error("{}: works again after {} failure(s) in a row", t.name, ended);
    if (alert_change(true, 0, store.alerted(t.name), cfg.alerts.after) == AlertChange::recovered) {
        queue_alert(cfg, store, t.name, recovery_alert_message(t.name), now);
        store.set_alerted(t.name, false);
    }
}

// Records one target's good snapshot. Every chain alike (check_notes.hpp): a first answer with
// nothing in it is no baseline, or the whole real schedule would be pushed as news the moment it
// appears; the target then waits, healthy, for one that shows something.
Diff record_snapshot(const Config &cfg, Store &store, const TargetConfig &t, const Snapshot &snap,
                     TimePoint now) {
    const auto diff = diff_with_state(store, t, snap, now);
    store.save_names(std::string(t.chain->name()), snap.names, now);
    const bool waits = diff.baseline && waits_for_content(store, t, snap, diff);
    if (waits)
        wait_for_first_answer(store, t, now);
    else
        record_openings(cfg, store, t, snap, diff, now);
    record_health(cfg, store, t, diff.baseline && !waits, now);
    return diff;
}

void report(Store &store, const TargetConfig &t, const Snapshot &snap, const Diff &diff) {
    if (diff.baseline && waits_for_content(store, t, snap, diff))
        log::info("{}: nothing there yet; the baseline waits for a first non-empty answer", t.name);
    else if (diff.baseline)
        log::info("{}: baseline of {} opening(s), nothing pushed", t.name, diff.current.size());
    else if (diff.fresh.empty())
        log::info("{}: nothing new ({} known)", t.name, diff.current.size());
    else
        log::info("{}: {} new opening(s)", t.name, diff.fresh.size());
}

// Records every plan's outcome (a dry run only compares); returns the --json lines.
std::string record_results(const Config &cfg, Store &store, const std::vector<TargetRun> &runs,
                           const CheckOptions &options, TimePoint now, CheckOutcome &result) {
    std::string json_lines;
    for (const auto &r : runs) {
        const auto &t = *r.target;
        const auto snapshot = r.plan->result();
        if (!snapshot && snapshot.error().outcome == Outcome::not_sent && stop_requested())
            continue; // not checked: neither a failure nor news, and first in line next run
        if (!snapshot) {
            ++result.targets_failed;
            say_failure(store, t, snapshot.error().message, options);
            if (!options.dry_run)
                record_failure(cfg, store, t, snapshot.error().message, now);
            continue;
        }
        ++result.targets_ok;
        const auto diff = options.dry_run ? diff_with_state(store, t, *snapshot, now)
                                          : record_snapshot(cfg, store, t, *snapshot, now);
        if (!snapshot->plan_note.empty())
            log::info("{}: {}", t.name, snapshot->plan_note);
        report(store, t, *snapshot, diff);
        result.openings_new += static_cast<int>(diff.fresh.size());
        if (options.json)
            for (const auto &o : diff.fresh)
                json_lines += opening_json(t, *snapshot, o) + '\n';
    }
    return json_lines;
}

// Housekeeping after a run: counters, the run's duration, daily pruning, status files.
void finish_run(const Config &cfg, Store &store, const HttpClient &http, TimePoint now,
                double seconds) {
    // Counters, timings and pruning: a power cut may lose them, which costs nothing, so this
    // commit does not wait for the disk. Openings and pushes always do.
    Transaction tx(store.db(), Transaction::Sync::deferred);
    store.add_request_counts(http.request_counts());
    store.set_meta("last_run_at", std::to_string(to_unix(now)));
    store.set_meta("last_check_seconds", fmt::format("{:.3f}", seconds));
    if (const auto site = http.server_clock())
        store.note_site_clock(*site); // what pruning trusts when our clock runs ahead
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

std::string opening_json(const TargetConfig &t, const Snapshot &snap, const Opening &o) {
    return json_text(opening_object(t, snap, o));
}

AlertChange alert_change(bool success, int failures, bool alerted, int after) {
    if (success)
        return alerted ? AlertChange::recovered : AlertChange::none;
    return !alerted && failures >= after ? AlertChange::failing : AlertChange::none;
}

} // namespace alimi
