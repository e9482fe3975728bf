#include "source/source.hpp"

#include "source/cgv_legacy.hpp"

#include <fmt/format.h>

namespace alimi {

namespace {

// A plan that sends nothing and fails with a fixed message.
class FailedPlan final : public SourcePlan {
  public:
    explicit FailedPlan(std::string message) : m_message(std::move(message)) {}
    std::vector<HttpRequest> next(const std::vector<HttpResult>&) override { return {}; }
    SnapshotResult result() const override { return tl::unexpected(SourceError{Outcome::permanent, m_message}); }

  private:
    std::string m_message;
};

} // namespace

std::unique_ptr<SourcePlan> make_plan(const TargetConfig& target, const PlanContext& ctx) {
    switch (target.source) {
    case SourceKind::cgv_legacy: return make_cgv_legacy_plan(target, ctx);
    case SourceKind::cgv: break;
    }
    return std::make_unique<FailedPlan>(fmt::format("source {} is not available in this build", source_name(target.source)));
}

std::optional<SourceError> first_failure(const std::vector<HttpRequest>& requests,
                                         const std::vector<HttpResult>& answers) {
    for (std::size_t i = 0; i < answers.size() && i < requests.size(); ++i) {
        const auto& a = answers[i];
        if (a.outcome != Outcome::ok)
            return SourceError{a.outcome, fmt::format("{}: {}", printable_url(requests[i].url), a.error)};
    }
    return std::nullopt;
}

} // namespace alimi
