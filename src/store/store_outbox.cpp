// Store: the push outbox. A push is queued in the same transaction as its opening and leaves
// only as delivered or dropped, never silently.
#include "store.hpp"

#include "utf8.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace alimi {

namespace {

// Actions are stored as JSON so a push is rebuilt exactly as queued, whatever the
// channel's rules are by the time it is delivered.
std::string actions_json(const std::vector<PushAction> &actions) {
    auto j = nlohmann::json::array();
    for (const auto &a : actions)
        j.push_back({{"label", a.label}, {"url", a.url}});
    return j.dump();
}

// A damaged actions column loses the buttons, never the push itself.
std::vector<PushAction> actions_from(const std::string &text) {
    std::vector<PushAction> out;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_array())
        return out;
    for (const auto &a : j)
        if (a.is_object() && a.contains("label") && a["label"].is_string() && a.contains("url") &&
            a["url"].is_string())
            out.push_back({a["label"].get<std::string>(), a["url"].get<std::string>()});
    return out;
}

std::vector<std::string> split_tags(const std::string &s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        const auto end = s.find(',', start);
        out.push_back(s.substr(start, end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return out;
}

} // namespace

// The caller holds the transaction that also records the opening: either both are written
// or neither, so an opening is never known without its push waiting.
long long Store::queue_push(const std::string &target, const std::string &notifier,
                            const PushMessage &m, TimePoint now, const std::string &kind,
                            const PushRoute &route) {
    std::string tags;
    for (const auto &t : m.tags)
        tags += (tags.empty() ? "" : ",") + t;
    Statement(
        *m_db,
        R"(INSERT INTO outbox(target, notifier, created_at, title, body, click, tags, priority,
                          actions, next_attempt_at, kind, data, destination, queued_by, image)
           VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?3, ?10, ?11, NULLIF(?12, ''),
                  NULLIF(?13, ''), ?14))")
        // Every text that enters a push is valid UTF-8: one bad byte in a cinema's name must
        // not make the push undeliverable (a server would refuse it every time).
        .bind(target, notifier, to_unix(now), clean(valid_utf8(m.title)), clean(valid_utf8(m.body)),
              valid_utf8(m.click), valid_utf8(tags), m.priority,
              valid_utf8(actions_json(m.actions)), kind, clean(valid_utf8(m.data)),
              route.destination, route.config, valid_utf8(m.image))
        .run();
    return m_db->last_insert_id();
}

// Oldest first (by id), so pushes of one target arrive in the order they were found.
std::vector<QueuedPush> Store::due_pushes(TimePoint now) {
    Statement s(
        *m_db,
        R"(SELECT id, target, notifier, title, body, click, tags, priority, actions, attempts,
                 created_at, data, last_error, destination, queued_by, image FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?1 ORDER BY id)");
    s.bind(to_unix(now));
    std::vector<QueuedPush> out;
    while (s.step()) {
        QueuedPush p;
        p.id = s.integer(0);
        p.target = s.text(1);
        p.notifier = s.text(2);
        p.message = PushMessage{s.text(3),
                                s.text(4),
                                s.text(5),
                                split_tags(s.text(6)),
                                static_cast<int>(s.integer(7)),
                                actions_from(s.text(8)),
                                s.text(11),
                                s.text(15)};
        p.attempts = static_cast<int>(s.integer(9));
        p.created_at = from_unix(s.integer(10));
        p.last_error = s.text(12);
        p.route = {s.optional_text(13).value_or(""), s.optional_text(14).value_or("")};
        out.push_back(std::move(p));
    }
    return out;
}

// Written and committed before the request goes out: if the process dies while the push
// is on the wire, the next run knows it may have arrived and says so, rather than
// sending it twice at once or losing it.
void Store::mark_sending(long long id, TimePoint now, TimePoint retry_at) {
    Statement(*m_db, "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at "
                     "= ?3 WHERE id = ?1")
        .bind(id, fmt::format("sent at {}; no answer recorded", kst_timestamp(now)),
              to_unix(retry_at))
        .run();
}

void Store::mark_delivered(long long id, TimePoint now) {
    Statement(*m_db, "UPDATE outbox SET state = 'delivered', done_at = ?2 WHERE id = ?1")
        .bind(id, to_unix(now))
        .run();
    add_to_counter("pushes_delivered_total");
}

