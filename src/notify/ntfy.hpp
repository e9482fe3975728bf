// Publishing to ntfy (ntfy.md): the request is built and the answer read by pure functions; the
// HTTP module sends it. The token only ever lives in the Authorization header.
#pragma once

#include "config.hpp"
#include "http_policy.hpp"
#include "message.hpp"
#include "notify/notifier.hpp"

#include <string>

namespace alimi {

// POST server/topic with the body as the message and everything else in X- headers, non-ASCII
// values as RFC 2047 words. sequence_id is stable per push, so a repeat replaces on new servers.
HttpRequest ntfy_request(const NotifierConfig &notifier, const PushMessage &message,
                         const std::string &sequence_id);

// What ntfy's answer means for the outbox: decided from ntfy's JSON error code where there is one.
Delivery interpret_ntfy(const HttpResult &answer);

} // namespace alimi
