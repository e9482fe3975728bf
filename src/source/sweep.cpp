#include "sweep.hpp"

#include <algorithm>
#include <tuple>

namespace alimi {

// A date not swept for the longest is the one most likely to hold an unseen addition, so
// within its budget a run covers every listed date in turn, new dates first.
std::vector<std::string> choose_sweep_dates(const std::vector<std::string> &listed,
                                            const SourceMemory &memory, int budget) {
    // Rank: new dates (0), listed but never swept (1), then by last sweep, oldest first (2).
    std::vector<std::tuple<int, long long, std::string>> ranked;
    for (const auto &d : listed) {
        const auto it = memory.swept.find(d);
        if (it == memory.swept.end())
            ranked.emplace_back(0, 0, d);
        else if (!it->second)
            ranked.emplace_back(1, 0, d);
        else
            ranked.emplace_back(2, *it->second, d);
    }
    std::sort(ranked.begin(), ranked.end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < ranked.size() && static_cast<int>(i) < budget; ++i)
        out.push_back(std::get<2>(ranked[i]));
    // Requests go out in date order: the same choice always makes the same requests, which
    // keeps runs comparable in the log and in tests.
    std::sort(out.begin(), out.end());
    return out;
}

// "Today" comes from the context's clock (the sequencer's), never from the system clock,
// so a plan is a pure function of its inputs.
DateSweepPlan::DateSweepPlan(const TargetConfig &t, const PlanContext &ctx)
    : m_target(t), m_memory(ctx.memory), m_ask_theater(ctx.ask_theater),
      m_cached_theater_name(ctx.theater_name), m_today(iso_date(kst_date(ctx.now))) {}

std::vector<HttpRequest> DateSweepPlan::next(const std::vector<HttpResult> &answers) {
    switch (m_step++) {
    // Step one: the date strip, plus the theater list when the name is not cached yet; both
    // go out together so naming a theater costs no extra round trip.
    case 0: {
        std::vector<HttpRequest> first = {m_strip_request = strip_request()};
        if (const auto names = m_ask_theater ? theater_list_request() : std::nullopt)
            first.push_back(*names);
        return first;
    }
    case 1:
        return sweep(answers);
    default:
        finish(answers);
        return {};
    }
}

std::vector<HttpRequest> DateSweepPlan::sweep(const std::vector<HttpResult> &answers) {
    if (auto failure = first_failure({m_strip_request}, answers))
        return fail(*failure);
    // A strip that does not parse fails the snapshot: without the list of dates, no date can
    // be told apart from one that was dropped.
    auto strip = with_url(parse_strip(answers.at(0).body), m_strip_request);
    if (!strip)
        return fail(strip.error());
    m_snapshot.theater_name = strip->theater_name;
    if (answers.size() > 1) // names are a courtesy: a failed list costs nothing else
        m_snapshot.names = parse_theater_list(answers[1]);
    else if (m_ask_theater)
        m_snapshot.names = names_in_strip(answers.at(0).body);
    for (const auto &n : m_snapshot.names)
        // The name is kept for later runs, which then skip the theater list.
        if (n.kind == "theater" && n.code == m_target.theater && !n.name.empty())
            m_cached_theater_name = n.name;
    if (m_snapshot.theater_name.empty())
        m_snapshot.theater_name = m_cached_theater_name;
    for (const auto &d : strip->dates)
        if (d >= m_today)
            m_snapshot.listed_dates.push_back(d); // past dates are not bookable
    // swept_dates travel with the snapshot: the diff treats only these dates as looked at, so
    // a date outside this run's budget keeps its known showings untouched.
    m_snapshot.swept_dates =
        choose_sweep_dates(m_snapshot.listed_dates, m_memory, m_target.settings.dates_per_run);
    for (const auto &d : m_snapshot.swept_dates)
        m_requests.push_back(day_request(d));
    if (m_requests.empty())
        m_result = m_snapshot; // nothing open: a valid, empty schedule
    return m_requests;
}

// Every swept date must answer: a date whose page failed would otherwise look swept and empty.
void DateSweepPlan::finish(const std::vector<HttpResult> &answers) {
    if (auto failure = first_failure(m_requests, answers)) {
        m_result = tl::unexpected(*failure);
        return;
    }
    for (std::size_t i = 0; i < m_requests.size(); ++i) {
        auto page = with_url(parse_day(answers.at(i).body), m_requests[i]);
        if (!page) {
            m_result = tl::unexpected(page.error());
            return;
        }
        if (m_snapshot.theater_name.empty())
            m_snapshot.theater_name = page->theater_name;
        // A day page with no rows at all (sites send these while a schedule is being edited) is
        // fetched but is no look at the day: the store keeps the date not yet looked at.
        if (page->rows == 0)
            m_snapshot.blank_dates.push_back(m_snapshot.swept_dates[i]);
        for (auto &o : page->showings)
            if (o.date == m_snapshot.swept_dates[i]) // a page may carry neighbouring days
                m_snapshot.openings.push_back(std::move(o));
    }
    m_result = m_snapshot;
}

std::vector<HttpRequest> DateSweepPlan::fail(SourceError e) {
    m_result = tl::unexpected(std::move(e));
    return {};
}

} // namespace alimi
