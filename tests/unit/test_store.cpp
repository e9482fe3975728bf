#include "store.hpp"

#include <sqlite3.h>

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

using namespace alimi;

namespace {
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        char tmpl[] = "/tmp/alimi-unit-XXXXXX";
        path = mkdtemp(tmpl);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};
Opening day(const std::string &ymd) {
    Opening o;
    o.key = ymd;
    o.date = ymd;
    return o;
}
const TimePoint k_now = from_unix(1800000000);
// A silent baseline of openings, as the store saves one.
Diff baseline_of(std::vector<Opening> openings) {
    Diff d;
    d.current = std::move(openings);
    d.baseline = true;
    return d;
}
} // namespace

TEST_CASE("a new store creates its folders and the current schema") {
    TempDir tmp;
    const auto path = (tmp.path / "a" / "b" / "state.db").string();
    { Store s(path, Database::Mode::create); }
    Store again(path, Database::Mode::existing);
    Statement v(again.db(), "PRAGMA user_version");
    REQUIRE(v.step());
    CHECK(v.integer(0) == Store::schema_version());
    CHECK(Store::schema_version() >= 2);
}

TEST_CASE("an older schema migrates in place and keeps its data") {
    TempDir tmp;
    const auto path = (tmp.path / "state.db").string();
    {
        Database db(path, Database::Mode::create);
        Store::migrate(db, 1);
        db.exec("INSERT INTO targets(name, baseline_at) VALUES('old', 5)");
        db.exec("INSERT INTO outbox(target, notifier, created_at, title, body, next_attempt_at) "
                "VALUES('old', 'p', 1, 't', 'b', 1)");
    }
    Store s(path, Database::Mode::existing);
    CHECK(s.has_baseline("old"));
    CHECK(s.sweep_memory("old").swept.empty());
    CHECK(s.pending_count() == 1);
    CHECK_FALSE(s.alerted("old"));
}

TEST_CASE("sweep memory: baseline dates are silent on their first sweep only") {
    auto s = Store::in_memory();
    Snapshot first;
    first.listed_dates = {"2027-02-10", "2027-02-11", "2027-02-12"};
    first.swept_dates = {"2027-02-10"};
    s->record_sweep("t", first, true, k_now);
    auto m = s->sweep_memory("t");
    CHECK(m.swept.size() == 3);
    CHECK(m.swept["2027-02-10"] == to_unix(k_now));
    CHECK_FALSE(m.swept["2027-02-11"].has_value());
    CHECK(s->silent_dates("t", {"2027-02-10", "2027-02-11", "2027-02-13"}) ==
          std::set<std::string>{"2027-02-11"});
    Snapshot later;
    later.listed_dates = {"2027-02-11", "2027-02-13"};
    later.swept_dates = {"2027-02-13"};
    s->record_sweep("t", later, false, k_now);
    CHECK(s->silent_dates("t", {"2027-02-13"}).empty()); // opened after the baseline: real news
}

TEST_CASE("a blank page moves a date in the rotation but keeps its silent first look") {
    auto s = Store::in_memory();
    Snapshot first;
    first.listed_dates = {"2027-02-10"};
    first.swept_dates = {"2027-02-10"};
    first.blank_dates = {"2027-02-10"};
    s->record_sweep("t", first, true, k_now);
    CHECK(s->sweep_memory("t").swept["2027-02-10"] == to_unix(k_now));
    CHECK(s->silent_dates("t", {"2027-02-10"}) == std::set<std::string>{"2027-02-10"});
    first.blank_dates.clear();
    s->record_sweep("t", first, false, k_now + std::chrono::minutes(1));
    CHECK(s->silent_dates("t", {"2027-02-10"}).empty());
}

