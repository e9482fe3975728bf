// Delivering the outbox and test pushes: the channel builds each request and reads each answer
// (notify/channel.hpp); this file sends them in one batch and records every verdict.
#include "deliver.hpp"

#include "error_text.hpp"
#include "http.hpp"
#include "log.hpp"
#include "notifier.hpp"
#include "paths.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace alimi {

HttpSettings push_settings(const HttpSettings &s) {
    HttpSettings p = s;
    p.min_gap = 0; // ntfy's bucket allows bursts; our own pushes need no spacing
    // A push POST whose answer is lost may have been delivered: it is never sent again within
    // the run; the outbox retries it in a later run, with backoff and the same sequence id.
    p.retries = 0;
    // A refusal is a short text; a longer answer is read no further (a 2xx is then delivered).
    p.max_body = std::min<long long>(p.max_body, 64 << 10);
    p.user_agent = default_user_agent();
    return p;
}

PushRoute push_route(const Config &cfg, const NotifierConfig &n) {
    return {n.destination(), real_path(cfg.path)};
}

namespace {

TimePoint give_up_time(const Config &cfg, const QueuedPush &p) {
    return p.created_at + std::chrono::seconds(static_cast<long long>(cfg.delivery.give_up_after));
}

// Records what a notifier said about one push: delivered, retried later, held until its config
// changes, or dropped when it has waited longer than [delivery] give_up_after.
void settle(const Config &cfg, Store &store, const QueuedPush &p, const NotifierConfig &n,
            const Delivery &d, TimePoint now) {
    if (d.kind == Delivery::Kind::delivered) {
        store.mark_delivered(p.id, now);
        store.add_event(p.target, "push", fmt::format("delivered to {}", n.name), now);
        log::info("{}: pushed to {} (id {})", p.target, n.describe(),
                  d.detail.empty() ? "?" : d.detail);
        return;
    }
    const auto where = fmt::format("{}: push #{} to {}", p.target, p.id, n.describe());
    const auto give_up = give_up_time(cfg, p);
    if (now >= give_up) {
        store.mark_dropped(p.id, d.detail, now);
        store.add_event(p.target, "dropped",
                        fmt::format("push to {} dropped: {}", n.name, d.detail), now);
        log::error("{} dropped, undelivered since {}: {}", where, kst_timestamp(p.created_at),
                   d.detail);
        return;
    }
    const auto next = next_push_attempt(now, p.attempts + 1, d);
    if (!next) {
        store.mark_held(p.id, d.detail, n.fingerprint(), give_up);
        store.add_event(p.target, "push_failed",
                        fmt::format("push to {} refused: {}", n.name, d.detail), now);
        log::error("{} refused: {}; not retried until the notifier's config changes or it is "
                   "released (alimi retry {}, or a notify-test that works)",
                   where, d.detail, n.name);
        return;
    }
    store.mark_retry(p.id, d.detail, std::min(*next, give_up));
    store.add_event(p.target, "push_failed", fmt::format("push to {} failed: {}", n.name, d.detail),
                    now);
    // Said when it starts failing or fails anew; the run's summary line says it is still pending.
    const auto line =
        fmt::format("{} failed, kept for {}: {}", where,
                    *next <= now ? "the next run" : "a retry at " + kst_when(*next, now), d.detail);
    if (same_cause(p.last_error, d.detail))
        log::info("{}", line);
    else
        log::error("{}", line);
}

// Why a push cannot go to the notifier of its name now: it has left the config, or it pushes to
// another destination than the one the push was queued for (another config's namesake, an
// edited address); nullopt when it can go.
// config: the real path of the config that delivers (push_route's spelling).
std::optional<std::string> undeliverable(const std::string &config, const QueuedPush &p,
                                         const NotifierConfig *n) {
    if (!n)
        return fmt::format("notifier '{}' is no longer configured", p.notifier);
    const auto &route = p.route;
    if (!route.destination.empty() && route.destination != n->destination() &&
        route.config != config)
        return fmt::format("notifier '{}' now pushes to another destination than the one this "
                           "push was queued for",
                           p.notifier);
    return std::nullopt;
}

// A push whose notifier has left the config, or points elsewhere now, is kept (a rename or a
// typo is often undone) until give_up_after; said once as an error, then at -v each run.
void keep_orphan(const Config &cfg, Store &store, const QueuedPush &p, const std::string &why,
                 TimePoint now) {
    if (now >= give_up_time(cfg, p)) {
        store.mark_dropped(p.id, why, now);
        store.add_event(p.target, "dropped", fmt::format("push dropped: {}", why), now);
        log::error("{}: push #{} dropped: {}", p.target, p.id, why);
        return;
    }
    store.mark_retry(p.id, why, now);
    const auto until = kst_timestamp(give_up_time(cfg, p));
    if (p.last_error != why) // the first run that finds it so
        log::error("{}: push #{} kept: {}; dropped at {} unless it comes back", p.target, p.id, why,
                   until);
    else
        log::info("{}: push #{} still waits: {} (until {})", p.target, p.id, why, until);
}

} // namespace

