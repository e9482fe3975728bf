// The list of channels. Adding one: its two files (e.g. telegram.hpp/.cpp defining a Channel and
// `const Channel &telegram_channel()`), its #include here and one line in k_channels.
#include "channel.hpp"

#include "crypto.hpp"
#include "discord.hpp"
#include "ntfy.hpp"
#include "slack.hpp"
#include "telegram.hpp"
#include "webhook.hpp"

#include "error_text.hpp"

#include <fmt/format.h>

namespace alimi {

const std::vector<const Channel *> &channels() {
    static const std::vector<const Channel *> k_channels = {
        &ntfy_channel(),  &discord_channel(), &telegram_channel(),
        &slack_channel(), &webhook_channel(),
    };
    return k_channels;
}

const Channel *find_channel(std::string_view type) {
    for (const auto *c : channels())
        if (c->type() == type)
            return c;
    return nullptr;
}

const Channel &default_channel() {
    return ntfy_channel();
}

const Channel *channel_for(const std::optional<std::string> &type,
                           const std::optional<std::string> &url) {
    if (type)
        return find_channel(*type);
    if (url)
        for (const auto *c : channels())
            if (c->claims_url(*url))
                return c;
    return &default_channel();
}

std::string channel_names() {
    std::vector<std::string_view> names;
    for (const auto *c : channels())
        names.push_back(c->type());
    return join_choices(names);
}

std::string NotifierConfig::fingerprint() const {
    return sha256_hex(channel->fingerprint_text(*this)).substr(0, 16);
}

std::string NotifierConfig::destination() const {
    return sha256_hex(channel->destination_text(*this)).substr(0, 16);
}

std::string NotifierConfig::describe() const {
    return fmt::format("{} ({})", name, channel->where(*this));
}

std::string_view NotifierConfig::type() const {
    return channel->type();
}

} // namespace alimi
