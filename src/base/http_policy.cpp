#include "http_policy.hpp"

#include "text.hpp"
#include "utf8.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace alimi {

namespace {

// "application/json", "text/json", "application/problem+json": any type naming JSON.
bool is_json_type(std::string_view ct) {
    return ct.find("json") != std::string_view::npos;
}

void fail(HttpResult &r, Outcome o, std::string message) {
    r.outcome = o;
    r.error = std::move(message);
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return out;
}

// Rate limits and blocks are about a host, not a request; anything else of 4xx is our fault.
void classify_error_status(HttpResult &r, bool html) {
    if (r.status == 429) {
        fail(r, Outcome::rate_limited, "rate limited by the server (HTTP 429)");
    } else if (r.status == 403) {
        fail(r, Outcome::blocked,
             html ? "blocked by the server (403 HTML page)" : "blocked by the server (HTTP 403)");
    } else if (r.status >= 500) {
        fail(r, Outcome::retryable, fmt::format("server error (HTTP {})", r.status));
    } else {
        fail(r, Outcome::permanent, fmt::format("HTTP {}{}", r.status, html ? " (HTML page)" : ""));
    }
}

} // namespace

// The names in the requests table, metrics labels and `check --json`: part of the
// contract, so they never change with the enum.
const char *outcome_name(Outcome o) {
    switch (o) {
    case Outcome::ok:
        return "ok";
    case Outcome::retryable:
        return "error";
    case Outcome::timeout:
        return "timeout";
    case Outcome::rate_limited:
        return "rate_limited";
    case Outcome::blocked:
        return "blocked";
    case Outcome::permanent:
        return "failed";
    case Outcome::not_sent:
        return "not_sent";
    }
    return "unknown";
}

// Sites answer blocks and maintenance with a 200 HTML page; judging by the body as well as
// the status keeps such a page from being parsed as an empty schedule.
void classify_response(HttpResult &r, Expect expect) {
    const auto ct = lower(r.content_type);
    const bool html = ct.find("text/html") != std::string::npos || looks_like_html(r.body);
    if (r.status < 200 || r.status >= 300)
        return classify_error_status(r, html);
    // An HTML page where JSON was asked for is a block: asking again at once would only make
    // the block longer, so the host cools down instead of retrying.
    if (expect != Expect::any && html && !is_json_type(ct))
        return fail(r, Outcome::blocked,
                    fmt::format("blocked by the server (HTTP {} HTML page instead of {})", r.status,
                                expect == Expect::json ? "JSON" : "XML"));
    // JSON answers may hold invalid UTF-8 in rows nobody keeps: parse_json_answer repairs them and
    // the parsers check the rows they keep.
    if (expect == Expect::xml && !is_valid_utf8(r.body))
        return fail(r, Outcome::permanent, "answer is not valid UTF-8");
    // An empty 200 is a hiccup worth one retry, never a schedule with nothing in it.
    if (expect != Expect::any && trim(strip_bom(r.body)).empty())
        return fail(r, Outcome::retryable, fmt::format("empty answer (HTTP {})", r.status));
    r.outcome = Outcome::ok;
    r.error.clear();
}

// Seconds or an HTTP date; anything else (or a number of more than 9 digits) is ignored
// and the usual cool-down applies, so a garbled header cannot stop us for a century.
std::optional<double> parse_retry_after(std::string_view value, TimePoint now) {
    const auto v = std::string(trim(value));
    if (v.empty())
        return std::nullopt;
    if (std::all_of(v.begin(), v.end(), ::isdigit)) {
        if (v.size() > 9)
            return std::nullopt;
        return std::stod(v);
    }
    const time_t at = curl_getdate(v.c_str(), nullptr); // IMF-fixdate and the two obsolete forms
    if (at < 0)
        return std::nullopt;
    return std::max(0.0, static_cast<double>(at - to_unix(now)));
}

// Lower case and without user info: "User@Host" and "host" are one host to pace and to
// cool down.
std::string host_of(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos)
        return "";
    auto rest = url.substr(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (auto at = rest.rfind('@'); at != std::string_view::npos)
        rest = rest.substr(at + 1);
    return lower(rest);
}

