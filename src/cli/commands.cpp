#include "commands.hpp"
#include "online_check.hpp"

#include "chain.hpp"
#include "client_asker.hpp"
#include "config.hpp"
#include "deliver.hpp"
#include "discover.hpp"
#include "paths.hpp"
#include "region_lists.hpp"
#include "report.hpp"
#include "state_place.hpp"
#include "status.hpp"
#include "stop.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <sys/stat.h>

namespace alimi {

namespace {

constexpr double k_lock_wait_seconds = 30;

// A secret in a file other users can read is a leak waiting to happen; say so where a person is
// looking (validate, notify-test), and under -v in checks, so cron mail stays quiet.
void warn_if_secret_exposed(const Config &cfg, log::Level level) {
    struct stat st {};
    if (cfg.inline_secret.empty() || ::stat(cfg.path.c_str(), &st) != 0 || !(st.st_mode & S_IROTH))
        return;
    const auto message = fmt::format(
        "warning: {} holds a secret ({}; an ntfy topic is one: whoever knows it reads the "
        "pushes) and other users can read it (mode {:o}); chmod 600 the config when alimi runs "
        "as its owner, or move the secret out of the file: token_env / password_env / "
        "webhook_url_env / bot_token_env / url_env naming a variable set from a file only root "
        "reads (systemd: EnvironmentFile=, as examples/alimi.service does)",
        cfg.path, cfg.inline_secret, st.st_mode & 0777);
    if (level == log::Level::error)
        log::error("{}", message);
    else
        log::info("{}", message);
}

// Discovery works before there is a config: it takes its API base, HTTP settings and state from
// the one named, or the default one when it exists, and the chain's own site otherwise.
std::optional<Config> discovery_config(const Globals &g) {
    const auto env = process_env();
    const auto path = resolve_config_path(g.config, env, file_exists);
    if (!g.config && !file_exists(path))
        return std::nullopt;
    return load_config(path, env);
}

DiscoverOptions discover_options(const std::optional<Config> &cfg, const Chain &chain,
                                 const std::string &api, bool json) {
    DiscoverOptions opt;
    opt.json = json;
    opt.api = cfg ? cfg->defaults_of(chain).api : chain.defaults().api;
    if (!api.empty())
        opt.api = api;
    while (opt.api.ends_with('/'))
        opt.api.pop_back();
    return opt;
}

// Polite like a check: a look-up does not ask a host the config's state has cooling down after a
// block page. Says why and returns true.
bool cooling(const Globals &g, const std::optional<Config> &cfg, const std::string &api) {
    if (!cfg)
        return false;
    const auto state = state_path(g, *cfg);
    if (!file_exists(state))
        return false;
    const auto now = now_utc();
    const auto host = host_of(api);
    const auto cd = Store(state, Database::Mode::existing).cooldown(host, now);
    if (cd)
        log::error("{} cooling down until {} ({}); not asked (alimi cooldown clear {} ends it)",
                   host, kst_when(cd->until, now), cd->reason, host);
    return cd.has_value();
}

const Chain &chosen_chain(const std::string &name) {
    if (name.empty())
        return default_chain();
    const auto *chain = find_chain(name);
    if (!chain)
        throw UsageError(fmt::format("unknown chain '{}' (one of {})", name, chain_names()));
    return *chain;
}

} // namespace

Config load(const Globals &g, bool with_regions) {
    const auto env = process_env();
    const auto path = resolve_config_path(g.config, env, file_exists);
    const auto named = env("ALIMI_CONFIG");
    if (!g.config && (!named || named->empty()) && !file_exists(path)) {
        const auto toml = default_config_path(env);
        throw UsageError(fmt::format(
            "no config found: looked at -c (not given), $ALIMI_CONFIG (not set), {} and {}; "
            "write a starter one with: alimi init",
            toml, toml.substr(0, toml.size() - 4) + "json"));
    }
    auto cfg = load_config(path, env);
    log::set_secrets(cfg.secrets()); // answers quoted in errors may echo one
    if (with_regions && !cfg.region_targets.empty())
        regions_from_state(cfg, *open_existing(state_path(g, cfg)));
    return cfg;
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

void require_push_ready(const Config &cfg) {
    if (!cfg.push_problems.empty())
        throw ConfigError(cfg.push_problems);
}

void require_known_targets(const Config &cfg, const std::vector<std::string> &names) {
    const auto region = [&](const std::string &n) {
        return std::any_of(cfg.region_targets.begin(), cfg.region_targets.end(),
                           [&](const TargetConfig &t) { return t.name == n; });
    };
    for (const auto &n : names)
        if (cfg.targets_named(n).empty() && !region(n))
            throw UsageError(unknown_name("target", n, cfg.targets, cfg.path));
}

int cmd_check(const Globals &g, const CheckOptions &opt) {
    auto cfg = load(g, false);
    if (!opt.dry_run)
        require_push_ready(cfg);
    warn_if_secret_exposed(cfg, log::Level::info);
    require_known_targets(cfg, opt.targets);
    if (opt.dry_run) {
        auto store = open_existing(state_path(g, cfg));
        const int unresolved = refresh_regions(cfg, *store, system_io(), false);
        const auto outcome = run_check(cfg, *store, opt, std::cout);
        return outcome.targets_failed + unresolved ? k_exit_failed : k_exit_ok;
    }
    std::string lock_path;
    auto state =
        open_for_check(state_place(g.state, cfg, opt.adopt), k_lock_wait_seconds, lock_path);
    if (!state) {
        log::error("another alimi check has held {} for {} s; this run skipped", lock_path,
                   k_lock_wait_seconds);
        return k_exit_failed;
    }
    install_stop_handlers(); // from here a SIGTERM saves what the run learnt and pings /fail
    ping(cfg, "/start");
    const int unresolved = refresh_regions(cfg, *state->store, system_io(), true);
    auto outcome = run_check(cfg, *state->store, opt, std::cout);
    outcome.targets_failed += unresolved; // a region whose theaters are not known yet
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

int cmd_status(const Globals &g, const StatusOptions &opt) {
    const auto cfg = load(g);
    const auto path = state_path(g, cfg);
    const bool exists = file_exists(path);
    auto store = open_existing(path);
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
    else if (!files && !exists)
        std::cout << fmt::format("no state yet at {}: no check has run with this config\n", path);
    else if (!files) {
        std::cout << terminal_safe(status_table(report.rows, now));
        if (report.ntfy_configured)
            std::cout << (report.ntfy ? fmt::format("ntfy: {:g} subscribers, {:g} visitors\n",
                                                    report.ntfy->subscribers, report.ntfy->visitors)
                                      : std::string("ntfy: unknown\n"));
        std::cout << fmt::format("state: {}\n", path);
    }
    // `alimi status && ...` in scripts: 1 while a target fails or a refused push is held.
    const bool failing = std::any_of(report.rows.begin(), report.rows.end(), [](const auto &r) {
        return r.health.consecutive_failures > 0;
    });
    return failing || !store->notifiers_holding().empty() ? k_exit_failed : k_exit_ok;
}

int cmd_history(const Globals &g, const HistoryOptions &opt) {
    const auto cfg = load(g);
    const auto since = parse_duration(opt.since);
    if (!since)
        throw UsageError(
            fmt::format("--since '{}': use a number with s, m, h, d or w, like 7d", opt.since));
    auto store = open_existing(state_path(g, cfg));
    auto events = store->events(opt.target, now_utc() - std::chrono::seconds(*since), 100000);
    std::reverse(events.begin(), events.end()); // oldest first, like a log
    std::cout << (opt.json ? history_json(events) : terminal_safe(history_text(events)));
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

int cmd_validate(const Globals &g, bool online) {
    const auto cfg = load(g);
    require_push_ready(cfg); // validate answers for check, which pushes
    warn_if_secret_exposed(cfg, log::Level::error);
    for (const auto &t : cfg.targets)
        if (const auto note = t.chain->retired_note(t); !note.empty())
            log::error("{}: target '{}': warning: {}", t.where, t.name, note);
    if (online) {
        OnlineCheck check(cfg);
        std::vector<std::string> problems;
        for (const auto &t : cfg.targets)
            for (auto &p : check.problems(t))
                problems.push_back(std::move(p));
        for (const auto &r : cfg.region_targets)
            if (auto p = check.region_problem(r); !p.empty())
                problems.push_back(std::move(p));
        if (!problems.empty())
            throw ConfigError(problems);
        if (check.unreachable > 0) {
            log::error("{}: {} lookup(s) failed: the site could not be asked (see above)", cfg.path,
                       check.unreachable);
            return k_exit_failed;
        }
    }
    log::info("{}: ok ({} targets, {} notifiers{})", cfg.path, cfg.targets.size(),
              cfg.notifiers.size(), online ? ", every code known to its site" : "");
    return k_exit_ok;
}

int cmd_notify_test(const Globals &g, const std::vector<std::string> &names) {
    const auto cfg = load(g);
    require_push_ready(cfg);
    warn_if_secret_exposed(cfg, log::Level::error);
    for (const auto &n : names)
        if (!cfg.notifier(n))
            throw UsageError(unknown_name("notifier", n, cfg.notifiers, cfg.path));
    if (cfg.notifiers.empty())
        throw UsageError(fmt::format("{} has no [[notifier]]", cfg.path));
    std::vector<std::string> delivered;
    const int rc = notify_test(cfg, names, std::cout, delivered);
    // The notifier works now (a /start sent to the bot, an ntfy access granted): what it
    // refused before goes out.
    release_held(g, cfg, delivered);
    return rc;
}

int cmd_theaters(const Globals &g, const std::string &query, const DiscoverArgs &d) {
    const auto &chain = chosen_chain(d.chain);
    const auto cfg = discovery_config(g);
    auto opt = discover_options(cfg, chain, d.api, d.json);
    if (cooling(g, cfg, opt.api))
        return k_exit_failed;
    ClientAsker asker(cfg ? cfg->http : HttpSettings{});
    opt.asker = &asker;
    return chain.list_theaters(opt, query, std::cout);
}

int cmd_movies(const Globals &g, const std::string &theater, const std::string &screen,
               const DiscoverArgs &d) {
    const auto &chain = chosen_chain(d.chain);
    if (theater.empty() && !d.upcoming)
        throw UsageError("movies: THEATER is required (a code from: alimi theaters), except with "
                         "--upcoming");
    if (auto problem = theater.empty() ? "" : chain.theater_code_problem(theater); !problem.empty())
        throw UsageError(problem);
    if (d.upcoming && !screen.empty())
        throw UsageError("movies: --upcoming lists films, not showings: drop --screen");
    const auto &screens = chain.screens();
    if (!screen.empty() && std::find(screens.begin(), screens.end(), screen) == screens.end())
        throw UsageError(fmt::format("unknown screen '{}' for {} (one of {})", screen, chain.name(),
                                     fmt::join(screens, ", ")));
    const auto cfg = discovery_config(g);
    auto opt = discover_options(cfg, chain, d.api, d.json);
    if (cooling(g, cfg, opt.api))
        return k_exit_failed;
    ClientAsker asker(cfg ? cfg->http : HttpSettings{});
    opt.asker = &asker;
    if (d.upcoming)
        return chain.list_upcoming(opt, theater, std::cout);
    return chain.list_movies(opt, theater, screen, std::cout);
}

} // namespace alimi
