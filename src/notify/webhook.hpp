// Any HTTP endpoint that takes JSON (Home Assistant, n8n, Apprise API, relays): one documented
// body, {"title", "message", "priority", "target", "chain", "link", "openings": [...]}, where each
// opening is the object `check --json` prints. Any 2xx is delivered.
#pragma once

#include "channel.hpp"

#include <utility>
#include <vector>

namespace alimi {

struct WebhookSettings final : ChannelSettings {
    std::string url; // may hold a key in its path or query: never printed
    std::vector<std::pair<std::string, std::string>> headers;
    // Values of headers that carry credentials (Authorization, *token*, *key*, ... or read from
    // the environment): redacted from every text.
    std::vector<std::string> secret_values;
};

const Channel &webhook_channel();

// The JSON body for m: its text fields and its data (target, chain, openings).
std::string webhook_body(const PushMessage &m);

HttpRequest webhook_request(const WebhookSettings &s, const PushMessage &m);

// 2xx delivered; 429 waits Retry-After; other 4xx are refusals; the rest retries.
Delivery interpret_webhook(const HttpResult &answer);

} // namespace alimi
