// Where the config and the state database live (interface.md "Files"). Pure over an environment
// lookup so the rules are unit-tested without touching the real environment.
#pragma once

#include <functional>
#include <optional>
#include <string>

namespace alimi {

using EnvLookup = std::function<std::optional<std::string>(const std::string &name)>;
using FileExists = std::function<bool(const std::string &path)>;

EnvLookup process_env();
bool file_exists(const std::string &path);
// The path with symlinks and dots resolved (as far as it exists); the path itself when that
// fails. One spelling for a config or state, however it was reached.
std::string real_path(const std::string &path);

// -c/--config, else $ALIMI_CONFIG, else $XDG_CONFIG_HOME/alimi/config.toml, then config.json.
// The TOML name is returned when neither exists, so the error names the file a user would create.
std::string resolve_config_path(const std::optional<std::string> &cli, const EnvLookup &env,
                                const FileExists &exists);

// Where a config would be found when none is given: $XDG_CONFIG_HOME/alimi/config.toml.
std::string default_config_path(const EnvLookup &env);

// --state, else `state` in the config (relative to the config's folder), else $ALIMI_STATE,
// else $STATE_DIRECTORY/state.db, else $XDG_STATE_HOME/alimi/state.db (~/.local/state/...).
std::string resolve_state_path(const std::optional<std::string> &cli,
                               const std::optional<std::string> &from_config,
                               const std::string &config_path, const EnvLookup &env);

} // namespace alimi
