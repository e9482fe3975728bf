#include "paths.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

#include <map>

using namespace alimi;
using alimi::test::env_with;

namespace {
const FileExists k_none = [](const std::string &) { return false; };
} // namespace

TEST_CASE("config path: flag, then ALIMI_CONFIG, then XDG") {
    CHECK(resolve_config_path(std::string("x.toml"), env_with({{"ALIMI_CONFIG", "y"}}), k_none) ==
          "x.toml");
    CHECK(resolve_config_path(std::nullopt, env_with({{"ALIMI_CONFIG", "y"}}), k_none) == "y");
    CHECK(resolve_config_path(std::nullopt, env_with({{"XDG_CONFIG_HOME", "/c"}}), k_none) ==
          "/c/alimi/config.toml");
    CHECK(resolve_config_path(std::nullopt, env_with({{"HOME", "/h"}}), k_none) ==
          "/h/.config/alimi/config.toml");
}

TEST_CASE("config path falls back to config.json when only it exists") {
    const FileExists only_json = [](const std::string &p) { return p.ends_with("config.json"); };
    CHECK(resolve_config_path(std::nullopt, env_with({{"HOME", "/h"}}), only_json) ==
          "/h/.config/alimi/config.json");
}

TEST_CASE("state path follows the documented order") {
    const auto env = env_with(
        {{"ALIMI_STATE", "/a.db"}, {"STATE_DIRECTORY", "/var/lib/alimi:/other"}, {"HOME", "/h"}});
    CHECK(resolve_state_path(std::string("/cli.db"), std::string("/cfg.db"), "/etc/c.toml", env) ==
          "/cli.db");
    CHECK(resolve_state_path(std::nullopt, std::string("/cfg.db"), "/etc/c.toml", env) ==
          "/cfg.db");
    CHECK(resolve_state_path(std::nullopt, std::string("rel.db"), "/etc/alimi/c.toml", env) ==
          "/etc/alimi/rel.db");
    CHECK(resolve_state_path(std::nullopt, std::nullopt, "c.toml", env) == "/a.db");
    CHECK(resolve_state_path(std::nullopt, std::nullopt, "c.toml",
                             env_with({{"STATE_DIRECTORY", "/var/lib/alimi:/x"}})) ==
          "/var/lib/alimi/state.db");
    CHECK(resolve_state_path(std::nullopt, std::nullopt, "c.toml",
                             env_with({{"XDG_STATE_HOME", "/s"}})) == "/s/alimi/state.db");
    CHECK(resolve_state_path(std::nullopt, std::nullopt, "c.toml", env_with({{"HOME", "/h"}})) ==
          "/h/.local/state/alimi/state.db");
}
