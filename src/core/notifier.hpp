// Any notifier, by type: how to ask it to deliver a push and what its answer means. Pure; the
// HTTP module sends, the check sequencer keeps the outbox.
#pragma once

#include "http_policy.hpp"
#include "message.hpp"
#include "settings.hpp"
#include "timeutil.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace alimi {

struct Delivery {
    enum class Kind { delivered, retry, hold, rejected };
    Kind kind = Kind::retry;
    std::string detail;      // message id when delivered, else the reason, one line, no secrets
    double wait_seconds = 0; // earliest next attempt the server asked for
};

// A notifier's JSON answer, or a discarded value when it is not JSON or nests too deep.
nlohmann::json parse_small_answer(std::string_view body);

// The longest wait a server's answer may impose on a push (seconds): one day.
inline constexpr double k_max_push_wait = 86400;

// The usual reading of a push answer that is not a success: 429 waits Retry-After (5 s without
// one), other 4xx are refusals (held until the notifier's config changes), the rest retry.
// who names the service ("Telegram"), said is what its body explained ("" when nothing).
Delivery http_verdict(const HttpResult &answer, const std::string &who, const std::string &said);

HttpRequest push_request(const NotifierConfig &notifier, const PushMessage &message,
                         const std::string &sequence_id);

Delivery interpret_push_answer(const NotifierConfig &notifier, const HttpResult &answer);

// When to try an undelivered push again (attempts: failed attempts so far, this one included):
// transient failures retry at the next run, then back off from 30 s doubling to 15 min (never
// sooner than the server asked), holds wait what they say, and a rejected push
// (bad credentials, bad request) waits for the notifier's config to change: nullopt.
std::optional<TimePoint> next_push_attempt(TimePoint now, int attempts, const Delivery &d);

} // namespace alimi
