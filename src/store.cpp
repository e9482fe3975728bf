#include "store.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <filesystem>

namespace alimi {

namespace {

// Migration i takes the schema from user_version i to i + 1. Append only; never edit a shipped one.
constexpr std::array k_migrations = {
    R"(CREATE TABLE targets(
         name TEXT PRIMARY KEY,
         baseline_at INTEGER,
         last_attempt_at INTEGER,
         last_success_at INTEGER,
         last_error_at INTEGER,
         last_error TEXT NOT NULL DEFAULT '',
         consecutive_failures INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
       CREATE TABLE openings(
         target TEXT NOT NULL,
         key TEXT NOT NULL,
         date TEXT NOT NULL,
         time TEXT NOT NULL DEFAULT '',
         movie TEXT NOT NULL DEFAULT '',
         movie_code TEXT NOT NULL DEFAULT '',
         screen TEXT NOT NULL DEFAULT '',
         seats_free INTEGER,
         seats_total INTEGER,
         first_seen INTEGER NOT NULL,
         last_seen INTEGER NOT NULL,
         from_baseline INTEGER NOT NULL DEFAULT 0,
         PRIMARY KEY(target, key)) WITHOUT ROWID;
       CREATE TABLE outbox(
         id INTEGER PRIMARY KEY AUTOINCREMENT,
         target TEXT NOT NULL,
         notifier TEXT NOT NULL,
         created_at INTEGER NOT NULL,
         title TEXT NOT NULL,
         body TEXT NOT NULL,
         click TEXT NOT NULL DEFAULT '',
         tags TEXT NOT NULL DEFAULT '',
         priority INTEGER NOT NULL DEFAULT 3,
         actions TEXT NOT NULL DEFAULT '[]',
         attempts INTEGER NOT NULL DEFAULT 0,
         next_attempt_at INTEGER NOT NULL,
         last_error TEXT NOT NULL DEFAULT '',
         state TEXT NOT NULL DEFAULT 'pending' CHECK(state IN ('pending', 'delivered', 'dropped')),
         done_at INTEGER);
       CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
       CREATE TABLE host_cooldowns(
         host TEXT PRIMARY KEY,
         until INTEGER NOT NULL,
         reason TEXT NOT NULL) WITHOUT ROWID;
       CREATE TABLE events(
         id INTEGER PRIMARY KEY,
         at INTEGER NOT NULL,
         target TEXT NOT NULL,
         kind TEXT NOT NULL,
         detail TEXT NOT NULL);
       CREATE INDEX events_at ON events(at);)",
    // Whole-screen sweeps: which open dates a target has seen, and when each was last swept.
    // from_baseline marks dates already open when the target started: their first sweep is silent.
    R"(CREATE TABLE sweeps(
         target TEXT NOT NULL,
         date TEXT NOT NULL,
         from_baseline INTEGER NOT NULL,
         last_swept_at INTEGER,
         PRIMARY KEY(target, date)) WITHOUT ROWID;)",
    // Operator alerts and held pushes: a push refused for its notifier's config waits until the
    // config's fingerprint changes; kind tells openings from operator alerts and tests.
    R"(ALTER TABLE targets ADD COLUMN alerted INTEGER NOT NULL DEFAULT 0;
       ALTER TABLE outbox ADD COLUMN hold_fingerprint TEXT;
       ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT 'opening';)",
    // Counters and facts for metrics and pruning that outlive a run.
    R"(CREATE TABLE request_counts(
         host TEXT NOT NULL,
         outcome TEXT NOT NULL,
         count INTEGER NOT NULL,
         PRIMARY KEY(host, outcome)) WITHOUT ROWID;
       CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
       CREATE INDEX openings_first_seen ON openings(first_seen);)",
};

std::optional<TimePoint> time_at(const Statement &s, int col) {
    auto v = s.optional_integer(col);
    return v ? std::optional(from_unix(*v)) : std::nullopt;
}

std::string actions_json(const std::vector<PushAction> &actions) {
    auto j = nlohmann::json::array();
    for (const auto &a : actions)
        j.push_back({{"label", a.label}, {"url", a.url}});
    return j.dump();
}

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

Store::Store(std::unique_ptr<Database> db) : m_db(std::move(db)) {
    migrate(*m_db, schema_version());
}

Store::Store(const std::string &path, Database::Mode mode) {
    if (mode == Database::Mode::create) {
        std::error_code ec;
        const auto dir = std::filesystem::path(path).parent_path();
        if (!dir.empty())
            std::filesystem::create_directories(dir, ec);
        if (ec)
            throw StoreError(fmt::format("state {}: cannot create folder {} ({})", path,
                                         dir.string(), ec.message()));
    }
    m_db = std::make_unique<Database>(path, mode);
    migrate(*m_db, schema_version());
}

