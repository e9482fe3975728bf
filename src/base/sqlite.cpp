#include "sqlite.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdio>

namespace alimi {

Database::Database(const std::string &path, Mode mode) : m_path(path) {
    // Commands that only read a state open it as existing (no CREATE): a mistyped path is an
    // error, not an empty database left behind. NOMUTEX: one connection, one thread.
    const int flags = SQLITE_OPEN_READWRITE | (mode == Mode::create ? SQLITE_OPEN_CREATE : 0) |
                      SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
        const std::string why = m_db ? sqlite3_errmsg(m_db) : "out of memory";
        sqlite3_close(m_db);
        m_db = nullptr;
        throw StoreError(fmt::format("state {}: cannot open ({})", path, why));
    }
    // Extended codes tell a full disk (SQLITE_FULL) and a read-only file apart in errors.
    sqlite3_extended_result_codes(m_db, 1);
    // Concurrent runs (cron overlap, `status` during `check`) wait for the lock instead of failing.
    sqlite3_busy_timeout(m_db, 10000);
}

Database::~Database() {
    for (auto &[sql, c] : m_cache)
        sqlite3_finalize(c.stmt);
    sqlite3_close_v2(m_db);
}

// PERSISTENT for cached statements: SQLite then allocates them for a long life, not from
// the lookaside meant for statements used once.
sqlite3_stmt *Database::compile(std::string_view sql, bool persistent) {
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()),
                           persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, nullptr) != SQLITE_OK)
        fail("preparing a statement");
    return stmt;
}

// One cached statement per SQL text; a nested use of the same text while it runs (a query
// inside a loop over its own results) gets a fresh statement instead of resetting it.
Database::Slot *Database::cached(std::string_view sql) {
    auto it = m_cache.find(sql);
    if (it == m_cache.end())
        it = m_cache.emplace(std::string(sql), Slot{compile(sql, true), false}).first;
    if (it->second.busy)
        return nullptr;
    it->second.busy = true;
    return &it->second;
}

// Every store error names the state's path and what was being done, so "database is
// locked" or "disk I/O error" can be traced to a file and a step.
void Database::fail(std::string_view doing) const {
    throw StoreError(fmt::format("state {}: {}: {}", m_path, doing, sqlite3_errmsg(m_db)));
}

void Database::exec(const std::string &sql) {
    char *err = nullptr;
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string why = err ? err : sqlite3_errmsg(m_db);
        sqlite3_free(err);
        throw StoreError(fmt::format("state {}: {}", m_path, why));
    }
}

// For the check's connection: the WAL is not checkpointed away at every close, so the next
// run a minute later starts without rebuilding it; its size stays bounded.
void Database::keep_wal() {
    sqlite3_db_config(m_db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    exec("PRAGMA wal_autocheckpoint=64");
    exec("PRAGMA journal_size_limit=1048576");
}

long long Database::last_insert_id() const {
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const {
    return sqlite3_changes(m_db);
}

// Statements are cached by their text: a check runs the same few dozen statements for every
// target, and preparing each anew would cost more than running it.
Statement::Statement(Database &db, std::string_view sql)
    : m_db(db), m_slot(db.cached(sql)), m_stmt(m_slot ? m_slot->stmt : db.compile(sql, false)) {}

Statement::~Statement() {
    if (!m_slot) {
        sqlite3_finalize(m_stmt);
        return;
    }
    reset(); // back in the cache, with no read lock held and no bound values kept
    m_slot->busy = false;
}

void Statement::bind_one(int i, long long v) {
    if (sqlite3_bind_int64(m_stmt, i, v) != SQLITE_OK)
        m_db.fail("binding");
}

// TRANSIENT: SQLite copies the text, because the caller's string may die before the step.
void Statement::bind_one(int i, std::string_view v) {
    if (sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) !=
        SQLITE_OK)
        m_db.fail("binding");
}

void Statement::bind_one(int i, std::nullopt_t) {
    if (sqlite3_bind_null(m_stmt, i) != SQLITE_OK)
        m_db.fail("binding");
}

// A busy or failed step throws with the database's own message; callers never see codes.
bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    m_db.fail("query");
}

// For statements whose rows (RETURNING) are not wanted: stepped to the end so that the
// change is complete, then reset for the cache.
void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

bool Statement::is_null(int col) const {
    return sqlite3_column_type(m_stmt, col) == SQLITE_NULL;
}

long long Statement::integer(int col) const {
    return sqlite3_column_int64(m_stmt, col);
}

// Read by byte count, not up to NUL: a stored text may hold a NUL that came from a server.
std::string Statement::text(int col) const {
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, col)))
             : std::string();
}

std::optional<std::string> Statement::optional_text(int col) const {
    if (is_null(col))
        return std::nullopt;
    return text(col);
}

std::optional<long long> Statement::optional_integer(int col) const {
    if (is_null(col))
        return std::nullopt;
    return integer(col);
}

// IMMEDIATE takes the write lock at BEGIN: two runs that both read then write would
// otherwise deadlock on upgrading their locks, one failing with SQLITE_BUSY mid-way.
Transaction::Transaction(Database &db, Sync sync) : m_db(&db) {
    // Inside another transaction this one joins it: the outer one commits or rolls back both.
    m_open = sqlite3_get_autocommit(db.handle()) != 0;
    if (!m_open)
        return;
    if (sync == Sync::deferred) { // the level can only change outside a transaction
        Statement level(db, "PRAGMA synchronous");
        level.step();
        m_restore_sync = level.integer(0);
        level.reset();
        db.exec("PRAGMA synchronous=NORMAL");
    }
    try {
        db.exec("BEGIN IMMEDIATE");
    } catch (...) {
        restore_sync();
        throw;
    }
}

void Transaction::restore_sync() noexcept {
    if (m_restore_sync < 0)
        return;
    char sql[40];
    std::snprintf(sql, sizeof sql, "PRAGMA synchronous=%lld", m_restore_sync);
    sqlite3_exec(m_db->handle(), sql, nullptr, nullptr, nullptr);
    m_restore_sync = -1;
}

Transaction::~Transaction() {
    // Rolling back must not throw from a destructor; a failed rollback leaves SQLite's own
    // recovery.
    if (m_open)
        sqlite3_exec(m_db->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    restore_sync();
}

void Transaction::commit() {
    if (!m_open)
        return;
    m_db->exec("COMMIT"); // on failure the destructor rolls back
    m_open = false;
    restore_sync();
}

} // namespace alimi
