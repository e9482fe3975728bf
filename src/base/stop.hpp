// A run asked to stop (SIGTERM from systemd's TimeoutStartSec or `systemctl stop`, SIGINT from a
// terminal) ends cleanly instead of dying mid-transaction: the handler only raises a flag, the
// HTTP module abandons the requests of the check in flight, and the check records what it
// learnt, releases its lock and sends the /fail ping. A second signal kills as usual.
#pragma once

namespace alimi {

void install_stop_handlers();
// The signal that asked to stop, or 0.
int stop_signal();
// Forgets a stop signal: for a process that runs one check after another (the sequencer's unit
// tests); a command runs one check and exits.
void clear_stop();
inline bool stop_requested() {
    return stop_signal() != 0;
}

} // namespace alimi
