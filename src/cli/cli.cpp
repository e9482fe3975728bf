#include "cli.hpp"

#include "alimi_version.h"
#include "commands.hpp"
#include "error_text.hpp"
#include "subcommands.hpp"
#include "text.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <set>

namespace alimi {

namespace {

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

} // namespace

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

namespace {

// The options before the command: config, state, verbosity, log format.
void declare_globals(CLI::App &app, Globals &g, std::string &log_format) {
    app.add_option("-c,--config", g.config,
                   "Config file (.toml or .json); default $ALIMI_CONFIG, "
                   "then $XDG_CONFIG_HOME/alimi/config.toml");
    app.add_option("--state", g.state,
                   "State database; default from the config, $ALIMI_STATE, "
                   "$STATE_DIRECTORY or $XDG_STATE_HOME/alimi/state.db");
    app.add_flag("-v,--verbose", g.verbose, "More detail on stderr (-vv: every request)");
    app.add_flag("-q,--quiet", g.quiet,
                 "Print nothing but config and usage errors; the exit status tells the rest");
    app.add_option("--log-format", log_format,
                   "Diagnostics as text (default) or json lines, for journald pipelines")
        ->check(CLI::IsMember({"text", "json"}));
}

void set_logging(const Globals &g, const std::string &log_format) {
    log::set_level(g.quiet          ? log::Level::quiet
                   : g.verbose >= 2 ? log::Level::debug
                   : g.verbose == 1 ? log::Level::info
                                    : log::Level::error);
    log::set_format(log_format == "json" ? log::Format::json : log::Format::text);
}

} // namespace

int run_cli(int argc, char **argv) {
    CLI::App app{
        "alimi: tells you the moment movie booking opens at CGV, Megabox and Lotte Cinema (IMAX, "
        "4DX, Dolby Cinema, SuperPlex, ...).\n"
        "Exit status: 0 ok, 1 a target failed or a push is pending, 2 usage or config error, "
        "3 state database error.",
        "alimi"};
    app.formatter(std::make_shared<AlimiFormatter>());
    app.set_version_flag("--version", std::string("alimi ") + ALIMI_VERSION);
    app.require_subcommand(1);
    app.fallthrough();
    Args args;
    std::string log_format = "text";
    declare_globals(app, args.g, log_format);
    std::vector<std::pair<CLI::App *, const Subcommand *>> added;
    for (const auto &s : subcommands()) {
        auto *cmd = app.add_subcommand(s.name, s.help);
        s.declare(*cmd, args);
        added.emplace_back(cmd, &s);
    }
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
    set_logging(args.g, log_format);
    for (const auto &[cmd, s] : added)
        if (cmd->parsed())
            return s->run(app, args);
    return k_exit_usage;
}

} // namespace alimi
