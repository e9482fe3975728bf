// `alimi theaters` and `alimi movies`: look codes up on the current site and print them.
#pragma once

#include "config.hpp"

#include <ostream>
#include <string>

namespace alimi {

struct DiscoverOptions {
    std::string api; // API base
    HttpSettings http;
    bool json = false;
};

// Prints matching theaters; returns the exit code (1 when the site failed or nothing matched).
int list_theaters(const DiscoverOptions &opt, const std::string &query, std::ostream &out);

// Prints bookable movies (national list, screen-filtered) and whether they play at the theater.
int list_movies(const DiscoverOptions &opt, const std::string &theater, const std::string &screen,
                std::ostream &out);

} // namespace alimi
