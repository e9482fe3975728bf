// The one place that talks HTTP. A batch of requests runs concurrently over one libcurl multi
// handle (keep-alive reuse within a run), politely: at most max_per_host at once per host, a
// minimum gap between request starts to one host, retries with jittered backoff for transient
// failures, and after a 429 no further request to that path (after a block, to that host) in
// this run, nor to what earlier runs left cooling down (hold).
#pragma once

#include "http_policy.hpp"
#include "http_settings.hpp"
#include "io.hpp"
#include "transport.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace alimi {

class HttpClient {
  public:
    // Every answer's body and redirect target are redacted of secrets on arrival: a server (or a
    // proxy) that echoes a request must not carry a token into an error, history or the state.
    // io: what carries the requests and the clock answers are read by (Retry-After dates, when
    // trouble came): libcurl and the system clock, or a unit test's in-memory world.
    explicit HttpClient(const HttpSettings &settings, std::vector<std::string> secrets = {},
                        const Io &io = system_io());
    ~HttpClient();
    HttpClient(const HttpClient &) = delete;
    HttpClient &operator=(const HttpClient &) = delete;

    // Results in the order of the requests. Never throws for network or server trouble.
    std::vector<HttpResult> perform(const std::vector<HttpRequest> &requests);

    // Requests to a cooling-down key ("host" or "host/path", see cooldown_key) are not sent; their
    // answer is Outcome::not_sent with `why` as its error.
    void hold(const std::string &key, std::string why) { m_holds[key] = std::move(why); }

    // Cool-down keys that answered 429 or a block page during this client's life, with the
    // advised wait.
    struct HostTrouble {
        Outcome outcome;
        std::optional<double> retry_after;
        TimePoint at; // when the answer arrived: a wait counts from then, not from the run's start
        std::string error; // what it said, for the requests it silences (the first may be quiet)
    };
    const std::map<std::string, HostTrouble> &troubled_hosts() const { return m_troubled; }

    // Requests actually sent per host and outcome ("host outcome" -> count), for metrics.
    const std::map<std::string, int> &request_counts() const { return m_counts; }

    const std::string &user_agent() const { return m_user_agent; }

    // The latest server clock (Date header, unix seconds) any answer carried; nullopt: none did.
    std::optional<long long> server_clock() const { return m_server_clock; }

    // From now on the same request (method, URL, headers, body) is sent once in this client's
    // life: later askers get the first answer. A check's targets share lists and day pages so.
    void share_answers() { m_sharing = true; }

    // Spaces requests to each host over the next `seconds` (from the first request on): a host
    // expecting n requests gets one every seconds / n at most (never closer than min_gap).
    // Past that window, min_gap alone rules: a run that asks more than expected does not drag.
    void spread(double seconds, const std::map<std::string, int> &expected_per_host);

    // From now on a stop signal (stop.hpp) abandons what is in flight: the check's own requests
    // are, while pushes and pings still finish.
    void stop_on_signal() { m_stoppable = true; }

  private:
    // Why a request must not go out now (a hold, or trouble earlier in this run); nullopt: send.
    std::optional<std::string> silenced(const HttpRequest &request) const;
    std::vector<HttpResult> perform_each(const std::vector<HttpRequest> &requests);
    // The gap between request starts to a host now: min_gap, or the spread's pace while it lasts.
    double gap_for(const std::string &host, std::chrono::steady_clock::time_point now);

    struct Impl;
    std::unique_ptr<Impl> m_impl;
    HttpSettings m_settings;
    std::string m_user_agent;
    std::vector<std::string> m_secrets;
    std::function<TimePoint()> m_now;
    bool m_stoppable = false;
    std::optional<long long> m_server_clock;
    bool m_sharing = false;
    double m_spread = 0;                  // seconds (0: no spreading)
    std::map<std::string, double> m_pace; // host -> seconds between request starts
    std::optional<std::chrono::steady_clock::time_point> m_spread_start;
    std::map<std::string, HttpResult> m_shared; // request key -> its answer (sharing only)
    std::map<std::string, HostTrouble> m_troubled;
    std::map<std::string, std::string> m_holds; // key -> why nothing is sent to it
    std::map<std::string, int> m_counts;
};

std::string default_user_agent();

} // namespace alimi
