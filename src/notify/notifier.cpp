#include "notify/notifier.hpp"

#include "json_answer.hpp"
#include "notify/channel.hpp"

#include <algorithm>
#include <cmath>

namespace alimi {

nlohmann::json parse_small_answer(std::string_view body) {
    return parse_json_answer(body).value_or(nlohmann::json(nlohmann::json::value_t::discarded));
}

HttpRequest push_request(const NotifierConfig &n, const PushMessage &m,
                         const std::string &sequence_id) {
    return n.channel->request(n, m, sequence_id);
}

Delivery interpret_push_answer(const NotifierConfig &n, const HttpResult &answer) {
    return n.channel->interpret(answer);
}

std::optional<TimePoint> next_push_attempt(TimePoint now, int attempts, const Delivery &d) {
    if (d.kind == Delivery::Kind::rejected)
        return std::nullopt;
    double wait = d.wait_seconds;
    if (d.kind == Delivery::Kind::retry) {
        // The first failure retries at the next run (the HTTP module already retried in this one);
        // later ones wait 30 s, 60 s, ... up to 15 min, so a long outage costs few requests.
        const double backoff =
            attempts <= 1 ? 0.0 : std::min(900.0, 30.0 * std::pow(2.0, attempts - 2));
        wait = std::max(wait, backoff);
    }
    return now + std::chrono::seconds(static_cast<long long>(std::ceil(wait)));
}

} // namespace alimi