TEST_CASE("baseline, known keys and health round-trip") {
    auto s = Store::in_memory();
    CHECK_FALSE(s->has_baseline("t"));
    s->save_openings("t", baseline_of({day("20261225"), day("20261226")}), k_now);
    CHECK(s->record_success("t", true, k_now) == 0); // healthy: no failures ended
    CHECK(s->has_baseline("t"));
    CHECK(s->known_keys("t") == std::set<std::string>{"20261225", "20261226"});
    s->record_failure("t", "boom", k_now);
    s->record_failure("t", "boom again", k_now);
    const auto h = s->health("t");
    CHECK(h.consecutive_failures == 2);
    CHECK(h.last_error == "boom again");
    CHECK(h.openings_known == 2);
    CHECK(h.last_success_at == k_now);
    CHECK(s->record_success("t", false, k_now) == 2); // says how many failures it ends
    CHECK(s->health("t").consecutive_failures == 0);
}

TEST_CASE("openings found in a window are counted from the events, past days pruned or not") {
    auto s = Store::in_memory();
    const auto days = [](int n) { return std::chrono::hours(24 * n); };
    s->add_event("t", "openings", "3 new: CGV 용산아이파크몰 IMAX 예매 오픈 (t)\n12.24",
                 k_now - days(8));
    s->add_event("t", "openings", "2 new: title\nbody", k_now - days(6));
    s->add_event("t", "openings", "1 new: title", k_now);
    s->add_event("t", "error", "12 new ways to fail", k_now);
    s->add_event("u", "openings", "5 new: title", k_now);
    CHECK(s->found_since("t", k_now - days(7)) == 3);
    CHECK(s->found_since("t", k_now - days(9)) == 6);
    CHECK(s->found_since("nobody", k_now - days(7)) == 0);
}

TEST_CASE("the outbox keeps a push until it is delivered") {
    auto s = Store::in_memory();
    PushMessage m{"title", "body", "https://x", {"a", "b"}, 4, {{"Book", "https://x"}}};
    const auto id = s->queue_push("t", "phone", m, k_now);
    auto due = s->due_pushes(k_now);
    REQUIRE(due.size() == 1);
    CHECK(due[0].id == id);
    CHECK(due[0].message.tags == std::vector<std::string>{"a", "b"});
    REQUIRE(due[0].message.actions.size() == 1);
    CHECK(due[0].message.actions[0].label == "Book");
    s->mark_retry(id, "down", k_now + std::chrono::seconds(60));
    CHECK(s->due_pushes(k_now).empty());
    CHECK(s->pending_count() == 1);
    CHECK(s->due_pushes(k_now + std::chrono::seconds(60)).size() == 1);
    s->mark_delivered(id, k_now);
    CHECK(s->pending_count() == 0);
    CHECK(s->due_pushes(k_now + std::chrono::hours(1)).empty());
}

TEST_CASE("a push marked as sent counts its attempt and waits until its retry time") {
    auto s = Store::in_memory();
    const auto id = s->queue_push("t", "phone", PushMessage{"title", "body", "", {}, 3, {}}, k_now);
    s->mark_sending(id, k_now, k_now + std::chrono::seconds(30));
    CHECK(s->due_pushes(k_now).empty()); // no answer recorded: not sent again at once
    const auto due = s->due_pushes(k_now + std::chrono::seconds(30));
    REQUIRE(due.size() == 1);
    CHECK(due[0].attempts == 1);
    CHECK(due[0].last_error.starts_with("sent at "));
    s->mark_retry(id, "down", k_now); // the answer's record does not count the attempt again
    CHECK(s->due_pushes(k_now).at(0).attempts == 1);
}

TEST_CASE("cool-downs expire and never shorten; a host's paths show under the host") {
    auto s = Store::in_memory();
    s->set_cooldown("cgv.co.kr", k_now + std::chrono::seconds(120), 120, "blocked (403)");
    s->set_cooldown("cgv.co.kr", k_now + std::chrono::seconds(10), 10, "blocked (403)");
    const auto c = s->cooldown("cgv.co.kr", k_now);
    REQUIRE(c);
    CHECK(c->until == k_now + std::chrono::seconds(120));
    CHECK_FALSE(s->cooldown("cgv.co.kr", k_now + std::chrono::seconds(120)).has_value());
    s->set_cooldown("cgv.co.kr/api/day", k_now + std::chrono::seconds(300), 60, "rate limited");
    const auto p = s->cooldown("cgv.co.kr", k_now + std::chrono::seconds(200));
    REQUIRE(p);
    CHECK(p->key == "cgv.co.kr/api/day");
    CHECK_FALSE(s->cooldown("cgv.co.kr.example", k_now).has_value());
    CHECK(s->cooldowns(k_now).size() == 2);
    // Ended, it is still remembered for the next repeat, until pruning a day later.
    const auto past = s->last_cooldown("cgv.co.kr/api/day");
    REQUIRE(past);
    CHECK(past->seconds == 60);
    s->prune(k_now + std::chrono::hours(25), 86400 * 90);
    CHECK_FALSE(s->last_cooldown("cgv.co.kr/api/day").has_value());
}

