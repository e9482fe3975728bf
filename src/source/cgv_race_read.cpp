// What the racing group reads from its answers, and the snapshot each member target gets.
#include "cgv_discovery.hpp"
#include "cgv_race.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>

namespace alimi::cgv_race {

// A failed or unreadable date list fails every member: without it no date can be told
// new from dropped, and a snapshot made without it could invent or lose showings.
bool CgvRace::read_strip(const HttpResult &answer, const HttpRequest &request,
                         const std::string &today) {
    if (auto failure = first_failure({request}, {answer})) {
        fail_all(*failure);
        return false;
    }
    auto strip = with_url(parse_cgv_dates(answer.body), request);
    if (!strip) {
        fail_all(strip.error());
        return false;
    }
    const auto now = unix_now(m_members.front().ctx);
    for (const auto &d : strip->dates)
        // Past dates stay out: they can no longer be booked, so nothing on them is news.
        if (d >= today) {
            m_listed.push_back(d);
            if (!first_look() && !group_last_sweep(d)) // new: asked until its page shows a hall
                for (const auto &attr : attrs())
                    m_new_flags[attr].emplace(d + "|", now);
        }
    return true;
}

// Dates any member has swept before and that are still ahead: the group's memory of what
// is open, used when this run's date list is not read.
std::vector<std::string> CgvRace::known_open(const std::string &today) const {
    std::set<std::string> dates;
    for (const auto &m : m_members)
        for (const auto &[d, when] : m.ctx.memory.swept)
            if (d >= today)
                dates.insert(d);
    return {dates.begin(), dates.end()};
}

// One tripwire answer: a failed one is only noted in the plan's log line, because the
// ordinary sweep reaches its dates later; it never fails the group.
void CgvRace::read_ask(const Ask &a, const HttpResult &answer, const std::string &today) {
    if (answer.outcome != Outcome::ok) { // a silent tripwire: the sweep covers its dates, later
        m_unanswered.push_back(answer.error);
        return;
    }
    if (a.kind == Ask::name_list) {
        learn_theater_names(answer, lead().theater, m_names);
    } else if (a.kind == Ask::national_list) {
        std::vector<std::string> codes;
        for (const auto &m : parse_cgv_movies(answer.body).value_or(std::vector<MovieInfo>{}))
            codes.push_back(m.code);
        const auto key = "hall:" + a.attr;
        const auto before = note(key).value_or("");
        m_notes[a.attr][key] = national_note(before, codes, unix_now(m_members.front().ctx));
        // Newcomers: on a first look every movie, so that a first showing on a date not looked
        // at yet is told from the baseline by its list's next answer.
        const auto asked = watched(a.attr, before);
        for (const auto &code : codes)
            if (std::find(asked.begin(), asked.end(), code) == asked.end() &&
                (!before.empty() || first_look()))
                m_national_new[a.attr].push_back(code);
    } else if (const auto dates = parse_cgv_dates(answer.body)) {
        std::vector<std::string> open;
        for (const auto &d : dates->dates)
            if (d >= today)
                open.push_back(d);
        const auto key = list_key(a);
        const auto before = note(key);
        // A hit is a date this list shows for the movie in the hall that neither its last answer
        // nor the known showings had: the cheapest sign of an opening before any day page.
        const auto hits = tripwire_hits(before, open, a.movie, known(a.attr));
        // Against its last answer a hit is certain news; a first answer's dates without a known
        // showing only may be ("?": asked until seen, but not news on a silent date).
        for (const auto &d : hits)
            m_new_flags[a.attr].emplace(d + "|" + a.movie + (before ? "" : "?"),
                                        unix_now(m_members.front().ctx));
        m_flagged.insert(hits.begin(), hits.end());
        m_tripwires.push_back({key, a.attr, open});
    }
}

// The planner's whole input as one value (listed, flagged, waves, last sweeps, budget
// left), so the choice of day pages is a pure function tested without answers.
RaceView CgvRace::view() const {
    RaceView v;
    v.listed = m_listed;
    for (const auto &d : m_flagged) // a hit the date list does not show yet is still news
        if (std::find(v.listed.begin(), v.listed.end(), d) == v.listed.end())
            v.listed.push_back(d);
    std::sort(v.listed.begin(), v.listed.end());
    v.flagged = m_flagged;
    for (const auto &attr : attrs()) // earlier news no page has shown yet
        for (const auto &[what, at] : flags(attr))
            if (const auto d = what.substr(0, what.find('|'));
                std::binary_search(v.listed.begin(), v.listed.end(), d))
                v.flagged.insert(d);
    const auto now = unix_now(m_members.front().ctx);
    v.now = now;
    v.run = m_run;
    for (const auto &m : m_members) {
        for (const auto &s : m.ctx.memory.showings)
            v.hall_dates.insert(s.date);
        const auto wave = wave_dates(m.ctx.memory.showings, now);
        v.wave.insert(wave.begin(), wave.end());
        const auto stretch = wave_stretch(m.ctx.memory.showings, now);
        v.stretch.insert(stretch.begin(), stretch.end());
    }
    for (const auto &d : v.listed) // the group's memory: new for one member is new for all
        if (auto last = group_last_sweep(d))
            v.swept[d] = *last;
    // At least one day page per run, whatever the lists cost: a run that asks no day page
    // could never confirm a flag.
    v.budget = std::max(1, budget() - m_spent);
    return v;
}

// nullopt: some member has never listed the date (new to the group); an empty inner value:
// listed but never looked at; else the oldest member's last look, since a date is only as
// fresh as its least recently swept member.
std::optional<std::optional<long long>> CgvRace::group_last_sweep(const std::string &d) const {
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

// Any failed day page fails every member: a partial sweep written for one member and not
// another would split what the group knows.
void CgvRace::finish(const std::vector<HttpResult> &answers) {
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

// Each member reads the same day pages through its own hall grade, so two targets at one
// theater share one request per date instead of asking twice.
SnapshotResult CgvRace::member_snapshot(const Member &m,
                                        const std::vector<HttpResult> &answers) const {
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
        auto page =
            with_url(parse_cgv_showings(answers.at(i).body, m.target->theater, grade), m_days[i]);
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
        if (t.attr == attr)
            snap.notes[t.key] = tripwire_note(t.dates);
    // Flags not yet seen on a page are carried to the next run with their first moment, so a
    // flag outlives a lagging or blank page until it is seen or expires.
    snap.notes["flags:" + attr] = write_stamps(waiting_flags(attr, snap.openings));
    for (const auto &[what, at] : waiting_flags(attr, {})) // this run's and earlier news
        if (!what.ends_with('|') && !what.ends_with('?'))
            snap.loud.insert(what);
    snap.notes["runs"] = std::to_string(m_run);
    std::vector<std::string> asked;
    for (const auto &asks : {m_asks, m_newcomers})
        for (const auto &a : asks)
            asked.push_back(list_key(a));
    snap.notes["asked"] = asked_note(note("asked").value_or(""), asked, m_run);
    const auto spent = m_spent + static_cast<int>(m_chosen.size());
    // The credit is a token bucket, refilled at the budget's rate per minute up to an hour's
    // worth: quiet runs let it fill, a wave draws on it, so the mean stays within the budget.
    snap.notes["credit"] = credit_note(m_credit - spent, unix_now(m.ctx));
    snap.plan_note = spending();
    return snap;
}

// A flag ends when a page shows what it announced: the movie on that date in the hall, or
// for a new date's flag any showing of the hall there.
Flags CgvRace::waiting_flags(const std::string &attr, const std::vector<Opening> &seen) const {
    auto all = flags(attr);
    if (const auto it = m_new_flags.find(attr); it != m_new_flags.end())
        all.insert(it->second.begin(), it->second.end()); // an earlier flag keeps its moment
    std::set<std::string> shown;
    for (const auto &o : seen) {
        shown.insert(o.date + "|" + o.movie_code);
        shown.insert(o.date + "|" + o.movie_code + "?");
        shown.insert(o.date + "|"); // a new date's flag: the hall plays there
    }
    return live_flags(all, shown, unix_now(m_members.front().ctx));
}

// The plan's one line in `check -v`: what was asked and why, so a slow race can be read
// from the log without a debugger.
std::string CgvRace::spending() const {
    std::vector<std::string> lists;
    for (const auto &asks : {m_asks, m_newcomers})
        for (const auto &a : asks)
            lists.push_back(a.kind == Ask::strip_list  ? std::string("dates")
                            : a.kind == Ask::name_list ? std::string("theater names")
                            : a.kind == Ask::national_list
                                ? fmt::format("hall {} nationwide", a.attr)
                                : fmt::format("movie {} in hall {}", a.movie, a.attr));
    std::size_t unlooked = 0;
    for (const auto &d : m_listed)
        if (const auto last = group_last_sweep(d);
            (!last || !*last) && std::find(m_chosen.begin(), m_chosen.end(), d) == m_chosen.end())
            ++unlooked;
    const auto spent = m_spent + static_cast<int>(m_chosen.size());
    return fmt::format(
        "run {}: {} of {} request(s), credit {:.0f} left: lists {}{}{}; day pages {}{}", m_run,
        spent, budget(), m_credit - spent,
        lists.empty() ? "none" : fmt::format("{}", fmt::join(lists, ", ")),
        m_flagged.empty() ? "" : fmt::format(" (news on {})", fmt::join(m_flagged, ", ")),
        m_unanswered.empty()
            ? ""
            : fmt::format(" ({} unanswered: {})", m_unanswered.size(), m_unanswered.front()),
        m_chosen.empty() ? "none" : fmt::format("{}", fmt::join(m_chosen, ", ")),
        unlooked == 0 ? ""
                      : fmt::format(" ({} listed date(s) not looked at yet: the next runs sweep "
                                    "them, silently where they were open at the start)",
                                    unlooked));
}

} // namespace alimi::cgv_race
