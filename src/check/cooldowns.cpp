#include "cooldowns.hpp"

#include "check_options.hpp"
#include "log.hpp"

#include <fmt/format.h>

namespace alimi {

std::optional<Cooldown> host_cooldown(Store &store, const std::string &host, TimePoint now) {
    for (auto &c : store.cooldowns(now))
        if (c.key == host)
            return std::move(c);
    return std::nullopt;
}

void hold_cooling_paths(Store &store, HttpClient &http, TimePoint now) {
    for (const auto &c : store.cooldowns(now))
        if (c.key != cooldown_host(c.key))
            http.hold(c.key, fmt::format("{} cooling down until {} ({}); nothing sent", c.key,
                                         kst_when(c.until, now), c.reason));
}

void record_cooldowns(const Config &cfg, Store &store,
                      const std::map<std::string, HttpClient::HostTrouble> &troubles,
                      TimePoint now) {
    CooldownRules rules;
    rules.max_429 = cfg.http.cooldown_429;
    rules.block = cfg.http.cooldown_block;
    rules.longest = k_max_cooldown;
    for (const auto &[key, trouble] : troubles) {
        const auto last = store.last_cooldown(key);
        // Nothing is sent inside a cool-down, so one that outlasts this answer was set for it by
        // an earlier batch of this run: recording it again would double it.
        if (last && last->until > trouble.at)
            continue;
        const double wait =
            cooldown_seconds(rules, trouble.outcome, trouble.retry_after, last, trouble.at);
        const auto until = trouble.at + std::chrono::seconds(static_cast<long long>(wait));
        const bool limited = trouble.outcome == Outcome::rate_limited;
        const auto path = key.substr(cooldown_host(key).size());
        store.set_cooldown(
            key, until, wait,
            limited ? fmt::format("rate limited (429){}", path.empty() ? "" : " on " + path)
                    : "blocked (403)");
        log::info("{}: cooling down until {} ({:.0f} s)", key, kst_when(until, now), wait);
    }
}

} // namespace alimi
