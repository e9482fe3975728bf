// The commands behind the command line, one function each: load what they need, do it, return
// the exit code. cli.cpp parses arguments and maps exceptions; inspect.cpp holds show and test.
#pragma once

#include "check.hpp"
#include "error_text.hpp"
#include "log.hpp"
#include "settings.hpp"
#include "store.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace alimi {

constexpr int k_exit_ok = 0, k_exit_failed = 1, k_exit_usage = 2, k_exit_state = 3;

struct Globals {
    std::optional<std::string> config;
    std::optional<std::string> state;
    int verbose = 0;
    bool quiet = false;
};

// A mistake on the command line: exit 2, said in one line.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The config of g, its secrets given to the log, and its region targets' members from the
// theater lists the state keeps (with_regions false: left to the caller, as check reads them anew).
Config load(const Globals &g, bool with_regions = true);
// The file holding this config's state (see state_place.hpp); it may not exist yet.
std::string state_path(const Globals &g, const Config &cfg);
// Read-only commands never create a state file: without one they see an empty store.
std::unique_ptr<Store> open_existing(const std::string &path);
void require_known_targets(const Config &cfg, const std::vector<std::string> &names);

// "unknown target 'typ' (not in PATH); did you mean 'test'?" for a name of items (targets,
// notifiers) that is none of theirs.
template <typename Item>
std::string unknown_name(const char *kind, const std::string &name, const std::vector<Item> &items,
                         const std::string &path) {
    std::vector<std::string> names;
    for (const auto &i : items)
        names.push_back(i.name);
    const auto guess = nearest(name, names);
    return fmt::format("unknown {} '{}' (not in {}){}", kind, one_line(name, 60), path,
                       guess.empty() ? "" : "; did you mean '" + guess + "'?");
}
// Commands that push refuse a config with push problems (Config::push_problems); read-only ones
// do not ask.
void require_push_ready(const Config &cfg);

struct StatusOptions {
    bool json = false;
    std::string html;
    std::string prom;
};
struct HistoryOptions {
    std::string target;
    std::string since = "7d";
    bool json = false;
};
// What `--chain` names: one of the registered chains (cgv when not given).
struct DiscoverArgs {
    std::string chain, api;
    bool json = false;
    bool upcoming = false; // movies --upcoming
};

int cmd_check(const Globals &g, const CheckOptions &opt);

// Held pushes (refused by their notifier) of these notifiers are due again, said per notifier;
// nothing when there is no state. For notify-test's successes and `alimi retry`.
int release_held(const Globals &g, const Config &cfg, const std::vector<std::string> &notifiers);
// `alimi retry [NOTIFIER...]`: release held pushes by hand and deliver what is due now.
int cmd_retry(const Globals &g, const std::vector<std::string> &notifiers);
// `alimi cooldown clear [HOST]`: end running cool-downs by hand, with a warning.
int cmd_cooldown_clear(const Globals &g, const std::string &host);
// `alimi list [--json]`: the targets with their names and notifiers; no state needed.
// names_of: print only the names of targets, notifiers, chains or screens, one a line.
int cmd_list(const Globals &g, bool json, const std::string &names_of = "");
int cmd_status(const Globals &g, const StatusOptions &opt);
int cmd_history(const Globals &g, const HistoryOptions &opt);
int cmd_prune(const Globals &g, const std::string &keep);
// online: also look every target's theater and movie up on its chain's site.
int cmd_validate(const Globals &g, bool online);
// `validate --json`: {"valid", "errors", "targets", "notifiers"} on stdout, the same exit status.
int cmd_validate_json(const Globals &g, bool online);
int cmd_notify_test(const Globals &g, const std::vector<std::string> &names);
int cmd_theaters(const Globals &g, const std::string &query, const DiscoverArgs &d);
int cmd_movies(const Globals &g, const std::string &theater, const std::string &screen,
               const DiscoverArgs &d);
// init.cpp: a starter config at the default path (or -c), never overwriting one.
struct InitOptions {
    std::string chain, theater, screen, movie;
    std::string api;      // the chain's API base, written into the config (a mirror, a test server)
    bool offline = false; // write without looking the codes up
};
int cmd_init(const Globals &g, const InitOptions &opt);
// doctor.cpp: every check between a config and its first push, one line each.
struct DoctorOptions {
    bool online = false; // ask each site and notifier server once
    bool push = false;   // send a test push to every notifier
};
int cmd_doctor(const Globals &g, const DoctorOptions &opt);
// inspect.cpp: what one target knows, and what it would see now.
int cmd_show(const Globals &g, const std::string &target, bool json);
int cmd_test(const Globals &g, const std::string &target, bool json);

} // namespace alimi
