// Store: the openings a target knows and the bookkeeping of whole-screen sweeps.
#include "store.hpp"
#include "utf8.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace alimi {

std::optional<std::string> Store::identity(const std::string &target) {
    Statement s(*m_db, "SELECT identity FROM targets WHERE name = ?1");
    s.bind(target);
    return s.step() ? s.optional_text(0) : std::nullopt;
}

std::optional<std::string> Store::adopt_identity(const std::string &target,
                                                 const std::string &identity) {
    touch_target(target);
    const auto before = this->identity(target);
    if (before == identity)
        return std::nullopt;
    Statement(*m_db, "UPDATE targets SET identity = ?2 WHERE name = ?1")
        .bind(target, identity)
        .run();
    if (!before) // a state from before identities were kept: this is the same watch
        return std::nullopt;
    // The target now watches something else under its old name: what it knew is another watch's,
    // and kept it would hide that watch's showings or count them as news. Forgotten, the next
    // look is a silent baseline.
    Statement(*m_db, "DELETE FROM openings WHERE target = ?1").bind(target).run();
    Statement(*m_db, "DELETE FROM sweeps WHERE target = ?1").bind(target).run();
    Statement(*m_db, "DELETE FROM watch_notes WHERE target = ?1").bind(target).run();
    Statement(*m_db, "UPDATE targets SET baseline_at = NULL WHERE name = ?1").bind(target).run();
    return before;
}

bool Store::has_baseline(const std::string &target) {
    Statement s(*m_db, "SELECT baseline_at IS NOT NULL FROM targets WHERE name = ?1");
    s.bind(target);
    return s.step() && s.integer(0) != 0;
}

std::set<std::string> Store::known_keys(const std::string &target) {
    Statement s(*m_db, "SELECT key FROM openings WHERE target = ?1");
    s.bind(target);
    std::set<std::string> out;
    while (s.step())
        out.insert(s.text(0));
    return out;
}

std::vector<KnownRow> Store::known_rows(const std::string &target) {
    Statement s(*m_db, R"(SELECT key, date, time, movie_code, hall, announced_at IS NOT NULL,
                                 held, seats_low FROM openings WHERE target = ?1)");
    s.bind(target);
    std::vector<KnownRow> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4),
                       OpeningMark{s.integer(5) != 0, s.integer(6) != 0, s.integer(7) != 0}});
    return out;
}

void Store::rekey(const std::string &target,
                  const std::vector<std::pair<std::string, std::string>> &moves) {
    // OR IGNORE: when the new key is already known (the site gave the showing its number back),
    // the row under it stays and the old one waits for its date to pass and be pruned, rather
    // than a UNIQUE failure losing the whole batch.
    Statement s(*m_db, "UPDATE OR IGNORE openings SET key = ?3 WHERE target = ?1 AND key = ?2");
    for (const auto &[from, to] : moves)
        s.bind(target, from, to).run();
}

std::optional<Store::CachedName>
Store::cached_name(const std::string &chain, const std::string &kind, const std::string &code) {
    Statement s(*m_db,
                "SELECT name, seen_at FROM names WHERE chain = ?1 AND kind = ?2 AND code = ?3");
    s.bind(chain, kind, code);
    if (!s.step())
        return std::nullopt;
    return CachedName{s.text(0), from_unix(s.integer(1))};
}

void Store::save_names(const std::string &chain, const std::vector<NameRecord> &names,
                       TimePoint now) {
    Statement s(*m_db,
                R"(INSERT INTO names(chain, kind, code, name, seen_at) VALUES(?1, ?2, ?3, ?4, ?5)
                          ON CONFLICT(chain, kind, code) DO UPDATE SET seen_at = excluded.seen_at,
                            name = CASE WHEN excluded.name = '' THEN names.name ELSE excluded.name END)");
    // seen_at moves on every answer that lists the code, so a name's age is how long the site
    // has not shown it; an empty name (a row that carried none) keeps the one known.
    for (const auto &n : names)
        s.bind(chain, n.kind, n.code, valid_utf8(n.name), to_unix(now)).run();
}

SourceMemory Store::sweep_memory(const std::string &target) {
    Statement s(*m_db, "SELECT date, last_swept_at FROM sweeps WHERE target = ?1");
    s.bind(target);
    SourceMemory m;
    while (s.step())
        m.swept[s.text(0)] = s.optional_integer(1);
    // Showings only (a date-only opening has no time): the race ranks movies and waves by them.
    Statement known(*m_db, R"(SELECT date, movie_code, first_seen, from_baseline FROM openings
                              WHERE target = ?1 AND time != '')");
    known.bind(target);
    while (known.step())
        m.showings.push_back(
            {known.text(0), known.text(1), known.integer(2), known.integer(3) != 0});
    Statement notes(*m_db, "SELECT key, value FROM watch_notes WHERE target = ?1");
    notes.bind(target);
    while (notes.step())
        m.notes[notes.text(0)] = notes.text(1);
    return m;
}

// Dates listed at the baseline whose day page has not been looked at yet: what such a page shows
// first is the baseline's, not news (a first look is spread over runs).
std::set<std::string> Store::silent_dates(const std::string &target,
                                          const std::vector<std::string> &swept) {
    Statement s(*m_db, "SELECT from_baseline AND looked_at IS NULL FROM sweeps WHERE target = "
                       "?1 AND date = ?2");
    std::set<std::string> out;
    for (const auto &d : swept) {
        s.bind(target, d);
        if (s.step() && s.integer(0))
            out.insert(d);
        s.reset();
    }
    return out;
}