std::unique_ptr<Store> Store::in_memory() {
    return std::unique_ptr<Store>(
        new Store(std::make_unique<Database>(":memory:", Database::Mode::create)));
}

int Store::schema_version() {
    return static_cast<int>(k_migrations.size());
}

void Store::migrate(Database &db, int version) {
    Statement current_version(db, "PRAGMA user_version");
    // The first read is where a file that is not a database shows itself.
    current_version.step();
    const auto current = current_version.integer(0);
    current_version.reset();
    if (current > static_cast<long long>(k_migrations.size()))
        throw StoreError(fmt::format(
            "state {}: schema version {} is newer than this alimi knows ({}); upgrade alimi",
            db.path(), current, k_migrations.size()));
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=FULL"); // an outbox row must survive a power cut
    db.keep_wal();
    for (auto v = current; v < version; ++v) {
        Transaction tx(db);
        db.exec(k_migrations[static_cast<std::size_t>(v)]);
        db.exec(fmt::format("PRAGMA user_version={}", v + 1));
        tx.commit();
    }
}

void Store::touch_target(const std::string &target) {
    Statement(*m_db, "INSERT INTO targets(name) VALUES(?1) ON CONFLICT(name) DO NOTHING")
        .bind(target)
        .run();
}

bool Store::has_baseline(const std::string &target) {
    Statement s(*m_db, "SELECT baseline_at IS NOT NULL FROM targets WHERE name = ?1");
    s.bind(target);
    return s.step() && s.integer(0) != 0;
}

std::set<std::string> Store::known_keys(const std::string &target) {
    Statement s(*m_db, "SELECT key FROM openings WHERE target = ?1");
    s.bind(target);
    std::set<std::string> out;
    while (s.step())
        out.insert(s.text(0));
    return out;
}

SourceMemory Store::sweep_memory(const std::string &target) {
    Statement s(*m_db, "SELECT date, last_swept_at FROM sweeps WHERE target = ?1");
    s.bind(target);
    SourceMemory m;
    while (s.step())
        m.swept[s.text(0)] = s.optional_integer(1);
    return m;
}

std::set<std::string> Store::silent_dates(const std::string &target,
                                          const std::vector<std::string> &swept) {
    Statement s(*m_db, "SELECT from_baseline AND last_swept_at IS NULL FROM sweeps WHERE target = "
                       "?1 AND date = ?2");
    std::set<std::string> out;
    for (const auto &d : swept) {
        s.bind(target, d);
        if (s.step() && s.integer(0))
            out.insert(d);
        s.reset();
    }
    return out;
}

void Store::record_sweep(const std::string &target, const Snapshot &snap, bool baseline,
                         TimePoint now) {
    Statement listed(*m_db, R"(INSERT INTO sweeps(target, date, from_baseline) VALUES(?1, ?2, ?3)
                               ON CONFLICT(target, date) DO NOTHING)");
    for (const auto &d : snap.listed_dates)
        listed.bind(target, d, baseline ? 1 : 0).run();
    Statement swept(
        *m_db,
        R"(INSERT INTO sweeps(target, date, from_baseline, last_swept_at) VALUES(?1, ?2, ?3, ?4)
                              ON CONFLICT(target, date) DO UPDATE SET last_swept_at = excluded.last_swept_at)");
    for (const auto &d : snap.swept_dates)
        swept.bind(target, d, baseline ? 1 : 0, to_unix(now)).run();
    // Dates that have gone by are no longer open; keep the table to the dates that matter.
    Statement(*m_db, "DELETE FROM sweeps WHERE target = ?1 AND date < ?2")
        .bind(target, iso_date(kst_date(now)))
        .run();
}

void Store::save_openings(const std::string &target, const std::vector<Opening> &current,
                          bool baseline, TimePoint now) {
    Statement s(*m_db, R"(INSERT INTO openings(target, key, date, time, movie, movie_code, screen,
                            seats_free, seats_total, first_seen, last_seen, from_baseline)
                          VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, NULLIF(?8, -1), NULLIF(?9, -1), ?10, ?10, ?11)
                          ON CONFLICT(target, key) DO UPDATE SET last_seen = excluded.last_seen,
                            seats_free = excluded.seats_free, seats_total = excluded.seats_total)");
    for (const auto &o : current) {
        // Unknown seat counts are -1 in an Opening and NULL in the table.
        s.bind(target, o.key, o.date, o.time, o.movie, o.movie_code, o.screen, o.seats_free,
               o.seats_total, to_unix(now), baseline ? 1 : 0);
        s.run();
    }
}