TEST_CASE("a file that is not a database is an error and stays untouched") {
    TempDir tmp;
    const auto path = (tmp.path / "state.db").string();
    { std::ofstream(path) << "this is not sqlite, but somebody's data\n"; }
    CHECK_THROWS_AS(Store(path, Database::Mode::create), StoreError);
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    CHECK(line == "this is not sqlite, but somebody's data");
}

TEST_CASE("a schema newer than this build is refused") {
    TempDir tmp;
    const auto path = (tmp.path / "state.db").string();
    {
        Database db(path, Database::Mode::create);
        db.exec("PRAGMA user_version=99");
    }
    CHECK_THROWS_WITH_AS(Store(path, Database::Mode::existing),
                         doctest::Contains("schema version 99 is newer"), StoreError);
}

TEST_CASE("a cached statement comes back reset, and a nested use gets its own") {
    Database db(":memory:", Database::Mode::create);
    db.exec("CREATE TABLE t(v INTEGER); INSERT INTO t VALUES(1),(2),(3)");
    const std::string sql = "SELECT v FROM t WHERE v >= ?1 ORDER BY v";
    {
        Statement first(db, sql);
        first.bind(2);
        REQUIRE(first.step());
        CHECK(first.integer(0) == 2);
        // The same SQL while the first is mid-way: a private statement, the first's row untouched.
        Statement nested(db, sql);
        nested.bind(1);
        REQUIRE(nested.step());
        CHECK(nested.integer(0) == 1);
        CHECK(first.integer(0) == 2);
    } // left mid-way: released with its read lock and bound value dropped
    Statement again(db, sql);
    CHECK_FALSE(again.step());          // ?1 is NULL again, so nothing matches
    db.exec("INSERT INTO t VALUES(4)"); // would fail with SQLITE_LOCKED-style trouble if a read
                                        // stayed open
    Statement count(db, "SELECT count(*) FROM t");
    REQUIRE(count.step());
    CHECK(count.integer(0) == 4);
}

TEST_CASE("a bad statement is an error and does not poison the cache") {
    Database db(":memory:", Database::Mode::create);
    CHECK_THROWS_WITH_AS(Statement(db, "SELECT nope FROM nowhere"),
                         doctest::Contains("no such table: nowhere"), StoreError);
    db.exec("CREATE TABLE nowhere(nope INTEGER)");
    Statement s(db, "SELECT nope FROM nowhere");
    CHECK_FALSE(s.step());
}

TEST_CASE("a transaction inside another joins it: the outer one decides") {
    Database db(":memory:", Database::Mode::create);
    db.exec("CREATE TABLE t(v INTEGER)");
    {
        Transaction outer(db);
        {
            Transaction inner(db);
            Statement(db, "INSERT INTO t VALUES(1)").run();
            inner.commit(); // joined: nothing is committed yet
        }
        // outer never commits: both writes roll back
        Statement(db, "INSERT INTO t VALUES(2)").run();
    }
    Statement count(db, "SELECT count(*) FROM t");
    REQUIRE(count.step());
    CHECK(count.integer(0) == 0);
}

TEST_CASE(
    "held pushes: only notifiers holding some are listed, and a new fingerprint releases them") {
    auto s = Store::in_memory();
    PushMessage m{"title", "body", "", {}, 3, {}};
    const auto held = s->queue_push("t", "phone", m, k_now);
    s->queue_push("t", "other", m, k_now);
    CHECK(s->notifiers_holding().empty());
    s->mark_held(held, "401 unauthorized", "fp1", k_now + std::chrono::hours(24));
    CHECK(s->notifiers_holding() == std::vector<std::string>{"phone"});
    CHECK(s->release_holds("phone", "fp1", k_now) == 0); // same config: still held
    CHECK(s->release_holds("phone", "fp2", k_now) == 1);
    CHECK(s->notifiers_holding().empty());
    CHECK(s->due_pushes(k_now).size() == 2);
}

