// The validated configuration's values (interface.md "Config"): what every layer above the core
// reads. The loader that builds them is config/config.hpp.
#pragma once

#include "config_tree.hpp"
#include "http_settings.hpp"
#include "paths.hpp"
#include "watch_filter.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace alimi {

class Chain;

struct ChannelSettings;
class Channel;

// A [[notifier]]: the common fields plus its channel's own settings (see notify/channel.hpp).
struct NotifierConfig {
    std::string name;
    std::string where;
    const Channel *channel = nullptr; // from `type`; never null in a loaded config
    std::shared_ptr<const ChannelSettings> settings;
    std::string inline_secret; // key of a secret written in the file itself ("" when none)
    bool poster = true;        // `poster = false`: pushes go without the film's poster

    std::string_view type() const;
    // Changes whenever anything that decides delivery changes; reveals no secret. A push refused
    // for bad credentials waits for this to change instead of hammering the server.
    std::string fingerprint() const;
    // Changes only when where the push lands changes (Channel::destination_text); no secret.
    std::string destination() const;
    // "phone (https://ntfy.sh/topic)" or "admin (discord webhook 1234)": safe to print.
    std::string describe() const;
    // The channel's settings, as the channel that read them knows their type.
    template <typename S> const S &settings_as() const { return static_cast<const S &>(*settings); }
};

struct AlertsConfig {
    std::vector<std::string> notify; // notifier names for operator alerts; empty: no alerts
    int after = 3;                   // consecutive failures of a target before one alert
};

struct DeliveryConfig {
    double give_up_after = 86400; // seconds a push may stay undelivered before it is dropped
};

// A chain's keys beyond the two every chain has, declared, read and used only by that chain
// (source/cgv.hpp: CGV's race keys; source/cgv_legacy.hpp: the captured params). The core
// carries them without knowing them, as it carries a channel's ChannelSettings.
struct ChainExtra {
    virtual ~ChainExtra() = default;
};

// A chain's settings of a target, read by that chain (like ccache's URL plus attributes): where
// to ask, how many dates a whole-screen sweep looks at a run, and the chain's own keys.
struct ChainSettings {
    std::string api;       // API base (cgv) or endpoint URL (cgv-legacy), no trailing slash
    int dates_per_run = 3; // whole-screen sweeps: open dates swept per run, beside the date list
    // The chain's own keys; null: their defaults. Shared, never changed once read: a chain
    // that changes one makes a new one (targets are copied freely).
    std::shared_ptr<const ChainExtra> extra;
};

// s's own keys of chain type T (a ChainExtra), or T's defaults when s has none of that type.
template <typename T> const T &chain_extra(const ChainSettings &s) {
    static const T k_defaults;
    const auto *own = dynamic_cast<const T *>(s.extra.get());
    return own ? *own : k_defaults;
}

inline ChainSettings chain_settings(std::string api) {
    ChainSettings s;
    s.api = std::move(api);
    return s;
}

struct TargetConfig {
    std::string name;
    std::string where;
    const Chain *chain = nullptr; // from `source`; never null in a loaded config
    std::string theater;          // the chain's theater code
    std::string screen;           // "" or one of the chain's screens
    std::string movie;            // "" = every movie of the screen
    WatchFilter filter;           // what of it is news in the user's terms (filter.hpp)
    // The name as written when `theater` listed several: each theater is a target of its own
    // ("avatar@0013"), with its own baseline, and commands take the written name for them all.
    std::string group;
    // `region = "서울"`: the target stands for every theater its chain lists in that region
    // (regions.hpp); each is a member as a theater list's are.
    std::string region;
    ChainSettings settings;
    std::vector<std::string> notify; // notifier names, resolved
    std::string title_template;      // push_title; "" = the built-in Korean title
    std::string message_template;    // "" = the built-in list of openings
    bool enabled = true;             // false: paused, not checked, its state kept
};

struct StatusConfig {
    std::string html;         // refreshed by every check when set
    std::string prometheus;   // node_exporter textfile, refreshed by every check when set
    double interval = 60;     // seconds between checks you expect: colours the page's health bars
    std::string ntfy_metrics; // a ntfy server's /metrics URL: subscribers and visitors on the page
    std::string ping_url;     // dead-man's switch: URL/start, URL on success, URL/fail on failure
    double keep_days = 90;    // history kept by automatic pruning
};

struct Config {
    std::string path;
    std::optional<std::string> state;
    // Per chain name: the defaults its targets start from ([cgv] api, ...).
    std::map<std::string, ChainSettings, std::less<>> chain_defaults;
    HttpSettings http;
    StatusConfig status;
    AlertsConfig alerts;
    DeliveryConfig delivery;
    std::vector<NotifierConfig> notifiers;
    std::vector<TargetConfig> targets;
    // Targets written with `region`, before their theaters are known: expand_regions adds their
    // members (NAME@CODE, group NAME) to targets from the chain's theater list.
    std::vector<TargetConfig> region_targets;
    // "notifier 'phone' token" when a secret is written in the file itself, else "".
    std::string inline_secret;
    // Problems that stop only the commands that push: an unset token_env (read-only commands
    // need no secrets), an example's placeholder topic. Empty when it may push.
    std::vector<std::string> push_problems;

    // Every configured secret (tokens, passwords, Authorization values, webhook and ping URLs and
    // their key parts), longest first: what every text leaving alimi is redacted of.
    std::vector<std::string> secrets() const;

    const NotifierConfig *notifier(std::string_view name) const;
    const TargetConfig *target(std::string_view name) const;
    // The targets a name on the command line means: the one of that name, or a theater list's.
    std::vector<const TargetConfig *> targets_named(std::string_view name) const;
    // A chain's defaults after its [section]: what discovery and new targets use.
    ChainSettings defaults_of(const Chain &chain) const;
};

// The fields a title or message template may name.
inline constexpr const char *k_template_fields[] = {"target", "theater", "screen", "movie",
                                                    "dates",  "count",   "list"};

} // namespace alimi
