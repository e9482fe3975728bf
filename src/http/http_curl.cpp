// The transport of the program: libcurl's multi interface, one easy handle per request.
#include "transport.hpp"

#include "text.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace alimi {

namespace {

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

// Cleaned up at exit, after every transport is gone (a function-local static outlives them).
struct GlobalInit {
    GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    ~GlobalInit() { curl_global_cleanup(); }
};

// libcurl's global set-up must come before any other call into it, the multi handle's included.
const GlobalInit &global_init() {
    static const GlobalInit init;
    return init;
}

// One request in flight, with everything libcurl writes into.
struct Transfer {
    std::size_t id = 0;
    std::string host;
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

// CURLOPT_MAXFILESIZE only works when the server sends a length; a chunked or endless body
// is cut here, so a hostile answer can never fill memory.
size_t on_body(char *data, size_t size, size_t n, void *user) {
    auto *t = static_cast<Transfer *>(user);
    const auto len = size * n;
    if (static_cast<long long>(t->body.size() + len) > t->max_body) {
        t->too_large = true;
        return 0; // makes curl stop with CURLE_WRITE_ERROR
    }
    // Bodies arrive in pieces in any order of sizes; they are joined as they come.
    t->body.append(data, len);
    return len;
}

// Headers are read as they arrive: Retry-After and Date are all the manners layer needs,
// and the status line gives a code even when the body later breaks off.
size_t on_header(char *data, size_t size, size_t n, void *user) {
    auto *t = static_cast<Transfer *>(user);
    const std::string_view line(data, size * n);
    if (line.starts_with("HTTP/")) {
        t->retry_after.clear(); // a new response after a redirect
        const auto space = line.find(' ');
        t->status_line = space == std::string_view::npos
                             ? 0
                             : std::atol(std::string(line.substr(space + 1, 3)).c_str());
    }
    const auto value_of = [&](std::string_view name) -> std::optional<std::string> {
        if (line.size() > name.size() && curl_strnequal(line.data(), name.data(), name.size()))
            return std::string(trim(line.substr(name.size())));
        return std::nullopt;
    };
    if (auto v = value_of("retry-after:"))
        t->retry_after = std::move(*v);
    if (auto v = value_of("date:"))
        t->date = std::move(*v);
    return size * n;
}

// Every limit is set on every handle: timeouts, redirect count, protocols (a redirect to
// file:// or gopher:// must not be followed) and the body's size.
void configure(Transfer &t, const HttpRequest &req, const HttpSettings &s, const std::string &ua) {
    t.easy.reset(curl_easy_init());
    CURL *h = t.easy.get();
    if (!h)
        throw std::runtime_error("libcurl: cannot create an easy handle");
    const auto timeout_ms = static_cast<long>(s.timeout * 1000);
    curl_easy_setopt(h, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1); // CGV refused curl's HTTP/2
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");                 // every encoding curl decodes
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    // No SIGALRM for DNS timeouts: lanes run on threads, where libcurl's signal-based timeout is
    // unsafe, and signals belong to the program's own SIGTERM handling.
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, req.follow_redirects ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_MAXREDIRS, 3L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, ua.c_str());
    curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(s.max_body));
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t.error_buffer.data());
    // Releasing and resetting keeps the list owned at every step, also if append fails.
    for (const auto &header : req.headers)
        t.headers.reset(curl_slist_append(t.headers.release(), header.c_str()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, t.headers.get());
    if (req.method == "POST") {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
        // COPYPOSTFIELDS: libcurl keeps its own copy, so the request may go out of scope while the
        // transfer runs (retries build new handles anyway).
        curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, req.body.c_str());
    }
    t.max_body = s.max_body;
}

// How a transfer broke off, in the words a person checks it by.
// The outcome decides what happens next (retry, cool down, give up), so each libcurl code
// is sorted by what asking again could change.
void broke_off(HttpResult &r, const Transfer &t, CURLcode code) {
    const std::string detail =
        t.error_buffer.c_str()[0] ? t.error_buffer.c_str() : curl_easy_strerror(code);
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
        r.error = fmt::format("cannot reach {}: {}", t.host, one_line(detail));
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
        r.error = fmt::format("answer larger than {} bytes", t.max_body);
        break;
    default:
        r.outcome = Outcome::permanent;
        r.error = one_line(detail);
    }
}

