// `alimi show` (what one target knows) and `alimi test` (what it would see now): the two ways to
// look inside a target before relying on it. Neither changes the state or pushes anything.
#include "commands.hpp"

#include "chain.hpp"
#include "filter.hpp"
#include "http.hpp"
#include "message.hpp"
#include "paths.hpp"
#include "snapshot.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <sstream>

#include <iostream>

namespace alimi {

namespace {

using ojson = nlohmann::ordered_json;

// A name that stands for several targets (a theater list, a region) is refused with the
// members' names, since show and test look at one state at a time.
const TargetConfig &the_target(const Config &cfg, const std::string &name) {
    require_known_targets(cfg, {name});
    const auto named = cfg.targets_named(name);
    if (named.empty()) // a region target whose theater list no check has read yet
        throw UsageError(fmt::format("target '{}' watches a region whose theaters are not known "
                                     "yet; run alimi check, then name one of them",
                                     name));
    if (named.size() > 1) {
        std::string names;
        for (const auto *t : named)
            names += (names.empty() ? "" : ", ") + t->name;
        throw UsageError(
            fmt::format("target '{}' lists {} theaters; name one: {}", name, named.size(), names));
    }
    return *named.front();
}

// The api is shown (it is a site, not a secret); notifiers by name only, never their URLs.
ojson definition_json(const TargetConfig &t) {
    ojson j;
    j["chain"] = t.chain->name();
    j["theater"] = t.theater;
    j["screen"] = t.screen;
    j["movie"] = t.movie;
    if (t.filter.narrows())
        j["filters"] = filter_text(t.filter);
    j["api"] = t.settings.api;
    j["notify"] = t.notify;
    return j;
}

std::string definition_text(const TargetConfig &t, const Snapshot &names) {
    const auto theater =
        names.theater_name.empty()
            ? fmt::format("{} {}", t.chain->display_name(), t.theater)
            : fmt::format("{} {} ({})", t.chain->display_name(), names.theater_name, t.theater);
    const auto movie =
        t.movie.empty()
            ? std::string("every movie")
            : fmt::format("movie {}{}", t.movie,
                          names.movie_name.empty() ? "" : " (" + names.movie_name + ")");
    const auto only = t.filter.narrows() ? "; only " + filter_text(t.filter) : "";
    return fmt::format("{} ({}): {}, {}, {}{}; pushes to {}\n", t.name, t.chain->name(), theater,
                       t.screen.empty() ? "any screen" : t.screen, movie, only,
                       t.notify.empty() ? "none" : fmt::format("{}", fmt::join(t.notify, ", ")));
}

std::string when(const std::optional<TimePoint> &t) {
    return t ? kst_timestamp(*t) : "never";
}

// The same fields as a push shows, one line each, bounded.
std::string opening_line(const Opening &o) {
    auto line = fmt::format("{}{}{}", o.date, o.time.empty() ? "" : " " + o.time,
                            o.movie.empty() ? "" : "  " + o.movie);
    if (!o.screen.empty())
        line += "  " + o.screen;
    if (o.seats_free >= 0)
        line += o.seats_total >= 0 ? fmt::format("  {}/{}", o.seats_free, o.seats_total)
                                   : fmt::format("  {}", o.seats_free);
    return one_line(line, 300);
}

void print_show_text(const TargetConfig &t, const Snapshot &names, const TargetHealth &h,
                     const std::vector<KnownOpening> &known,
                     const std::vector<Store::PendingPush> &pending, const std::string &state) {
    std::ostringstream out; // server text: printed terminal-safe below
    out << definition_text(t, names);
    out << fmt::format("state: {}{}\n", state,
                       file_exists(state) ? "" : " (no state yet: nothing checked)");
    out << fmt::format("health: last success {}, {} failure(s) in a row{}; baseline {}\n",
                       when(h.last_success_at), h.consecutive_failures,
                       h.last_error.empty() ? "" : ", last error: " + one_line(h.last_error, 200),
                       waiting(h) ? k_waiting : when(h.baseline_at));
    if (!h.warning.empty())
        out << "warning: " << h.warning << '\n';
    out << fmt::format("known: {} opening(s)\n", known.size());
    for (const auto &k : known)
        out << fmt::format("  {}  first seen {}{}\n", opening_line(k.opening),
                           kst_timestamp(k.first_seen), k.from_baseline ? " (baseline)" : "");
    out << fmt::format("pending pushes: {}\n", pending.size());
    for (const auto &p : pending)
        out << fmt::format("  #{} to {} since {}, {} attempt(s), {}: {}\n", p.push.id,
                           p.push.notifier, kst_timestamp(p.push.created_at), p.push.attempts,
                           p.held
                               ? fmt::format("held: dropped at {} unless released (alimi retry {})",
                                             kst_timestamp(p.next_attempt), p.push.notifier)
                               : "next try " + kst_timestamp(p.next_attempt),
                           one_line(p.push.last_error.empty() ? "-" : p.push.last_error, 200));
    std::cout << terminal_safe(out.str());
}

ojson show_json(const TargetConfig &t, const Snapshot &names, const TargetHealth &h,
                const std::vector<KnownOpening> &known,
                const std::vector<Store::PendingPush> &pending, const std::string &state) {
    ojson j;
    j["name"] = t.name;
    j["chain"] = t.chain->name();
    j["definition"] = definition_json(t);
    j["state"] = state;
    j["openings"] = ojson::array();
    for (const auto &k : known) {
        auto o = opening_object(t, names, k.opening);
        o["first_seen_at"] = iso_timestamp(k.first_seen);
        o["from_baseline"] = k.from_baseline;
        j["openings"].push_back(std::move(o));
    }
    j["health"] = {{"last_success_at",
                    h.last_success_at ? ojson(iso_timestamp(*h.last_success_at)) : ojson(nullptr)},
                   {"consecutive_failures", h.consecutive_failures},
                   {"last_error", h.last_error}};
    j["pending_notifications"] = pending.size();
    j["pending"] = ojson::array();
    for (const auto &p : pending)
        j["pending"].push_back({{"id", p.push.id},
                                {"notifier", p.push.notifier},
                                {"created_at", iso_timestamp(p.push.created_at)},
                                {"attempts", p.push.attempts},
                                {"held", p.held},
                                {"next_attempt_at", iso_timestamp(p.next_attempt)},
                                {"last_error", p.push.last_error}});
    return j;
}

} // namespace

// Read-only: an existing state is opened without the check lock, so `show` answers even
// while a check runs; a missing state reads as empty, not as an error.
int cmd_show(const Globals &g, const std::string &name, bool json) {
    const auto cfg = load(g);
    const auto &t = the_target(cfg, name);
    const auto path = state_path(g, cfg);
    auto store = open_existing(path);
    const auto names = cached_names(*store, t);
    const auto health = store->health(t.name);
    const auto known = store->openings_of(t.name);
    const auto pending = store->pending_pushes(t.name);
    if (json)
        std::cout << json_text(show_json(t, names, health, known, pending, path)) << '\n';
    else
        print_show_text(t, names, health, known, pending, path);
    return k_exit_ok;
}

namespace {

// Open dates a test looks at, at most: every one a theater lists (17-30 on real sites).
constexpr int k_all_dates = 40;

// A test of a whole-screen target looks at every open date at once, a one-off like a first
// baseline: at a check's budget it would see a few dates and call the rest empty.
TargetConfig one_off(const TargetConfig &t) {
    auto all = t;
    all.settings = t.chain->one_look_at_all(t.settings, k_all_dates);
    return all;
}

// "12 showing(s) on 8 of 8 open date(s) fetched", or nothing for a target without day pages.
std::string sweep_line(const Snapshot &snap) {
    if (snap.swept_dates.empty())
        return "";
    const auto all = snap.swept_dates.size() >= snap.listed_dates.size();
    return fmt::format("{} showing(s) on {} of {} open date(s) fetched{}\n", snap.openings.size(),
                       snap.swept_dates.size(), snap.listed_dates.size(),
                       all ? " (every open date, once: a check sweeps a few a run)"
                           : fmt::format(" (at most {} a test)", k_all_dates));
}

// The target's filters and which of today's showings pass them; for a title nothing on sale
// matches yet, the titles on sale that come closest.
std::string filter_lines(const WatchFilter &f, const std::vector<Opening> &current) {
    if (!f.narrows())
        return "";
    const auto passing = std::count_if(current.begin(), current.end(), [&](const Opening &o) {
        return passes(f, o) && seats_enough(f, o);
    });
    auto out = fmt::format("filters: {}: {} of {} opening(s) pass\n", filter_text(f), passing,
                           current.size());
    const bool title_matched = std::any_of(current.begin(), current.end(), [&](const Opening &o) {
        return title_matches(f.title, o.movie);
    });
    if (!f.title.empty() && !title_matched) {
        std::vector<std::string> titles;
        for (const auto &o : current)
            titles.push_back(o.movie);
        const auto closest = closest_titles(f.title, titles, 5);
        out += fmt::format(
            "nothing on sale matches '{}' yet; will match when it opens{}\n", f.title,
            closest.empty() ? "" : fmt::format(" (closest on sale: {})", fmt::join(closest, ", ")));
    }
    return out;
}

// "openings" is everything seen now, "new" what a check would push; push is null when a
// check would push nothing.
ojson test_json(const TargetConfig &t, const Snapshot &snap, const Diff &diff,
                const PushMessage &would) {
    ojson j;
    j["target"] = t.name;
    j["chain"] = t.chain->name();
    j["ok"] = true;
    j["baseline"] = diff.baseline;
    j["openings"] = ojson::array();
    for (const auto &o : diff.current)
        j["openings"].push_back(opening_object(t, snap, o));
    j["new"] = ojson::array();
    for (const auto &o : diff.fresh)
        j["new"].push_back(opening_object(t, snap, o));
    if (!snap.swept_dates.empty()) {
        j["dates_open"] = snap.listed_dates.size();
        j["dates_fetched"] = snap.swept_dates.size();
    }
    if (t.filter.narrows()) {
        j["filters"] = filter_text(t.filter);
        j["passing"] =
            std::count_if(diff.current.begin(), diff.current.end(), [&](const Opening &o) {
                return passes(t.filter, o) && seats_enough(t.filter, o);
            });
    }
    j["push"] =
        diff.fresh.empty() ? ojson(nullptr) : ojson{{"title", would.title}, {"body", would.body}};
    return j;
}

void print_test_text(const TargetConfig &t, const Snapshot &snap, const Diff &diff,
                     const PushMessage &all, const PushMessage &would) {
    std::ostringstream out; // server text: printed terminal-safe below
    out << fmt::format("{}: {} opening(s) now\n", t.name, diff.current.size()) << sweep_line(snap)
        << filter_lines(t.filter, diff.current);
    if (!diff.current.empty())
        out << "\nas a push would show them:\n" << all.title << '\n' << all.body << "\n\n";
    if (diff.baseline && diff.current.empty())
        out << "no baseline yet, and nothing there: the first check that sees something "
               "takes it silently\n";
    else if (diff.baseline)
        out << "no baseline yet: the first check takes these silently\n";
    else if (diff.fresh.empty())
        out << "nothing new compared with the state\n";
    else
        out << fmt::format("{} new compared with the state; the push would be:\n{}\n{}\n",
                           diff.fresh.size(), would.title, would.body);
    std::cout << terminal_safe(out.str());
}

} // namespace

int cmd_test(const Globals &g, const std::string &name, bool json) {
    const auto cfg = load(g);
    const auto &t = the_target(cfg, name);
    auto store = open_existing(state_path(g, cfg));
    const auto now = now_utc();
    // Polite like a check: a host cooling down is not asked, whoever asks.
    if (const auto cd = store->cooldown(source_host(t), now)) {
        log::error("{}: {} cooling down until {} ({}); nothing sent", t.name, source_host(t),
                   kst_when(cd->until, now), cd->reason);
        return k_exit_failed;
    }
    // Its own client: what a test learns of a host (a 429) is not stored as a cool-down,
    // because a test changes no state.
    HttpClient http(cfg.http, cfg.secrets());
    const auto snap = fetch_snapshot(*store, one_off(t), http, now);
    if (!snap) {
        log::error("{}: {}", t.name, snap.error().message);
        if (json)
            std::cout << json_text(
                             {{"target", t.name}, {"ok", false}, {"error", snap.error().message}})
                      << '\n';
        return k_exit_failed;
    }
    const auto diff = diff_with_state(*store, t, *snap, now);
    const auto would = opening_message(t, *snap, diff.fresh);
    if (const auto warning = store->warning(t.name); !warning.empty()) // said by an earlier check
        log::error("{}: warning: {}", t.name, warning);
    if (json)
        std::cout << json_text(test_json(t, *snap, diff, would)) << '\n';
    else
        print_test_text(t, *snap, diff, opening_message(t, *snap, diff.current), would);
    return k_exit_ok;
}

} // namespace alimi