// For logs and errors: scheme, host and path only, since queries and user info are where
// keys travel.
std::string printable_url(std::string_view url) {
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos)
        return std::string(url.substr(0, url.find('?')));
    auto rest = url.substr(scheme + 3);
    const auto path_at = rest.find_first_of("/?#");
    auto authority = rest.substr(0, path_at);
    if (auto at = authority.rfind('@'); at != std::string_view::npos)
        authority = authority.substr(at + 1);
    auto path = path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at);
    path = path.substr(0, path.find_first_of("?#"));
    return fmt::format("{}://{}{}", url.substr(0, scheme), authority, path);
}

// Two spellings of one webhook (case of the host, a default port, a trailing slash) must
// count as one destination, or one opening would reach one channel twice.
std::string canonical_url(std::string_view url) {
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos)
        return std::string(url);
    const auto scheme = lower(url.substr(0, scheme_end));
    auto rest = url.substr(scheme_end + 3);
    const auto path_at = rest.find_first_of("/?#");
    auto host = lower(rest.substr(0, path_at));
    for (const auto *port : {":80", ":443"})
        if (host.ends_with(port) && (std::string_view(port) == ":80") == (scheme == "http"))
            host.resize(host.size() - std::string_view(port).size());
    std::string tail(path_at == std::string_view::npos ? std::string_view{} : rest.substr(path_at));
    const auto query_at = tail.find_first_of("?#");
    auto path = tail.substr(0, query_at);
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    return scheme + "://" + host + path +
           (query_at == std::string::npos ? "" : tail.substr(query_at));
}

// A 429 is often per endpoint (CGV limits one path while others answer), so it silences
// that path only; a block is about the client, so it silences the whole host.
std::string cooldown_key(std::string_view url, Outcome outcome) {
    const auto host = host_of(url);
    if (outcome != Outcome::rate_limited || host.empty())
        return host;
    const auto printable = printable_url(url); // scheme://host/path
    const auto path_at = printable.find('/', printable.find("://") + 3);
    return path_at == std::string::npos ? host : host + printable.substr(path_at);
}

std::string_view cooldown_host(std::string_view key) {
    return key.substr(0, key.find('/'));
}

// A server's own Retry-After wins (up to the longest allowed); otherwise a 429 that comes
// back soon after the last cool-down ended doubles it, up to its ceiling.
double cooldown_seconds(const CooldownRules &rules, Outcome outcome,
                        std::optional<double> retry_after, const std::optional<PastCooldown> &last,
                        TimePoint at) {
    if (retry_after)
        return std::clamp(*retry_after, 0.0, rules.longest);
    if (outcome != Outcome::rate_limited)
        return std::clamp(rules.block, 0.0, rules.longest);
    const bool repeat =
        last && last->seconds > 0 &&
        at - last->until <= std::chrono::seconds(static_cast<long long>(rules.repeat));
    const double wait = repeat ? last->seconds * 2 : rules.first_429;
    return std::clamp(std::min(wait, rules.max_429), 0.0, rules.longest);
}

std::string shown_url(const HttpRequest &request) {
    return request.display.empty() ? printable_url(request.url) : request.display;
}

// Full jitter (a random share of the exponential step), so runs of many users started by
// the same cron minute do not retry in step.
std::optional<double> retry_delay(const RetryPolicy &policy, const HttpResult &last, int failures,
                                  int budget_left, double elapsed, double random01) {
    if (last.outcome != Outcome::retryable)
        return std::nullopt;
    if (failures > policy.max_retries || budget_left <= 0)
        return std::nullopt;
    double delay = random01 * std::min(policy.cap, policy.base * std::pow(2.0, failures - 1));
    if (last.retry_after) {
        // A 503 that names its own wait is obeyed, unless that wait is longer than we would ever
        // wait.
        if (*last.retry_after > policy.cap)
            return std::nullopt;
        delay = *last.retry_after;
    }
    // A retry that would end after the run's deadline is not started: the next run asks anew.
    if (elapsed + delay > policy.deadline)
        return std::nullopt;
    return delay;
}

std::string http_version_name(long curl_version) {
    // libcurl's CURL_HTTP_VERSION_* values, stable across versions: 1.0, 1.1, 2, 2 over TLS
    // (never answered), 2 prior knowledge (never answered), 3.
    switch (curl_version) {
    case 1:
        return "HTTP/1.0";
    case 2:
        return "HTTP/1.1";
    case 3:
        return "HTTP/2";
    case 30:
        return "HTTP/3";
    default:
        return curl_version > 0 ? fmt::format("HTTP version {}", curl_version) : "";
    }
}

} // namespace alimi
