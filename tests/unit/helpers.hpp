// Shared fixtures for the unit tests.
#pragma once

#include "http_policy.hpp"
#include "paths.hpp"

#include <map>
#include <string>

namespace alimi::test {

// An environment that holds exactly these variables.
inline EnvLookup env_with(std::map<std::string, std::string> vars) {
    return [vars](const std::string &name) -> std::optional<std::string> {
        auto it = vars.find(name);
        if (it == vars.end())
            return std::nullopt;
        return it->second;
    };
}

// A server's answer as the HTTP module would hand it over.
inline HttpResult answer(long status, std::string body, Outcome outcome) {
    HttpResult r;
    r.status = status;
    r.body = std::move(body);
    r.outcome = outcome;
    r.error = "HTTP " + std::to_string(status);
    return r;
}

} // namespace alimi::test
