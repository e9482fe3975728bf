// Status outputs and outside signals: gathering a StatusReport from the store, writing the page
// and the Prometheus file atomically, reading a ntfy server's metrics, pinging a dead-man's switch.
// None of these may fail a check: they log and carry on.
#pragma once

#include "settings.hpp"
#include "status_page.hpp"
#include "store.hpp"

#include <string>

namespace alimi {

StatusReport gather_report(const Config &cfg, Store &store, TimePoint now, bool read_ntfy);

// Writes PATH.tmp-PID beside PATH, then renames it over PATH: readers never see half a file.
void write_file_atomic(const std::string &path, const std::string &content);

// Refreshes [status] html and prometheus when configured; logs failures.
void refresh_status_files(const Config &cfg, Store &store, TimePoint now);

// GET/POST [status] ping_url + suffix ("/start", "", "/fail"); logs failures at -v.
void ping(const Config &cfg, const std::string &suffix, const std::string &body = "");

} // namespace alimi
