// CGV whole-screen targets at one theater race as one group (source/race.hpp): one date list,
// tripwires per hall, day pages shared by every hall, all within the theater's budget per run.
// Each member target sees its own snapshot, filtered to its hall; the first member's plan
// carries the group's requests and the others wait for its answers.
#include "cgv_race.hpp"
#include "cgv_discovery.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>

namespace alimi::cgv_race {

std::vector<HttpRequest> CgvRace::next(const std::vector<HttpResult> &answers) {
    switch (m_phase) {
    case Phase::start:
        m_phase = Phase::lists;
        if (auto asks = first_step(); !asks.empty())
            return asks;
        return after_lists({}); // nothing cheap to ask this run: straight to the day pages
    case Phase::lists:
        return after_lists(answers);
    case Phase::newcomers:
        for (std::size_t i = 0; i < m_newcomers.size(); ++i)
            read_ask(m_newcomers[i], answers.at(i), today());
        return day_step();
    case Phase::days:
        m_phase = Phase::done;
        finish(answers);
        return {};
    default:
        return {};
    }
}

SnapshotResult CgvRace::not_fetched() {
    return tl::unexpected(SourceError{Outcome::permanent, "not fetched"});
}

HttpRequest CgvRace::request(const std::string &endpoint, const QueryParams &q) const {
    return cgv_request(lead().settings.api, endpoint, q);
}

std::vector<std::string> CgvRace::attrs() const {
    std::vector<std::string> out;
    for (const auto &m : m_members)
        if (std::find(out.begin(), out.end(), cgv_attr_code(m.target->screen)) == out.end())
            out.push_back(cgv_attr_code(m.target->screen));
    return out;
}

int CgvRace::rate() const {
    std::vector<const TargetConfig *> group;
    for (const auto &m : m_members)
        group.push_back(m.target);
    return race_budget(group);
}

void CgvRace::set_allowance(bool hot) {
    std::vector<KnownShowing> all;
    for (const auto &m : m_members)
        all.insert(all.end(), m.ctx.memory.showings.begin(), m.ctx.memory.showings.end());
    const auto now = unix_now(m_members.front().ctx);
    m_allowance = std::max(m_allowance, race_allowance(m_credit, hot, quiet_hour(all, now), rate(),
                                                       static_cast<int>(attrs().size())));
}

Flags CgvRace::flags(const std::string &attr) const {
    return live_flags(read_stamps(note("flags:" + attr).value_or("")), {},
                      unix_now(m_members.front().ctx));
}

bool CgvRace::news_pending() const {
    const auto now = unix_now(m_members.front().ctx);
    for (const auto &attr : attrs()) // a movie's news; a new date alone may be for other halls
        for (const auto &[what, at] : flags(attr))
            if (!what.ends_with('|'))
                return true;
    // A first look, or listed dates not looked at yet, are finished at the burst rate too.
    return first_look() || std::any_of(m_members.begin(), m_members.end(), [&](const Member &m) {
               return !wave_dates(m.ctx.memory.showings, now).empty() ||
                      std::any_of(m.ctx.memory.swept.begin(), m.ctx.memory.swept.end(),
                                  [](const auto &d) { return !d.second; });
           });
}

std::vector<KnownShowing> CgvRace::known(const std::string &attr) const {
    std::vector<KnownShowing> out;
    for (const auto &m : m_members)
        if (cgv_attr_code(m.target->screen) == attr)
            out.insert(out.end(), m.ctx.memory.showings.begin(), m.ctx.memory.showings.end());
    return out;
}

std::vector<std::string> CgvRace::watched(const std::string &attr,
                                          const std::string &national) const {
    std::vector<KnownShowing> elsewhere;
    for (const auto &other : attrs())
        if (other != attr) {
            const auto k = known(other);
            elsewhere.insert(elsewhere.end(), k.begin(), k.end());
        }
    return hall_movies(known(attr), national, elsewhere, m_run);
}

std::optional<std::string> CgvRace::note(const std::string &key) const {
    for (const auto &m : m_members)
        if (const auto it = m.ctx.memory.notes.find(key); it != m.ctx.memory.notes.end())
            return it->second;
    return std::nullopt;
}

long long CgvRace::run_number() const {
    long long run = 0;
    for (const auto &m : m_members)
        if (const auto it = m.ctx.memory.notes.find("runs"); it != m.ctx.memory.notes.end())
            run = std::max(run, std::atoll(it->second.c_str()));
    return run + 1;
}

bool CgvRace::first_look() const {
    return std::any_of(m_members.begin(), m_members.end(),
                       [](const Member &m) { return m.ctx.memory.swept.empty(); });
}

std::vector<HttpRequest> CgvRace::first_step() {
    m_run = run_number();
    m_credit = race_credit(note("credit"), unix_now(m_members.front().ctx), rate());
    set_allowance(news_pending());
    std::size_t waiting = 0; // flagged dates still to be seen: each wants its page
    for (const auto &attr : attrs())
        waiting += flags(attr).size();
    if (first_look())
        add_ask({Ask::strip_list, "", ""});
    if (std::any_of(m_members.begin(), m_members.end(),
                    [](const Member &m) { return m.ctx.ask_theater; }))
        add_ask({Ask::name_list, "", ""}); // once: the state keeps the names
    const auto [wanted, lists] = list_candidates();
    // Lists take at most half the run; the day pages the rest, at least the flagged dates' and
    // one more.
    const int pages =
        std::max((budget() + 1) / 2, static_cast<int>(std::min<std::size_t>(waiting, 6)) + 1);
    for (const auto i :
         lists_to_ask(lists, note("asked").value_or(""), m_run, budget() - m_spent - pages))
        add_ask(wanted[i]);
    return m_requests;
}

std::pair<std::vector<Ask>, std::vector<ListCandidate>> CgvRace::list_candidates() const {
    std::vector<Ask> wanted;
    std::vector<ListCandidate> lists;
    if (!first_look()) { // a first look asks it anyway
        wanted.push_back({Ask::strip_list, "", ""});
        lists.push_back({"dates", 2});
    }
    for (const auto &attr : attrs()) {
        const auto movies = watched(attr, note("hall:" + attr).value_or(""));
        for (std::size_t i = 0; i < movies.size(); ++i) {
            wanted.push_back({Ask::movie_list, attr, movies[i]});
            lists.push_back({list_key(wanted.back()), i == 0 ? 1 : k_race_rotation});
        }
        wanted.push_back({Ask::national_list, attr, ""});
        lists.push_back({list_key(wanted.back()), 2});
    }
    return {wanted, lists};
}

std::string CgvRace::list_key(const Ask &a) {
    switch (a.kind) {
    case Ask::strip_list:
        return "dates";
    case Ask::national_list:
        return "hall:" + a.attr;
    case Ask::movie_list:
        return fmt::format("movie:{}:{}", a.attr, a.movie);
    default:
        return "names";
    }
}

void CgvRace::add_ask(const Ask &a) {
    m_asks.push_back(a);
    if (a.kind == Ask::strip_list)
        m_requests.push_back(
            request("booking/searchSiteScnscYmdListBySite", {{"siteNo", lead().theater}}));
    else if (a.kind == Ask::name_list)
        m_requests.push_back(request("booking/searchRegnList", {}));
    else
        m_requests.push_back(ask_request(a));
    ++m_spent; // the names too: asked once, but no run goes over its allowance
}

HttpRequest CgvRace::ask_request(const Ask &a) const {
    const QueryParams hall = {{"div", "CUST_EXPO_MOVTYP_CD"}, {"attrCd", a.attr}};
    if (a.kind == Ask::national_list) {
        QueryParams q = {{"movNm", ""}};
        q.insert(q.end(), hall.begin(), hall.end());
        return request("booking/searchAtktTopPostrList", q);
    }
    QueryParams q = {{"siteNo", lead().theater}, {"movNo", a.movie}};
    q.insert(q.end(), hall.begin(), hall.end());
    return request("booking/searchSiteScnscYmdListByMov", q);
}

void CgvRace::fail_all(SourceError e) {
    for (auto &r : m_results)
        r = tl::unexpected(e);
}

std::vector<HttpRequest> CgvRace::after_lists(const std::vector<HttpResult> &answers) {
    const auto today = this->today();
    bool listed = false;
    for (std::size_t i = 0; i < m_asks.size(); ++i) {
        if (m_asks[i].kind == Ask::strip_list) {
            if (!read_strip(answers.at(i), m_requests[i], today))
                return {};
            listed = true;
        } else if (answers.at(i).outcome == Outcome::blocked) { // a verdict on us
            fail_all(*first_failure({m_requests[i]}, {answers[i]}));
            return {};
        } else {
            read_ask(m_asks[i], answers.at(i), today);
        }
    }
    if (!listed)
        m_listed = known_open(today);
    if (!m_flagged.empty() || !m_national_new.empty())
        set_allowance(true); // news this run: its pages are worth a burst
    return newcomers();
}

std::vector<HttpRequest> CgvRace::newcomers() {
    std::vector<HttpRequest> out;
    for (const auto &[attr, codes] : m_national_new)
        for (const auto &code : codes)
            if (m_spent + (first_look() ? 2 : 1) < budget()) { // a first look: two pages too
                m_newcomers.push_back({Ask::movie_list, attr, code});
                out.push_back(ask_request(m_newcomers.back()));
                ++m_spent;
            }
    if (out.empty())
        return day_step();
    m_phase = Phase::newcomers;
    return out;
}

std::vector<HttpRequest> CgvRace::day_step() {
    m_phase = Phase::days;
    m_chosen = choose_race_dates(view());
    for (const auto &d : m_chosen)
        m_days.push_back(request(
            "booking/searchMovScnInfo",
            {{"siteNo", lead().theater}, {"scnYmd", compact_from_iso(d)}, {"rtctlScopCd", "08"}}));
    if (m_days.empty()) {
        m_phase = Phase::done;
        finish({});
    }
    return m_days;
}
} // namespace alimi::cgv_race

