// `[http]`: how politely and how long alimi talks to a host. A value of its own, so the HTTP
// layer and discovery take it without the whole configuration.
#pragma once

#include <string>

namespace alimi {

struct HttpSettings {
    double timeout = 10;          // seconds per request, connect included
    int max_per_host = 2;         // concurrent requests to one host
    double min_gap = 1.0;         // seconds between request starts to one host
    std::string user_agent;       // empty: the built-in descriptive one
    int retries = 2;              // extra attempts per request for 5xx, resets and timeouts
    double cooldown_429 = 600;    // seconds of silence after a 429 without Retry-After
    double cooldown_block = 1800; // seconds of silence after a 403 or HTML block page
    long long max_body = 8 << 20; // bytes; larger answers are cut off and reported
};

} // namespace alimi
