#include "subcommands.hpp"

#include "chain.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <iostream>

namespace alimi {

// from_chars, not stod: "45s", "1e9" past the bound, "nan" and "inf" are all refused with
// the range in the message, as the contract's usage errors are.
CLI::Validator seconds_between(double lo, double hi) {
    return CLI::Validator(
        [lo, hi](const std::string &text) -> std::string {
            double v = 0;
            const auto *end = text.data() + text.size();
            const auto [at, ec] = std::from_chars(text.data(), end, v);
            if (ec != std::errc{} || at != end || !std::isfinite(v) || v < lo || v > hi)
                return fmt::format("'{}' is not a number of seconds from {:g} to {:g}", text, lo,
                                   hi);
            return "";
        },
        fmt::format("({:g}-{:g})", lo, hi));
}

// The one place errors become exit codes (2 usage or config, 3 state, 1 anything else),
// so every command keeps the contract's codes without its own try block.
int guarded(const std::function<int()> &command) {
    try {
        return command();
    } catch (const ConfigError &e) {
        for (const auto &p : e.problems())
            // Config problems print even under --quiet: a user who asked for silence still has to
            // know why nothing runs.
            log::always("{}", p);
        return k_exit_usage;
    } catch (const UsageError &e) {
        log::always("{}", e.what());
        return k_exit_usage;
    } catch (const StoreError &e) {
        log::error("{}", e.what());
        return k_exit_state;
    } catch (const std::exception &e) {
        log::error("{}", e.what());
        return k_exit_failed;
    }
}

namespace {

// From the chain registry, so a new chain shows up in --help with no edit here.
std::string chains_help() {
    return fmt::format("Cinema chain: {} (default {})", chain_names(), default_chain().name());
}

constexpr const char *k_api_help =
    "API base (default: the chain's table in the config, e.g. [cgv] api, or the chain's own site)";

// Flags only declare; what they mean lives in cmd_check, which the tests drive directly.
void declare_check(CLI::App &c, Args &a) {
    c.add_flag("--dry-run", a.check.dry_run,
               "Fetch and compare, but change no state and push nothing");
    c.add_flag("--json", a.check.json, "Print one JSON object per new opening on stdout");
    c.add_option("--spread", a.check.spread,
                 "Space the run's requests over SECONDS (e.g. 45 under a one-minute cron), "
                 "theater by theater, each theater's pushes sent as soon as it is checked")
        ->check(seconds_between(0, 3600))
        ->type_name("SECONDS");
    c.add_flag("--adopt", a.check.adopt,
               "Take over the default state of a config that is missing, even when its targets "
               "are not this config's");
    c.add_option("TARGET", a.check.targets, "Only these targets (default: all)");
}

void declare_status(CLI::App &c, Args &a) {
    c.add_flag("--json", a.status.json, "A JSON array instead of the table");
    c.add_option("--html", a.status.html, "Write a self-contained status page to this file");
    c.add_option("--prom", a.status.prom,
                 "Write Prometheus text (node_exporter textfile) to this file");
}

void declare_history(CLI::App &c, Args &a) {
    c.add_option("TARGET", a.history.target, "Only this target");
    c.add_option("--since", a.history.since, "How far back: 30m, 12h, 7d (default), 4w");
    c.add_flag("--json", a.history.json, "A JSON array instead of lines");
}

// show and test: one target by name, text or JSON.
void declare_one_target(CLI::App &c, Args &a) {
    c.add_option("TARGET", a.target, "The target's name")->required();
    c.add_flag("--json", a.json, "A JSON object instead of text");
}

void declare_init(CLI::App &c, Args &a) {
    c.add_option("--theater", a.init.theater,
                 "Theater code (default: the chain's example: " + example_theaters() + ")");
    c.add_option("--screen", a.init.screen, "Screen type, like imax (default: the chain's first)");
    c.add_option("--movie", a.init.movie, "Watch one movie's play dates (a movie code)");
    c.add_option("--chain", a.init.chain, chains_help());
    c.add_option("--api", a.init.api, "The chain's API base, written into the config");
    c.add_flag("--offline", a.init.offline, "Write without looking the codes up on the site");
}

void declare_validate(CLI::App &c, Args &a) {
    c.add_flag("--json", a.json,
               "Print {\"valid\", \"errors\", ...} as JSON on stdout (same exit status)");
    c.add_flag("--online", a.online,
               "Also look every target's theater and movie up on its chain's site");
}

void declare_cooldown(CLI::App &c, Args &a) {
    auto *clear =
        c.add_subcommand("clear", "End a host's cool-down now (the site may refuse again)");
    clear->add_option("HOST", a.host, "The host, like cgv.co.kr (default: every host)");
    c.require_subcommand(1);
}

void declare_list(CLI::App &c, Args &a) {
    c.add_flag("--json", a.json, "A JSON array instead of lines");
    c.add_option("--names", a.names_of,
                 "Only names, one a line: targets, notifiers, chains or screens (completions)");
}

void declare_theaters(CLI::App &c, Args &a) {
    c.add_option("QUERY", a.query, "Part of a theater's name (Korean is fine) or its code");
    c.add_option("--chain", a.discover.chain, chains_help());
    c.add_flag("--json", a.discover.json, "A JSON array instead of lines");
    c.add_option("--api", a.discover.api, k_api_help);
}

void declare_movies(CLI::App &c, Args &a) {
    c.add_option("THEATER", a.theater,
                 "Theater code: " + example_theaters() + "; optional with --upcoming");
    c.add_option("--screen", a.screen, "Only movies shown on this screen: " + screens_by_chain());
    c.add_option("--chain", a.discover.chain, chains_help());
    c.add_flag("--json", a.discover.json, "A JSON array instead of the table");
    c.add_flag("--upcoming", a.discover.upcoming,
               "Films the chain lists before they go on sale (or says it lists none)");
    c.add_option("--api", a.discover.api, k_api_help);
}

void declare_doctor(CLI::App &c, Args &a) {
    c.add_flag("--online", a.doctor.online, "Ask each site and notifier server once");
    c.add_flag("--push", a.doctor.push, "Also send a test push to every notifier");
}

// One row per command: its name, help, flags and action. `alimi --help` is made from it,
// and the tests hold the man page to that help, command by command and flag by flag.
std::vector<Subcommand> table() {
    // In the order `alimi --help` lists them.
    return {
        {"check", "Fetch every target once, push new openings, exit", declare_check,
         [](CLI::App &, Args &a) { return guarded([&] { return cmd_check(a.g, a.check); }); }},
        {"status", "One row of health per target", declare_status,
         [](CLI::App &, Args &a) { return guarded([&] { return cmd_status(a.g, a.status); }); }},
        {"history", "Openings found, pushes, errors: what happened lately", declare_history,
         [](CLI::App &, Args &a) { return guarded([&] { return cmd_history(a.g, a.history); }); }},
        {"show", "One target: its definition, what it knows, its health and pending pushes",
         declare_one_target,
         [](CLI::App &, Args &a) {
             return guarded([&] { return cmd_show(a.g, a.target, a.json); });
         }},
        {"test", "Fetch one target now and print what it sees; stores and pushes nothing",
         declare_one_target,
         [](CLI::App &, Args &a) {
             return guarded([&] { return cmd_test(a.g, a.target, a.json); });
         }},
        {"init", "Write a starter config with a ntfy topic of your own (never overwrites)",
         declare_init,
         [](CLI::App &, Args &a) { return guarded([&] { return cmd_init(a.g, a.init); }); }},
        {"prune", "Delete history older than --keep (default [status] keep_days) now",
         [](CLI::App &c, Args &a) {
             c.add_option("--keep", a.keep, "How much history to keep: 90d, 4w, ...");
         },
         [](CLI::App &, Args &a) { return guarded([&] { return cmd_prune(a.g, a.keep); }); }},
        {"validate", "Check the config; exit 0 when valid, 2 with every problem otherwise",
         declare_validate,
         [](CLI::App &, Args &a) {
             return guarded([&] {
                 return a.json ? cmd_validate_json(a.g, a.online) : cmd_validate(a.g, a.online);
             });
         }},
        {"notify-test", "Send a test push to every notifier (or the named ones)",
         [](CLI::App &c, Args &a) { c.add_option("NOTIFIER", a.names, "Notifier names"); },
         [](CLI::App &, Args &a) {
             return guarded([&] { return cmd_notify_test(a.g, a.names); });
         }},
        {"retry", "Release pushes a notifier refused (held) and send what is due now",
         [](CLI::App &c, Args &a) {
             c.add_option("NOTIFIER", a.names, "Only these notifiers' held pushes (default: all)");
         },
         [](CLI::App &, Args &a) { return guarded([&] { return cmd_retry(a.g, a.names); }); }},
        {"cooldown", "Manage the silences sites asked for", declare_cooldown,
         [](CLI::App &, Args &a) {
             return guarded([&] { return cmd_cooldown_clear(a.g, a.host); });
         }},
        {"list", "The targets: what each watches, by name where known, and where it pushes",
         declare_list,
         [](CLI::App &, Args &a) {
             return guarded([&] { return cmd_list(a.g, a.json, a.names_of); });
         }},
        {"theaters",
         fmt::format("Look up theater codes ({} by default)", default_chain().display_name()),
         declare_theaters,
         [](CLI::App &, Args &a) {
             return guarded([&] { return cmd_theaters(a.g, a.query, a.discover); });
         }},
        {"movies", "List bookable movies with their codes, and whether they play at THEATER",
         declare_movies,
         [](CLI::App &, Args &a) {
             return guarded([&] { return cmd_movies(a.g, a.theater, a.screen, a.discover); });
         }},
        {"doctor", "Check config, state, clock, sites, codes and notifiers, one line each",
         declare_doctor,
         [](CLI::App &, Args &a) { return guarded([&] { return cmd_doctor(a.g, a.doctor); }); }},
        {"help", "Show this help, or a command's: alimi help check",
         [](CLI::App &c, Args &a) {
             c.add_option("COMMAND", a.help_topic, "The command to explain");
         },
         [](CLI::App &app, Args &a) { return print_help(app, a.help_topic); }},
    };
}

} // namespace

const std::vector<Subcommand> &subcommands() {
    static const auto k_table = table();
    return k_table;
}

} // namespace alimi
