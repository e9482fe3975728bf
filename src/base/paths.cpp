#include "paths.hpp"

#include <cstdlib>
#include <filesystem>

namespace alimi {

namespace {

// An empty variable counts as unset, as the XDG spec says: "XDG_STATE_HOME=" must not put
// the state in the working folder.
std::optional<std::string> non_empty(const EnvLookup &env, const std::string &name) {
    auto v = env(name);
    if (v && v->empty())
        return std::nullopt;
    return v;
}

// $XDG_<kind>_HOME or its documented fallback under $HOME.
std::string xdg_home(const EnvLookup &env, const std::string &var, const std::string &fallback) {
    if (auto v = non_empty(env, var))
        return *v;
    return non_empty(env, "HOME").value_or(".") + "/" + fallback;
}

} // namespace

// The environment is passed in as a function, so path rules are tested without touching
// the test process's own environment.
EnvLookup process_env() {
    return [](const std::string &name) -> std::optional<std::string> {
        const char *v = std::getenv(name.c_str());
        if (!v)
            return std::nullopt;
        return std::string(v);
    };
}

// weakly_canonical: the file may not exist yet (a first run), but its folder's symlinks
// are still resolved. On error the path is kept as given.
std::string real_path(const std::string &path) {
    std::error_code ec;
    const auto p = std::filesystem::weakly_canonical(path, ec);
    return ec ? path : p.string();
}

bool file_exists(const std::string &path) {
    std::error_code ec;
    return std::filesystem::exists(path, ec);
}

// The order of the contract: --config, $ALIMI_CONFIG, then config.toml under the XDG
// config home, or config.json there when only that one exists.
std::string resolve_config_path(const std::optional<std::string> &cli, const EnvLookup &env,
                                const FileExists &exists) {
    if (cli)
        return *cli;
    if (auto v = non_empty(env, "ALIMI_CONFIG"))
        return *v;
    const auto dir = xdg_home(env, "XDG_CONFIG_HOME", ".config") + "/alimi/";
    if (!exists(dir + "config.toml") && exists(dir + "config.json"))
        return dir + "config.json";
    return dir + "config.toml";
}

std::string default_config_path(const EnvLookup &env) {
    return xdg_home(env, "XDG_CONFIG_HOME", ".config") + "/alimi/config.toml";
}

// A relative `state` in the config is relative to the config file, not to wherever cron
// happens to start the program.
std::string resolve_state_path(const std::optional<std::string> &cli,
                               const std::optional<std::string> &from_config,
                               const std::string &config_path, const EnvLookup &env) {
    if (cli)
        return *cli;
    if (from_config) {
        const std::filesystem::path p(*from_config);
        if (p.is_absolute())
            return p.string();
        return (std::filesystem::path(config_path).parent_path() / p).string();
    }
    if (auto v = non_empty(env, "ALIMI_STATE"))
        return *v;
    if (auto v = non_empty(env, "STATE_DIRECTORY")) {
        // systemd passes a colon-separated list when a unit names several directories.
        return v->substr(0, v->find(':')) + "/state.db";
    }
    return xdg_home(env, "XDG_STATE_HOME", ".local/state") + "/alimi/state.db";
}

} // namespace alimi
