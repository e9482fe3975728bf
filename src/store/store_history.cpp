// Store: events for `history`, host cool-downs, request counters, run facts and pruning.
#include "store.hpp"

#include <fmt/format.h>

namespace alimi {

// Details are redacted before they are stored: `history` and the status page print them.
void Store::add_event(const std::string &target, const std::string &kind, const std::string &detail,
                      TimePoint now) {
    Statement(*m_db, "INSERT INTO events(at, target, kind, detail) VALUES(?1, ?2, ?3, ?4)")
        .bind(to_unix(now), target, kind, clean(detail))
        .run();
}

// Keys are a host or "host/path" (a 429 silences one path); this answers for the host.
std::optional<Cooldown> Store::cooldown(const std::string &host, TimePoint now) {
    for (auto &c : cooldowns(now)) // few rows: one per troubled host or path
        if (cooldown_host(c.key) == host)
            return std::move(c);
    return std::nullopt;
}

// Only those still running; ended rows are kept a day so a repeat 429 can double its wait.
std::vector<Cooldown> Store::cooldowns(TimePoint now) {
    Statement s(*m_db, R"(SELECT host, until, reason FROM host_cooldowns WHERE until > ?1
                          ORDER BY until DESC, host)");
    s.bind(to_unix(now));
    std::vector<Cooldown> out;
    while (s.step())
        out.push_back({from_unix(s.integer(1)), s.text(2), s.text(0)});
    return out;
}

// The last cool-down of a key, even if over: cooldown_seconds doubles a repeat from it.
std::optional<PastCooldown> Store::last_cooldown(const std::string &key) {
    Statement s(*m_db, "SELECT until, seconds FROM host_cooldowns WHERE host = ?1");
    s.bind(key);
    if (!s.step())
        return std::nullopt;
    return PastCooldown{from_unix(s.integer(0)), static_cast<double>(s.integer(1))};
}

// An empty host ends all; a host ends its own and every path under it, which is what
// `cooldown clear HOST` promises.
int Store::end_cooldowns(const std::string &host, TimePoint now) {
    Statement(*m_db, R"(UPDATE host_cooldowns SET until = ?2 WHERE until > ?2 AND
                          (?1 = '' OR host = ?1 OR substr(host, 1, length(?1) + 1) = ?1 || '/'))")
        .bind(host, to_unix(now))
        .run();
    return m_db->changes();
}

// max(until, ...): a shorter cool-down never shortens a longer one already running, as
// when two lanes meet the same host's 429 in one run.
void Store::set_cooldown(const std::string &key, TimePoint until, double seconds,
                         const std::string &reason) {
    Statement(*m_db, R"(INSERT INTO host_cooldowns(host, until, reason, seconds)
                        VALUES(?1, ?2, ?3, ?4)
                        ON CONFLICT(host) DO UPDATE SET until = max(until, excluded.until),
                          reason = excluded.reason, seconds = excluded.seconds)")
        .bind(key, to_unix(until), clean(reason), static_cast<long long>(seconds))
        .run();
}

// Keys come as "host outcome"; host names hold no spaces, so the last space splits them.
void Store::add_request_counts(const std::map<std::string, int> &counts) {
    Statement s(*m_db, R"(INSERT INTO request_counts(host, outcome, count) VALUES(?1, ?2, ?3)
                          ON CONFLICT(host, outcome) DO UPDATE SET count = count + excluded.count)");
    for (const auto &[key, n] : counts) {
        const auto space = key.rfind(' ');
        s.bind(key.substr(0, space), key.substr(space + 1), n).run();
    }
}

std::vector<RequestCount> Store::request_counts() {
    Statement s(*m_db, "SELECT host, outcome, count FROM request_counts ORDER BY host, outcome");
    std::vector<RequestCount> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.integer(2)});
    return out;
}