// The error is redacted: a channel's answer may echo its token or webhook URL.
void Store::mark_retry(long long id, const std::string &error, TimePoint next_attempt) {
    Statement(*m_db, "UPDATE outbox SET last_error = ?2, next_attempt_at = ?3 WHERE id = ?1")
        .bind(id, clean(error), to_unix(next_attempt))
        .run();
}

// A push the channel refused (credentials, a request it rejects) waits for the config to change;
// the fingerprint is the notifier's settings at the time of the refusal.
void Store::mark_held(long long id, const std::string &error, const std::string &fingerprint,
                      TimePoint until) {
    Statement(*m_db,
              R"(UPDATE outbox SET last_error = ?2, hold_fingerprint = ?3, next_attempt_at = ?4
                          WHERE id = ?1)")
        .bind(id, clean(error), fingerprint, to_unix(until))
        .run();
}

// Asked once per run, so only channels with held pushes are fingerprinted again.
std::vector<std::string> Store::notifiers_holding() {
    Statement s(*m_db, "SELECT DISTINCT notifier FROM outbox WHERE state = 'pending' AND "
                       "hold_fingerprint IS NOT NULL");
    std::vector<std::string> out;
    while (s.step())
        out.push_back(s.text(0));
    return out;
}

// A changed fingerprint means the operator edited the notifier (a new token): its held
// pushes are due at once; an unchanged one keeps them held without asking the channel.
int Store::release_holds(const std::string &notifier, const std::string &fingerprint,
                         TimePoint now) {
    Statement(*m_db, R"(UPDATE outbox SET hold_fingerprint = NULL, next_attempt_at = ?3
                        WHERE state = 'pending' AND notifier = ?1 AND hold_fingerprint IS NOT NULL
                          AND hold_fingerprint != ?2)")
        .bind(notifier, fingerprint, to_unix(now))
        .run();
    return m_db->changes();
}

// Dropped is final and counted; the reason stays for `list` and `status` to show.
void Store::mark_dropped(long long id, const std::string &reason, TimePoint now) {
    Statement(*m_db,
              "UPDATE outbox SET state = 'dropped', last_error = ?2, done_at = ?3 WHERE id = ?1")
        .bind(id, clean(reason), to_unix(now))
        .run();
    add_to_counter("pushes_dropped_total");
}

// An empty target lists every target's pushes, for `list` and `doctor`.
std::vector<Store::PendingPush> Store::pending_pushes(const std::string &target) {
    Statement s(*m_db, R"(SELECT id, notifier, title, attempts, created_at, last_error,
                                 next_attempt_at, hold_fingerprint IS NOT NULL FROM outbox
                          WHERE state = 'pending' AND (?1 = '' OR target = ?1) ORDER BY id)");
    s.bind(target);
    std::vector<PendingPush> out;
    while (s.step()) {
        PendingPush p;
        p.push.id = s.integer(0);
        p.push.target = target; // "" when listing every target's: filled below
        p.push.notifier = s.text(1);
        p.push.message.title = s.text(2);
        p.push.attempts = static_cast<int>(s.integer(3));
        p.push.created_at = from_unix(s.integer(4));
        p.push.last_error = s.text(5);
        p.next_attempt = from_unix(s.integer(6));
        p.held = s.integer(7) != 0;
        out.push_back(std::move(p));
    }
    return out;
}

int Store::pending_count() {
    Statement s(*m_db, "SELECT count(*) FROM outbox WHERE state = 'pending'");
    s.step();
    return static_cast<int>(s.integer(0));
}

// Counters live in meta as text, raised in SQL so that concurrent runs cannot lose a count.
void Store::add_to_counter(const std::string &key) {
    Statement(*m_db, R"(INSERT INTO meta(key, value) VALUES(?1, '1') ON CONFLICT(key) DO UPDATE
                        SET value = CAST(value AS INTEGER) + 1)")
        .bind(key)
        .run();
}

// Delivered and dropped are counters kept in meta (pruning deletes finished rows); pending is
// what waits now.
PushTotals Store::push_totals() {
    Statement s(*m_db, "SELECT count(*) FROM outbox WHERE state = 'pending'");
    s.step();
    const auto counter = [this](const char *key) {
        const auto v = meta(key);
        return v ? std::stoll(*v) : 0LL;
    };
    return {counter("pushes_delivered_total"), s.integer(0), counter("pushes_dropped_total")};
}

} // namespace alimi
