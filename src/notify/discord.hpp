// Discord webhooks: an embed per push. Discord wants a User-Agent and answers 429 with a JSON
// retry_after in seconds; the webhook URL holds a token, so it is never printed.
#pragma once

#include "channel.hpp"

namespace alimi {

struct DiscordSettings final : ChannelSettings {
    std::string webhook_url; // holds the webhook's token: never printed
};

const Channel &discord_channel();

HttpRequest discord_request(const NotifierConfig &notifier, const PushMessage &message);
Delivery interpret_discord(const HttpResult &answer);

} // namespace alimi
