#include "check_record.hpp"
#include "check_notes.hpp"
#include "snapshot.hpp"

#include "chain.hpp"
#include "deliver.hpp"
#include "diff.hpp"
#include "filter.hpp"
#include "log.hpp"
#include "message.hpp"
#include "report.hpp"
#include "state_place.hpp"
#include "stop.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace alimi {

namespace {

void queue_alert(const Config &cfg, Store &store, const std::string &target, const PushMessage &m,
                 TimePoint now) {
    for (const auto &n : cfg.alerts.notify)
        store.queue_push(target, n, m, now, "alert", push_route(cfg, *cfg.notifier(n)));
    if (!cfg.alerts.notify.empty())
        log::info("{}: operator alert queued: {}", target, m.title);
}

// A push to each of the target's notifiers, and its history event (kind) as the push showed it:
// history prints the title, then the body's lines.
void queue_news(const Config &cfg, Store &store, const TargetConfig &t, const PushMessage &message,
                const char *kind, std::size_t count, TimePoint now) {
    for (const auto &n : t.notify)
        if (const auto *to = cfg.notifier(n))
            store.queue_push(t.name, n, message, now, "opening", push_route(cfg, *to));
    store.add_event(t.name, kind, fmt::format("{} new: {}\n{}", count, message.title, message.body),
                    now);
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
    store.save_openings(t.name, diff, now);
    store.record_sweep(t.name, snap, diff.baseline, now);
    if (!diff.fresh.empty()) {
        store.count_found(t.name, static_cast<int>(diff.fresh.size()));
        auto message = opening_message(t, snap, diff.fresh);
        message.data = push_data(t, snap, diff.fresh);
        queue_news(cfg, store, t, message, "openings", diff.fresh.size(), now);
    }
    if (!diff.seats_back.empty()) {
        auto message = seats_back_message(t, snap, diff.seats_back);
        message.data = push_data(t, snap, diff.seats_back, "seats_back");
        queue_news(cfg, store, t, message, "seats_back", diff.seats_back.size(), now);
    }
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
    keep_warning(store, t, waits, now);
    record_health(cfg, store, t, diff.baseline && !waits, now);
    return diff;
}

void report(Store &store, const TargetConfig &t, const Snapshot &snap, const Diff &diff) {
    if (diff.baseline && waits_for_content(store, t, snap, diff))
        log::info("{}: nothing there yet; the baseline waits for a first non-empty answer", t.name);
    else if (diff.baseline)
        log::info("{}: baseline of {} opening(s), nothing pushed", t.name, diff.current.size());
    else if (diff.fresh.empty() && diff.seats_back.empty())
        log::info("{}: nothing new ({} known)", t.name, diff.current.size());
    if (!diff.fresh.empty())
        log::info("{}: {} new opening(s)", t.name, diff.fresh.size());
    if (!diff.seats_back.empty())
        log::info("{}: seats back at {} showing(s)", t.name, diff.seats_back.size());
}

// What a real check would make of a snapshot, written nowhere. An edited target's state is
// forgotten first (adopt_identity), so what it shows now is a fresh baseline, not news.
Diff dry_run_diff(Store &store, const TargetConfig &t, const Snapshot &snap, TimePoint now,
                  bool &edited) {
    const auto before = store.identity(t.name);
    edited = before && *before != t.chain->identity_text(t);
    if (!edited)
        return diff_with_state(store, t, snap, now);
    auto diff = diff_openings(snap, {}, false, kst_date(now), {}, {});
    filter_news(diff, {}, t.filter);
    return diff;
}

// A dry run's line (and the push it would send) for one target, on stdout without -v: what
// `check` would do now, in the words a check's -v log uses.
std::string dry_run_text(Store &store, const TargetConfig &t, const Snapshot &snap,
                         const Diff &diff, bool edited) {
    if (edited)
        return fmt::format("{}: edited since the last check (now {}); a check would forget what "
                           "it knew and take a silent baseline of {} opening(s)\n",
                           t.name, watches_line(store, t), diff.current.size());
    if (diff.baseline && waits_for_content(store, t, snap, diff))
        return fmt::format("{}: nothing there yet; a check would wait for a first non-empty "
                           "answer\n",
                           t.name);
    if (diff.baseline)
        return fmt::format("{}: a check would take a silent baseline of {} opening(s)\n", t.name,
                           diff.current.size());
    if (diff.fresh.empty() && diff.seats_back.empty())
        return fmt::format("{}: nothing new ({} known)\n", t.name, diff.current.size());
    const auto to = t.notify.empty() ? "nobody" : fmt::format("{}", fmt::join(t.notify, ", "));
    std::string out;
    if (!diff.fresh.empty()) {
        const auto m = opening_message(t, snap, diff.fresh);
        out += fmt::format("{}: {} new; a check would push to {}:\n{}\n{}\n", t.name,
                           diff.fresh.size(), to, m.title, m.body);
    }
    if (!diff.seats_back.empty()) {
        const auto m = seats_back_message(t, snap, diff.seats_back);
        out += fmt::format("{}: seats back at {}; a check would push to {}:\n{}\n{}\n", t.name,
                           diff.seats_back.size(), to, m.title, m.body);
    }
    return out;
}

} // namespace

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

// Records every plan's outcome (a dry run only compares); returns the lines for stdout: --json
// objects, or a dry run's report.
std::string record_results(const Config &cfg, Store &store, const std::vector<TargetRun> &runs,
                           const CheckOptions &options, TimePoint now, CheckOutcome &result) {
    std::string lines;
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
        bool edited = false;
        const auto diff = options.dry_run ? dry_run_diff(store, t, *snapshot, now, edited)
                                          : record_snapshot(cfg, store, t, *snapshot, now);
        if (!snapshot->plan_note.empty())
            log::info("{}: {}", t.name, snapshot->plan_note);
        if (options.dry_run && !options.json)
            lines += terminal_safe(dry_run_text(store, t, *snapshot, diff, edited));
        else
            report(store, t, *snapshot, diff);
        result.openings_new += static_cast<int>(diff.fresh.size());
        if (options.json) {
            for (const auto &o : diff.fresh)
                lines += opening_json(t, *snapshot, o) + '\n';
            for (const auto &o : diff.seats_back)
                lines += json_text(opening_object(t, *snapshot, o, "seats_back")) + '\n';
        }
    }
    return lines;
}

std::string opening_json(const TargetConfig &t, const Snapshot &snap, const Opening &o) {
    return json_text(opening_object(t, snap, o));
}

AlertChange alert_change(bool success, int failures, bool alerted, int after) {
    if (success)
        return alerted ? AlertChange::recovered : AlertChange::none;
    return !alerted && failures >= after ? AlertChange::failing : AlertChange::none;
}

} // namespace alimi
