// The command line (with subcommands.hpp, the only place that includes CLI11). Maps every failure
// to the contract's exit codes: 0 ok, 1 a target failed or a push is pending, 2 usage or config, 3
// state database.
#pragma once

namespace alimi {

int run_cli(int argc, char **argv);

} // namespace alimi
