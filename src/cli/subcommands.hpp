// The subcommands as a table: each one's name, help, flags and what it runs. run_cli adds them to
// the parser in this order and runs the one parsed, so a new command is one entry here (and its
// cmd_ function, man page line and completions), not edits spread over run_cli.
#pragma once

#include "commands.hpp"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace alimi {

// What the flags of every subcommand are read into; one parse fills one command's part.
struct Args {
    Globals g;
    CheckOptions check;
    StatusOptions status;
    HistoryOptions history;
    InitOptions init;
    DiscoverArgs discover;
    DoctorOptions doctor;
    std::string target, keep, host, names_of, query, theater, screen, help_topic;
    std::vector<std::string> names;
    bool json = false, online = false;
};

struct Subcommand {
    const char *name;
    std::string help;
    void (*declare)(CLI::App &cmd, Args &a); // its flags and positionals, bound to a
    int (*run)(CLI::App &app, Args &a);      // after a parse that chose it
};

const std::vector<Subcommand> &subcommands();

// A number of seconds from lo to hi. CLI::Range lets "nan" through (no comparison with it is
// true), and a NaN or infinite spread would make every wait undefined.
CLI::Validator seconds_between(double lo, double hi);

// Runs the chosen command, turning exceptions into the documented exit codes, each said once.
int guarded(const std::function<int()> &command);

// `alimi help [COMMAND]`: the program's help, or one command's.
int print_help(CLI::App &app, const std::string &topic);

} // namespace alimi