void Store::record_sweep(const std::string &target, const Snapshot &snap, bool baseline,
                         TimePoint now) {
    Statement listed(*m_db, R"(INSERT INTO sweeps(target, date, from_baseline) VALUES(?1, ?2, ?3)
                               ON CONFLICT(target, date) DO NOTHING)");
    for (const auto &d : snap.listed_dates)
        listed.bind(target, d, baseline ? 1 : 0).run();
    // A blank page moves the date back in the rotation but is no look at the day.
    Statement swept(*m_db, R"(INSERT INTO sweeps(target, date, from_baseline, last_swept_at,
                                                 looked_at) VALUES(?1, ?2, ?3, ?4, ?5)
                              ON CONFLICT(target, date) DO UPDATE SET
                                last_swept_at = excluded.last_swept_at,
                                looked_at = coalesce(looked_at, excluded.looked_at))");
    for (const auto &d : snap.swept_dates) {
        const bool blank = std::ranges::find(snap.blank_dates, d) != snap.blank_dates.end();
        swept
            .bind(target, d, baseline ? 1 : 0, to_unix(now),
                  blank ? std::optional<long long>{} : to_unix(now))
            .run();
    }
    Statement note(*m_db, R"(INSERT INTO watch_notes(target, key, value, at) VALUES(?1, ?2, ?3, ?4)
                             ON CONFLICT(target, key) DO UPDATE SET value = excluded.value,
                               at = excluded.at)");
    for (const auto &[key, value] : snap.notes)
        note.bind(target, key, value, to_unix(now)).run();
    // Dates that have gone by are no longer open; keep the table to the dates that matter.
    Statement(*m_db, "DELETE FROM sweeps WHERE target = ?1 AND date < ?2")
        .bind(target, iso_date(kst_date(trusted_now(now))))
        .run();
}

void Store::save_openings(const std::string &target, const Diff &diff, TimePoint now) {
    // A settled showing keeps the moment it first was (announced_at); seats and holds follow
    // each look.
    Statement s(*m_db, R"(INSERT INTO openings(target, key, date, time, movie, movie_code, screen,
                            seats_free, seats_total, first_seen, last_seen, from_baseline, hall,
                            announced_at, held, seats_low)
                          VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, NULLIF(?8, -1), NULLIF(?9, -1), ?10, ?10, ?11,
                                 ?12, CASE WHEN ?13 THEN ?10 END, ?14, ?15)
                          ON CONFLICT(target, key) DO UPDATE SET last_seen = excluded.last_seen,
                            seats_free = excluded.seats_free, seats_total = excluded.seats_total,
                            hall = excluded.hall,
                            announced_at = coalesce(announced_at, excluded.announced_at),
                            held = excluded.held, seats_low = excluded.seats_low)");
    for (const auto &o : diff.current) {
        // Unknown seat counts are -1 in an Opening and NULL in the table.
        const auto it = diff.marks.find(o.key);
        const auto mark = it == diff.marks.end() ? OpeningMark{true} : it->second;
        s.bind(target, o.key, o.date, o.time, o.movie, o.movie_code, o.screen, o.seats_free,
               o.seats_total, to_unix(now), diff.baseline || diff.quiet.contains(o.key) ? 1 : 0,
               o.hall, mark.settled, mark.held, mark.low);
        s.run();
    }
}

// What the status page lists as found: announced openings, never a baseline's.
std::vector<KnownOpening> Store::recent_openings(int limit) {
    Statement s(*m_db,
                R"(SELECT target, date, time, movie, screen, seats_free, first_seen FROM openings
                          WHERE from_baseline = 0 AND announced_at IS NOT NULL ORDER BY first_seen DESC, date, time LIMIT ?1)");
    s.bind(limit);
    std::vector<KnownOpening> out;
    while (s.step()) {
        KnownOpening o;
        o.target = s.text(0);
        o.opening.date = s.text(1);
        o.opening.time = s.text(2);
        o.opening.movie = s.text(3);
        o.opening.screen = s.text(4);
        o.opening.seats_free = s.is_null(5) ? -1 : static_cast<int>(s.integer(5));
        o.first_seen = from_unix(s.integer(6));
        out.push_back(std::move(o));
    }
    return out;
}

std::vector<KnownOpening> Store::openings_of(const std::string &target) {
    Statement s(*m_db,
                R"(SELECT key, date, time, movie, movie_code, screen, seats_free, seats_total,
                                 first_seen, from_baseline FROM openings WHERE target = ?1
                          ORDER BY date, time, key)");
    s.bind(target);
    std::vector<KnownOpening> out;
    while (s.step()) {
        KnownOpening k;
        k.target = target;
        auto &o = k.opening;
        o.key = s.text(0);
        o.date = s.text(1);
        o.time = s.text(2);
        o.movie = s.text(3);
        o.movie_code = s.text(4);
        o.screen = s.text(5);
        o.seats_free = s.is_null(6) ? -1 : static_cast<int>(s.integer(6));
        o.seats_total = s.is_null(7) ? -1 : static_cast<int>(s.integer(7));
        k.first_seen = from_unix(s.integer(8));
        k.from_baseline = s.integer(9) != 0;
        out.push_back(std::move(k));
    }
    return out;
}

void Store::count_found(const std::string &target, int n) {
    touch_target(target);
    Statement(*m_db, "UPDATE targets SET found_total = found_total + ?2 WHERE name = ?1")
        .bind(target, n)
        .run();
}

long long Store::found_total(const std::string &target) {
    Statement s(*m_db, "SELECT found_total FROM targets WHERE name = ?1");
    s.bind(target);
    return s.step() ? s.integer(0) : 0;
}

} // namespace alimi
