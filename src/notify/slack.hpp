// Slack incoming webhooks (chains-and-channels.md B2): text plus blocks with a button. Success is
// HTTP 200 with the body "ok"; errors are plain words (no_service, channel_not_found, ...).
#pragma once

#include "channel.hpp"

namespace alimi {

struct SlackSettings final : ChannelSettings {
    std::string webhook_url; // https://hooks.slack.com/services/T/B/X; X is the secret
};

const Channel &slack_channel();

HttpRequest slack_request(const SlackSettings &s, const PushMessage &m);

// "ok" is delivered; 429 waits Retry-After; 4xx words are refusals; the rest retries.
Delivery interpret_slack(const HttpResult &answer);

} // namespace alimi
