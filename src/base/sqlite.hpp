// Thin RAII wrappers for what we call of SQLite: a connection, a prepared statement with bind,
// and a transaction that rolls back unless committed. Every failure is a StoreError naming the
// file. The connection keeps each statement it compiled: a check runs the same few statements for
// every target, and compiling SQL was most of the store's cost.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace alimi {

class StoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Database {
  public:
    enum class Mode { create, existing };
    Database(const std::string &path, Mode mode);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    void exec(const std::string &sql);
    // Keeps the write-ahead log between connections instead of checkpointing and deleting it on
    // close: a run then syncs for its durable commits only, not also for a new log's header and a
    // checkpoint. SQLite checkpoints it every 64 pages and trims it to 1 MiB.
    void keep_wal();
    long long last_insert_id() const;
    int changes() const; // rows changed by the last statement
    sqlite3 *handle() const { return m_db; }
    const std::string &path() const { return m_path; }
    [[noreturn]] void fail(std::string_view doing) const;

    struct Slot {
        sqlite3_stmt *stmt = nullptr;
        bool busy = false;
    };
    // The cached statement for sql, compiled on first use; nullptr while it is in use further
    // up the stack, and the caller then compiles a private one.
    Slot *cached(std::string_view sql);
    sqlite3_stmt *compile(std::string_view sql, bool persistent);

  private:
    sqlite3 *m_db = nullptr;
    std::string m_path;
    // Looked up by string_view: a hit costs no copy of the SQL.
    struct SqlHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const {
            return std::hash<std::string_view>{}(sql);
        }
    };
    std::unordered_map<std::string, Slot, SqlHash, std::equal_to<>> m_cache;
};

class Statement {
  public:
    Statement(Database &db, std::string_view sql);
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    // Binds the arguments to ?1, ?2, ... in order.
    template <typename... Args> Statement &bind(const Args &...args) {
        int i = 0;
        (bind_one(++i, args), ...);
        return *this;
    }
    bool step(); // true while a row is available
    void run();  // steps to the end
    void reset();

    bool is_null(int col) const;
    long long integer(int col) const;
    std::string text(int col) const;
    std::optional<long long> optional_integer(int col) const;
    std::optional<std::string> optional_text(int col) const;

  private:
    void bind_one(int i, long long v);
    void bind_one(int i, int v) { bind_one(i, static_cast<long long>(v)); }
    void bind_one(int i, bool v) { bind_one(i, v ? 1LL : 0LL); }
    void bind_one(int i, std::string_view v);
    void bind_one(int i, const std::string &v) { bind_one(i, std::string_view(v)); }
    void bind_one(int i, const char *v) { bind_one(i, std::string_view(v)); }
    void bind_one(int i, std::nullopt_t);
    template <typename T> void bind_one(int i, const std::optional<T> &v) {
        if (v)
            bind_one(i, *v);
        else
            bind_one(i, std::nullopt);
    }

    Database &m_db;
    Database::Slot *m_slot; // nullptr: m_stmt is private and finalized with this
    sqlite3_stmt *m_stmt;
};

class Transaction {
  public:
    // full: the commit waits for the disk. deferred: it does not (synchronous=NORMAL in WAL mode),
    // so a power cut may lose it, but never tear it; for writes whose loss costs only a counter.
    enum class Sync { full, deferred };
    // BEGIN IMMEDIATE: take the write lock up front. Nested in another one, it joins that one.
    explicit Transaction(Database &db, Sync sync = Sync::full);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    void commit();

  private:
    void restore_sync() noexcept; // puts back the level a deferred transaction lowered

    Database *m_db;
    bool m_open = true;
    long long m_restore_sync = -1; // the level a deferred transaction puts back; -1: none
};

} // namespace alimi
