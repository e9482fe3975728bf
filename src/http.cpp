#include "http.hpp"

#include "alimi_version.h"
#include "log.hpp"
#include "stop.hpp"
#include "text.hpp"

#include <curl/curl.h>
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

double seconds_between(Steady::time_point a, Steady::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}

// Thin RAII owners of what we call of libcurl.
struct EasyDelete {
    void operator()(CURL *h) const { curl_easy_cleanup(h); }
};
struct SlistDelete {
    void operator()(curl_slist *l) const { curl_slist_free_all(l); }
};
struct MultiDelete {
    void operator()(CURLM *m) const { curl_multi_cleanup(m); }
};
using Easy = std::unique_ptr<CURL, EasyDelete>;
using Slist = std::unique_ptr<curl_slist, SlistDelete>;
using Multi = std::unique_ptr<CURLM, MultiDelete>;

struct GlobalInit {
    GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    ~GlobalInit() { curl_global_cleanup(); }
};

// One request in flight or waiting, with everything libcurl writes into.
struct Job {
    std::size_t index;
    std::string host;
    int failures = 0;
    Steady::time_point ready_at;
    Easy easy;
    Slist headers;
    std::string body;
    std::string retry_after;
    std::string date;
    long status_line = 0; // the last status line's code, known before any body arrives
    std::string error_buffer = std::string(CURL_ERROR_SIZE, '\0');
    long long max_body = 0;
    bool too_large = false;
};

size_t on_body(char *data, size_t size, size_t n, void *user) {
    auto *job = static_cast<Job *>(user);
    const auto len = size * n;
    if (static_cast<long long>(job->body.size() + len) > job->max_body) {
        job->too_large = true;
        return 0; // makes curl stop with CURLE_WRITE_ERROR
    }
    job->body.append(data, len);
    return len;
}

size_t on_header(char *data, size_t size, size_t n, void *user) {
    auto *job = static_cast<Job *>(user);
    const std::string_view line(data, size * n);
    if (line.starts_with("HTTP/")) {
        job->retry_after.clear(); // a new response after a redirect
        const auto space = line.find(' ');
        job->status_line = space == std::string_view::npos
                               ? 0
                               : std::atol(std::string(line.substr(space + 1, 3)).c_str());
    }
    const auto value_of = [&](std::string_view name) -> std::optional<std::string> {
        if (line.size() > name.size() && curl_strnequal(line.data(), name.data(), name.size()))
            return std::string(trim(line.substr(name.size())));
        return std::nullopt;
    };
    if (auto v = value_of("retry-after:"))
        job->retry_after = std::move(*v);
    if (auto v = value_of("date:"))
        job->date = std::move(*v);
    return size * n;
}

struct HostState {
    int active = 0;
    Steady::time_point last_start{};
};

// A stopped run: every request not yet answered ends as not sent, so its plan fails cleanly.
void abandon(CURLM *multi, std::deque<std::unique_ptr<Job>> &waiting,
             std::map<CURL *, std::unique_ptr<Job>> &running,
             std::map<std::string, HostState> &hosts, std::vector<HttpResult> &results) {
    HttpResult stopped;
    stopped.outcome = Outcome::not_sent;
    stopped.error = fmt::format("not answered: the run was stopped by signal {}", stop_signal());
    for (auto &[easy, job] : running) {
        curl_multi_remove_handle(multi, easy);
        --hosts[job->host].active;
        results[job->index] = stopped;
    }
    for (const auto &job : waiting)
        results[job->index] = stopped;
    running.clear();
    waiting.clear();
}

} // namespace

// libcurl's global set-up must come before any other call into it, the multi handle's included.
const GlobalInit &global_init() {
    static const GlobalInit init;
    return init;
}

struct HttpClient::Impl {
    const GlobalInit &init = global_init(); // first member: constructed before the multi handle
    Multi multi{curl_multi_init()};
    std::mt19937 rng{std::random_device{}()};
    // Per host across every perform() of this client: a run's later steps and batches keep
    // min_gap after its earlier ones (what asked us to back off is in m_troubled).
    std::map<std::string, HostState> hosts;
};

std::string default_user_agent() {
    return fmt::format("alimi/{} (booking-open notifier; one request per target per run)",
                       ALIMI_VERSION);
}

