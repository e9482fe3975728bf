#include "notifier.hpp"

#include "json_answer.hpp"
#include "secret_text.hpp"

#include "channel.hpp"
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace alimi {

nlohmann::json parse_small_answer(std::string_view body) {
    return parse_json_answer(body).value_or(nlohmann::json(nlohmann::json::value_t::discarded));
}

HttpRequest push_request(const NotifierConfig &n, const PushMessage &m,
                         const std::string &sequence_id) {
    // A notifier that says poster = false gets the push without its image, whatever queued it.
    auto r = [&] {
        if (n.poster || m.image.empty())
            return n.channel->request(n, m, sequence_id);
        auto without_poster = m;
        without_poster.image.clear();
        return n.channel->request(n, without_poster, sequence_id);
    }();
    r.follow_redirects = false;
    r.status_decides = true;
    return r;
}

Delivery interpret_push_answer(const NotifierConfig &n, const HttpResult &answer) {
    // The server said 2xx and then the body failed: it has the message, whatever it went on to
    // say. Counted delivered, never sent again (every channel alike).
    if (!answer.body_whole)
        return {Delivery::Kind::delivered, "", 0};
    auto d =
        answer.status >= 300 && answer.status < 400
            ? Delivery{Delivery::Kind::rejected,
                       fmt::format("redirected (HTTP {}) to {}; use that as the address",
                                   answer.status,
                                   answer.location.empty() ? "?" : printable_url(answer.location)),
                       0}
            : n.channel->interpret(answer);
    d.detail = redact(d.detail, n.channel->secrets(n));
    return d;
}

Delivery http_verdict(const HttpResult &a, const std::string &who, const std::string &said) {
    const auto why =
        fmt::format("{}{}", a.error.empty() ? fmt::format("HTTP {}", a.status) : a.error,
                    said.empty() ? "" : ": " + said);
    if (a.status == 429)
        return {Delivery::Kind::retry, fmt::format("rate limited by {} ({})", who, why),
                a.retry_after.value_or(5)};
    if (a.status >= 400 && a.status < 500)
        return {Delivery::Kind::rejected, fmt::format("{} refused the push ({})", who, why), 0};
    return {Delivery::Kind::retry, why, 0};
}

std::optional<TimePoint> next_push_attempt(TimePoint now, int attempts, const Delivery &d) {
    if (d.kind == Delivery::Kind::rejected)
        return std::nullopt;
    // A server may ask for hours (Telegram has said 10072 s) or send nonsense; past a day the
    // push is better retried and asked again. Clamped before any conversion to an integer.
    double wait = std::isfinite(d.wait_seconds) ? std::clamp(d.wait_seconds, 0.0, k_max_push_wait)
                                                : k_max_push_wait;
    if (d.kind == Delivery::Kind::retry) {
        // The first failure retries at the next run; later ones wait 30 s, 60 s, ... up to
        // 15 min, so a long outage costs few requests.
        const double backoff =
            attempts <= 1 ? 0.0 : std::min(900.0, 30.0 * std::pow(2.0, attempts - 2));
        wait = std::max(wait, backoff);
    }
    return now + std::chrono::seconds(static_cast<long long>(std::ceil(wait)));
}

} // namespace alimi
