// The state file: opening it, its schema and the ordered migrations. The other store_*.cpp files
// hold one concept each of the same Store: openings, health, outbox, history and hosts.
#include "store.hpp"
#include "secret_text.hpp"

#include <fmt/format.h>

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
    // What a push is about as data (target, chain, the openings as `check --json` prints them):
    // channels that send JSON (webhooks) send this, not a re-parse of the text.
    R"(ALTER TABLE outbox ADD COLUMN data TEXT NOT NULL DEFAULT '{}';)",
    // What a target watched when its openings were learnt (chain, theater, screen, movie,
    // endpoint): a target edited under the same name starts again from a silent baseline.
    R"(ALTER TABLE targets ADD COLUMN identity TEXT;)",
    // CGV showings were keyed site|date|hall|sequence; they are keyed site|date|hall|start now
    // (a renumbered sequence hid new showings). Only those keys have exactly three '|'; the
    // sequence is their digits after the last one. Rewritten, not forgotten: nothing repushes.
    R"(UPDATE OR IGNORE openings SET key = rtrim(key, '0123456789') || time
         WHERE time != '' AND length(key) - length(replace(key, '|', '')) = 3;)",
    // When a sweep first saw a date's page with rows: that look, not the first fetch, uses up the
    // silent first look of a date open at the baseline (an empty page is a partial answer).
    R"(ALTER TABLE sweeps ADD COLUMN looked_at INTEGER;
       UPDATE sweeps SET looked_at = last_swept_at;)",
    // Names of theaters and movies per chain, learnt from the site's lists: a movie target's date
    // list carries none, and asking every run would cost a request. name '' = asked, unknown.
    R"(CREATE TABLE names(
         chain TEXT NOT NULL,
         kind TEXT NOT NULL,
         code TEXT NOT NULL,
         name TEXT NOT NULL,
         seen_at INTEGER NOT NULL,
         PRIMARY KEY(chain, kind, code)) WITHOUT ROWID;)",
    // Counters that only go up (Prometheus): openings found per target and pushes delivered and
    // dropped, kept apart from the rows that pruning deletes. Started from what is still there.
    R"(ALTER TABLE targets ADD COLUMN found_total INTEGER NOT NULL DEFAULT 0;
       UPDATE targets SET found_total =
         (SELECT count(*) FROM openings WHERE target = targets.name AND from_baseline = 0);
       INSERT OR REPLACE INTO meta(key, value)
         SELECT 'pushes_delivered_total', count(*) FROM outbox WHERE state = 'delivered';
       INSERT OR REPLACE INTO meta(key, value)
         SELECT 'pushes_dropped_total', count(*) FROM outbox WHERE state = 'dropped';)",
    // Cool-downs are keyed by host (a block) or host/path (a 429), and remember their length
    // after they end, so a repeated 429 waits twice as long. The `host` column holds the key.
    R"(ALTER TABLE host_cooldowns ADD COLUMN seconds INTEGER NOT NULL DEFAULT 0;)",
    // What a whole-screen plan remembers between runs beside its sweeps: each tripwire's last
    // answer (a hall's bookable movies, a movie's dates in a hall), so a change is news.
    R"(CREATE TABLE watch_notes(
         target TEXT NOT NULL,
         key TEXT NOT NULL,
         value TEXT NOT NULL,
         at INTEGER NOT NULL,
         PRIMARY KEY(target, key)) WITHOUT ROWID;)",
    // The hall's code of a showing: a hall the site renumbers (same showings, new code) is
    // re-keyed, not pushed. Rows learnt before take theirs the next time they are seen.
    R"(ALTER TABLE openings ADD COLUMN hall TEXT NOT NULL DEFAULT '';)",
    // Where a push was queued for (NotifierConfig::destination) and by which config: another
    // config's namesake notifier that pushes elsewhere never gets it; the same config's edited
    // notifier does (a fixed chat id). NULL: queued before, by name alone.
    R"(ALTER TABLE outbox ADD COLUMN destination TEXT;
       ALTER TABLE outbox ADD COLUMN queued_by TEXT;)",
    // Why a target that works may still never fire (its site lists no such theater or movie),
    // said once and shown by status, show, test and the page until the codes are listed.
    R"(ALTER TABLE targets ADD COLUMN warning TEXT;)",
    // Seen and announced apart (OpeningMark): a showing may be known without being news yet.
    // Every showing known before was settled then, so migrating pushes nothing.
    R"(ALTER TABLE openings ADD COLUMN announced_at INTEGER;
       UPDATE openings SET announced_at = first_seen;
       ALTER TABLE openings ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
       ALTER TABLE openings ADD COLUMN seats_low INTEGER NOT NULL DEFAULT 0;)",
    // The film's poster a push shows (PushMessage::image).
    R"(ALTER TABLE outbox ADD COLUMN image TEXT NOT NULL DEFAULT '';)",
    // The theater lists region targets expand from: read_at the last good read, tried_at the
    // last try (a failing site is asked again only after a pause).
    R"(CREATE TABLE theater_lists(
         chain TEXT PRIMARY KEY,
         theaters TEXT NOT NULL DEFAULT '[]',
         read_at INTEGER,
         tried_at INTEGER NOT NULL);)",
};

} // namespace

Store::Store(std::unique_ptr<Database> db) : m_db(std::move(db)) {
    migrate(*m_db, schema_version());
}

Store::Store(const std::string &path, Database::Mode mode,
             const std::function<void(Database &)> &before_migrate) {
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
    if (before_migrate)
        before_migrate(*m_db);
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
        // Read again under the write lock: another first run may have migrated meanwhile.
        Statement again(db, "PRAGMA user_version");
        again.step();
        const bool done = again.integer(0) > v;
        again.reset();
        if (!done) {
            db.exec(k_migrations[static_cast<std::size_t>(v)]);
            db.exec(fmt::format("PRAGMA user_version={}", v + 1));
        }
        tx.commit();
    }
}

std::string Store::clean(const std::string &text) const {
    return redact(text, m_secrets);
}

void Store::touch_target(const std::string &target) {
    Statement(*m_db, "INSERT INTO targets(name) VALUES(?1) ON CONFLICT(name) DO NOTHING")
        .bind(target)
        .run();
}

} // namespace alimi
