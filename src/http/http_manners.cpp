// The manners of a check's HTTP client beside the transfer loop of http.cpp: the same request
// sent once per run, what is not sent (cool-downs, trouble earlier in the run), and the pace of
// a spread run.
#include "http.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace alimi {

std::vector<HttpResult> HttpClient::perform(const std::vector<HttpRequest> &requests) {
    if (!m_sharing)
        return perform_each(requests);
    // Each request's key once: a batch of many targets would otherwise format them quadratically.
    std::vector<std::string> keys;
    for (const auto &r : requests)
        keys.push_back(
            fmt::format("{} {}\n{}\n{}", r.method, r.url, fmt::join(r.headers, "\n"), r.body));
    std::vector<HttpRequest> fresh;
    std::vector<std::string> fresh_keys;
    std::set<std::string> asked;
    for (std::size_t i = 0; i < requests.size(); ++i)
        if (!m_shared.count(keys[i]) && asked.insert(keys[i]).second) {
            fresh.push_back(requests[i]);
            fresh_keys.push_back(keys[i]);
        }
    auto answers = perform_each(fresh);
    for (std::size_t i = 0; i < fresh.size(); ++i)
        m_shared[fresh_keys[i]] = std::move(answers[i]);
    std::vector<HttpResult> results;
    for (const auto &k : keys)
        results.push_back(m_shared.at(k));
    return results;
}

void HttpClient::spread(double seconds, const std::map<std::string, int> &expected_per_host) {
    m_spread = seconds;
    for (const auto &[host, n] : expected_per_host)
        m_pace[host] = seconds / std::max(1, n);
}

double HttpClient::gap_for(const std::string &host, std::chrono::steady_clock::time_point now) {
    if (m_spread <= 0)
        return m_settings.min_gap;
    if (!m_spread_start)
        m_spread_start = now;
    const auto it = m_pace.find(host);
    if (it == m_pace.end() ||
        std::chrono::duration<double>(now - *m_spread_start).count() >= m_spread)
        return m_settings.min_gap;
    return std::max(m_settings.min_gap, it->second);
}

std::optional<std::string> HttpClient::silenced(const HttpRequest &request) const {
    const auto host = host_of(request.url);
    const auto path = cooldown_key(request.url, Outcome::rate_limited);
    if (const auto it = m_troubled.find(host); it != m_troubled.end())
        return "not sent: the host blocked us earlier in this run (" + it->second.error + ")";
    if (const auto it = m_troubled.find(path); it != m_troubled.end())
        return "not sent: the server rate-limited this path earlier in this run (" +
               it->second.error + ")";
    for (const auto &key : {host, path})
        if (const auto it = m_holds.find(key); it != m_holds.end())
            return it->second;
    return std::nullopt;
}

} // namespace alimi
