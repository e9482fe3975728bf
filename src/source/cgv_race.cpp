// CGV whole-screen targets at one theater race as one group (source/race.hpp): one date list,
// tripwires per hall, day pages shared by every hall, all within the theater's budget per run.
// Each member target sees its own snapshot, filtered to its hall; the first member's plan
// carries the group's requests and the others wait for its answers.
#include "source/cgv.hpp"
#include "source/cgv_discovery.hpp"
#include "source/race.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>

namespace alimi {

namespace {

struct Member {
    const TargetConfig *target;
    PlanContext ctx;
};

// What one request of the first step asks: the date list, a theater list for names, a hall's
// national list, or a movie's dates in a hall.
struct Ask {
    enum Kind { strip_list, name_list, national_list, movie_list } kind;
    std::string attr;
    std::string movie;
    int priority = 0; // 0 a hall's likeliest movie, 1 its national list, 2 another movie
};

long long unix_now(const PlanContext &ctx) {
    return to_unix(ctx.now);
}

class CgvRace {
  public:
    explicit CgvRace(std::vector<Member> members)
        : m_members(std::move(members)), m_results(m_members.size(), not_fetched()) {}

    std::vector<HttpRequest> next(const std::vector<HttpResult> &answers) {
        switch (m_step++) {
        case 0:
            return first_step();
        case 1:
            return sweep(answers);
        default:
            finish(answers);
            return {};
        }
    }

    SnapshotResult result(std::size_t i) const { return m_results.at(i); }

  private:
    static SnapshotResult not_fetched() {
        return tl::unexpected(SourceError{Outcome::permanent, "not fetched"});
    }
    const TargetConfig &lead() const { return *m_members.front().target; }
    HttpRequest request(const std::string &endpoint, const QueryParams &q) const {
        return cgv_request(lead().settings.api, endpoint, q);
    }

    std::vector<std::string> attrs() const {
        std::vector<std::string> out;
        for (const auto &m : m_members)
            if (std::find(out.begin(), out.end(), cgv_attr_code(m.target->screen)) == out.end())
                out.push_back(cgv_attr_code(m.target->screen));
        return out;
    }

    // The theater's budget: requests_per_run, and one more for each further hall type.
    int budget() const {
        int base = 0;
        for (const auto &m : m_members)
            base = std::max(base, m.target->settings.requests_per_run);
        return base + static_cast<int>(attrs().size()) - 1;
    }

    // The members' knowledge of one hall type, and its notes.
    std::vector<KnownShowing> known(const std::string &attr) const {
        std::vector<KnownShowing> out;
        for (const auto &m : m_members)
            if (cgv_attr_code(m.target->screen) == attr)
                out.insert(out.end(), m.ctx.memory.showings.begin(), m.ctx.memory.showings.end());
        return out;
    }
    std::optional<std::string> note(const std::string &key) const {
        for (const auto &m : m_members)
            if (const auto it = m.ctx.memory.notes.find(key); it != m.ctx.memory.notes.end())
                return it->second;
        return std::nullopt;
    }

    // This group's run number: rotations turn by it, so they do not hang on the clock.
    long long run_number() const {
        long long run = 0;
        for (const auto &m : m_members)
            if (const auto it = m.ctx.memory.notes.find("runs"); it != m.ctx.memory.notes.end())
                run = std::max(run, std::atoll(it->second.c_str()));
        return run + 1;
    }

    std::vector<HttpRequest> first_step() {
        const auto run = m_run = run_number();
        m_asks.push_back({Ask::strip_list, "", "", 0});
        m_requests.push_back(
            request("booking/searchSiteScnscYmdListBySite", {{"siteNo", lead().theater}}));
        if (std::any_of(m_members.begin(), m_members.end(),
                        [](const Member &m) { return m.ctx.ask_theater; })) {
            m_asks.push_back({Ask::name_list, "", "", 0}); // once: the state keeps the names
            m_requests.push_back(request("booking/searchRegnList", {}));
        }
        m_spent = 1; // the date list
        // Most telling first; the lists leave at least one day page of the budget.
        std::vector<Ask> wanted;
        for (const auto &attr : attrs()) {
            const auto movies = hall_movies(known(attr), note("hall:" + attr).value_or(""));
            const auto ask = movies_to_ask(movies, run);
            if (!ask.empty())
                wanted.push_back({Ask::movie_list, attr, ask.front(), 0});
            if (national_list_due(run))
                wanted.push_back({Ask::national_list, attr, "", 1});
            if (ask.size() > 1)
                wanted.push_back({Ask::movie_list, attr, ask[1], 2});
        }
        std::stable_sort(wanted.begin(), wanted.end(),
                         [](const Ask &a, const Ask &b) { return a.priority < b.priority; });
        for (const auto &a : wanted) {
            if (m_spent + 1 >= budget())
                break;
            ++m_spent;
            m_asks.push_back(a);
            m_requests.push_back(ask_request(a));
        }
        return m_requests;
    }

