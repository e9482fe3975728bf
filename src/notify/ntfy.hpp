// Publishing to ntfy (ntfy.md): the request is built and the answer read by pure functions; the
// HTTP module sends it. The token only ever lives in the Authorization header.
#pragma once

#include "channel.hpp"

#include <string>

namespace alimi {

struct NtfySettings final : ChannelSettings {
    std::string server = "https://ntfy.sh"; // no trailing slash
    std::string topic;
    std::string token;    // from token, token_env or the url shorthand; never printed
    std::string user;     // Basic auth, with password
    std::string password; // from password or password_env; never printed
    std::string icon;     // X-Icon URL
    bool markdown = false;
};

const Channel &ntfy_channel();

// POST server/topic with the body as the message and everything else in X- headers, non-ASCII
// values as RFC 2047 words. sequence_id is stable per push, so a repeat replaces on new servers.
HttpRequest ntfy_request(const NtfySettings &notifier, const PushMessage &message,
                         const std::string &sequence_id);

// What ntfy's answer means for the outbox: decided from ntfy's JSON error code where there is one.
Delivery interpret_ntfy(const HttpResult &answer);

} // namespace alimi
