// Which state file a config uses. A state named on purpose (--state, `state` in the config,
// $ALIMI_STATE) is used as given, shared or not. The default one (interface.md "Files") belongs
// to the first config that checks with it: the state records that config's real path, and any
// other config gets its own file beside it (state-HASH.db). Two configs left on the default
// therefore never see each other's targets, pushes or notifiers. A state whose recorded config is
// missing (moved or renamed, or only gone for a moment: an editor's rename-on-save, a sync tool,
// an unmounted home) is taken over only with proof that it is this config's: every target it
// knows is one of this config's, watching the same thing, or `check --adopt` says so.
#pragma once

#include "lockfile.hpp"
#include "settings.hpp"
#include "store.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace alimi {

struct StatePlace {
    std::string path;        // what the rules of interface.md name
    bool is_default = false; // not named on purpose: owned by one config
    std::string config_path; // the config that asks
    // The config's targets: name -> Chain::identity_text, by which a state is proven a config's.
    std::map<std::string, std::string> identities;
    bool adopt = false; // take over a state whose config is missing, without proof
};

// Where cfg's state is by the rules of interface.md (cli: --state), and whether it was named.
StatePlace state_place(const std::optional<std::string> &cli, const Config &cfg,
                       bool adopt = false);

// The file holding this config's state (it may not exist yet): for reading commands.
std::string state_of(const StatePlace &place);

// The state a check writes, locked and opened (created and migrated under the lock), and claimed
// for this config when it is the default one; nullopt when another check holds the lock past
// wait_seconds (lock_path then names it).
struct LockedState {
    std::string path;
    FileLock lock;
    std::unique_ptr<Store> store;
};
std::optional<LockedState> open_for_check(const StatePlace &place, double wait_seconds,
                                          std::string &lock_path);

} // namespace alimi
