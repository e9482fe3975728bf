#include "opening.hpp"

#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace alimi {

std::vector<HttpRequest> SingleRequestPlan::next(const std::vector<HttpResult> &answers) {
    if (!m_sent) {
        m_sent = true;
        return {m_request};
    }
    if (auto failure = first_failure({m_request}, answers)) {
        m_result = tl::unexpected(*failure);
        return {};
    }
    m_result = with_url(parse(answers.at(0).body), m_request);
    return {};
}

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
    if (!safe || (!absolute && !path.starts_with('/')) || path.starts_with("//"))
        return "";
    return absolute ? std::string(path) : std::string(host) + std::string(path);
}

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
