#include "http.hpp"

#include "alimi_version.h"
#include "log.hpp"
#include "secret_text.hpp"
#include "stop.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <random>
#include <thread>

namespace alimi {

namespace {

using Steady = std::chrono::steady_clock;

// Gaps, retries and deadlines run on the steady clock: a wall clock set back mid-run must
// not make a request wait an hour or fire twice at once.
double seconds_between(Steady::time_point a, Steady::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

// One request waiting or in flight: where it goes and how often it has failed.
struct Job {
    std::size_t index;
    std::string host;
    int failures = 0;
    Steady::time_point ready_at;
};

// How many requests a host has in flight and when its last one started: what max_per_host
// and min_gap are judged by.
struct HostState {
    int active = 0;
    Steady::time_point last_start{};
};

// A stopped run: every request not yet answered ends as not sent, so its plan fails cleanly.
void abandon(Transport &transport, std::deque<std::unique_ptr<Job>> &waiting,
             std::map<std::size_t, std::unique_ptr<Job>> &running,
             std::map<std::string, HostState> &hosts, std::vector<HttpResult> &results) {
    HttpResult stopped;
    stopped.outcome = Outcome::not_sent;
    stopped.error = fmt::format("not answered: the run was stopped by signal {}", stop_signal());
    transport.abandon();
    for (auto &[index, job] : running) {
        --hosts[job->host].active;
        results[index] = stopped;
    }
    for (const auto &job : waiting)
        results[job->index] = stopped;
    running.clear();
    waiting.clear();
}

// What an exchange means: redacted of secrets on arrival, classified. A push whose status line
// said 2xx before its body failed (cut off, too large, too slow) is delivered: the server took
// the message; the body read so far is all there is.
HttpResult read_exchange(Exchange x, const HttpRequest &req, TimePoint now,
                         const std::vector<std::string> &secrets) {
    auto r = std::move(x.answer);
    // Redacted on arrival, before anything can log or store it: a server that echoes the
    // request would otherwise hand the token back to our own error column.
    r.body = redact(std::move(r.body), secrets);
    if (x.failed && req.status_decides && r.status >= 200 && r.status < 300) {
        r.error = "answer body not read whole (" + r.error + ")";
        r.outcome = Outcome::ok;
        r.body_whole = false;
        return r;
    }
    // A failed transfer's partial body is thrown away: half an answer read as a whole one
    // could look like a schedule with showings missing.
    if (x.failed) {
        r.status = 0;
        r.body.clear();
        return r;
    }
    r.location = redact(std::move(r.location), secrets);
    r.retry_after = parse_retry_after(x.retry_after, now);
    classify_response(r, req.expect);
    return r;
}

} // namespace

struct HttpClient::Impl {
    std::unique_ptr<Transport> transport;
    // Seeded per client: jitter must differ between users who all run at the same minute.
    std::mt19937 rng{std::random_device{}()};
    // Per host across every perform() of this client: a run's later steps and batches keep
    // min_gap after its earlier ones (what asked us to back off is in m_troubled).
    std::map<std::string, HostState> hosts;
};

// Says what we are and how we behave, so a site's operator who sees us in a log can tell
// a polite watcher from a scraper.
std::string default_user_agent() {
    return fmt::format("alimi/{} (booking-open notifier; one request per target per run)",
                       ALIMI_VERSION);
}

HttpClient::HttpClient(const HttpSettings &settings, std::vector<std::string> secrets, const Io &io)
    : m_impl(std::make_unique<Impl>()), m_settings(settings),
      m_user_agent(settings.user_agent.empty() ? default_user_agent() : settings.user_agent),
      m_secrets(std::move(secrets)), m_now(io.now) {
    m_impl->transport = io.transport ? io.transport(settings, m_user_agent)
                                     : curl_transport(settings, m_user_agent);
}

HttpClient::~HttpClient() = default;

// The only loop that sends: pacing per host, cool-downs, retries with jitter, one retry
// budget per call and a deadline. Results come back in the order of the requests,
// whatever order the answers arrived in.
std::vector<HttpResult> HttpClient::perform_each(const std::vector<HttpRequest> &requests) {
    std::vector<HttpResult> results(requests.size());
    std::deque<std::unique_ptr<Job>> waiting;
    auto &hosts = m_impl->hosts;
    auto &transport = *m_impl->transport;
    const auto start = Steady::now();
    RetryPolicy policy;
    policy.max_retries = m_settings.retries;
    // Room for a timed-out try and two retries; no retry starts later, so at the defaults
    // (timeout 10 s: 30 s) a call ends within about 40 s, inside one cron minute.
    policy.deadline = std::max(30.0, m_settings.timeout * 3);
    int budget = policy.run_budget;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto job = std::make_unique<Job>();
        job->index = i;
        job->host = host_of(requests[i].url);
        job->ready_at = start;
        waiting.push_back(std::move(job));
    }
    std::map<std::size_t, std::unique_ptr<Job>> running;
    std::uniform_real_distribution<double> uniform(0.0, 1.0);

