#include "check.hpp"

#include "diff.hpp"
#include "http.hpp"
#include "log.hpp"
#include "notify/ntfy.hpp"
#include "source/source.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>

namespace alimi {

namespace {

constexpr long long k_give_up_after = 24 * 3600; // seconds a push may stay undelivered

struct TargetRun {
    const TargetConfig* target;
    std::unique_ptr<SourcePlan> plan;
    std::vector<HttpRequest> requests; // of the current step
    bool done = false;
};

// Runs every plan step by step; each step's requests of all targets go out as one batch, so
// targets on different hosts proceed concurrently and the HTTP module applies per-host manners.
void run_plans(std::vector<TargetRun>& runs, HttpClient& http) {
    std::vector<HttpResult> none;
    for (auto& r : runs) {
        r.requests = r.plan->next(none);
        r.done = r.requests.empty();
    }
    for (;;) {
        std::vector<HttpRequest> batch;
        for (const auto& r : runs)
            if (!r.done) batch.insert(batch.end(), r.requests.begin(), r.requests.end());
        if (batch.empty()) return;
        auto answers = http.perform(batch);
        std::size_t at = 0;
        for (auto& r : runs) {
            if (r.done) continue;
            std::vector<HttpResult> mine(std::make_move_iterator(answers.begin() + static_cast<long>(at)),
                                         std::make_move_iterator(answers.begin() + static_cast<long>(at + r.requests.size())));
            at += r.requests.size();
            r.requests = r.plan->next(mine);
            r.done = r.requests.empty();
        }
    }
}

// Commits one target's good snapshot: openings, queued pushes and health in one transaction, so a
// crash either keeps both the opening and its push or neither (and the next run finds it again).
Diff diff_with_state(Store& store, const TargetConfig& t, const Snapshot& snap, TimePoint now) {
    return diff_openings(snap, store.known_keys(t.name), store.has_baseline(t.name), kst_date(now),
                         store.silent_dates(t.name, snap.swept_dates));
}

Diff commit_snapshot(const Config& cfg, Store& store, const TargetConfig& t, const Snapshot& snap, TimePoint now) {
    Transaction tx(store.db());
    const auto diff = diff_with_state(store, t, snap, now);
    store.save_openings(t.name, diff.current, diff.baseline, now);
    store.record_sweep(t.name, snap, diff.baseline, now);
    if (!diff.fresh.empty()) {
        const auto message = opening_message(t, snap, diff.fresh);
        for (const auto& n : t.notify)
            if (cfg.notifier(n)) store.queue_push(t.name, n, message, now);
        store.add_event(t.name, "openings", fmt::format("{} new: {}", diff.fresh.size(), message.body.substr(0, 500)), now);
    }
    store.record_success(t.name, diff.baseline, now);
    tx.commit();
    return diff;
}

void report(const TargetConfig& t, const Diff& diff) {
    if (diff.baseline) log::info("{}: baseline of {} opening(s), nothing pushed", t.name, diff.current.size());
    else if (diff.fresh.empty()) log::info("{}: nothing new ({} known)", t.name, diff.current.size());
    else log::info("{}: {} new opening(s)", t.name, diff.fresh.size());
}

// Cool-downs persist per host: a 429 or a block page buys that host silence across runs.
void record_cooldowns(const Config& cfg, Store& store, const HttpClient& http, TimePoint now) {
    for (const auto& [host, trouble] : http.troubled_hosts()) {
        const bool limited = trouble.outcome == Outcome::rate_limited;
        const double wait = trouble.retry_after.value_or(limited ? cfg.http.cooldown_429 : cfg.http.cooldown_block);
        const auto until = now + std::chrono::seconds(static_cast<long long>(wait));
        store.set_cooldown(host, until, limited ? "rate limited (429)" : "blocked (403)");
        log::info("{}: cooling down until {} KST", host, kst_clock(until));
    }
}

} // namespace

HttpSettings push_settings(const HttpSettings& s) {
    HttpSettings p = s;
    p.min_gap = 0; // ntfy's bucket allows bursts; our own pushes need no spacing
    p.user_agent = default_user_agent();
    return p;
}

std::string source_host(const TargetConfig& t) {
    return host_of(t.source == SourceKind::cgv_legacy ? t.url : t.api);
}

std::string opening_json(const TargetConfig& t, const Snapshot& snap, const Opening& o) {
    nlohmann::ordered_json j;
    j["target"] = t.name;
    j["source"] = source_name(t.source);
    j["date"] = o.date;
    if (!o.time.empty()) j["time"] = o.time;
    if (!o.movie.empty()) j["movie"] = o.movie;
    if (!o.movie_code.empty()) j["movie_code"] = o.movie_code;
    if (!o.screen.empty()) j["screen"] = o.screen;
    else if (!t.screen.empty()) j["screen"] = t.screen;
    if (o.seats_free >= 0) j["seats_free"] = o.seats_free;
    if (o.seats_total >= 0) j["seats_total"] = o.seats_total;
    if (!t.theater.empty()) j["theater"] = t.theater;
    if (!snap.theater_name.empty()) j["theater_name"] = snap.theater_name;
    j["key"] = o.key;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int deliver_pending(const Config& cfg, Store& store, TimePoint now) {
    const auto due = store.due_pushes(now);
    if (due.empty()) return store.pending_count();
    std::vector<HttpRequest> requests;
    std::vector<const QueuedPush*> sent;
    for (const auto& p : due) {
        const auto* n = cfg.notifier(p.notifier);
        if (!n) {
            store.mark_dropped(p.id, fmt::format("notifier '{}' is no longer configured", p.notifier), now);
            log::error("{}: push #{} dropped: notifier '{}' is no longer configured", p.target, p.id, p.notifier);
            continue;
        }
        requests.push_back(ntfy_request(*n, p.message, fmt::format("alimi-{}", p.id)));
        sent.push_back(&p);
    }
    HttpClient http(push_settings(cfg.http));
    const auto answers = http.perform(requests);
    for (std::size_t i = 0; i < sent.size(); ++i) {
        const auto& p = *sent[i];
        const auto d = interpret_ntfy(answers[i]);
        if (d.kind == Delivery::Kind::delivered) {
            store.mark_delivered(p.id, now);
            log::info("{}: pushed to {} (id {})", p.target, p.notifier, d.detail);
            continue;
        }
        const auto where = fmt::format("{}: push to {} ({})", p.target, p.notifier, printable_url(requests[i].url));
        if ((now - p.created_at).count() >= k_give_up_after) {
            store.mark_dropped(p.id, d.detail, now);
            log::error("{} dropped after 24 h undelivered: {}", where, d.detail);
        } else {
            store.mark_retry(p.id, d.detail, now + std::chrono::seconds(static_cast<long long>(d.wait_seconds)));
            log::error("{} failed, kept for the next run: {}", where, d.detail);
        }
    }
    return store.pending_count();
}

CheckOutcome run_check(const Config& cfg, Store& store, const CheckOptions& options, std::ostream& out) {
    CheckOutcome result;
    const auto now = now_utc();
    // Pushes left by earlier runs go first: they are the oldest news.
    if (!options.dry_run) deliver_pending(cfg, store, now);

    HttpClient http(cfg.http);
    std::vector<TargetRun> runs;
    for (const auto& t : cfg.targets) {
        if (!options.targets.empty() && std::find(options.targets.begin(), options.targets.end(), t.name) == options.targets.end())
            continue;
        if (auto cd = store.cooldown(source_host(t), now)) {
            log::error("{}: {} cooling down until {} KST ({}); nothing sent", t.name, source_host(t), kst_clock(cd->until), cd->reason);
            ++result.targets_failed;
            continue;
        }
        runs.push_back({&t, make_plan(t, PlanContext{now, store.sweep_memory(t.name)}), {}, false});
    }
    run_plans(runs, http);

    for (const auto& r : runs) {
        const auto& t = *r.target;
        const auto snapshot = r.plan->result();
        if (!snapshot) {
            ++result.targets_failed;
            log::error("{}: {}", t.name, snapshot.error().message);
            if (!options.dry_run) {
                store.record_failure(t.name, snapshot.error().message, now);
                store.add_event(t.name, "error", snapshot.error().message, now);
            }
            continue;
        }
        ++result.targets_ok;
        const auto diff = options.dry_run ? diff_with_state(store, t, *snapshot, now)
                                          : commit_snapshot(cfg, store, t, *snapshot, now);
        report(t, diff);
        result.openings_new += static_cast<int>(diff.fresh.size());
        if (options.json)
            for (const auto& o : diff.fresh) out << opening_json(t, *snapshot, o) << '\n';
    }
    out.flush();
    if (options.dry_run) return result;
    record_cooldowns(cfg, store, http, now);
    result.pushes_pending = deliver_pending(cfg, store, now);
    return result;
}

} // namespace alimi

namespace alimi {

int notify_test(const Config& cfg, const std::vector<std::string>& names, std::ostream& out) {
    PushMessage m;
    m.title = "alimi 테스트 알림";
    m.body = fmt::format("Test push from alimi for {}. 알림이 잘 도착했습니다.", cfg.path);
    m.tags = {"white_check_mark"};
    m.priority = 3;
    std::vector<const NotifierConfig*> chosen;
    std::vector<HttpRequest> requests;
    for (const auto& n : cfg.notifiers) {
        if (!names.empty() && std::find(names.begin(), names.end(), n.name) == names.end()) continue;
        chosen.push_back(&n);
        requests.push_back(ntfy_request(n, m, ""));
    }
    HttpClient http(push_settings(cfg.http));
    const auto answers = http.perform(requests);
    int failed = 0;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        const auto d = interpret_ntfy(answers[i]);
        const auto where = fmt::format("{} ({})", chosen[i]->name, printable_url(requests[i].url));
        if (d.kind == Delivery::Kind::delivered) {
            out << fmt::format("{}: delivered, message id {}\n", where, d.detail.empty() ? "?" : d.detail);
        } else {
            ++failed;
            log::error("{}: not delivered: {}", where, d.detail);
        }
    }
    out.flush();
    return failed ? 1 : 0;
}

} // namespace alimi
