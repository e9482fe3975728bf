#include "cli.hpp"

#include "alimi_version.h"
#include "check.hpp"
#include "config.hpp"
#include "deliver.hpp"
#include "log.hpp"
#include "paths.hpp"
#include "report.hpp"
#include "source/chain.hpp"
#include "state_place.hpp"
#include "status.hpp"
#include "stop.hpp"
#include "store.hpp"
#include "text.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <set>
#include <sys/stat.h>

namespace alimi {

namespace {

constexpr int k_exit_ok = 0, k_exit_failed = 1, k_exit_usage = 2, k_exit_state = 3;
constexpr double k_lock_wait_seconds = 30;

struct Globals {
    std::optional<std::string> config;
    std::optional<std::string> state;
    int verbose = 0;
    bool quiet = false;
};

class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

Config load(const Globals &g) {
    const auto env = process_env();
    auto cfg = load_config(resolve_config_path(g.config, env, file_exists), env);
    log::set_secrets(cfg.secrets()); // answers quoted in errors may echo one
    return cfg;
}

// A secret in a file other users can read is a leak waiting to happen; say so where a person is
// looking (validate, notify-test), and under -v in checks, so cron mail stays quiet.
void warn_if_secret_exposed(const Config &cfg, log::Level level) {
    struct stat st {};
    if (cfg.inline_secret.empty() || ::stat(cfg.path.c_str(), &st) != 0 || !(st.st_mode & S_IROTH))
        return;
    const auto message = fmt::format(
        "warning: {} holds a secret ({}) and other users can read it (mode {:o}); "
        "chmod 600 it, or use token_env / password_env / webhook_url_env / bot_token_env / url_env",
        cfg.path, cfg.inline_secret, st.st_mode & 0777);
    if (level == log::Level::error)
        log::error("{}", message);
    else
        log::info("{}", message);
}

// The file holding this config's state (see state_place.hpp); it may not exist yet.
std::string state_path(const Globals &g, const Config &cfg) {
    return state_of(state_place(g.state, cfg));
}

// Read-only commands never create a state file: without one they see an empty store.
std::unique_ptr<Store> open_existing(const std::string &path) {
    if (!file_exists(path))
        return Store::in_memory();
    return std::make_unique<Store>(path, Database::Mode::existing);
}

void require_known_targets(const Config &cfg, const std::vector<std::string> &names) {
    for (const auto &n : names)
        if (!cfg.target(n))
            throw UsageError(fmt::format("unknown target '{}' (not in {})", n, cfg.path));
}

int cmd_check(const Globals &g, const CheckOptions &opt) {
    const auto cfg = load(g);
    warn_if_secret_exposed(cfg, log::Level::info);
    require_known_targets(cfg, opt.targets);
    if (opt.dry_run) {
        auto store = open_existing(state_path(g, cfg));
        return run_check(cfg, *store, opt, std::cout).targets_failed ? k_exit_failed : k_exit_ok;
    }
    std::string lock_path;
    auto state = open_for_check(state_place(g.state, cfg), k_lock_wait_seconds, lock_path);
    if (!state) {
        log::error("another alimi check has held {} for {} s; this run skipped", lock_path,
                   k_lock_wait_seconds);
        return k_exit_failed;
    }
    install_stop_handlers(); // from here a SIGTERM saves what the run learnt and pings /fail
    ping(cfg, "/start");
    const auto outcome = run_check(cfg, *state->store, opt, std::cout);
    const int code = outcome.exit_code();
    if (code == 0)
        ping(cfg, "");
    else
        ping(cfg, "/fail",
             fmt::format("exit status {}: {} target(s) failed, {} push(es) pending{}", code,
                         outcome.targets_failed, outcome.pushes_pending,
                         outcome.stopped ? ", stopped by a signal" : ""));
    return code;
}

struct StatusOptions {
    bool json = false;
    std::string html;
    std::string prom;
};

int cmd_status(const Globals &g, const StatusOptions &opt) {
    const auto cfg = load(g);
    auto store = open_existing(state_path(g, cfg));
    const auto now = now_utc();
    const bool files = !opt.html.empty() || !opt.prom.empty();
    // ntfy's subscriber count is shown on the page and under the table, not in JSON or metrics.
    const auto report = gather_report(cfg, *store, now, !opt.html.empty() || (!opt.json && !files));
    if (!opt.html.empty())
        write_file_atomic(opt.html, render_status_html(report));
    if (!opt.prom.empty())
        write_file_atomic(opt.prom, render_prometheus(report));
    if (opt.json)
        std::cout << status_json(report.rows) << '\n';
    else if (!files) {
        std::cout << status_table(report.rows, now);
        if (report.ntfy_configured)
            std::cout << (report.ntfy ? fmt::format("ntfy: {:g} subscribers, {:g} visitors\n",
                                                    report.ntfy->subscribers, report.ntfy->visitors)
                                      : std::string("ntfy: unknown\n"));
    }
    return k_exit_ok;
}

struct HistoryOptions {
    std::string target;
    std::string since = "7d";
    bool json = false;
};

int cmd_history(const Globals &g, const HistoryOptions &opt) {
    const auto cfg = load(g);
    const auto since = parse_duration(opt.since);
    if (!since)
        throw UsageError(
            fmt::format("--since '{}': use a number with s, m, h, d or w, like 7d", opt.since));
    auto store = open_existing(state_path(g, cfg));
    auto events = store->events(opt.target, now_utc() - std::chrono::seconds(*since), 100000);
    std::reverse(events.begin(), events.end()); // oldest first, like a log
    std::cout << (opt.json ? history_json(events) : history_text(events));
    return k_exit_ok;
}

int cmd_prune(const Globals &g, const std::string &keep) {
    const auto cfg = load(g);
    const auto seconds = keep.empty() ? static_cast<long long>(cfg.status.keep_days * 86400)
                                      : parse_duration(keep).value_or(-1);
    if (seconds < 0)
        throw UsageError(
            fmt::format("--keep '{}': use a number with s, m, h, d or w, like 90d", keep));
    const auto path = state_path(g, cfg);
    if (!file_exists(path))
        return k_exit_ok;
    Store store(path, Database::Mode::existing);
    const auto c = store.prune(now_utc(), seconds);
    log::info("pruned {} events, {} finished pushes, {} past openings", c.events, c.pushes,
              c.openings);
    return k_exit_ok;
}

int cmd_validate(const Globals &g) {
    const auto cfg = load(g);
    warn_if_secret_exposed(cfg, log::Level::error);
    log::info("{}: ok ({} targets, {} notifiers)", cfg.path, cfg.targets.size(),
              cfg.notifiers.size());
    return k_exit_ok;
}

int cmd_notify_test(const Globals &g, const std::vector<std::string> &names) {
    const auto cfg = load(g);
    warn_if_secret_exposed(cfg, log::Level::error);
    for (const auto &n : names)
        if (!cfg.notifier(n))
            throw UsageError(fmt::format("unknown notifier '{}' (not in {})", n, cfg.path));
    if (cfg.notifiers.empty())
        throw UsageError(fmt::format("{} has no [[notifier]]", cfg.path));
    return notify_test(cfg, names, std::cout);
}

// Discovery works before there is a config: it uses one when there is one, defaults otherwise.
DiscoverOptions discover_options(const Globals &g, const Chain &chain, const std::string &api,
                                 bool json) {
    DiscoverOptions opt;
    opt.json = json;
    opt.api = chain.defaults().api;
    const auto env = process_env();
    const auto path = resolve_config_path(g.config, env, file_exists);
    if (g.config || file_exists(path)) {
        const auto cfg = load_config(path, env);
        opt.api = cfg.defaults_of(chain).api;
        opt.http = cfg.http;
    }
    if (!api.empty())
        opt.api = api;
    while (opt.api.ends_with('/'))
        opt.api.pop_back();
    return opt;
}

// What `--chain` names: one of the registered chains (cgv when not given).
struct DiscoverArgs {
    std::string chain, api;
    bool json = false;
};

const Chain &chosen_chain(const std::string &name) {
    if (name.empty())
        return default_chain();
    const auto *chain = find_chain(name);
    if (!chain)
        throw UsageError(fmt::format("unknown chain '{}' (one of {})", name, chain_names()));
    return *chain;
}

int cmd_theaters(const Globals &g, const std::string &query, const DiscoverArgs &d) {
    const auto &chain = chosen_chain(d.chain);
    return chain.list_theaters(discover_options(g, chain, d.api, d.json), query, std::cout);
}

int cmd_movies(const Globals &g, const std::string &theater, const std::string &screen,
               const DiscoverArgs &d) {
    const auto &chain = chosen_chain(d.chain);
    if (auto problem = chain.theater_code_problem(theater); !problem.empty())
        throw UsageError(problem);
    const auto &screens = chain.screens();
    if (!screen.empty() && std::find(screens.begin(), screens.end(), screen) == screens.end())
        throw UsageError(fmt::format("unknown screen '{}' for {} (one of {})", screen, chain.name(),
                                     fmt::join(screens, ", ")));
    return chain.list_movies(discover_options(g, chain, d.api, d.json), theater, screen, std::cout);
}

// Runs the chosen command, turning exceptions into the documented exit codes, each said once.
template <typename F> int guarded(F &&command) {
    try {
        return command();
    } catch (const ConfigError &e) {
        for (const auto &p : e.problems())
            log::error("{}", p);
        return k_exit_usage;
    } catch (const UsageError &e) {
        log::error("{}", e.what());
        return k_exit_usage;
    } catch (const StoreError &e) {
        log::error("{}", e.what());
        return k_exit_state;
    } catch (const std::exception &e) {
        log::error("{}", e.what());
        return k_exit_failed;
    }
}

} // namespace

int run_cli(int argc, char **argv) {
    CLI::App app{
        "alimi: tells you the moment movie booking opens at CGV, Megabox and Lotte Cinema (IMAX, "
        "4DX, "
        "Dolby Cinema, SuperPlex, ...).\n"
        "Exit status: 0 ok, 1 a target failed or a push is pending, 2 usage or config error, "
        "3 state database error.",
        "alimi"};
    app.set_version_flag("--version", std::string("alimi ") + ALIMI_VERSION);
    app.require_subcommand(1);
    app.fallthrough();
    Globals g;
    app.add_option("-c,--config", g.config,
                   "Config file (.toml or .json); default $ALIMI_CONFIG, "
                   "then $XDG_CONFIG_HOME/alimi/config.toml");
    app.add_option("--state", g.state,
                   "State database; default from the config, $ALIMI_STATE, "
                   "$STATE_DIRECTORY or $XDG_STATE_HOME/alimi/state.db");
    app.add_flag("-v,--verbose", g.verbose, "More detail on stderr (-vv: every request)");
    app.add_flag("-q,--quiet", g.quiet,
                 "Print nothing, not even errors; the exit status still tells");
    std::string log_format = "text";
    app.add_option("--log-format", log_format,
                   "Diagnostics as text (default) or json lines, for journald pipelines")
        ->check(CLI::IsMember({"text", "json"}));

    CheckOptions check;
    auto *c = app.add_subcommand("check", "Fetch every target once, push new openings, exit");
    c->add_flag("--dry-run", check.dry_run,
                "Fetch and compare, but change no state and push nothing");
    c->add_flag("--json", check.json, "Print one JSON object per new opening on stdout");
    c->add_option("TARGET", check.targets, "Only these targets (default: all)");

    StatusOptions status;
    auto *s = app.add_subcommand("status", "One row of health per target");
    s->add_flag("--json", status.json, "A JSON array instead of the table");
    s->add_option("--html", status.html, "Write a self-contained status page to this file");
    s->add_option("--prom", status.prom,
                  "Write Prometheus text (node_exporter textfile) to this file");

    HistoryOptions history;
    auto *h = app.add_subcommand("history", "Openings found, pushes, errors: what happened lately");
    h->add_option("TARGET", history.target, "Only this target");
    h->add_option("--since", history.since, "How far back: 30m, 12h, 7d (default), 4w");
    h->add_flag("--json", history.json, "A JSON array instead of lines");

    std::string keep;
    auto *pr = app.add_subcommand(
        "prune", "Delete history older than --keep (default [status] keep_days) now");
    pr->add_option("--keep", keep, "How much history to keep: 90d, 4w, ...");

    auto *v = app.add_subcommand(
        "validate", "Check the config; exit 0 when valid, 2 with every problem otherwise");

    std::vector<std::string> notifier_names;
    auto *n =
        app.add_subcommand("notify-test", "Send a test push to every notifier (or the named ones)");
    n->add_option("NOTIFIER", notifier_names, "Notifier names");

    std::string query, theater, screen;
    DiscoverArgs discover;
    const auto chains_help = "Cinema chain: " + chain_names() + " (default cgv)";
    const auto api_help = std::string("API base (default: the chain's table in the config, e.g. "
                                      "[cgv] api, or the chain's own site)");
    auto *th = app.add_subcommand("theaters", "Look up theater codes (CGV by default)");
    th->add_option("QUERY", query, "Part of a theater's name (Korean is fine) or its code");
    th->add_option("--chain", discover.chain, chains_help);
    th->add_flag("--json", discover.json, "A JSON array instead of lines");
    th->add_option("--api", discover.api, api_help);
    auto *mv = app.add_subcommand(
        "movies", "List bookable movies with their codes, and whether they play at THEATER");
    mv->add_option("THEATER", theater, "Theater code: 0013 (CGV), 1351 (Megabox), 1016 (Lotte)")
        ->required();
    mv->add_option("--screen", screen,
                   "Only movies shown on this screen: imax, 4dx, screenx, dolby (cgv); dolby, "
                   "mx4d, dolby-atmos (megabox); superplex, charlotte, superled (lotte)");
    mv->add_option("--chain", discover.chain, chains_help);
    mv->add_flag("--json", discover.json, "A JSON array instead of the table");
    mv->add_option("--api", discover.api, api_help);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        const int rc = app.exit(e);
        return rc == 0 ? k_exit_ok : k_exit_usage;
    }
    log::set_level(g.quiet          ? log::Level::quiet
                   : g.verbose >= 2 ? log::Level::debug
                   : g.verbose == 1 ? log::Level::info
                                    : log::Level::error);
    log::set_format(log_format == "json" ? log::Format::json : log::Format::text);
    if (c->parsed())
        return guarded([&] { return cmd_check(g, check); });
    if (s->parsed())
        return guarded([&] { return cmd_status(g, status); });
    if (h->parsed())
        return guarded([&] { return cmd_history(g, history); });
    if (pr->parsed())
        return guarded([&] { return cmd_prune(g, keep); });
    if (v->parsed())
        return guarded([&] { return cmd_validate(g); });
    if (n->parsed())
        return guarded([&] { return cmd_notify_test(g, notifier_names); });
    if (th->parsed())
        return guarded([&] { return cmd_theaters(g, query, discover); });
    if (mv->parsed())
        return guarded([&] { return cmd_movies(g, theater, screen, discover); });
    return k_exit_usage;
}

} // namespace alimi