    while (!waiting.empty() || !running.empty()) {
        if (m_stoppable && stop_requested()) {
            abandon(transport, waiting, running, hosts, results);
            break;
        }
        const auto now = Steady::now();
        auto next_wake = now + std::chrono::milliseconds(1000);
        // Start what may start now, in order; a host's later jobs wait behind its earlier ones.
        for (auto it = waiting.begin(); it != waiting.end();) {
            auto &job = **it;
            auto &host = hosts[job.host];
            // A host or path in a cool-down is not asked at all: the answer is "not sent", which
            // the plan reports as a failure that changes nothing known.
            if (auto why = silenced(requests[job.index])) {
                auto &r = results[job.index];
                r.outcome = Outcome::not_sent;
                r.error = std::move(*why);
                it = waiting.erase(it);
                continue;
            }
            const auto gap = std::chrono::duration<double>(gap_for(job.host, now));
            const auto gap_ok = host.last_start + std::chrono::duration_cast<Steady::duration>(gap);
            const auto earliest = std::max(job.ready_at, gap_ok);
            if (host.active >= m_settings.max_per_host || earliest > now) {
                if (host.active < m_settings.max_per_host)
                    next_wake = std::min(next_wake, earliest);
                ++it;
                continue;
            }
            // Said before the start, so the line's time is the start the gap counts from, not
            // that plus however long the transport takes to set the request up.
            log::debug("{} {} (attempt {})", requests[job.index].method,
                       shown_url(requests[job.index]), job.failures + 1);
            transport.start(job.index, requests[job.index]);
            ++host.active;
            host.last_start = now;
            running.emplace(job.index, std::move(*it));
            it = waiting.erase(it);
        }
        if (running.empty() && waiting.empty())
            break;
        const auto wait_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(next_wake - Steady::now())
                .count();
        if (running.empty()) { // only retries and gaps ahead: nothing to hear from
            std::this_thread::sleep_for(std::chrono::milliseconds(std::max<long long>(1, wait_ms)));
            continue;
        }
        for (auto &[index, exchange] :
             transport.wait(std::chrono::milliseconds(std::max<long long>(1, wait_ms)))) {
            auto job = std::move(running.extract(index).mapped());
            --hosts[job->host].active;
            const auto &req = requests[job->index];
            auto r = read_exchange(std::move(exchange), req, m_now(), m_secrets);
            if (req.refine)
                req.refine(r);
            r.attempts = job->failures + 1;
            if (r.server_date)
                m_server_clock = std::max(m_server_clock.value_or(0), *r.server_date);
            ++m_counts[fmt::format("{} {}", job->host, outcome_name(r.outcome))];
            if (r.outcome == Outcome::rate_limited || r.outcome == Outcome::blocked)
                // Remembered for the rest of this client's life: later batches in the run stay away
                // from the host, and the sequencer stores the cool-down for later runs.
                m_troubled[cooldown_key(req.url, r.outcome)] = {r.outcome, r.retry_after, m_now(),
                                                                r.error};
            ++job->failures;
            const auto delay =
                retry_delay(policy, r, job->failures, budget, seconds_between(start, Steady::now()),
                            uniform(m_impl->rng));
            if (delay) {
                --budget;
                log::debug("{}: {}; retrying in {:.1f} s", shown_url(req), r.error, *delay);
                job->ready_at = Steady::now() + std::chrono::duration_cast<Steady::duration>(
                                                    std::chrono::duration<double>(*delay));
                waiting.push_back(std::move(job));
            } else {
                results[job->index] = std::move(r);
            }
        }
    }
    return results;
}

} // namespace alimi
