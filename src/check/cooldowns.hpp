// Cool-downs across runs, for `check`: what earlier runs left cooling is held back, and what this
// run's answers asked for is recorded (rules: http_policy.hpp, cooldown_seconds).
#pragma once

#include "http.hpp"
#include "settings.hpp"
#include "store.hpp"

#include <optional>
#include <string>

namespace alimi {

// A block silences its whole host: its targets are not even planned.
std::optional<Cooldown> host_cooldown(Store &store, const std::string &host, TimePoint now);

// A 429 silences one path: the HTTP module answers its requests "not sent", so a target that
// needs it fails with the reason, and its other paths (and its host's other targets) go on.
void hold_cooling_paths(Store &store, HttpClient &http, TimePoint now);

// A 429 silences its path, a block page its host (cooldown_key); a repeated 429 waits twice as
// long as the last, up to cooldown_429.
void record_cooldowns(const Config &cfg, Store &store,
                      const std::map<std::string, HttpClient::HostTrouble> &troubles,
                      TimePoint now);

} // namespace alimi
