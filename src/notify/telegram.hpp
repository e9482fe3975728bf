// Telegram bots (chains-and-channels.md B1): sendMessage with parse_mode HTML, the title in bold
// and a "예매하기" URL button. The bot token sits in the URL's path, so the request carries a
// display text and every answer text is redacted of it.
#pragma once

#include "channel.hpp"

namespace alimi {

struct TelegramSettings final : ChannelSettings {
    std::string bot_token;                        // "123456:ABC-..."; never printed
    std::string chat_id;                          // "12345", "-100123" (groups) or "@channel"
    long long thread_id = 0;                      // forum topic; 0 for none
    bool silent = false;                          // disable_notification
    std::string api = "https://api.telegram.org"; // or a self-hosted Bot API server
};

const Channel &telegram_channel();

// Telegram's limit on a message's text, in UTF-16 units after entities are parsed.
inline constexpr std::size_t k_telegram_max_units = 4096;

// The HTML text: bold title, then the body, cut by whole lines to fit Telegram's limit.
std::string telegram_text(const PushMessage &m);

HttpRequest telegram_request(const TelegramSettings &s, const PushMessage &m);

// ok:true is delivered; 429 waits parameters.retry_after; 400/401/403/404 are refusals with
// Telegram's description; 5xx and network trouble retry.
Delivery interpret_telegram(const HttpResult &answer);

} // namespace alimi
