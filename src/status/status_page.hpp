// Everything `status` shows besides the table: the HTML page, Prometheus text, and the ntfy
// server's own metrics. Pure renderers over values.
#pragma once

#include "status.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace alimi {

struct NtfyStats {
    double subscribers = 0;
    double visitors = 0;
};

// ntfy_subscribers_total and ntfy_visitors_total from a /metrics answer; nullopt when absent.
std::optional<NtfyStats> parse_ntfy_metrics(std::string_view text);

struct StatusReport {
    TimePoint now;
    double interval = 60; // expected seconds between checks
    std::vector<StatusRow> rows;
    std::vector<KnownOpening> openings; // recent, newest first
    std::vector<Event> errors;          // recent, newest first
    std::optional<NtfyStats> ntfy;      // nullopt: not configured or unreadable
    bool ntfy_configured = false;
    PushTotals pushes;
    std::vector<RequestCount> requests;
    std::optional<double> last_check_seconds;
};

std::string html_escape(std::string_view s);

// One self-contained page, readable on a phone and without script: inline CSS, no external
// assets, and a few lines of inline script that grey it out once it is older than 2.5 intervals
// by the viewer's clock. Labels in Korean and English alike; texts from the state as they are.
std::string render_status_html(const StatusReport &r);

// Prometheus text exposition format (node_exporter textfile collector).
std::string render_prometheus(const StatusReport &r);

// "ok", "warning", "late", "failing", "stale" or "unchecked": the age of the last success
// against the expected interval (stale past 10 intervals), whether the last check failed
// (failing: a target that never worked is failing, not stale), and whether the target carries
// a standing warning (its site lists no such code). unchecked: never checked yet.
const char *health_of(const TargetHealth &h, TimePoint now, double interval);

} // namespace alimi