// The server's Date header is what pruning trusts when the local clock runs ahead (a date
// must not be forgotten as past before the site says it is); an unreadable date is not used.
std::optional<long long> server_date(const std::string &value) {
    if (value.empty())
        return std::nullopt;
    const auto t = curl_getdate(value.c_str(), nullptr);
    return t > 0 ? std::optional<long long>(t) : std::nullopt;
}

// A broken transfer keeps the status line's code it had seen: a 429 whose body was cut off
// is still a 429 to the manners layer.
Exchange ended(Transfer &t, CURLcode code) {
    Exchange x;
    auto &r = x.answer;
    x.retry_after = t.retry_after;
    r.body = std::move(t.body);
    if (code != CURLE_OK) {
        x.failed = true;
        r.status = t.status_line;
        broke_off(r, t, t.too_large ? CURLE_FILESIZE_EXCEEDED : code);
        return x;
    }
    r.server_date = server_date(t.date);
    curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &r.status);
    long version = 0;
    curl_easy_getinfo(t.easy.get(), CURLINFO_HTTP_VERSION, &version);
    r.http_version = http_version_name(version);
    const char *ct = nullptr;
    curl_easy_getinfo(t.easy.get(), CURLINFO_CONTENT_TYPE, &ct);
    r.content_type = ct ? ct : "";
    const char *location = nullptr;
    curl_easy_getinfo(t.easy.get(), CURLINFO_REDIRECT_URL, &location);
    r.location = location ? location : "";
    return x;
}

// The one place the program talks to the network; tests replace it with an in-memory
// transport behind the same interface.
class CurlTransport final : public Transport {
  public:
    CurlTransport(const HttpSettings &settings, std::string user_agent)
        : m_settings(settings), m_user_agent(std::move(user_agent)) {
        if (!m_multi)
            throw std::runtime_error("libcurl: cannot create a multi handle");
    }
    ~CurlTransport() override { abandon(); }

    void start(std::size_t id, const HttpRequest &request) override {
        auto t = std::make_unique<Transfer>();
        t->id = id;
        t->host = host_of(request.url);
        configure(*t, request, m_settings, m_user_agent);
        curl_multi_add_handle(m_multi.get(), t->easy.get());
        m_running.emplace(t->easy.get(), std::move(t));
    }

    // Waits at most a second at a time, so the caller can act on SIGTERM and on deadlines
    // between polls.
    std::vector<std::pair<std::size_t, Exchange>> wait(std::chrono::milliseconds timeout) override {
        auto done = collect();
        if (done.empty() && !m_running.empty()) {
            curl_multi_poll(m_multi.get(), nullptr, 0,
                            static_cast<int>(std::clamp<long long>(timeout.count(), 1, 1000)),
                            nullptr);
            done = collect();
        }
        return done;
    }

    // On SIGTERM or a deadline: transfers in flight are dropped, their handles freed by the map.
    void abandon() override {
        for (auto &[easy, t] : m_running)
            curl_multi_remove_handle(m_multi.get(), easy);
        m_running.clear();
    }

  private:
    std::vector<std::pair<std::size_t, Exchange>> collect() {
        int still = 0;
        curl_multi_perform(m_multi.get(), &still);
        std::vector<std::pair<std::size_t, Exchange>> done;
        int queued = 0;
        while (CURLMsg *msg = curl_multi_info_read(m_multi.get(), &queued)) {
            // Only finished transfers are reported; libcurl defines no other message today.
            if (msg->msg != CURLMSG_DONE)
                continue;
            auto node = m_running.extract(msg->easy_handle);
            auto &t = *node.mapped();
            curl_multi_remove_handle(m_multi.get(), t.easy.get());
            done.emplace_back(t.id, ended(t, msg->data.result));
        }
        return done;
    }

    const GlobalInit &m_init = global_init(); // first: constructed before the multi handle
    Multi m_multi{curl_multi_init()};
    HttpSettings m_settings;
    std::string m_user_agent;
    std::map<CURL *, std::unique_ptr<Transfer>> m_running;
};

} // namespace

std::unique_ptr<Transport> curl_transport(const HttpSettings &settings,
                                          const std::string &user_agent) {
    return std::make_unique<CurlTransport>(settings, user_agent);
}

} // namespace alimi