HttpClient::HttpClient(const HttpSettings &settings, std::vector<std::string> secrets)
    : m_impl(std::make_unique<Impl>()), m_settings(settings),
      m_user_agent(settings.user_agent.empty() ? default_user_agent() : settings.user_agent),
      m_secrets(std::move(secrets)) {
    if (!m_impl->multi)
        throw std::runtime_error("libcurl: cannot create a multi handle");
}

HttpClient::~HttpClient() = default;

namespace {

void configure(Job &job, const HttpRequest &req, const HttpSettings &s, const std::string &ua) {
    job.easy.reset(curl_easy_init());
    CURL *h = job.easy.get();
    if (!h)
        throw std::runtime_error("libcurl: cannot create an easy handle");
    const auto timeout_ms = static_cast<long>(s.timeout * 1000);
    curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1); // CGV refused curl's HTTP/2
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");                 // every encoding curl decodes
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, req.follow_redirects ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, ua.c_str());
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(s.max_body));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &job);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &job);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, job.error_buffer.data());
    curl_easy_setopt(h, CURLOPT_PRIVATE, &job);
    for (const auto &header : req.headers)
        job.headers.reset(curl_slist_append(job.headers.release(), header.c_str()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, job.headers.get());
    if (req.method == "POST") {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
        curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, req.body.c_str());
    }
    job.max_body = s.max_body;
    job.body.clear();
    job.retry_after.clear();
    job.date.clear();
    job.status_line = 0;
    job.too_large = false;
}

HttpResult transport_failure(const Job &job, CURLcode code) {
    HttpResult r;
    const std::string detail =
        job.error_buffer.c_str()[0] ? job.error_buffer.c_str() : curl_easy_strerror(code);
    switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
        r.outcome = Outcome::timeout;
        r.error = "no answer in time (timeout)";
        break;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        // No network, or no such host: said plainly, the way a person would check it.
        r.outcome = Outcome::retryable;
        r.error = fmt::format("cannot reach {}: {}", job.host, one_line(detail));
        break;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        r.outcome = Outcome::retryable;
        r.error = one_line(detail);
        break;
    case CURLE_PARTIAL_FILE:
        r.outcome = Outcome::retryable;
        r.error = "answer cut short (truncated body)";
        break;
    case CURLE_OUT_OF_MEMORY: // what libcurl says of a header past its 100 KB limit
        r.outcome = Outcome::permanent;
        r.error = "answer header too large";
        break;
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_WRITE_ERROR:
        r.outcome = Outcome::permanent;
        r.error = fmt::format("answer larger than {} bytes", job.max_body);
        break;
    default:
        r.outcome = Outcome::permanent;
        r.error = one_line(detail);
    }
    return r;
}

// A push whose status line said 2xx before its body failed (cut off, too large, too slow): the
// server took the message, so it is delivered; the body read so far is all there is.
HttpResult accepted_push(Job &job, CURLcode code, const std::vector<std::string> &secrets) {
    HttpResult r;
    r.outcome = Outcome::ok;
    r.status = job.status_line;
    r.body_whole = false;
    r.body = redact(std::move(job.body), secrets);
    r.error = "answer body not read whole (" +
              transport_failure(job, job.too_large ? CURLE_FILESIZE_EXCEEDED : code).error + ")";
    return r;
}

std::optional<long long> server_date(const std::string &value) {
    if (value.empty())
        return std::nullopt;
    const auto t = curl_getdate(value.c_str(), nullptr);
    return t > 0 ? std::optional<long long>(t) : std::nullopt;
}

HttpResult finished(Job &job, CURLcode code, const HttpRequest &req, TimePoint now,
                    const std::vector<std::string> &secrets) {
    if (code != CURLE_OK && req.status_decides && job.status_line >= 200 && job.status_line < 300)
        return accepted_push(job, code, secrets);
    if (code != CURLE_OK)
        return transport_failure(job, job.too_large ? CURLE_FILESIZE_EXCEEDED : code);
    HttpResult r;
    r.server_date = server_date(job.date);
    curl_easy_getinfo(job.easy.get(), CURLINFO_RESPONSE_CODE, &r.status);
    long version = 0;
    curl_easy_getinfo(job.easy.get(), CURLINFO_HTTP_VERSION, &version);
    r.http_version = http_version_name(version);
    const char *ct = nullptr;
    curl_easy_getinfo(job.easy.get(), CURLINFO_CONTENT_TYPE, &ct);
    r.content_type = ct ? ct : "";
    const char *location = nullptr;
    curl_easy_getinfo(job.easy.get(), CURLINFO_REDIRECT_URL, &location);
    r.location = redact(location ? location : "", secrets);
    r.body = redact(std::move(job.body), secrets);
    r.retry_after = parse_retry_after(job.retry_after, now);
    classify_response(r, req.expect);
    return r;
}

} // namespace

