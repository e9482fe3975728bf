// What an HTTP answer means and what to do next: pure functions over values, no libcurl.
#pragma once

#include "timeutil.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alimi {

// The body we need; an HTML page where JSON or XML was expected is a block page, not data.
enum class Expect { any, json, xml };

enum class Outcome {
    ok,           // 2xx with a usable body
    retryable,    // 5xx, reset, truncated: worth another try
    timeout,      // no answer in time: not retried within a run, it would only multiply the wait
    rate_limited, // 429: stop talking to the host for Retry-After or a default cool-down
    blocked,      // 403 or an HTML page: a firewall said no; back off hard
    permanent,    // other 4xx, bad URL, TLS failure, oversized answer: retrying will not help
    not_sent,     // the host is cooling down; nothing was sent
};

const char *outcome_name(Outcome o);

struct HttpResult;

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::string> headers; // "Name: value"
    std::string body;
    Expect expect = Expect::json;
    std::string display; // what logs show instead of the URL when its path holds a secret
    // A chain's own reading of an answer that status codes alone misjudge (a throttle text sent
    // with 200, a vendor's rate-limit code): runs after classify_response, before retries and
    // cool-downs are decided, so its verdict counts everywhere. nullptr: none.
    void (*refine)(HttpResult &answer) = nullptr;
    // Pushes do not follow redirects: curl would turn the POST into a GET, and the message is
    // better told to use the new address.
    bool follow_redirects = true;
    // A push: its status line decides. After a 2xx the server has the message, so a body that is
    // cut off, too large or too slow still means delivered (sending again would double it).
    bool status_decides = false;
};

// The URL as logs and errors may show it: display if set, else the URL without query and userinfo.
std::string shown_url(const HttpRequest &request);

struct HttpResult {
    Outcome outcome = Outcome::permanent;
    long status = 0;
    std::string body;
    std::string content_type;
    std::optional<double> retry_after; // seconds, from the Retry-After header
    std::string error;                 // what went wrong, one line, no secrets
    std::string location;              // where a redirect not followed pointed
    int attempts = 0;
    bool body_whole = true; // false: a status_decides 2xx whose body was not read to its end
    // The server's clock (its Date header, unix seconds): what pruning trusts over ours.
    std::optional<long long> server_date;
    std::string http_version; // as the answer came: "HTTP/1.1", "HTTP/2"; "" when none came
};

// "HTTP/1.1" for libcurl's CURL_HTTP_VERSION_1_1 (2), and so on; "" for none (0).
std::string http_version_name(long curl_version);

// Classifies a completed exchange. Sets outcome and, when not ok, error.
void classify_response(HttpResult &r, Expect expect);

// Retry-After as delay-seconds or HTTP-date (RFC 9110); nullopt when unusable.
std::optional<double> parse_retry_after(std::string_view value, TimePoint now);

// "host[:port]" of an http(s) URL, lowercased; "" when it is not one.
std::string host_of(std::string_view url);

// The URL without query and userinfo: safe to print, even if a query carried a secret.
std::string printable_url(std::string_view url);

// One spelling per address, for telling two notifiers that push to one place: scheme and host
// lowercased, a default port and a trailing slash dropped, path and query as given.
std::string canonical_url(std::string_view url);

// What a 429 or a block silences: Cloudflare limits per path and IP, so a 429 silences its host
// and path ("host/path", no query); a 403 or block page is a verdict on us, so the whole host.
std::string cooldown_key(std::string_view url, Outcome outcome);

// The host a cool-down key belongs to.
std::string_view cooldown_host(std::string_view key);

// The last cool-down of a key, kept after it ends so a repeat can double it.
struct PastCooldown {
    TimePoint until;
    double seconds = 0;
};

struct CooldownRules {
    double first_429 = 60;  // a 429 without Retry-After starts here
    double max_429 = 600;   // and doubles on repeats up to this ([http] cooldown_429)
    double block = 1800;    // a 403 or block page ([http] cooldown_block)
    double repeat = 3600;   // a 429 within this many seconds after the last one ended repeats it
    double longest = 86400; // no server's Retry-After is obeyed past this
};

// Seconds of silence after a 429 or block answered at `at`: Retry-After when given; else a block
// waits `block`, a first 429 `first_429`, a repeat twice the last, at most max_429.
double cooldown_seconds(const CooldownRules &rules, Outcome outcome,
                        std::optional<double> retry_after, const std::optional<PastCooldown> &last,
                        TimePoint at);

struct RetryPolicy {
    int max_retries = 2;    // extra attempts per request
    double base = 1.0;      // seconds; doubled each failure
    double cap = 20.0;      // longest wait between attempts
    int run_budget = 20;    // retries shared by every request of one run
    double deadline = 60.0; // seconds after the run started: no retry starts later
};

// Seconds to wait before the next attempt of a request that failed `failures` times, or nullopt
// when it must not be retried. Full jitter (random01 in [0,1)) spreads retries of many targets.
std::optional<double> retry_delay(const RetryPolicy &policy, const HttpResult &last, int failures,
                                  int budget_left, double elapsed, double random01);

} // namespace alimi
