// A push channel (ntfy, Discord, ...): everything alimi knows of one kind of notifier sits behind
// this interface, and src/notify/registry.cpp lists the members. Core code asks the member to
// read its settings, build a request, read the answer, describe itself and fingerprint its
// config; it never branches on a channel's name. Requests and answers are pure values: the HTTP
// module sends, the delivery sequencer keeps the outbox.
#pragma once

#include "http_policy.hpp"
#include "message.hpp"
#include "notifier.hpp"
#include "settings.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alimi {

class TableReader;

// A channel's own settings of one [[notifier]]; each channel derives its own.
struct ChannelSettings {
    virtual ~ChannelSettings() = default;
};

class Channel {
  public:
    virtual ~Channel() = default;

    // The `type` value that selects this channel: "ntfy".
    virtual std::string_view type() const = 0;
    // Reads the channel's keys of a [[notifier]] table (n has name and where); secrets come from
    // KEY or KEY_env and are never quoted in errors.
    virtual std::shared_ptr<const ChannelSettings> read(TableReader &r, const NotifierConfig &n,
                                                        const EnvLookup &env) const = 0;
    // The request that delivers m; sequence_id is stable per push ("" for test pushes).
    virtual HttpRequest request(const NotifierConfig &n, const PushMessage &m,
                                const std::string &sequence_id) const = 0;
    // What the answer means for the outbox: delivered, retry when, held, or refused and why.
    virtual Delivery interpret(const HttpResult &answer) const = 0;
    // Where it delivers, safe to print: "https://ntfy.sh/topic", "discord webhook 1234".
    virtual std::string where(const NotifierConfig &n) const = 0;
    // Every setting that decides delivery, secrets included: only ever hashed.
    virtual std::string fingerprint_text(const NotifierConfig &n) const = 0;
    // Where the push lands, and nothing else (no priority, no credentials, one spelling per
    // address): two notifiers with one destination would put one opening twice on one phone,
    // and a queued push goes only to the destination it was queued for. Only ever hashed.
    virtual std::string destination_text(const NotifierConfig &n) const = 0;
    // The secret values of n (tokens, passwords, webhook URLs and their secret parts): removed
    // from every answer text before it is printed or stored.
    virtual std::vector<std::string> secrets(const NotifierConfig &n) const = 0;
    // Whether a `url = "..."` shorthand of this scheme is this channel's, so a [[notifier]] with
    // only a url needs no `type` ("tgram://...", "https://hooks.slack.com/services/...").
    virtual bool claims_url(std::string_view url) const = 0;
};

// Every channel, in the order `type` errors list them.
const std::vector<const Channel *> &channels();
// The channel of that `type` value, or nullptr.
const Channel *find_channel(std::string_view type);
// What a [[notifier]] without `type` is: ntfy, as documented.
const Channel &default_channel();
// "ntfy, discord, telegram, slack or webhook": the names for error messages.
std::string channel_names();
// The channel a [[notifier]] means: its `type`, else the channel whose url scheme it uses, else
// the default; nullptr for an unknown type.
const Channel *channel_for(const std::optional<std::string> &type,
                           const std::optional<std::string> &url);

// A notifier of channel ch with settings s: what the config reader builds, and tests too.
template <typename Settings>
NotifierConfig make_notifier(std::string name, const Channel &ch, Settings s) {
    NotifierConfig n;
    n.name = std::move(name);
    n.channel = &ch;
    n.settings = std::make_shared<const Settings>(std::move(s));
    return n;
}

} // namespace alimi
