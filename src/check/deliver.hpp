// Delivery: the outbox's due pushes and `alimi notify-test`, over any channel.
#pragma once

#include "io.hpp"
#include "settings.hpp"
#include "store.hpp"

#include <ostream>
#include <set>
#include <string>
#include <vector>

namespace alimi {

// What a push queued now for notifier n of cfg remembers of where it goes.
PushRoute push_route(const Config &cfg, const NotifierConfig &n);

// Delivers due pushes of the outbox except those in tried (the ones this run has already sent,
// which it adds to); returns how many are still pending afterwards.
int deliver_pending(const Config &cfg, Store &store, TimePoint now, std::set<long long> &tried,
                    const Io &io = system_io());

// HTTP settings for pushes: the user's timeout, none of the spacing meant for CGV.
HttpSettings push_settings(const HttpSettings &s);

// `alimi notify-test [NAME]`: one test push per notifier (or the named one), straight, not queued.
// Prints one line per notifier with the server's answer; returns the exit code.
// delivered: the names of the notifiers that took the test push.
int notify_test(const Config &cfg, const std::vector<std::string> &names, std::ostream &out,
                std::vector<std::string> &delivered);

} // namespace alimi
