#include "check_notes.hpp"

#include "log.hpp"
#include "source/chain.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <utility>
#include <vector>

namespace alimi {

namespace {

// What a target watches: edited under the same name to watch something else, it must neither
// push the new schedule as news nor hide the new movie's openings behind the old one's.
std::string target_identity(const TargetConfig &t) {
    std::string id = fmt::format("{}|{}|{}|{}|{}", t.chain->name(), t.theater, t.screen, t.movie,
                                 t.settings.api);
    for (const auto &[k, v] : t.settings.params)
        id += fmt::format("|{}={}", k, v);
    return id;
}

} // namespace

void adopt_identity(Store &store, const TargetConfig &t, TimePoint now) {
    const auto id = target_identity(t);
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
    log::error("{} push(es) pending; the oldest, #{} to {}, since {}{}: {}", pending, p.push.id,
               p.push.notifier, kst_timestamp(p.push.created_at), p.held ? " (held)" : "",
               one_line(p.push.last_error.empty() ? "not tried yet" : p.push.last_error, 200));
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

// A first look that found nothing, at a theater or movie its site does not list, will most
// likely never find anything: said once, when the baseline is taken.
void warn_if_unknown(Store &store, const TargetConfig &t, TimePoint now) {
    const std::string chain(t.chain->name());
    std::vector<std::string> unknown;
    for (const auto &[kind, code] : {std::pair{"theater", t.theater}, std::pair{"movie", t.movie}})
        if (const auto n = store.cached_name(chain, kind, code); n && n->name.empty())
            unknown.push_back(fmt::format("{} {}", kind, code));
    if (unknown.empty())
        return;
    const auto what = fmt::format(
        "the first look found nothing, and {} lists no {}: this target may never fire (check "
        "the codes with: alimi validate --online)",
        t.chain->display_name(), fmt::join(unknown, " and no "));
    log::error("{}: warning: {}", t.name, what);
    store.add_event(t.name, "warning", what, now);
}

} // namespace alimi
