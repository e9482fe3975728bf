// Shared fixtures for the unit tests.
#pragma once

#include "paths.hpp"

#include <map>
#include <string>

namespace alimi::test {

// An environment that holds exactly these variables.
inline EnvLookup env_with(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

} // namespace alimi::test
