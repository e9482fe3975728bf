// The group plan of one theater's racing CGV targets (source/race.hpp has the choices): its
// steps in cgv_race.cpp, what it reads and the snapshots it gives in cgv_race_read.cpp.
#pragma once

#include "cgv.hpp"
#include "race.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace alimi::cgv_race {

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
};

inline long long unix_now(const PlanContext &ctx) {
    return to_unix(ctx.now);
}

class CgvRace {
  public:
    explicit CgvRace(std::vector<Member> members)
        : m_members(std::move(members)), m_results(m_members.size(), not_fetched()) {}

    std::vector<HttpRequest> next(const std::vector<HttpResult> &answers);

    SnapshotResult result(std::size_t i) const { return m_results.at(i); }

  private:
    static SnapshotResult not_fetched();
    const TargetConfig &lead() const { return *m_members.front().target; }
    HttpRequest request(const std::string &endpoint, const QueryParams &q) const;

    std::vector<std::string> attrs() const;

    // This run's requests (race_allowance): set before the lists, raised for news they bring.
    int budget() const { return m_allowance; }
    int rate() const;
    void set_allowance(bool hot);

    // The flags of one hall type still waiting from earlier runs, and whether any hall has
    // some or a wave is under way (a run with news spends up to twice the rate).
    Flags flags(const std::string &attr) const;
    bool news_pending() const;

    // The members' knowledge of one hall type, and its notes.
    std::vector<KnownShowing> known(const std::string &attr) const;
    std::optional<std::string> note(const std::string &key) const;

    // The hall's movies worth a tripwire, likeliest first (hall_movies), with the news of the
    // theater's other halls.
    std::vector<std::string> watched(const std::string &attr, const std::string &national) const;

    // This group's run number: rotations turn by it, so they do not hang on the clock.
    long long run_number() const;

    bool first_look() const;

    // The cheap lists of this run, most telling first, leaving at least one day page.
    std::vector<HttpRequest> first_step();

    // Every list this run could ask, and how often each should be (lists_to_ask).
    std::pair<std::vector<Ask>, std::vector<ListCandidate>> list_candidates() const;

    void add_ask(const Ask &a);
    static std::string list_key(const Ask &a); // in the "asked" note (lists_to_ask)

    HttpRequest ask_request(const Ask &a) const;

    void fail_all(SourceError e);

    // Reads the first step: the date list must answer; tripwires and names are a bonus. Without
    // a date list this run, the dates are those known open.
    std::vector<HttpRequest> after_lists(const std::vector<HttpResult> &answers);

    // A movie the hall's national list shows for the first time may be opening here right now:
    // its dates here are asked at once, within the budget, before the day pages.
    std::vector<HttpRequest> newcomers();

    std::vector<HttpRequest> day_step();

    std::string today() const { return iso_date(kst_date(m_members.front().ctx.now)); }

    bool read_strip(const HttpResult &answer, const HttpRequest &request, const std::string &today);

    std::vector<std::string> known_open(const std::string &today) const;

    void read_ask(const Ask &a, const HttpResult &answer, const std::string &today);

    RaceView view() const;

    // nullopt: new to some member; a value: the least recent of the members' sweeps.
    std::optional<std::optional<long long>> group_last_sweep(const std::string &d) const;

    void finish(const std::vector<HttpResult> &answers);

    SnapshotResult member_snapshot(const Member &m, const std::vector<HttpResult> &answers) const;

    // The hall's flags after this run: earlier and new ones, less those a page showed.
    Flags waiting_flags(const std::string &attr, const std::vector<Opening> &seen) const;

    std::string spending() const;

    struct Tripwire {
        std::string key;
        std::string attr;
        std::vector<std::string> dates;
    };

    std::vector<Member> m_members;
    std::vector<SnapshotResult> m_results;
    enum class Phase { start, lists, newcomers, days, done } m_phase = Phase::start;
    long long m_run = 0;
    int m_spent = 0; // requests of the first step counted against the budget
    std::vector<Ask> m_asks;
    std::vector<Ask> m_newcomers;
    std::vector<std::string> m_unanswered; // tripwires that failed this run, why
    std::map<std::string, std::vector<std::string>> m_national_new; // attr -> codes
    std::vector<HttpRequest> m_requests;
    std::vector<std::string> m_listed;
    std::set<std::string> m_flagged;
    std::vector<Tripwire> m_tripwires;
    std::map<std::string, std::map<std::string, std::string>> m_notes; // attr -> notes
    std::vector<NameRecord> m_names;
    std::vector<std::string> m_chosen;
    std::vector<HttpRequest> m_days;
    int m_allowance = 0;
    double m_credit = 0;
    std::map<std::string, Flags> m_new_flags; // attr -> this run's tripwire hits
};

} // namespace alimi::cgv_race
