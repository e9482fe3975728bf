#include "source/source.hpp"

#include "text.hpp"

#include <fmt/format.h>

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
