// What carries requests: libcurl in the program, an in-memory world in unit tests. HttpClient
// keeps the manners (hosts' gaps, retries, holds, sharing) and reads what a transport brings
// back; a transport only sends what it is given and says what came back.
#pragma once

#include "http_policy.hpp"
#include "http_settings.hpp"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace alimi {

// One request's end as it came off the wire.
struct Exchange {
    // The transfer broke off (timeout, reset, cut short, too large): answer.outcome and
    // answer.error say how, answer.status is the status line seen before (0 if none) and
    // answer.body what had arrived.
    bool failed = false;
    // Otherwise what the server sent: status, body, content type, redirect target, version,
    // Date (server_date). Not yet redacted or classified.
    HttpResult answer;
    std::string retry_after; // the Retry-After header as sent ("" when none)
};

class Transport {
  public:
    virtual ~Transport() = default;
    // Sends the request (the user agent and timeouts come with the transport); its end comes
    // back from wait() under id.
    virtual void start(std::size_t id, const HttpRequest &request) = 0;
    // The requests that ended, waiting up to `timeout` for a first one; none when none did.
    virtual std::vector<std::pair<std::size_t, Exchange>>
    wait(std::chrono::milliseconds timeout) = 0;
    // Drops every request started and not ended (a stop signal): their ends never come.
    virtual void abandon() = 0;
};

// libcurl: HTTP/1.1, every encoding it decodes, settings' timeout and body limit, user_agent.
std::unique_ptr<Transport> curl_transport(const HttpSettings &settings,
                                          const std::string &user_agent);

} // namespace alimi
