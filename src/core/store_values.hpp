// What the state database hands out: plain values, so renderers and reports never need a Store.
#pragma once

#include "message.hpp"
#include "opening.hpp"
#include "timeutil.hpp"

#include <optional>
#include <string>

namespace alimi {

// A chain's theater list kept for region targets: when it was last read well and last tried.
struct TheaterList {
    std::vector<TheaterInfo> theaters;
    std::optional<TimePoint> read_at;
    std::optional<TimePoint> tried_at;
};

struct TargetHealth {
    std::string name;
    std::optional<TimePoint> baseline_at;
    std::optional<TimePoint> last_attempt_at;
    std::optional<TimePoint> last_success_at;
    std::optional<TimePoint> last_error_at;
    std::string last_error;
    int consecutive_failures = 0;
    int openings_known = 0;
    int pending_notifications = 0;
    int dropped_notifications = 0; // given up after [delivery] give_up_after
    // Why a target that works may never fire: its site lists none of a code ("" for none).
    std::string warning;
};

// What status and show say of a target that answered but has no baseline yet: its site showed
// nothing there so far (an empty first look is not a baseline).
inline constexpr const char *k_waiting = "waiting for a first non-empty answer";
inline bool waiting(const TargetHealth &h) {
    return h.last_success_at && !h.baseline_at;
}

// Where a push was queued for: its notifier's NotifierConfig::destination and the real path of
// the config that queued it.
struct PushRoute {
    std::string destination;
    std::string config;
};

struct QueuedPush {
    long long id = 0;
    std::string target;
    std::string notifier;
    PushMessage message;
    int attempts = 0;
    TimePoint created_at;
    std::string last_error; // why the last attempt did not deliver ("" before any)
    PushRoute route;        // where it was queued for ("" parts: queued by name alone)
};

struct Cooldown {
    TimePoint until;
    std::string reason;
    std::string key; // "host" (every request to it) or "host/path" (that path only)
};

struct Event {
    TimePoint at;
    std::string target;
    std::string kind; // openings, error, push, push_failed, dropped
    std::string detail;
};

struct KnownOpening {
    std::string target;
    Opening opening;
    TimePoint first_seen;
    bool from_baseline = false; // known since the target's first look, never pushed
};

struct RequestCount {
    std::string host;
    std::string outcome;
    long long count = 0;
};

struct PushTotals {
    long long delivered = 0, pending = 0, dropped = 0;
};

struct PruneCounts {
    int events = 0, pushes = 0, openings = 0;
};

} // namespace alimi
