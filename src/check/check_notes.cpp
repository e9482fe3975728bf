#include "check_notes.hpp"

#include "chain.hpp"
#include "error_text.hpp"
#include "log.hpp"
#include "state_place.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <utility>
#include <vector>

namespace alimi {

void adopt_identity(Store &store, const TargetConfig &t, TimePoint now) {
    const auto id = t.chain->identity_text(t);
    if (const auto before = store.adopt_identity(t.name, id)) {
        const auto what = fmt::format("now watches {}: everything known is forgotten and the next "
                                      "answer is a silent baseline",
                                      one_line(id, 160));
        log::info("{}: {}", t.name, what);
        store.add_event(t.name, "baseline", what, now);
    }
}

// Why this run exits 1 for pushes, in one line: how many wait, and the oldest's notifier, age and
// last answer.
void say_pending(Store &store, int pending) {
    const auto all = store.pending_pushes("");
    if (all.empty())
        return;
    const auto &p = all.front();
    const auto line = fmt::format(
        "{} push(es) pending; the oldest, #{} to {}, since {}{}: {}", pending, p.push.id,
        p.push.notifier, kst_timestamp(p.push.created_at),
        p.held ? " (held until released: alimi retry, or a notify-test that works)" : "",
        one_line(p.push.last_error.empty() ? "not tried yet" : p.push.last_error, 200));
    // Held pushes are not retried: the same line every minute would only fill cron mail. Said
    // when the cause starts or changes, at -v otherwise; retried ones are said each run.
    const auto cause = fmt::format("#{} {}", p.push.id, p.push.last_error);
    if (p.held && store.meta("pending_said") == cause) {
        log::info("{}", line);
        return;
    }
    log::error("{}", line);
    if (p.held)
        store.set_meta("pending_said", cause);
}

// Cron mails whatever a run prints: a failure is said when it starts and when its cause changes,
// at -v otherwise (status and the exit status still count every one).
void say_failure(Store &store, const TargetConfig &t, const std::string &error,
                 const CheckOptions &options) {
    const auto before = store.health(t.name);
    if (!options.dry_run && before.consecutive_failures > 0 && same_cause(before.last_error, error))
        log::info("{}: still failing ({} in a row): {}", t.name, before.consecutive_failures + 1,
                  error);
    else
        log::error("{}: {}", t.name, error);
}

bool waits_for_content(Store &store, const TargetConfig &t, const Snapshot &snap,
                       const Diff &diff) {
    if (!diff.current.empty() || !snap.listed_dates.empty())
        return false;
    if (t.movie.empty())
        return true;
    const auto name = store.cached_name(std::string(t.chain->name()), "theater", t.theater);
    return snap.theater_name.empty() && (!name || name->name.empty());
}

namespace {

// The target's codes its site was asked about and does not list ("theater 0099").
std::vector<std::string> unlisted_codes(Store &store, const TargetConfig &t) {
    const std::string chain(t.chain->name());
    std::vector<std::string> unknown;
    for (const auto &[kind, code] : {std::pair{"theater", t.theater}, std::pair{"movie", t.movie}})
        if (const auto n = store.cached_name(chain, kind, code); n && n->name.empty())
            unknown.push_back(fmt::format("{} {}", kind, code));
    return unknown;
}

// A theater the site does not list is a likely typo; a movie alone is most often one not on
// sale yet (no chain tells the two apart in the answers alimi reads), which is watched as is.
bool only_a_movie(const std::vector<std::string> &unknown) {
    return unknown.size() == 1 && unknown.front().starts_with("movie ");
}

std::string unlisted_text(const TargetConfig &t, const std::vector<std::string> &unknown) {
    if (only_a_movie(unknown))
        return fmt::format("{} lists no bookable {} at theater {} yet: a film not on sale yet is "
                           "watched as it is (its first dates are pushed), a wrong code never "
                           "fires (see: alimi movies {} --chain {})",
                           t.chain->display_name(), unknown.front(), t.theater, t.theater,
                           t.chain->lister().name());
    return fmt::format("{} lists no {}: this target may never fire (check the codes with: alimi "
                       "validate --online)",
                       t.chain->display_name(), fmt::join(unknown, " and no "));
}

} // namespace

void keep_warning(Store &store, const TargetConfig &t, bool said, TimePoint now) {
    const auto unknown = unlisted_codes(store, t);
    const auto text = unknown.empty() ? std::string() : unlisted_text(t, unknown);
    if (text == store.warning(t.name))
        return;
    store.set_warning(t.name, text);
    if (text.empty())
        return;
    store.add_event(t.name, "warning", text, now);
    if (!said)
        log::error("{}: {}: {}", t.name, only_a_movie(unknown) ? "note" : "warning", text);
}

// Said once per target while it waits (the event is the memory of having said it).
void wait_for_first_answer(Store &store, const TargetConfig &t, TimePoint now) {
    if (!store.events(t.name, TimePoint{}, 1, "waiting").empty())
        return;
    const auto unknown = unlisted_codes(store, t);
    const auto what =
        unknown.empty()
            ? fmt::format("{} shows nothing there yet; the silent baseline is taken from the "
                          "first answer that shows something",
                          t.chain->display_name())
            : fmt::format("the first look found nothing, and {} lists no {}: this target may "
                          "never fire (check the codes with: alimi validate --online)",
                          t.chain->display_name(), fmt::join(unknown, " and no "));
    log::error("{}: {}{}", t.name, unknown.empty() ? "" : "warning: ", what);
    store.add_event(t.name, "waiting", what, now);
}

} // namespace alimi
