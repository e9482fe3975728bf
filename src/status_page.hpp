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
    std::vector<long long> found_total; // per row: every opening ever found (a counter)
    std::optional<double> last_check_seconds;
};

std::string html_escape(std::string_view s);

// One self-contained page: inline CSS, no scripts, no external assets, readable on a phone.
std::string render_status_html(const StatusReport &r);

// Prometheus text exposition format (node_exporter textfile collector).
std::string render_prometheus(const StatusReport &r);

// "ok", "late" or "stale": the age of the last success against the expected interval.
const char *health_of(const TargetHealth &h, TimePoint now, double interval);

} // namespace alimi
