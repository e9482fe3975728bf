#include "state_place.hpp"

#include "chain.hpp"
#include "crypto.hpp"
#include "log.hpp"
#include "paths.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>

namespace alimi {

namespace {

constexpr const char *k_owner_key = "config"; // meta: the real path of the owning config
constexpr const char *k_home_key = "home";    // meta: the name the state is opened by

// DIR/state-HASH.db beside the default: stable for a config, and no two configs collide.
std::string own_file(const std::string &default_path, const std::string &owner) {
    const auto dir = std::filesystem::path(default_path).parent_path();
    return (dir / ("state-" + sha256_hex(owner).substr(0, 12) + ".db")).string();
}

// A meta value of a state file, read without migrating it; nullopt when none (or the file cannot
// tell: not a database yet, or an empty new one).
std::optional<std::string> recorded_meta(const std::string &path, const char *key) {
    try {
        Database db(path, Database::Mode::existing);
        db.keep_wal(); // a look, not a checkpoint: closing must not cost a sync
        Statement s(db, "SELECT value FROM meta WHERE key = ?1");
        s.bind(key);
        return s.step() ? std::optional(s.text(0)) : std::nullopt;
    } catch (const StoreError &) {
        return std::nullopt; // no meta table yet, or not a database: the Store will say so
    }
}

// The targets a state knows, with what each watched (targets of old states without one skipped).
std::map<std::string, std::string> known_identities(Database &db) {
    std::map<std::string, std::string> out;
    Statement s(db, "SELECT name, identity FROM targets WHERE identity IS NOT NULL");
    while (s.step())
        out[s.text(0)] = s.text(1);
    return out;
}

std::map<std::string, std::string> known_identities(const std::string &path) {
    try {
        Database db(path, Database::Mode::existing);
        db.keep_wal();
        return known_identities(db);
    } catch (const StoreError &) {
        return {};
    }
}

// Proof that a state is this config's: it knows targets, and each is one of the config's,
// watching the same thing.
bool proven_mine(const std::map<std::string, std::string> &known, const StatePlace &place) {
    if (known.empty())
        return false;
    for (const auto &[name, identity] : known) {
        const auto it = place.identities.find(name);
        if (it == place.identities.end() || it->second != identity)
            return false;
    }
    return true;
}

// Whether a state file belongs to another config: one that exists, or a missing one whose
// state this config cannot prove its own.
bool owned_by_another(const std::optional<std::string> &owner, const std::string &me,
                      const StatePlace &place, const std::map<std::string, std::string> &known) {
    if (!owner || *owner == me)
        return false;
    return file_exists(*owner) || !(place.adopt || proven_mine(known, place));
}

// Whether st describes the file of that identity (device, inode).
bool is_file(const struct stat &st, std::pair<unsigned long long, unsigned long long> id) {
    return static_cast<unsigned long long>(st.st_dev) == id.first &&
           static_cast<unsigned long long>(st.st_ino) == id.second;
}

// ": NAME, ..." for the other names of a file in its own folder (where a hard link usually is).
std::string other_names(const std::string &path,
                        std::pair<unsigned long long, unsigned long long> id) {
    std::string out;
    std::error_code ec;
    const auto me = std::filesystem::path(path).filename();
    const auto dir = std::filesystem::path(path).parent_path();
    for (const auto &e : std::filesystem::directory_iterator(dir.empty() ? "." : dir, ec)) {
        struct stat st {};
        if (e.path().filename() != me && ::lstat(e.path().c_str(), &st) == 0 && is_file(st, id))
            out += (out.empty() ? ": " : ", ") + e.path().string();
    }
    return out;
}

// SQLite keeps a database's journal beside the name it opens: a second name for one file would
// write a second journal and corrupt it. A file with hard links has several names, so none of
// them is used; another path to the same file (a bind-mounted file) is told from the state's
// remembered name. Checked before anything is written under the name.
void refuse_second_name(const std::string &path, const FileLock &lock, Database &db) {
    if (const auto links = lock.links(); links > 1)
        throw StoreError(fmt::format(
            "state {} has {} names (hard links{}); SQLite keeps its journal beside the name it "
            "opens, so two names would corrupt it: keep one (rm the other link)",
            path, links, other_names(path, lock.identity())));
    const auto me = real_path(path);
    std::optional<std::string> home;
    try {
        Statement s(db, "SELECT value FROM meta WHERE key = ?1");
        s.bind(k_home_key);
        if (s.step())
            home = s.text(0);
    } catch (const StoreError &) {
        return; // a new state, or one from before meta: nothing remembered yet
    }
    struct stat st {};
    if (home && *home != me && ::stat(home->c_str(), &st) == 0 && is_file(st, lock.identity()))
        throw StoreError(fmt::format(
            "state {} is the same file as {} (a bind mount or another name for it); SQLite keeps "
            "its journal beside the name it opens, so use {}",
            me, *home, *home));
}

// A new, moved or copied state: the name it is opened by is its name now. Checkpointed into
// the file itself, where a look through another name (which sees no journal) finds it.
void remember_name(const std::string &path, Store &store) {
    const auto me = real_path(path);
    if (store.meta(k_home_key) == me)
        return;
    store.set_meta(k_home_key, me);
    store.db().exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

} // namespace

StatePlace state_place(const std::optional<std::string> &cli, const Config &cfg, bool adopt) {
    const auto env = process_env();
    const auto named = env("ALIMI_STATE");
    StatePlace place{resolve_state_path(cli, cfg.state, cfg.path, env),
                     !cli && !cfg.state && (!named || named->empty()),
                     cfg.path,
                     {},
                     adopt};
    for (const auto &t : cfg.targets)
        place.identities[t.name] = t.chain->identity_text(t);
    return place;
}

std::string state_of(const StatePlace &place) {
    if (!place.is_default || !file_exists(place.path))
        return place.path;
    const auto me = real_path(place.config_path);
    const auto owner = recorded_meta(place.path, k_owner_key);
    if (!owner || *owner == me)
        return place.path;
    return owned_by_another(owner, me, place, known_identities(place.path))
               ? own_file(place.path, me)
               : place.path;
}

std::optional<LockedState> open_for_check(const StatePlace &place, double wait_seconds,
                                          std::string &lock_path) {
    const auto me = real_path(place.config_path);
    auto path = place.path; // the loop decides, under the lock, whether it is this config's
    for (;;) {
        lock_path = FileLock::lock_path(path);
        auto lock = FileLock::for_state(path, wait_seconds);
        if (!lock)
            return std::nullopt;
        auto store = std::make_unique<Store>(path, Database::Mode::create, [&](Database &db) {
            refuse_second_name(path, *lock, db);
        });
        remember_name(path, *store);
        if (!place.is_default)
            return LockedState{path, std::move(*lock), std::move(store)};
        const auto owner = store->meta(k_owner_key);
        // Checked again under the lock: another config's first run may have claimed it meanwhile.
        // The state's targets are read only when another config is recorded as its owner.
        if (path == place.path && owner && *owner != me &&
            owned_by_another(owner, me, place, known_identities(store->db()))) {
            path = own_file(place.path, me);
            if (!file_exists(*owner) && !file_exists(path)) // said once: its own file is new
                log::error("state {} belongs to {}, which is missing; its targets are not this "
                           "config's, so it is left alone and this config starts its own state "
                           "{} (alimi check --adopt takes the old one over instead)",
                           place.path, *owner, path);
            continue;
        }
        if (owner != me) {
            if (owner)
                log::info("state {} belonged to {}, which no longer exists; {} takes it over", path,
                          *owner, me);
            store->set_meta(k_owner_key, me);
        }
        return LockedState{path, std::move(*lock), std::move(store)};
    }
}

} // namespace alimi