std::vector<HttpResult> HttpClient::perform_each(const std::vector<HttpRequest> &requests) {
    std::vector<HttpResult> results(requests.size());
    std::deque<std::unique_ptr<Job>> waiting;
    auto &hosts = m_impl->hosts;
    const auto start = Steady::now();
    RetryPolicy policy;
    policy.max_retries = m_settings.retries;
    policy.deadline = std::max(30.0, m_settings.timeout * 3);
    int budget = policy.run_budget;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto job = std::make_unique<Job>();
        job->index = i;
        job->host = host_of(requests[i].url);
        job->ready_at = start;
        waiting.push_back(std::move(job));
    }
    std::map<CURL *, std::unique_ptr<Job>> running;
    std::uniform_real_distribution<double> uniform(0.0, 1.0);

    while (!waiting.empty() || !running.empty()) {
        if (m_stoppable && stop_requested()) {
            abandon(m_impl->multi.get(), waiting, running, hosts, results);
            break;
        }
        const auto now = Steady::now();
        auto next_wake = now + std::chrono::milliseconds(1000);
        // Start what may start now, in order; a host's later jobs wait behind its earlier ones.
        for (auto it = waiting.begin(); it != waiting.end();) {
            auto &job = **it;
            auto &host = hosts[job.host];
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
            configure(job, requests[job.index], m_settings, m_user_agent);
            curl_multi_add_handle(m_impl->multi.get(), job.easy.get());
            ++host.active;
            host.last_start = now;
            log::debug("{} {} (attempt {})", requests[job.index].method,
                       shown_url(requests[job.index]), job.failures + 1);
            running.emplace(job.easy.get(), std::move(*it));
            it = waiting.erase(it);
        }
        int still = 0;
        curl_multi_perform(m_impl->multi.get(), &still);
        int queued = 0;
        bool finished_any = false;
        while (CURLMsg *msg = curl_multi_info_read(m_impl->multi.get(), &queued)) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            finished_any = true;
            auto node = running.extract(msg->easy_handle);
            auto job = std::move(node.mapped());
            curl_multi_remove_handle(m_impl->multi.get(), job->easy.get());
            auto &host = hosts[job->host];
            --host.active;
            const auto &req = requests[job->index];
            auto r = finished(*job, msg->data.result, req, now_utc(), m_secrets);
            if (req.refine)
                req.refine(r);
            r.attempts = job->failures + 1;
            if (r.server_date)
                m_server_clock = std::max(m_server_clock.value_or(0), *r.server_date);
            ++m_counts[fmt::format("{} {}", job->host, outcome_name(r.outcome))];
            if (r.outcome == Outcome::rate_limited || r.outcome == Outcome::blocked)
                m_troubled[cooldown_key(req.url, r.outcome)] = {r.outcome, r.retry_after,
                                                                now_utc()};
            ++job->failures;
            const auto delay =
                retry_delay(policy, r, job->failures, budget, seconds_between(start, Steady::now()),
                            uniform(m_impl->rng));
            if (delay) {
                --budget;
                log::debug("{}: {}; retrying in {:.1f} s", shown_url(req), r.error, *delay);
                job->ready_at = Steady::now() + std::chrono::duration_cast<Steady::duration>(
                                                    std::chrono::duration<double>(*delay));
                job->headers.reset();
                job->easy.reset();
                waiting.push_back(std::move(job));
            } else {
                results[job->index] = std::move(r);
            }
        }
        if (running.empty() && waiting.empty())
            break;
        // A finished transfer frees a slot: start what waited for it now, not at the next wake-up.
        if (finished_any)
            continue;
        const auto wait_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(next_wake - Steady::now())
                .count();
        if (running.empty())
            std::this_thread::sleep_for(std::chrono::milliseconds(std::max<long long>(1, wait_ms)));
        else
            curl_multi_poll(m_impl->multi.get(), nullptr, 0,
                            static_cast<int>(std::clamp<long long>(wait_ms, 1, 1000)), nullptr);
    }
    return results;
}

} // namespace alimi
