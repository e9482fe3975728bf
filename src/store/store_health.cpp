// Store: target health (last success, failures in a row, operator-alert state).
#include "store.hpp"

#include <fmt/format.h>

namespace alimi {

namespace {

// NULL columns are "never", kept apart from any real time.
std::optional<TimePoint> time_at(const Statement &s, int col) {
    auto v = s.optional_integer(col);
    return v ? std::optional(from_unix(*v)) : std::nullopt;
}

} // namespace

// Returns how many failures in a row this success ends, so the caller can say "works
// again after N" once, at the moment it happens.
int Store::record_success(const std::string &target, bool baseline, TimePoint now) {
    touch_target(target);
    Statement before(*m_db, "SELECT consecutive_failures FROM targets WHERE name = ?1");
    before.bind(target);
    const int ended = before.step() ? static_cast<int>(before.integer(0)) : 0;
    before.reset();
    // baseline_at moves only when a baseline is taken; an ordinary success keeps the time the
    // known showings were first taken as already open.
    Statement(
        *m_db,
        R"(UPDATE targets SET last_attempt_at = ?2, last_success_at = ?2, consecutive_failures = 0,
                          baseline_at = CASE WHEN ?3 THEN ?2 ELSE baseline_at END WHERE name = ?1)")
        .bind(target, to_unix(now), baseline ? 1 : 0)
        .run();
    return ended;
}

// The count comes back from the same statement that raised it, so the alert threshold is
// judged on the number just written, never on a stale read.
int Store::record_failure(const std::string &target, const std::string &error, TimePoint now) {
    touch_target(target);
    Statement s(*m_db,
                R"(UPDATE targets SET last_attempt_at = ?2, last_error_at = ?2, last_error = ?3,
                            consecutive_failures = consecutive_failures + 1 WHERE name = ?1
                          RETURNING consecutive_failures)");
    // clean() redacts the config's secrets: an error text may quote a webhook URL or token.
    s.bind(target, to_unix(now), clean(error));
    const int failures = s.step() ? static_cast<int>(s.integer(0)) : 0;
    s.reset();
    return failures;
}

// For the check order: targets waited on longest go first, so a run cut short by its time
// budget does not starve the same targets every minute.
std::map<std::string, long long> Store::last_attempts() {
    Statement s(*m_db,
                "SELECT name, last_attempt_at FROM targets WHERE last_attempt_at IS NOT NULL");
    std::map<std::string, long long> out;
    while (s.step())
        out.emplace(s.text(0), s.integer(1));
    return out;
}

// Whether the operator has been told this target is failing: the alert is sent once on the
// way down and once on recovery, not every minute in between.
bool Store::alerted(const std::string &target) {
    Statement s(*m_db, "SELECT alerted FROM targets WHERE name = ?1");
    s.bind(target);
    return s.step() && s.integer(0) != 0;
}

void Store::set_alerted(const std::string &target, bool alerted) {
    touch_target(target);
    Statement(*m_db, "UPDATE targets SET alerted = ?2 WHERE name = ?1")
        .bind(target, alerted ? 1 : 0)
        .run();
}

std::string Store::warning(const std::string &target) {
    Statement s(*m_db, "SELECT warning FROM targets WHERE name = ?1");
    s.bind(target);
    return s.step() ? s.optional_text(0).value_or("") : "";
}

// An empty warning is stored as NULL, so "no warning" has one form in the database.
void Store::set_warning(const std::string &target, const std::string &warning) {
    touch_target(target);
    Statement(*m_db, "UPDATE targets SET warning = ?2 WHERE name = ?1")
        .bind(target, warning.empty() ? std::nullopt : std::optional<std::string>(warning))
        .run();
}

// Counted from the openings and outbox tables, not kept as counters, so the figures can
// never drift from what is actually stored.
TargetHealth Store::health(const std::string &target) {
    TargetHealth h;
    h.name = target;
    Statement s(*m_db,
                R"(SELECT baseline_at, last_attempt_at, last_success_at, last_error_at, last_error,
                            consecutive_failures, warning FROM targets WHERE name = ?1)");
    s.bind(target);
    if (s.step()) {
        h.baseline_at = time_at(s, 0);
        h.last_attempt_at = time_at(s, 1);
        h.last_success_at = time_at(s, 2);
        h.last_error_at = time_at(s, 3);
        h.last_error = s.text(4);
        h.consecutive_failures = static_cast<int>(s.integer(5));
        h.warning = s.optional_text(6).value_or("");
    }
    Statement known(*m_db, "SELECT count(*) FROM openings WHERE target = ?1");
    known.bind(target);
    known.step();
    h.openings_known = static_cast<int>(known.integer(0));
    Statement pushes(
        *m_db,
        R"(SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'dropped')
                               FROM outbox WHERE target = ?1)");
    pushes.bind(target);
    pushes.step();
    h.pending_notifications = static_cast<int>(pushes.integer(0));
    h.dropped_notifications = static_cast<int>(pushes.integer(1));
    return h;
}

} // namespace alimi