std::optional<std::string> Store::meta(const std::string &key) {
    Statement s(*m_db, "SELECT value FROM meta WHERE key = ?1");
    s.bind(key);
    if (!s.step())
        return std::nullopt;
    return s.text(0);
}

void Store::set_meta(const std::string &key, const std::string &value) {
    Statement(*m_db, "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET "
                     "value = excluded.value")
        .bind(key, value)
        .run();
}

// Newest first, id breaking ties within one second, so the order is stable.
std::vector<Event> Store::events(const std::string &target, TimePoint since, int limit,
                                 const std::string &kind) {
    Statement s(*m_db, R"(SELECT at, target, kind, detail FROM events
                          WHERE at >= ?1 AND (?2 = '' OR target = ?2) AND (?3 = '' OR kind = ?3)
                          ORDER BY at DESC, id DESC LIMIT ?4)");
    s.bind(to_unix(since), target, kind, limit);
    std::vector<Event> out;
    while (s.step())
        out.push_back({from_unix(s.integer(0)), s.text(1), s.text(2), s.text(3)});
    return out;
}

// After the clock went back: stored waits move back by the same amount in one
// transaction, so no push or cool-down waits the jump on top of its own time.
void Store::shift_future_times(long long seconds) {
    Transaction tx(*m_db);
    Statement(*m_db,
              "UPDATE outbox SET next_attempt_at = next_attempt_at - ?1 WHERE state = 'pending'")
        .bind(seconds)
        .run();
    Statement(*m_db, "UPDATE host_cooldowns SET until = until - ?1").bind(seconds).run();
    tx.commit();
}

long long Store::found_since(const std::string &target, TimePoint since) {
    // CAST reads the leading count of "3 new: ..." and stops at the first non-digit.
    Statement s(*m_db, R"(SELECT coalesce(sum(CAST(detail AS INTEGER)), 0) FROM events
                          WHERE target = ?1 AND kind = 'openings' AND at >= ?2)");
    s.bind(target, to_unix(since));
    return s.step() ? s.integer(0) : 0;
}

// The site clock only moves forward: it is the latest Date a site has sent.
void Store::note_site_clock(long long unix_seconds) {
    const auto before = meta("site_clock");
    if (!before || std::stoll(*before) < unix_seconds)
        set_meta("site_clock", std::to_string(unix_seconds));
}

// The earlier of our clock and the sites': a local clock days ahead must not prune today's
// showings as past and then push them again as news when it comes back.
TimePoint Store::trusted_now(TimePoint now) {
    const auto site = meta("site_clock");
    return site ? std::min(now, from_unix(std::stoll(*site))) : now;
}

// One transaction: pruning is all or nothing, and never touches pending pushes.
PruneCounts Store::prune(TimePoint clock, long long keep_seconds) {
    const auto now = trusted_now(clock);
    const auto cutoff = to_unix(now) - keep_seconds;
    PruneCounts c;
    Transaction tx(*m_db);
    Statement(*m_db, "DELETE FROM events WHERE at < ?1").bind(cutoff).run();
    c.events = m_db->changes();
    // Finished pushes are history; pending ones are never pruned.
    Statement(*m_db, "DELETE FROM outbox WHERE state != 'pending' AND done_at < ?1")
        .bind(cutoff)
        .run();
    c.pushes = m_db->changes();
    // Openings of days gone by can never be news again: the diff drops past dates. A day's
    // margin: a clock that jumps forward across midnight and back must not forget today.
    const auto yesterday = kst_date(now - std::chrono::hours(24));
    Statement(*m_db, "DELETE FROM openings WHERE date < ?1").bind(iso_date(yesterday)).run();
    c.openings = m_db->changes();
    // A cool-down ended a day ago no longer makes the next 429 a repeat.
    Statement(*m_db, "DELETE FROM host_cooldowns WHERE until < ?1")
        .bind(to_unix(now) - 86400)
        .run();
    set_meta("last_prune_at", std::to_string(to_unix(now)));
    tx.commit();
    return c;
}

} // namespace alimi