    HttpRequest ask_request(const Ask &a) const {
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

    void fail_all(SourceError e) {
        for (auto &r : m_results)
            r = tl::unexpected(e);
    }

    // Reads the first step: the date list must answer; tripwires and names are a bonus.
    std::vector<HttpRequest> sweep(const std::vector<HttpResult> &answers) {
        if (auto failure = first_failure({m_requests[0]}, {answers.at(0)}); failure) {
            fail_all(*failure);
            return {};
        }
        auto strip = with_url(parse_cgv_dates(answers[0].body), m_requests[0]);
        if (!strip) {
            fail_all(strip.error());
            return {};
        }
        const auto today = iso_date(kst_date(m_members.front().ctx.now));
        for (const auto &d : strip->dates)
            if (d >= today)
                m_listed.push_back(d);
        for (std::size_t i = 1; i < m_asks.size(); ++i) {
            if (answers.at(i).outcome == Outcome::blocked) { // a verdict on us, not on a list
                fail_all(*first_failure({m_requests[i]}, {answers[i]}));
                return {};
            }
            read_ask(m_asks[i], answers.at(i), today);
        }
        m_chosen = choose_race_dates(view());
        for (const auto &d : m_chosen)
            m_days.push_back(request("booking/searchMovScnInfo", {{"siteNo", lead().theater},
                                                                  {"scnYmd", compact_from_iso(d)},
                                                                  {"rtctlScopCd", "08"}}));
        if (m_days.empty())
            finish({});
        return m_days;
    }

    void read_ask(const Ask &a, const HttpResult &answer, const std::string &today) {
        if (answer.outcome != Outcome::ok)
            return; // a silent tripwire: the sweep still covers its dates, later
        if (a.kind == Ask::name_list) {
            const auto list = parse_cgv_regions(answer.body);
            for (const auto &t : list.value_or(std::vector<TheaterInfo>{}))
                m_names.push_back({"theater", t.code, t.name});
            m_names.push_back({"theater", lead().theater, ""});
        } else if (a.kind == Ask::national_list) {
            std::vector<std::string> codes;
            for (const auto &m : parse_cgv_movies(answer.body).value_or(std::vector<MovieInfo>{}))
                codes.push_back(m.code);
            const auto key = "hall:" + a.attr;
            m_notes[a.attr][key] =
                national_note(note(key).value_or(""), codes, unix_now(m_members.front().ctx));
        } else if (const auto dates = parse_cgv_dates(answer.body)) {
            std::vector<std::string> open;
            for (const auto &d : dates->dates)
                if (d >= today)
                    open.push_back(d);
            const auto key = fmt::format("movie:{}:{}", a.attr, a.movie);
            const auto hits = tripwire_hits(note(key), open, a.movie, known(a.attr));
            m_flagged.insert(hits.begin(), hits.end());
            m_tripwires.push_back({key, open, hits});
            m_notes_attr_of[key] = a.attr;
        }
    }

    RaceView view() const {
        RaceView v;
        v.listed = m_listed;
        for (const auto &d : m_flagged) // a hit the date list does not show yet is still news
            if (std::find(v.listed.begin(), v.listed.end(), d) == v.listed.end())
                v.listed.push_back(d);
        std::sort(v.listed.begin(), v.listed.end());
        v.flagged = m_flagged;
        const auto now = unix_now(m_members.front().ctx);
        for (const auto &m : m_members) {
            for (const auto &s : m.ctx.memory.showings)
                v.hall_dates.insert(s.date);
            const auto wave = wave_dates(m.ctx.memory.showings, now);
            v.wave.insert(wave.begin(), wave.end());
            v.finish_baseline = v.finish_baseline || m.ctx.memory.swept.empty();
        }
        for (const auto &d : v.listed) // the group's memory: new for one member is new for all
            if (auto last = group_last_sweep(d))
                v.swept[d] = *last;
        int cap = 0;
        for (const auto &m : m_members)
            cap = std::max(cap, m.target->settings.dates_per_run);
        v.budget = std::clamp(budget() - m_spent, 1, cap);
        return v;
    }

    // nullopt: new to some member; a value: the least recent of the members' sweeps.
    std::optional<std::optional<long long>> group_last_sweep(const std::string &d) const {
        std::optional<long long> oldest;
        for (std::size_t i = 0; i < m_members.size(); ++i) {
            const auto &swept = m_members[i].ctx.memory.swept;
            const auto it = swept.find(d);
            if (it == swept.end())
                return std::nullopt;
            if (!it->second)
                return std::optional<long long>{};
            oldest = i == 0 ? *it->second : std::min(oldest.value_or(*it->second), *it->second);
        }
        return oldest;
    }

    void finish(const std::vector<HttpResult> &answers) {
        if (auto failure = first_failure(m_days, answers)) {
            fail_all(*failure);
            return;
        }
        for (std::size_t i = 0; i < m_members.size(); ++i) {
            auto snap = member_snapshot(m_members[i], answers);
            if (!snap) {
                fail_all(snap.error());
                return;
            }
            m_results[i] = std::move(*snap);
        }
    }

    SnapshotResult member_snapshot(const Member &m, const std::vector<HttpResult> &answers) const {
        Snapshot snap;
        snap.listed_dates = m_listed;
        snap.swept_dates = m_chosen;
        snap.names = m_names;
        snap.theater_name = m.ctx.theater_name;
        for (const auto &n : m_names)
            if (n.code == m.target->theater && !n.name.empty())
                snap.theater_name = n.name;
        const auto grade = cgv_grade_code(m.target->screen);
        for (std::size_t i = 0; i < m_days.size(); ++i) {
            auto page = with_url(parse_cgv_showings(answers.at(i).body, m.target->theater, grade),
                                 m_days[i]);
            if (!page)
                return tl::unexpected(page.error());
            if (snap.theater_name.empty())
                snap.theater_name = page->theater_name;
            if (page->rows == 0)
                snap.blank_dates.push_back(m_chosen[i]);
            for (auto &o : page->showings)
                if (o.date == m_chosen[i])
                    snap.openings.push_back(std::move(o));
        }
        const auto attr = cgv_attr_code(m.target->screen);
        if (const auto it = m_notes.find(attr); it != m_notes.end())
            snap.notes = it->second;
        for (const auto &t : m_tripwires)
            if (m_notes_attr_of.at(t.key) == attr)
                snap.notes[t.key] = tripwire_note(t.dates, t.hits, m_chosen);
        snap.notes["runs"] = std::to_string(m_run);
        snap.plan_note = spending();
        return snap;
    }

    std::string spending() const {
        const auto finishing = static_cast<int>(m_chosen.size()) > budget() - m_spent;
        return fmt::format(
            "{} request(s): the date list, {} tripwire(s){}; day pages {}{}",
            m_spent + static_cast<int>(m_chosen.size()), m_asks.size() - 1,
            m_flagged.empty() ? "" : fmt::format(" (news on {})", fmt::join(m_flagged, ", ")),
            m_chosen.empty() ? "none" : fmt::format("{}", fmt::join(m_chosen, ", ")),
            finishing ? fmt::format(" (finishing the baseline: {} dates at once, "
                                    "this run only)",
                                    m_chosen.size())
                      : "");
    }

    struct Tripwire {
        std::string key;
        std::vector<std::string> dates;
        std::set<std::string> hits;
    };

    std::vector<Member> m_members;
    std::vector<SnapshotResult> m_results;
    int m_step = 0;
    long long m_run = 0;
    int m_spent = 0; // requests of the first step counted against the budget
    std::vector<Ask> m_asks;
    std::vector<HttpRequest> m_requests;
    std::vector<std::string> m_listed;
    std::set<std::string> m_flagged;
    std::vector<Tripwire> m_tripwires;
    std::map<std::string, std::string> m_notes_attr_of;
    std::map<std::string, std::map<std::string, std::string>> m_notes; // attr -> notes
    std::vector<NameRecord> m_names;
    std::vector<std::string> m_chosen;
    std::vector<HttpRequest> m_days;
};

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

bool races(const TargetConfig &t) {
    return t.movie.empty() && !t.screen.empty() && t.settings.strategy == "race";
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
