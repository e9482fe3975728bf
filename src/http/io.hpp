// What the sequencers reach the world through: a transport for each HTTP client they make and
// the clock. The program's are libcurl and the system clock; unit tests of the sequencer give an
// in-memory world and a clock of their own.
#pragma once

#include "http_settings.hpp"
#include "timeutil.hpp"
#include "transport.hpp"

#include <functional>
#include <memory>
#include <string>

namespace alimi {

using TransportMaker =
    std::function<std::unique_ptr<Transport>(const HttpSettings &, const std::string &user_agent)>;

struct Io {
    TransportMaker transport; // empty: libcurl
    std::function<TimePoint()> now = now_utc;
};

// libcurl and the system clock.
inline const Io &system_io() {
    static const Io io;
    return io;
}

} // namespace alimi