namespace alimi {

namespace {

using cgv_race::CgvRace;
using cgv_race::Member;

// One member's plan: the first carries the group's requests; the others finish at once and read
// the group's result when the run is over.
class CgvRaceMember final : public SourcePlan {
  public:
    CgvRaceMember(std::shared_ptr<CgvRace> race, std::size_t index)
        : m_race(std::move(race)), m_index(index) {}
    std::vector<HttpRequest> next(const std::vector<HttpResult> &answers) override {
        return m_index == 0 ? m_race->next(answers) : std::vector<HttpRequest>{};
    }
    SnapshotResult result() const override { return m_race->result(m_index); }

  private:
    std::shared_ptr<CgvRace> m_race;
    std::size_t m_index;
};

} // namespace

int race_budget(const std::vector<const TargetConfig *> &group) {
    int rate = 0;
    for (const auto *t : group)
        rate = std::max(rate, cgv_settings(t->settings).requests_per_run);
    return rate;
}

bool races(const TargetConfig &t) {
    return t.movie.empty() && !t.screen.empty() && cgv_settings(t.settings).strategy == "race";
}

std::vector<std::unique_ptr<SourcePlan>>
make_cgv_race_plans(const std::vector<const TargetConfig *> &targets,
                    const std::vector<PlanContext> &ctxs) {
    std::vector<std::unique_ptr<SourcePlan>> plans(targets.size());
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < targets.size(); ++i)
        groups[{targets[i]->settings.api, targets[i]->theater}].push_back(i);
    for (const auto &[where, indexes] : groups) {
        std::vector<Member> members;
        for (const auto i : indexes)
            members.push_back({targets[i], ctxs[i]});
        auto race = std::make_shared<CgvRace>(std::move(members));
        for (std::size_t k = 0; k < indexes.size(); ++k)
            plans[indexes[k]] = std::make_unique<CgvRaceMember>(race, k);
    }
    return plans;
}

} // namespace alimi
