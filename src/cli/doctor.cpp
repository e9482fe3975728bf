// `alimi doctor`: what stands between a config and its first push, checked in the order a set-up
// fails (config, state, clock, sites, codes, notifiers, the scheduler around it), one line each.
// Offline it only reads; --online asks each site once as a check would and each notifier's
// server for its front page; --push sends a test push.
#include "commands.hpp"

#include "chain.hpp"
#include "deliver.hpp"
#include "http.hpp"
#include "notifier.hpp"
#include "online_check.hpp"
#include "paths.hpp"
#include "snapshot.hpp"
#include "state_place.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <unistd.h>

namespace alimi {

namespace {

// A warning is printed but does not fail the exit status: doctor exits 1 only for what
// keeps pushes from arriving.
enum class Mark { ok, warn, fail, skip };

// Prints the lines and counts what failed; the exit status is 1 when anything did.
struct Lines {
    int failed = 0;
    void say(Mark m, std::string_view what, const std::string &detail) {
        static constexpr const char *k_marks[] = {"ok  ", "warn", "FAIL", "--  "};
        failed += m == Mark::fail;
        // Details quote servers' answers and file names: made safe for the terminal they go to.
        std::cout << terminal_safe(
            fmt::format("{}  {}: {}\n", k_marks[static_cast<int>(m)], what, detail));
    }
};

// The folder matters as much as the file: SQLite writes its journal beside the state.
bool writable_dir_of(const std::string &path) {
    const auto dir = std::filesystem::path(path).parent_path();
    return ::access(dir.empty() ? "." : dir.c_str(), W_OK) == 0;
}

void check_state(Lines &out, const Globals &g, const Config &cfg, Store &store) {
    const auto place = state_place(g.state, cfg);
    const auto path = state_path(g, cfg);
    const auto whose =
        !place.is_default      ? std::string("named on purpose (--state, ALIMI_STATE or state =)")
        : store.meta("config") ? fmt::format("the default state of {}", *store.meta("config"))
                               : std::string("the default state, not claimed yet");
    if (!file_exists(path)) {
        out.say(writable_dir_of(path) ? Mark::ok : Mark::fail, "state",
                fmt::format("{}: none yet; {}", path,
                            writable_dir_of(path) ? "its folder is writable"
                                                  : "its folder is not writable"));
        return;
    }
    const bool ok = ::access(path.c_str(), W_OK) == 0 && writable_dir_of(path);
    out.say(ok ? Mark::ok : Mark::fail, "state",
            fmt::format("{} ({}), {}", path, whose,
                        ok ? "writable"
                           : "not writable (it or its folder, where the journal "
                             "goes)"));
}

// The clock decides what "today" is and when pruning forgets a day, so a dead RTC (a date
// before 2024) fails, and a clock five minutes off the sites' is worth a warning.
void check_clock(Lines &out, Store &store, TimePoint now) {
    const auto tz = process_env()("TZ");
    auto detail = fmt::format("{} (UTC {}), TZ {}: times are shown in KST whatever the zone",
                              kst_timestamp(now), iso_timestamp(now), tz ? *tz : "unset");
    auto mark = to_unix(now) < 1704067200 ? Mark::fail : Mark::ok; // before 2024: a dead RTC
    const auto run = store.meta("last_run_at");
    const auto site = store.meta("site_clock");
    if (run && site) {
        const auto ahead = std::stoll(*run) - std::stoll(*site);
        if (ahead > 300 || ahead < -300) {
            mark = Mark::warn;
            detail += fmt::format("; at the last check it was {} s {} the sites' clock",
                                  std::llabs(ahead), ahead > 0 ? "ahead of" : "behind");
        }
    }
    out.say(mark, "clock", detail);
}

// One request as a check sends it first (the chain's own headers, the configured User-Agent).
// No retries: doctor reports what one request gets, and must not hammer a site that is
// already refusing us.
HttpResult probe(const Config &cfg, const HttpRequest &request, const std::string &user_agent) {
    auto settings = cfg.http;
    settings.retries = 0;
    settings.user_agent = user_agent;
    HttpClient http(settings, cfg.secrets());
    return http.perform({request}).front();
}

std::string answer_text(const HttpResult &r) {
    if (r.status == 0)
        return r.error;
    return fmt::format("{} {}{}", r.http_version.empty() ? "HTTP" : r.http_version, r.status,
                       r.outcome == Outcome::ok ? "" : " (" + one_line(r.error, 160) + ")");
}

// One line per host, not per target: the first enabled target's first request speaks for
// the host, as it is the request every check sends first.
void check_host(Lines &out, const Config &cfg, Store &store, const TargetConfig &t, bool online,
                TimePoint now) {
    const auto host = source_host(t);
    const auto what = fmt::format("site {}", host);
    // A host in a cool-down is not asked even by doctor: the silence was asked for by the site.
    for (const auto &c : store.cooldowns(now))
        if (c.key == host || c.key.starts_with(host + "/")) {
            const auto left = std::chrono::duration_cast<std::chrono::seconds>(c.until - now);
            out.say(Mark::fail, what,
                    fmt::format("{} cooling down until {} ({}), {} min left; alimi cooldown "
                                "clear {} ends it",
                                c.key, kst_when(c.until, now), c.reason, left.count() / 60 + 1,
                                host));
            return;
        }
    if (!online) {
        out.say(Mark::skip, what, "not asked (doctor --online asks it once, as a check would)");
        return;
    }
    auto plan = t.chain->make_plan(t, plan_context(store, t, now));
    const auto requests = plan->next({});
    if (requests.empty())
        return;
    const auto ua = cfg.http.user_agent.empty() ? default_user_agent() : cfg.http.user_agent;
    const auto r = probe(cfg, requests.front(), ua);
    const bool ok = r.outcome == Outcome::ok;
    auto detail = fmt::format("{} with User-Agent '{}'", answer_text(r), one_line(ua, 80));
    // A site's front may refuse one User-Agent and take another: say which of ours pass.
    if (!ok && !cfg.http.user_agent.empty()) {
        const auto built_in = probe(cfg, requests.front(), default_user_agent());
        detail += fmt::format("; with the built-in User-Agent: {}", answer_text(built_in));
    }
    out.say(ok ? Mark::ok : Mark::fail, what, detail);
}

// Codes are looked up where the site is not cooling down: a look-up is a request like any other.
void check_codes(Lines &out, const Config &cfg, Store &store, TimePoint now) {
    OnlineCheck check(cfg);
    std::size_t problems = 0, asked = 0;
    std::set<std::string> cooling;
    for (const auto &c : store.cooldowns(now))
        cooling.emplace(cooldown_host(c.key));
    for (const auto &t : cfg.targets) {
        const auto host = host_of(cfg.defaults_of(t.chain->lister()).api);
        if (cooling.contains(host)) {
            out.say(Mark::skip, "codes",
                    fmt::format("{}: not looked up, {} is cooling down", t.name, host));
            continue;
        }
        ++asked;
        for (const auto &p : check.problems(t)) {
            out.say(Mark::fail, "code", p);
            ++problems;
        }
    }
    if (check.unreachable > 0)
        out.say(
            Mark::fail, "codes",
            fmt::format("{} look-up(s) failed: the site could not be asked", check.unreachable));
    else if (problems == 0 && asked > 0)
        out.say(Mark::ok, "codes",
                fmt::format("every theater of {} target(s) listed by its site", asked));
}

// The notifier's server, asked for its front page: reachable or not, without a push.
// Any HTTP answer from the front page counts as reachable: it is the network path being
// tested, not the push (that is --push's job).
void check_notifier(Lines &out, const Config &cfg, const NotifierConfig &n, bool online) {
    const auto what = fmt::format("notifier {}", n.name);
    const auto url = push_request(n, PushMessage{}, "alimi-doctor").url;
    const auto scheme_end = url.find("://");
    const auto host = host_of(url);
    if (!online || scheme_end == std::string::npos) {
        out.say(Mark::skip, what,
                fmt::format("{} at {}: not asked (--online asks the server, --push sends a test)",
                            n.type(), host));
        return;
    }
    HttpRequest front;
    front.url = url.substr(0, scheme_end + 3) + host + "/";
    front.expect = Expect::any;
    auto settings = push_settings(cfg.http);
    settings.retries = 0;
    HttpClient http(settings, cfg.secrets());
    const auto r = http.perform({front}).front();
    out.say(r.status > 0 ? Mark::ok : Mark::fail, what,
            fmt::format("{} at {}: {}", n.type(), host,
                        r.status > 0 ? fmt::format("reachable ({} {})", r.http_version, r.status)
                                     : r.error));
}

// The process that started us, by name ("cron", "systemd"): cron's mail and PATH differ.
std::string parent_name() {
    std::ifstream parent_comm(fmt::format("/proc/{}/comm", ::getppid()));
    std::string name;
    std::getline(parent_comm, name);
    return name;
}

// cron and systemd each fail set-ups in their own way (PATH, ReadWritePaths), so the line
// names the one in use and its usual trap.
void check_scheduler(Lines &out, const Globals &g, const Config &cfg) {
    const auto env = process_env();
    const auto path = env("PATH").value_or("");
    if (env("INVOCATION_ID")) { // set by systemd for every unit it starts
        const auto state = state_path(g, cfg);
        out.say(writable_dir_of(state) ? Mark::ok : Mark::fail, "systemd",
                fmt::format("run by a unit; the state's folder {} {}",
                            std::filesystem::path(state).parent_path().string(),
                            writable_dir_of(state) ? "is writable (ReadWritePaths covers it)"
                                                   : "is not writable: add it to ReadWritePaths"));
        return;
    }
    const auto parent = parent_name();
    const bool cron = parent.find("cron") != std::string::npos || !env("TERM");
    out.say(Mark::ok, cron ? "cron" : "environment",
            fmt::format("PATH={}{}", path.empty() ? "(empty)" : path,
                        cron ? " (cron's own: give alimi's full path in the crontab)"
                             : "; under cron PATH is /usr/bin:/bin, so give alimi's full path"));
}

} // namespace

// Each check prints as it finishes, in set-up order, so the first FAIL is the first
// thing to fix.
int cmd_doctor(const Globals &g, const DoctorOptions &opt) {
    Lines out;
    std::optional<Config> loaded;
    try {
        loaded = load(g);
    } catch (const ConfigError &e) {
        for (const auto &p : e.problems())
            out.say(Mark::fail, "config", p);
        return k_exit_usage;
    }
    const auto &cfg = *loaded;
    out.say(Mark::ok, "config",
            fmt::format("{}: {} target(s), {} notifier(s)", cfg.path, cfg.targets.size(),
                        cfg.notifiers.size()));
    auto store = open_existing(state_path(g, cfg));
    const auto now = now_utc();
    check_state(out, g, cfg, *store);
    check_clock(out, *store, now);
    std::set<std::string> hosts;
    for (const auto &t : cfg.targets)
        if (t.enabled && hosts.insert(source_host(t)).second)
            check_host(out, cfg, *store, t, opt.online, now);
    if (opt.online)
        check_codes(out, cfg, *store, now);
    for (const auto &n : cfg.notifiers)
        check_notifier(out, cfg, n, opt.online);
    if (opt.push) {
        std::vector<std::string> delivered;
        std::ostringstream said;
        const int rc = notify_test(cfg, {}, said, delivered);
        out.say(rc == k_exit_ok ? Mark::ok : Mark::fail, "test push", one_line(said.str(), 300));
    }
    check_scheduler(out, g, cfg);
    return out.failed > 0 ? k_exit_failed : k_exit_ok;
}

} // namespace alimi
