#include "cli.hpp"

#include <csignal>

int main(int argc, char **argv) {
    // A full disk or a file-size limit must surface as a write error that rolls the transaction
    // back and exits 3, not as SIGXFSZ killing the process mid-commit.
    std::signal(SIGXFSZ, SIG_IGN);
    return alimi::run_cli(argc, argv);
}