void Store::record_success(const std::string &target, bool baseline, TimePoint now) {
    touch_target(target);
    Statement(
        *m_db,
        R"(UPDATE targets SET last_attempt_at = ?2, last_success_at = ?2, consecutive_failures = 0,
                          baseline_at = CASE WHEN ?3 THEN ?2 ELSE baseline_at END WHERE name = ?1)")
        .bind(target, to_unix(now), baseline ? 1 : 0)
        .run();
}

int Store::record_failure(const std::string &target, const std::string &error, TimePoint now) {
    touch_target(target);
    Statement s(*m_db,
                R"(UPDATE targets SET last_attempt_at = ?2, last_error_at = ?2, last_error = ?3,
                            consecutive_failures = consecutive_failures + 1 WHERE name = ?1
                          RETURNING consecutive_failures)");
    s.bind(target, to_unix(now), error);
    const int failures = s.step() ? static_cast<int>(s.integer(0)) : 0;
    s.reset();
    return failures;
}

void Store::add_event(const std::string &target, const std::string &kind, const std::string &detail,
                      TimePoint now) {
    Statement(*m_db, "INSERT INTO events(at, target, kind, detail) VALUES(?1, ?2, ?3, ?4)")
        .bind(to_unix(now), target, kind, detail)
        .run();
}

long long Store::queue_push(const std::string &target, const std::string &notifier,
                            const PushMessage &m, TimePoint now, const std::string &kind) {
    std::string tags;
    for (const auto &t : m.tags)
        tags += (tags.empty() ? "" : ",") + t;
    Statement(
        *m_db,
        R"(INSERT INTO outbox(target, notifier, created_at, title, body, click, tags, priority,
                          actions, next_attempt_at, kind) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?3, ?10))")
        .bind(target, notifier, to_unix(now), m.title, m.body, m.click, tags, m.priority,
              actions_json(m.actions), kind)
        .run();
    return m_db->last_insert_id();
}

std::vector<QueuedPush> Store::due_pushes(TimePoint now) {
    Statement s(
        *m_db,
        R"(SELECT id, target, notifier, title, body, click, tags, priority, actions, attempts,
                            created_at FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?1 ORDER BY id)");
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
                                actions_from(s.text(8))};
        p.attempts = static_cast<int>(s.integer(9));
        p.created_at = from_unix(s.integer(10));
        out.push_back(std::move(p));
    }
    return out;
}

void Store::mark_delivered(long long id, TimePoint now) {
    Statement(*m_db, "UPDATE outbox SET state = 'delivered', done_at = ?2, attempts = attempts + 1 "
                     "WHERE id = ?1")
        .bind(id, to_unix(now))
        .run();
}

void Store::mark_retry(long long id, const std::string &error, TimePoint next_attempt) {
    Statement(*m_db, "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt_at "
                     "= ?3 WHERE id = ?1")
        .bind(id, error, to_unix(next_attempt))
        .run();
}

void Store::mark_held(long long id, const std::string &error, const std::string &fingerprint,
                      TimePoint until) {
    Statement(*m_db,
              R"(UPDATE outbox SET attempts = attempts + 1, last_error = ?2, hold_fingerprint = ?3,
                          next_attempt_at = ?4 WHERE id = ?1)")
        .bind(id, error, fingerprint, to_unix(until))
        .run();
}

std::vector<std::string> Store::notifiers_holding() {
    Statement s(*m_db, "SELECT DISTINCT notifier FROM outbox WHERE state = 'pending' AND "
                       "hold_fingerprint IS NOT NULL");
    std::vector<std::string> out;
    while (s.step())
        out.push_back(s.text(0));
    return out;
}

int Store::release_holds(const std::string &notifier, const std::string &fingerprint,
                         TimePoint now) {
    Statement(*m_db, R"(UPDATE outbox SET hold_fingerprint = NULL, next_attempt_at = ?3
                        WHERE state = 'pending' AND notifier = ?1 AND hold_fingerprint IS NOT NULL
                          AND hold_fingerprint != ?2)")
        .bind(notifier, fingerprint, to_unix(now))
        .run();
    return m_db->changes();
}

void Store::mark_dropped(long long id, const std::string &reason, TimePoint now) {
    Statement(*m_db,
              "UPDATE outbox SET state = 'dropped', last_error = ?2, done_at = ?3 WHERE id = ?1")
        .bind(id, reason, to_unix(now))
        .run();
}

bool Store::alerted(const std::string &target) {
    Statement s(*m_db, "SELECT alerted FROM targets WHERE name = ?1");
    s.bind(target);
    return s.step() && s.integer(0) != 0;
}