int deliver_pending(const Config &cfg, Store &store, TimePoint now, std::set<long long> &tried,
                    const Io &io) {
    // A fingerprint is a SHA-256 whose first use costs OpenSSL's provider set-up: only for holds.
    for (const auto &name : store.notifiers_holding()) {
        const auto *n = cfg.notifier(name);
        if (n && store.release_holds(n->name, n->fingerprint(), now) > 0)
            log::info("{}: config changed; retrying held pushes", n->name);
    }
    auto due = store.due_pushes(now);
    std::erase_if(due, [&](const QueuedPush &p) { return tried.contains(p.id); });
    if (due.empty())
        return store.pending_count();
    std::vector<HttpRequest> requests;
    std::vector<std::pair<const QueuedPush *, const NotifierConfig *>> sent;
    {
        // Written before anything is sent, so a push that cannot be written down (a full disk)
        // is not sent at all; one sent whose answer cannot be written waits with backoff; and
        // tried once, it is not tried again in this run.
        // A failed write shows at commit even without waiting for the disk, which it needs not.
        Transaction tx(store.db(), Transaction::Sync::deferred);
        const auto config = real_path(cfg.path);
        for (const auto &p : due) {
            const auto *n = cfg.notifier(p.notifier);
            tried.insert(p.id);
            if (const auto why = undeliverable(config, p, n)) {
                keep_orphan(cfg, store, p, *why, now);
                continue;
            }
            // Unanswered, it waits as if its answer had been lost (a retry with backoff).
            const auto lost = Delivery{Delivery::Kind::retry, "", 0};
            const auto retry_at =
                std::min(*next_push_attempt(now, p.attempts + 1, lost), give_up_time(cfg, p));
            store.mark_sending(p.id, now, retry_at);
            requests.push_back(push_request(*n, p.message, fmt::format("alimi-{}", p.id)));
            sent.emplace_back(&p, n);
        }
        tx.commit();
    }
    if (sent.empty())
        return store.pending_count();
    HttpClient http(push_settings(cfg.http), cfg.secrets(), io);
    const auto answers = http.perform(requests);
    Transaction tx(store.db()); // one durable sync for all answers, not two per push
    store.add_request_counts(http.request_counts());
    for (std::size_t i = 0; i < sent.size(); ++i) {
        const auto &[p, n] = sent[i];
        settle(cfg, store, *p, *n, interpret_push_answer(*n, answers[i]), now);
    }
    tx.commit();
    return store.pending_count();
}

int notify_test(const Config &cfg, const std::vector<std::string> &names, std::ostream &out,
                std::vector<std::string> &delivered) {
    PushMessage m;
    m.title = "alimi 테스트 알림";
    m.body = fmt::format("Test push from alimi for {}. 알림이 잘 도착했습니다.", cfg.path);
    m.tags = {"white_check_mark"};
    m.priority = 3;
    std::vector<const NotifierConfig *> chosen;
    std::vector<HttpRequest> requests;
    for (const auto &n : cfg.notifiers) {
        if (!names.empty() && std::find(names.begin(), names.end(), n.name) == names.end())
            continue;
        chosen.push_back(&n);
        requests.push_back(push_request(n, m, ""));
    }
    HttpClient http(push_settings(cfg.http), cfg.secrets());
    const auto answers = http.perform(requests);
    int failed = 0;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        const auto d = interpret_push_answer(*chosen[i], answers[i]);
        const auto where = chosen[i]->describe();
        if (d.kind == Delivery::Kind::delivered) {
            delivered.push_back(chosen[i]->name);
            out << fmt::format("{}: delivered, message id {}\n", where,
                               d.detail.empty() ? "?" : d.detail);
        } else {
            ++failed;
            log::error("{}: not delivered: {}", where, d.detail);
        }
    }
    out.flush();
    return failed ? 1 : 0;
}

} // namespace alimi
