#include "state_place.hpp"

#include "crypto.hpp"
#include "log.hpp"
#include "paths.hpp"

#include <filesystem>

namespace alimi {

namespace {

constexpr const char *k_owner_key = "config"; // meta: the real path of the owning config

std::string real_path(const std::string &path) {
    std::error_code ec;
    const auto p = std::filesystem::weakly_canonical(path, ec);
    return ec ? path : p.string();
}

// DIR/state-HASH.db beside the default: stable for a config, and no two configs collide.
std::string own_file(const std::string &default_path, const std::string &owner) {
    const auto dir = std::filesystem::path(default_path).parent_path();
    return (dir / ("state-" + sha256_hex(owner).substr(0, 12) + ".db")).string();
}

// The recorded owner of a state file; nullopt when none (or the file cannot tell).
std::optional<std::string> recorded_owner(const std::string &path) {
    try {
        Database db(path, Database::Mode::existing);
        Statement s(db, "SELECT value FROM meta WHERE key = ?1");
        s.bind(k_owner_key);
        return s.step() ? std::optional(s.text(0)) : std::nullopt;
    } catch (const StoreError &) {
        return std::nullopt; // no meta table yet, or not a database: the Store will say so
    }
}

// Whether a state file belongs to another config that still exists.
bool owned_by_another(const std::optional<std::string> &owner, const std::string &me) {
    return owner && *owner != me && file_exists(*owner);
}

} // namespace

StatePlace state_place(const std::optional<std::string> &cli, const Config &cfg) {
    const auto env = process_env();
    const auto named = env("ALIMI_STATE");
    return {resolve_state_path(cli, cfg.state, cfg.path, env),
            !cli && !cfg.state && (!named || named->empty()), cfg.path};
}

std::string state_of(const StatePlace &place) {
    if (!place.is_default || !file_exists(place.path))
        return place.path;
    const auto me = real_path(place.config_path);
    return owned_by_another(recorded_owner(place.path), me) ? own_file(place.path, me) : place.path;
}

std::optional<LockedState> open_for_check(const StatePlace &place, double wait_seconds,
                                          std::string &lock_path) {
    const auto me = real_path(place.config_path);
    auto path = state_of(place);
    for (;;) {
        lock_path = FileLock::lock_path(path);
        auto lock = FileLock::for_state(path, wait_seconds);
        if (!lock)
            return std::nullopt;
        auto store = std::make_unique<Store>(path, Database::Mode::create);
        if (!place.is_default)
            return LockedState{path, std::move(*lock), std::move(store)};
        const auto owner = store->meta(k_owner_key);
        // Checked again under the lock: another config's first run may have claimed it meanwhile.
        if (owned_by_another(owner, me) && path == place.path) {
            path = own_file(place.path, me);
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