void Store::set_alerted(const std::string &target, bool alerted) {
    touch_target(target);
    Statement(*m_db, "UPDATE targets SET alerted = ?2 WHERE name = ?1")
        .bind(target, alerted ? 1 : 0)
        .run();
}

int Store::pending_count() {
    Statement s(*m_db, "SELECT count(*) FROM outbox WHERE state = 'pending'");
    s.step();
    return static_cast<int>(s.integer(0));
}

std::optional<Cooldown> Store::cooldown(const std::string &host, TimePoint now) {
    Statement s(*m_db, "SELECT until, reason FROM host_cooldowns WHERE host = ?1 AND until > ?2");
    s.bind(host, to_unix(now));
    if (!s.step())
        return std::nullopt;
    return Cooldown{from_unix(s.integer(0)), s.text(1)};
}

void Store::set_cooldown(const std::string &host, TimePoint until, const std::string &reason) {
    Statement(*m_db, R"(INSERT INTO host_cooldowns(host, until, reason) VALUES(?1, ?2, ?3)
                        ON CONFLICT(host) DO UPDATE SET until = max(until, excluded.until), reason = excluded.reason)")
        .bind(host, to_unix(until), reason)
        .run();
}

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

std::vector<KnownOpening> Store::recent_openings(int limit) {
    Statement s(*m_db,
                R"(SELECT target, date, time, movie, screen, seats_free, first_seen FROM openings
                          WHERE from_baseline = 0 ORDER BY first_seen DESC, date, time LIMIT ?1)");
    s.bind(limit);
    std::vector<KnownOpening> out;
    while (s.step()) {
        KnownOpening o;
        o.target = s.text(0);
        o.opening.date = s.text(1);
        o.opening.time = s.text(2);
        o.opening.movie = s.text(3);
        o.opening.screen = s.text(4);
        o.opening.seats_free = s.is_null(5) ? -1 : static_cast<int>(s.integer(5));
        o.first_seen = from_unix(s.integer(6));
        out.push_back(std::move(o));
    }
    return out;
}

PushTotals Store::push_totals() {
    Statement s(
        *m_db,
        R"(SELECT count(*) FILTER (WHERE state = 'delivered'), count(*) FILTER (WHERE state = 'pending'),
                            count(*) FILTER (WHERE state = 'dropped') FROM outbox)");
    s.step();
    return {s.integer(0), s.integer(1), s.integer(2)};
}

long long Store::found_openings(const std::string &target) {
    Statement s(*m_db, "SELECT count(*) FROM openings WHERE target = ?1 AND from_baseline = 0");
    s.bind(target);
    s.step();
    return s.integer(0);
}

void Store::shift_future_times(long long seconds) {
    Transaction tx(*m_db);
    Statement(*m_db,
              "UPDATE outbox SET next_attempt_at = next_attempt_at - ?1 WHERE state = 'pending'")
        .bind(seconds)
        .run();
    Statement(*m_db, "UPDATE host_cooldowns SET until = until - ?1").bind(seconds).run();
    tx.commit();
}

PruneCounts Store::prune(TimePoint now, long long keep_seconds) {
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
    // Openings of days gone by can never be news again: the diff drops past dates.
    Statement(*m_db, "DELETE FROM openings WHERE date < ?1").bind(iso_date(kst_date(now))).run();
    c.openings = m_db->changes();
    set_meta("last_prune_at", std::to_string(to_unix(now)));
    tx.commit();
    return c;
}

TargetHealth Store::health(const std::string &target) {
    TargetHealth h;
    h.name = target;
    Statement s(*m_db,
                R"(SELECT baseline_at, last_attempt_at, last_success_at, last_error_at, last_error,
                            consecutive_failures FROM targets WHERE name = ?1)");
    s.bind(target);
    if (s.step()) {
        h.baseline_at = time_at(s, 0);
        h.last_attempt_at = time_at(s, 1);
        h.last_success_at = time_at(s, 2);
        h.last_error_at = time_at(s, 3);
        h.last_error = s.text(4);
        h.consecutive_failures = static_cast<int>(s.integer(5));
    }
    Statement known(*m_db, "SELECT count(*) FROM openings WHERE target = ?1");
    known.bind(target);
    known.step();
    h.openings_known = static_cast<int>(known.integer(0));
    Statement pushes(
        *m_db,
        R"(SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'dropped')
                               FROM outbox WHERE target = ?1)");
    pushes.bind(target);
    pushes.step();
    h.pending_notifications = static_cast<int>(pushes.integer(0));
    h.dropped_notifications = static_cast<int>(pushes.integer(1));
    return h;
}

} // namespace alimi
