#include "cli.hpp"

#include "alimi_version.h"
#include "chain.hpp"
#include "commands.hpp"
#include "error_text.hpp"
#include "text.hpp"

#include <CLI/CLI.hpp>

#include <charconv>
#include <cmath>
#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <set>

namespace alimi {

namespace {

// A number of seconds from lo to hi. CLI::Range lets "nan" through (no comparison with it is
// true), and a NaN or infinite spread would make every wait undefined.
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

// Runs the chosen command, turning exceptions into the documented exit codes, each said once.
template <typename F> int guarded(F &&command) {
    try {
        return command();
    } catch (const ConfigError &e) {
        for (const auto &p : e.problems())
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

// The first word on the command line that is neither an option nor an option's value, when it
// names no command ("" otherwise): what a typo like `alimi chek` leaves.
std::string unknown_command(const CLI::App &app, int argc, char **argv) {
    static const std::set<std::string> k_takes_value = {"-c", "--config", "--state",
                                                        "--log-format"};
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (k_takes_value.contains(word)) {
            ++i;
            continue;
        }
        if (word.starts_with("-"))
            continue;
        const auto subs = app.get_subcommands([](const CLI::App *) { return true; });
        const bool known = std::any_of(subs.begin(), subs.end(),
                                       [&](const CLI::App *s) { return s->get_name() == word; });
        return known ? "" : word;
    }
    return "";
}

int say_unknown_command(const CLI::App &app, const std::string &word) {
    std::vector<std::string> names;
    for (const auto *s : app.get_subcommands([](const CLI::App *) { return true; }))
        names.push_back(s->get_name());
    const auto guess = nearest(word, names);
    if (guess.empty())
        log::error("unknown command '{}'; see: alimi --help", one_line(word, 40));
    else
        log::error("unknown command '{}'; did you mean '{}'?", one_line(word, 40), guess);
    return k_exit_usage;
}

// Every usage line names the program: "Usage: alimi check [OPTIONS] [TARGET...]".
class AlimiFormatter final : public CLI::Formatter {
  public:
    std::string make_usage(const CLI::App *app, std::string name) const override {
        if (!name.starts_with("alimi"))
            name = "alimi " + name;
        return CLI::Formatter::make_usage(app, name);
    }
};

// The command the parser was in when it stopped: the deepest one it had started on.
const CLI::App &parsed_command(const CLI::App &app) {
    for (const auto *s : app.get_subcommands([](const CLI::App *) { return true; }))
        if (s->parsed())
            return parsed_command(*s);
    return app;
}

// The long option names of a command, for suggestions.
std::vector<std::string> option_names(const CLI::App &cmd) {
    std::vector<std::string> out;
    for (const auto *o : cmd.get_options())
        for (const auto &n : o->get_lnames())
            out.push_back("--" + n);
    return out;
}

// A parse error in the house style: "alimi: check: unknown option '--jsn'; did you mean
// '--json'?", naming the command and its help, once, on stderr.
int say_parse_error(const CLI::App &app, const CLI::ParseError &e) {
    const auto &cmd = parsed_command(app);
    const auto where = cmd.get_parent() ? cmd.get_name() + ": " : std::string();
    const auto help = cmd.get_parent() ? "alimi " + cmd.get_name() + " --help" : "alimi --help";
    std::string what = e.what();
    constexpr std::string_view k_extra = "The following argument was not expected: ";
    constexpr std::string_view k_extras = "The following arguments were not expected: ";
    for (const auto prefix : {k_extra, k_extras})
        if (what.starts_with(prefix)) {
            const auto word =
                what.substr(prefix.size(), what.find(' ', prefix.size()) - prefix.size());
            const auto guess = word.starts_with("-") ? nearest(word, option_names(cmd)) : "";
            log::error("{}unexpected {} '{}'; {}", where,
                       word.starts_with("-") ? "option" : "argument", one_line(word, 40),
                       guess.empty() ? "see: " + help : "did you mean '" + guess + "'?");
            return k_exit_usage;
        }
    log::error("{}{} (see: {})", where, one_line(what, 300), help);
    return k_exit_usage;
}

int print_help(CLI::App &app, const std::string &topic) {
    if (topic.empty()) {
        // app.help() would explain the `help` command itself, the one that was parsed.
        std::cout << app.get_formatter()->make_help(&app, "alimi", CLI::AppFormatMode::Normal);
        return k_exit_ok;
    }
    for (const auto *s : app.get_subcommands([](const CLI::App *) { return true; }))
        if (s->get_name() == topic) {
            std::cout << s->help();
            return k_exit_ok;
        }
    return say_unknown_command(app, topic);
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
    app.formatter(std::make_shared<AlimiFormatter>());
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
                 "Print nothing but config and usage errors; the exit status tells the rest");
    std::string log_format = "text";
    app.add_option("--log-format", log_format,
                   "Diagnostics as text (default) or json lines, for journald pipelines")
        ->check(CLI::IsMember({"text", "json"}));

    CheckOptions check;
    auto *c = app.add_subcommand("check", "Fetch every target once, push new openings, exit");
    c->add_flag("--dry-run", check.dry_run,
                "Fetch and compare, but change no state and push nothing");
    c->add_flag("--json", check.json, "Print one JSON object per new opening on stdout");
    c->add_option("--spread", check.spread,
                  "Space the run's requests over SECONDS (e.g. 45 under a one-minute cron), "
                  "theater by theater, each theater's pushes sent as soon as it is checked")
        ->check(seconds_between(0, 3600))
        ->type_name("SECONDS");
    c->add_flag("--adopt", check.adopt,
                "Take over the default state of a config that is missing, even when its targets "
                "are not this config's");
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

    std::string shown;
    bool show_json = false;
    auto *sh = app.add_subcommand(
        "show", "One target: its definition, what it knows, its health and pending pushes");
    sh->add_option("TARGET", shown, "The target's name")->required();
    sh->add_flag("--json", show_json, "A JSON object instead of text");

    std::string tested;
    bool test_json = false;
    auto *te = app.add_subcommand(
        "test", "Fetch one target now and print what it sees; stores and pushes nothing");
    te->add_option("TARGET", tested, "The target's name")->required();
    te->add_flag("--json", test_json, "A JSON object instead of text");

    InitOptions init;
    auto *in = app.add_subcommand(
        "init", "Write a starter config with a ntfy topic of your own (never overwrites)");
    in->add_option("--theater", init.theater,
                   "Theater code (default: the chain's example: " + example_theaters() + ")");
    in->add_option("--screen", init.screen, "Screen type, like imax (default: the chain's first)");
    in->add_option("--movie", init.movie, "Watch one movie's play dates (a movie code)");
    in->add_option(
        "--chain", init.chain,
        fmt::format("Cinema chain: {} (default {})", chain_names(), default_chain().name()));
    in->add_option("--api", init.api, "The chain's API base, written into the config");
    in->add_flag("--offline", init.offline, "Write without looking the codes up on the site");

    std::string keep;
    auto *pr = app.add_subcommand(
        "prune", "Delete history older than --keep (default [status] keep_days) now");
    pr->add_option("--keep", keep, "How much history to keep: 90d, 4w, ...");

    bool online = false;
    auto *v = app.add_subcommand(
        "validate", "Check the config; exit 0 when valid, 2 with every problem otherwise");
    bool validate_json = false;
    v->add_flag("--json", validate_json,
                "Print {\"valid\", \"errors\", ...} as JSON on stdout (same exit status)");
    v->add_flag("--online", online,
                "Also look every target's theater and movie up on its chain's site");

    std::vector<std::string> notifier_names;
    auto *n =
        app.add_subcommand("notify-test", "Send a test push to every notifier (or the named ones)");
    n->add_option("NOTIFIER", notifier_names, "Notifier names");

    std::vector<std::string> retried;
    auto *rt = app.add_subcommand(
        "retry", "Release pushes a notifier refused (held) and send what is due now");
    rt->add_option("NOTIFIER", retried, "Only these notifiers' held pushes (default: all)");

    std::string cooled;
    auto *cd = app.add_subcommand("cooldown", "Manage the silences sites asked for");
    auto *cdc =
        cd->add_subcommand("clear", "End a host's cool-down now (the site may refuse again)");
    cdc->add_option("HOST", cooled, "The host, like cgv.co.kr (default: every host)");
    cd->require_subcommand(1);

    bool list_json = false;
    auto *ls = app.add_subcommand(
        "list", "The targets: what each watches, by name where known, and where it pushes");
    ls->add_flag("--json", list_json, "A JSON array instead of lines");
    std::string names_of;
    ls->add_option("--names", names_of,
                   "Only names, one a line: targets, notifiers, chains or screens (completions)");

    std::string query, theater, screen;
    DiscoverArgs discover;
    const auto chains_help =
        fmt::format("Cinema chain: {} (default {})", chain_names(), default_chain().name());
    const auto api_help = std::string("API base (default: the chain's table in the config, e.g. "
                                      "[cgv] api, or the chain's own site)");
    auto *th = app.add_subcommand("theaters", fmt::format("Look up theater codes ({} by default)",
                                                          default_chain().display_name()));
    th->add_option("QUERY", query, "Part of a theater's name (Korean is fine) or its code");
    th->add_option("--chain", discover.chain, chains_help);
    th->add_flag("--json", discover.json, "A JSON array instead of lines");
    th->add_option("--api", discover.api, api_help);
    auto *mv = app.add_subcommand(
        "movies", "List bookable movies with their codes, and whether they play at THEATER");
    mv->add_option("THEATER", theater,
                   "Theater code: " + example_theaters() + "; optional with --upcoming");
    mv->add_option("--screen", screen, "Only movies shown on this screen: " + screens_by_chain());
    mv->add_option("--chain", discover.chain, chains_help);
    mv->add_flag("--json", discover.json, "A JSON array instead of the table");
    mv->add_flag("--upcoming", discover.upcoming,
                 "Films the chain lists before they go on sale (or says it lists none)");
    mv->add_option("--api", discover.api, api_help);

    DoctorOptions doctor;
    auto *dr = app.add_subcommand(
        "doctor", "Check config, state, clock, sites, codes and notifiers, one line each");
    dr->add_flag("--online", doctor.online, "Ask each site and notifier server once");
    dr->add_flag("--push", doctor.push, "Also send a test push to every notifier");

    std::string help_topic;
    auto *hp = app.add_subcommand("help", "Show this help, or a command's: alimi help check");
    hp->add_option("COMMAND", help_topic, "The command to explain");

    if (argc < 2) { // a bare `alimi`: what it can do, not a parser's complaint
        std::cout << app.help();
        return k_exit_usage;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        if (const auto word = unknown_command(app, argc, argv); !word.empty())
            return say_unknown_command(app, word);
        if (e.get_exit_code() == 0) // --help, --version
            return app.exit(e);
        return say_parse_error(app, e);
    }
    if (hp->parsed())
        return print_help(app, help_topic);
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
    if (sh->parsed())
        return guarded([&] { return cmd_show(g, shown, show_json); });
    if (te->parsed())
        return guarded([&] { return cmd_test(g, tested, test_json); });
    if (in->parsed())
        return guarded([&] { return cmd_init(g, init); });
    if (pr->parsed())
        return guarded([&] { return cmd_prune(g, keep); });
    if (v->parsed())
        return guarded(
            [&] { return validate_json ? cmd_validate_json(g, online) : cmd_validate(g, online); });
    if (n->parsed())
        return guarded([&] { return cmd_notify_test(g, notifier_names); });
    if (rt->parsed())
        return guarded([&] { return cmd_retry(g, retried); });
    if (cdc->parsed())
        return guarded([&] { return cmd_cooldown_clear(g, cooled); });
    if (ls->parsed())
        return guarded([&] { return cmd_list(g, list_json, names_of); });
    if (th->parsed())
        return guarded([&] { return cmd_theaters(g, query, discover); });
    if (dr->parsed())
        return guarded([&] { return cmd_doctor(g, doctor); });
    if (mv->parsed())
        return guarded([&] { return cmd_movies(g, theater, screen, discover); });
    return k_exit_usage;
}

} // namespace alimi
