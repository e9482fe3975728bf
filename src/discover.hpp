// `alimi theaters` and `alimi movies`: what every chain's discovery is given (see Chain).
#pragma once

#include "config.hpp"

#include <ostream>
#include <string>

namespace alimi {

struct DiscoverOptions {
    std::string api; // the chain's API base
    HttpSettings http;
    bool json = false;
};

} // namespace alimi
