#include "opening.hpp"

#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace alimi {

// Most snapshots are one request and one parse; this plan is that two-step exchange, so a
// chain only writes the request and the parser.
std::vector<HttpRequest> SingleRequestPlan::next(const std::vector<HttpResult> &answers) {
    if (!m_sent) {
        m_sent = true;
        return {m_request};
    }
    // A failed answer is the snapshot's error, never an empty snapshot: an empty one would read
    // as "every showing is gone" and wrongly move what is known.
    if (auto failure = first_failure({m_request}, answers)) {
        m_result = tl::unexpected(*failure);
        return {};
    }
    m_result = with_url(parse(answers.at(0).body), m_request);
    return {};
}

// A poster URL goes into pushes and the status page, so only a plain, quote-free http(s)
// URL or a site-relative path is kept; anything else becomes "no poster", not an error.
std::string poster_url(std::string_view host, std::string_view path) {
    path = trim(path);
    const bool absolute = path.starts_with("https://") || path.starts_with("http://");
    const bool safe = !path.empty() && path.size() < 1000 &&
                      path.find("..") == std::string_view::npos &&
                      std::all_of(path.begin(), path.end(), [](char c) {
                          const auto u = static_cast<unsigned char>(c);
                          return u > 0x20 && u < 0x7F && c != '"' && c != '\'' && c != '<' &&
                                 c != '>' && c != '\\';
                      });
    // "//host/..." would be a different host under the chain's scheme; refused like a relative
    // path, whose base we cannot know.
    if (!safe || (!absolute && !path.starts_with('/')) || path.starts_with("//"))
        return "";
    return absolute ? std::string(path) : std::string(host) + std::string(path);
}

// The first failed answer names the batch's failure: its URL (without secrets or query
// noise) and what went wrong, as the error column and the log show it.
std::optional<SourceError> first_failure(const std::vector<HttpRequest> &requests,
                                         const std::vector<HttpResult> &answers) {
    for (std::size_t i = 0; i < answers.size() && i < requests.size(); ++i) {
        const auto &a = answers[i];
        if (a.outcome != Outcome::ok)
            return SourceError{a.outcome, fmt::format("{}: {}", shown_url(requests[i]), a.error)};
    }
    return std::nullopt;
}

} // namespace alimi
