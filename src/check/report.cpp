#include "report.hpp"

#include "chain.hpp"
#include "deliver.hpp"
#include "http.hpp"
#include "log.hpp"
#include "snapshot.hpp"

#include <fmt/format.h>

#include <algorithm>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>

namespace alimi {

namespace {

// The status page shows the last month-ish of activity at a glance; more is in `history`.
constexpr int k_recent = 30;

// Outside services get a short leash: a slow ntfy or ping endpoint must not slow a check.
HttpSettings side_settings(const Config &cfg) {
    auto s = push_settings(cfg.http);
    s.timeout = std::min(s.timeout, 5.0);
    s.retries = 0;
    return s;
}

// ntfy's own metrics are an extra on the page: any failure is logged at info and the page
// is written without them, never failing the check.
std::optional<NtfyStats> read_ntfy_metrics(const Config &cfg) {
    HttpRequest req;
    req.url = cfg.status.ntfy_metrics;
    req.expect = Expect::any;
    HttpClient http(side_settings(cfg), cfg.secrets());
    const auto answer = http.perform({req}).at(0);
    if (answer.outcome != Outcome::ok) {
        log::info("ntfy metrics {}: {}", shown_url(req), answer.error);
        return std::nullopt;
    }
    return parse_ntfy_metrics(answer.body);
}

} // namespace

// Everything the status renderers need, read from the store in one place, so the
// renderers stay pure functions over a value and are tested without a database.
StatusReport gather_report(const Config &cfg, Store &store, TimePoint now, bool read_ntfy) {
    StatusReport r;
    r.now = now;
    r.interval = cfg.status.interval;
    for (const auto &t : cfg.targets) {
        StatusRow row;
        row.health = store.health(t.name);
        row.source = t.chain->name();
        row.cooldown = store.cooldown(source_host(t), now);
        row.watches = watches_line(store, t);
        row.found_total = store.found_total(t.name);
        row.found_week = store.found_since(t.name, now - std::chrono::hours(24 * 7));
        r.rows.push_back(std::move(row));
    }
    r.openings = store.recent_openings(k_recent);
    // Errors and the warnings a check gives once (a target that may never fire), newest first.
    const auto week = now - std::chrono::hours(24 * 7);
    r.errors = store.events("", week, k_recent, "error");
    for (auto &w : store.events("", week, k_recent, "warning"))
        r.errors.push_back(std::move(w));
    std::stable_sort(r.errors.begin(), r.errors.end(),
                     [](const Event &a, const Event &b) { return a.at > b.at; });
    if (r.errors.size() > static_cast<std::size_t>(k_recent))
        r.errors.resize(static_cast<std::size_t>(k_recent));
    // Totals are kept in the state (counters in meta, since pruning deletes finished pushes,
    // and a request_counts table), so Prometheus counters only go up across runs and restarts.
    r.pushes = store.push_totals();
    r.requests = store.request_counts();
    if (auto d = store.meta("last_check_seconds"))
        r.last_check_seconds = std::stod(*d);
    r.ntfy_configured = !cfg.status.ntfy_metrics.empty();
    if (r.ntfy_configured && read_ntfy)
        // Only the HTML page shows ntfy's figures, so the Prometheus-only case asks nothing.
        r.ntfy = read_ntfy_metrics(cfg);
    return r;
}

// A web server may read the page at any moment: writing a temporary file and renaming it
// over the old one means a reader sees the old page or the new one, never half of either.
// No fsync: a page lost in a power cut is written again by the next run.
void write_file_atomic(const std::string &path, const std::string &content) {
    // The pid keeps two overlapping runs from writing the same temporary file.
    const auto tmp = fmt::format("{}.tmp-{}", path, ::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << content;
        out.flush();
        if (!out) {
            const int err = errno;
            std::remove(tmp.c_str());
            throw std::runtime_error(fmt::format("{}: cannot write ({})", tmp, std::strerror(err)));
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(tmp.c_str());
        throw std::runtime_error(fmt::format("{}: cannot replace ({})", path, std::strerror(err)));
    }
}

// A status file that cannot be written is logged, not fatal: the check's own work (pushes,
// state) is already done and must not be reported as failed for it.
void refresh_status_files(const Config &cfg, Store &store, TimePoint now) {
    if (cfg.status.html.empty() && cfg.status.prometheus.empty())
        return;
    const auto report = gather_report(cfg, store, now, !cfg.status.html.empty());
    try {
        if (!cfg.status.html.empty())
            write_file_atomic(cfg.status.html, render_status_html(report));
        if (!cfg.status.prometheus.empty())
            write_file_atomic(cfg.status.prometheus, render_prometheus(report));
    } catch (const std::runtime_error &e) {
        log::error("status files: {}", e.what());
    }
}

// A dead man's switch (healthchecks.io style): "/start" before a check, the base after a good
// one, "/fail" with the reason after a bad one, so a cron that stopped running or keeps failing
// is noticed by the pinged service, not by missed pushes.
void ping(const Config &cfg, const std::string &suffix, const std::string &body) {
    if (cfg.status.ping_url.empty())
        return;
    HttpRequest req;
    auto base = cfg.status.ping_url;
    // Suffixes such as "/fail" and "/start" are appended to the base, which must not end in '/'.
    while (base.ends_with('/'))
        base.pop_back();
    req.url = base + suffix;
    req.display = "[status] ping_url" + suffix; // ping URLs carry their key in the path
    req.expect = Expect::any;
    if (!body.empty()) {
        req.method = "POST";
        req.body = body;
        req.headers = {"Content-Type: text/plain; charset=utf-8"};
    }
    HttpClient http(side_settings(cfg), cfg.secrets());
    const auto answer = http.perform({req}).at(0);
    if (answer.outcome != Outcome::ok)
        log::info("ping {}: {}", shown_url(req), answer.error);
}

} // namespace alimi