namespace {
long long sync_level(Database &db) {
    Statement s(db, "PRAGMA synchronous");
    s.step();
    return s.integer(0);
}
} // namespace

TEST_CASE("a deferred transaction lowers the sync level for itself only") {
    TempDir tmp;
    Store store((tmp.path / "state.db").string(), Database::Mode::create);
    auto &db = store.db();
    REQUIRE(sync_level(db) == 2); // FULL: what openings and pushes rely on
    {
        Transaction tx(db, Transaction::Sync::deferred);
        CHECK(sync_level(db) == 1); // NORMAL
        tx.commit();
        CHECK(sync_level(db) == 2);
    }
    {
        Transaction tx(db, Transaction::Sync::deferred);
        Statement(db, "INSERT INTO meta(key, value) VALUES('x', '1')").run();
    } // rolled back
    CHECK(sync_level(db) == 2);
    CHECK_FALSE(store.meta("x"));
    // A deferred transaction inside a full one joins it and leaves the level alone.
    Transaction outer(db);
    Transaction inner(db, Transaction::Sync::deferred);
    CHECK(sync_level(db) == 2);
}

TEST_CASE("a deferred transaction that cannot begin leaves the sync level as it was") {
    TempDir tmp;
    const auto path = (tmp.path / "state.db").string();
    Store holder(path, Database::Mode::create);
    Store other(path, Database::Mode::existing);
    sqlite3_busy_timeout(other.db().handle(), 0); // fail at once instead of waiting 10 s
    Transaction lock(holder.db());
    CHECK_THROWS_AS(Transaction(other.db(), Transaction::Sync::deferred), StoreError);
    CHECK(sync_level(other.db()) == 2);
}

TEST_CASE("CGV showing keys move from sequence to start time; other keys stay as they were") {
    TempDir tmp;
    const auto path = (tmp.path / "state.db").string();
    {
        Database db(path, Database::Mode::create);
        Store::migrate(db, 6);
        db.exec(R"(INSERT INTO openings(target, key, date, time, first_seen, last_seen) VALUES
            ('cgv', '0013|20261224|018|3', '2026-12-24', '10:00', 1, 1),
            ('cgv', '0013|20261224|018|12', '2026-12-24', '25:30', 1, 1),
            ('lotte', '1016|101621|2026-12-24|3|21:25', '2026-12-24', '21:25', 1, 1),
            ('megabox', '2612241351037', '2026-12-24', '15:50', 1, 1),
            ('legacy', '20261224', '2026-12-24', '', 1, 1))");
    }
    Store s(path, Database::Mode::existing);
    CHECK(s.known_keys("cgv") ==
          std::set<std::string>{"0013|20261224|018|10:00", "0013|20261224|018|25:30"});
    CHECK(s.known_keys("lotte") == std::set<std::string>{"1016|101621|2026-12-24|3|21:25"});
    CHECK(s.known_keys("megabox") == std::set<std::string>{"2612241351037"});
    CHECK(s.known_keys("legacy") == std::set<std::string>{"20261224"});
}

TEST_CASE("pruning trusts the sites' clock over one that runs ahead") {
    auto s = Store::in_memory();
    const auto today = kst_date(k_now);
    Opening o;
    o.key = o.date = iso_date(today);
    s->save_openings("t", baseline_of({o}), k_now);
    s->note_site_clock(to_unix(k_now));
    const auto ahead = k_now + std::chrono::hours(24 * 14);
    CHECK(s->trusted_now(ahead) == k_now);
    CHECK(s->prune(ahead, 86400).openings == 0);
    CHECK(s->known_keys("t").size() == 1);
    s->note_site_clock(to_unix(ahead)); // the sites agree: the days really went by
    CHECK(s->prune(ahead, 86400).openings == 1);
}
