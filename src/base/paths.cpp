#include "paths.hpp"

#include <cstdlib>
#include <filesystem>

namespace alimi {

namespace {

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

EnvLookup process_env() {
    return [](const std::string &name) -> std::optional<std::string> {
        const char *v = std::getenv(name.c_str());
        if (!v)
            return std::nullopt;
        return std::string(v);
    };
}

std::string real_path(const std::string &path) {
    std::error_code ec;
    const auto p = std::filesystem::weakly_canonical(path, ec);
    return ec ? path : p.string();
}

bool file_exists(const std::string &path) {
    std::error_code ec;
    return std::filesystem::exists(path, ec);
}

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
