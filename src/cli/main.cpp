#include "cli.hpp"

#include <csignal>

int main(int argc, char **argv) {
    // A full disk or a file-size limit must surface as a write error that rolls the transaction
    // back and exits 3, not as SIGXFSZ killing the process mid-commit.
    std::signal(SIGXFSZ, SIG_IGN);
    // A --json reader that goes away must not kill a run before it delivers its pushes: a
    // write to the closed pipe fails instead, and the run says so and goes on.
    std::signal(SIGPIPE, SIG_IGN);
    return alimi::run_cli(argc, argv);
}
