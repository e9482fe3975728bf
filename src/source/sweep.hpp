// The shape every chain's whole-schedule target shares: one request for the theater's open dates
// (the strip), then one day page for each of a few dates chosen per run: new dates first, then
// never swept, then the least recently swept (the store's SourceMemory says which is which).
// A chain says how to ask and how to read; the stepping, the choice and the failure rules live
// here once. Pure, like every plan.
#pragma once

#include "opening.hpp"

#include <string>
#include <vector>

namespace alimi {

// Which listed dates (ISO, sorted) to sweep this run: new ones first, then never swept, then the
// least recently swept; at most budget.
std::vector<std::string> choose_sweep_dates(const std::vector<std::string> &listed,
                                            const SourceMemory &memory, int budget);

// The open dates (ISO) a strip lists, with the theater's name when the answer gives it.
struct DateStrip {
    std::vector<std::string> dates;
    std::string theater_name;
};

// One day page's openings for the target, and the theater's name when the page gives it.
struct ShowingPage {
    std::vector<Opening> showings;
    std::string theater_name;
    // Rows of the whole page, the target's or not: a listed date whose page has none is a partial
    // answer (the site lists it, so something plays there), not a look at that day.
    std::size_t rows = 0;
};

class DateSweepPlan : public SourcePlan {
  public:
    DateSweepPlan(const TargetConfig &t, const PlanContext &ctx);
    std::vector<HttpRequest> next(const std::vector<HttpResult> &answers) final;
    SnapshotResult result() const final { return m_result; }

  protected:
    virtual HttpRequest strip_request() const = 0;
    // May also learn what day requests need (a chain's own id of the theater).
    virtual tl::expected<DateStrip, SourceError> parse_strip(const std::string &body) = 0;
    virtual HttpRequest day_request(const std::string &iso_date) const = 0;
    // Only the target's showings: its theater, screen and movie.
    virtual tl::expected<ShowingPage, SourceError> parse_day(const std::string &body) const = 0;
    // A list naming the chain's theaters, asked with the strip when the state has no name for
    // the target's theater yet (once: the state keeps what it says); none by default.
    virtual std::optional<HttpRequest> theater_list_request() const { return std::nullopt; }
    virtual std::vector<NameRecord> parse_theater_list(const HttpResult &) const { return {}; }
    // Or the names the strip's own answer carries (Megabox lists every branch with each date
    // strip), read when the state has no name for the target's theater; none by default.
    virtual std::vector<NameRecord> names_in_strip(const std::string &) const { return {}; }

    // The business date (KST) of this run, ISO.
    const std::string &today() const { return m_today; }

    const TargetConfig &m_target;

  private:
    std::vector<HttpRequest> sweep(const std::vector<HttpResult> &answers);
    void finish(const std::vector<HttpResult> &answers);
    std::vector<HttpRequest> fail(SourceError e);

    SourceMemory m_memory;
    bool m_ask_theater = false;
    std::string m_cached_theater_name;
    std::string m_today;
    int m_step = 0;
    HttpRequest m_strip_request;
    std::vector<HttpRequest> m_requests;
    Snapshot m_snapshot;
    SnapshotResult m_result = tl::unexpected(SourceError{Outcome::permanent, "not fetched"});
};

} // namespace alimi
