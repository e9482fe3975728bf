#include "source/source.hpp"

#include "source/cgv.hpp"
#include "source/cgv_legacy.hpp"

#include "text.hpp"

#include <fmt/format.h>

namespace alimi {

std::unique_ptr<SourcePlan> make_plan(const TargetConfig &target, const PlanContext &ctx) {
    switch (target.source) {
    case SourceKind::cgv_legacy:
        return make_cgv_legacy_plan(target, ctx);
    case SourceKind::cgv:
        break;
    }
    return make_cgv_plan(target, ctx);
}

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

std::string cgv_booking_url(const std::string &theater, const std::string &theater_name,
                            const std::string &iso_date, const std::string &movie,
                            const std::string &hall, const std::string &showing) {
    std::string ymd = iso_date;
    std::erase(ymd, '-');
    if (!hall.empty() && !movie.empty())
        return fmt::format("https://cgv.co.kr/cnm/movieBook/"
                           "movie?movNo={}&scnYmd={}&siteNo={}&siteNm={}&scnsNo={}&scnSseq={}",
                           url_encode(movie), ymd, url_encode(theater), url_encode(theater_name),
                           url_encode(hall), url_encode(showing));
    auto url = fmt::format("https://cgv.co.kr/cnm/movieBook/cinema?siteNo={}&siteNm={}&scnYmd={}",
                           url_encode(theater), url_encode(theater_name), ymd);
    if (!movie.empty())
        url += "&movNo=" + url_encode(movie);
    return url;
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
