// The operator's commands on a state: releasing held pushes (`retry`, and notify-test's
// successes), ending cool-downs by hand, and listing what is configured. A sequencer like
// commands.cpp: each loads what it needs, takes the check lock when it writes, and says what it
// did.
#include "commands.hpp"

#include "config_tree.hpp"

#include "chain.hpp"
#include "deliver.hpp"
#include "log.hpp"
#include "message.hpp"
#include "snapshot.hpp"
#include "state_place.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <set>

namespace alimi {

namespace {

constexpr double k_wait_for_check = 30; // seconds: a check in progress finishes first

// Runs work on the state under the check lock; nullopt-like -1 when another check holds it.
template <typename Work> int with_locked_state(const Globals &g, const Config &cfg, Work &&work) {
    std::string lock_path;
    auto state = open_for_check(state_place(g.state, cfg), k_wait_for_check, lock_path);
    if (!state) {
        log::error("another alimi check has held {} for {} s; try again", lock_path,
                   k_wait_for_check);
        return k_exit_failed;
    }
    state->store->set_secrets(cfg.secrets());
    return work(*state->store);
}

void require_notifiers(const Config &cfg, const std::vector<std::string> &names) {
    for (const auto &n : names)
        if (!cfg.notifier(n))
            throw UsageError(unknown_name("notifier", n, cfg.notifiers, cfg.path));
}

// Every configured notifier's name when none is named.
std::vector<std::string> or_every_notifier(const Config &cfg, std::vector<std::string> names) {
    if (names.empty())
        for (const auto &n : cfg.notifiers)
            names.push_back(n.name);
    return names;
}

int release_in(Store &store, const std::vector<std::string> &notifiers, TimePoint now) {
    int total = 0;
    for (const auto &name : notifiers) {
        // An empty fingerprint differs from every stored one: all its holds are released.
        const int released = store.release_holds(name, "", now);
        if (released > 0)
            std::cout << fmt::format("{}: released {} held push(es)\n", name, released);
        total += released;
    }
    return total;
}

} // namespace

int release_held(const Globals &g, const Config &cfg, const std::vector<std::string> &notifiers) {
    if (notifiers.empty() || !file_exists(state_path(g, cfg)))
        return 0;
    return with_locked_state(g, cfg, [&](Store &store) {
        const int n = release_in(store, notifiers, now_utc());
        if (n > 0)
            std::cout << "the next check sends them (or now: alimi retry)\n";
        return n;
    });
}

int cmd_retry(const Globals &g, const std::vector<std::string> &names) {
    const auto cfg = load(g);
    if (!cfg.push_problems.empty())
        throw ConfigError(cfg.push_problems);
    require_notifiers(cfg, names);
    if (!file_exists(state_path(g, cfg))) {
        std::cout << "no state yet: nothing is held\n";
        return k_exit_ok;
    }
    return with_locked_state(g, cfg, [&](Store &store) {
        const auto now = now_utc();
        if (release_in(store, or_every_notifier(cfg, names), now) == 0)
            std::cout << "no held push"
                      << (names.empty() ? "" : fmt::format(" for {}", fmt::join(names, ", ")))
                      << "\n";
        std::set<long long> tried;
        const int left = deliver_pending(cfg, store, now, tried);
        if (left > 0)
            std::cout << fmt::format("{} push(es) still pending (alimi show TARGET says why)\n",
                                     left);
        return left > 0 ? k_exit_failed : k_exit_ok;
    });
}

int cmd_cooldown_clear(const Globals &g, const std::string &host) {
    const auto cfg = load(g);
    if (!file_exists(state_path(g, cfg))) {
        std::cout << "no state yet: nothing is cooling down\n";
        return k_exit_ok;
    }
    return with_locked_state(g, cfg, [&](Store &store) {
        const int n = store.end_cooldowns(host, now_utc());
        const auto what = host.empty() ? std::string("every host") : host;
        if (n == 0) {
            std::cout << fmt::format("{}: no cool-down running\n", what);
            return k_exit_ok;
        }
        log::error("warning: ended {} cool-down(s) of {} by hand; the site asked for that "
                   "silence, and a site still refusing answers 429 or blocks again (and longer)",
                   n, what);
        std::cout << fmt::format("{}: {} cool-down(s) ended\n", what, n);
        return k_exit_ok;
    });
}

int cmd_validate_json(const Globals &g, bool online) {
    nlohmann::ordered_json j;
    int rc = k_exit_ok;
    try {
        rc = cmd_validate(g, online);
        const auto cfg = load(g);
        j = {{"valid", rc == k_exit_ok},
             {"config", cfg.path},
             {"errors", nlohmann::json::array()},
             {"targets", cfg.targets.size()},
             {"notifiers", cfg.notifiers.size()}};
    } catch (const ConfigError &e) {
        rc = k_exit_usage;
        j = {{"valid", false}, {"errors", e.problems()}};
    }
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    return rc;
}

namespace {

// One name a line, for shell completions: the registries' chains and screens need no config.
int print_names(const Globals &g, const std::string &kind) {
    std::set<std::string> names;
    if (kind == "chains" || kind == "screens") {
        for (const auto *c : chains())
            if (kind == "chains")
                names.emplace(c->name());
            else
                names.insert(c->screens().begin(), c->screens().end());
    } else if (kind == "targets" || kind == "notifiers") {
        const auto cfg = load(g);
        if (kind == "targets")
            for (const auto &t : cfg.targets)
                names.insert(t.name);
        else
            for (const auto &n : cfg.notifiers)
                names.insert(n.name);
    } else {
        throw UsageError(fmt::format("list --names: unknown kind '{}' (one of targets, notifiers, "
                                     "chains, screens)",
                                     kind));
    }
    for (const auto &n : names)
        std::cout << terminal_safe(n) << '\n';
    return k_exit_ok;
}

} // namespace

int cmd_list(const Globals &g, bool json, const std::string &names_of) {
    if (!names_of.empty())
        return print_names(g, names_of);
    const auto cfg = load(g);
    auto store = open_existing(state_path(g, cfg)); // names learnt so far, when there is a state
    auto arr = nlohmann::ordered_json::array();
    std::string text;
    for (const auto &t : cfg.targets) {
        const auto names = cached_names(*store, t);
        nlohmann::ordered_json j = {{"name", t.name},
                                    {"chain", t.chain->name()},
                                    {"theater", t.theater},
                                    {"theater_name", bare_theater_name(*t.chain, names)},
                                    {"screen", t.screen},
                                    {"movie", t.movie},
                                    {"movie_name", names.movie_name},
                                    {"notify", t.notify},
                                    {"enabled", t.enabled}};
        if (!t.region.empty())
            j["region"] = t.region;
        arr.push_back(j);
        text += fmt::format("{}  {}{}  notify: {}\n", t.name, watches_line(*store, t),
                            t.enabled ? "" : "  (paused: enabled = false)",
                            t.notify.empty() ? std::string("none (JSON lines only)")
                                             : fmt::format("{}", fmt::join(t.notify, ", ")));
    }
    for (const auto &r : cfg.region_targets)
        if (cfg.targets_named(r.name).empty()) { // its theaters not known yet: said, not hidden
            arr.push_back({{"name", r.name},
                           {"chain", r.chain->name()},
                           {"region", r.region},
                           {"theaters", nlohmann::ordered_json::array()},
                           {"enabled", r.enabled}});
            text += fmt::format("{}  {} region {}: its theaters are read by the next check\n",
                                r.name, r.chain->display_name(), r.region);
        }
    std::cout << (json ? arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
                       : terminal_safe(text));
    return k_exit_ok;
}

} // namespace alimi
