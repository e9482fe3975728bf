// What discovery's look-ups (`theaters`, `movies`, validate's and region lists' reads) go through:
// the Io in their options, or libcurl and the system clock when none is given.
#pragma once

#include "discover.hpp"
#include "http.hpp"
#include "timeutil.hpp"

#include <string>

namespace alimi {

inline const Io &lookup_io(const DiscoverOptions &opt) {
    return opt.io ? *opt.io : system_io();
}

// A client for one look-up, over the options' transport and clock.
inline HttpClient lookup_client(const DiscoverOptions &opt) {
    return HttpClient(opt.http, {}, lookup_io(opt));
}

// "Today" at the cinemas by the options' clock.
inline std::string lookup_today(const DiscoverOptions &opt) {
    return iso_date(kst_date(lookup_io(opt).now()));
}

} // namespace alimi
