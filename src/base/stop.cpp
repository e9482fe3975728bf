#include "stop.hpp"

#include <csignal>

namespace alimi {

namespace {

volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_stop_signal(int signal) {
    g_signal = signal;
}

} // namespace

void install_stop_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    // Once: a second SIGTERM or Ctrl-C kills as it always did. No SA_RESTART, so a wait in
    // poll() wakes up at once.
    action.sa_flags = SA_RESETHAND;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
}

int stop_signal() {
    return g_signal;
}

void clear_stop() {
    g_signal = 0;
}

} // namespace alimi
