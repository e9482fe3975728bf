#include "status_page.hpp"

#include "message.hpp"

#include <fmt/format.h>

#include <cmath>
#include <sstream>

namespace alimi {

namespace {

// Prometheus label values escape backslash, quote and newline.
std::string label(std::string_view v) {
    std::string out;
    for (const char c : v)
        out += c == '\\' ? "\\\\" : c == '"' ? "\\\"" : c == '\n' ? "\\n" : std::string(1, c);
    return out;
}

// A target's labels: its name and its chain, so dashboards can group by chain.
std::string labels(const StatusRow &row) {
    return fmt::format("target=\"{}\",chain=\"{}\"", label(row.health.name), label(row.source));
}

} // namespace

// A tolerant reader of Prometheus text for two of ntfy's series: unknown series are
// skipped, a value that is not a number makes the whole reading unknown rather than wrong.
std::optional<NtfyStats> parse_ntfy_metrics(std::string_view text) {
    std::optional<double> subscribers, visitors;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        const auto name_end = line.find_first_of(" {");
        const auto name = line.substr(0, name_end);
        std::optional<double> *slot = name == "ntfy_subscribers_total" ? &subscribers
                                      : name == "ntfy_visitors_total"  ? &visitors
                                                                       : nullptr;
        if (!slot)
            continue;
        // The value follows the labels' closing brace when there are labels, the name otherwise.
        const auto value_at =
            line.find(' ', line.find('}') == std::string::npos ? name_end : line.find('}'));
        try {
            *slot =
                slot->value_or(0) + std::stod(line.substr(value_at + 1)); // labelled series add up
        } catch (const std::exception &) {
            return std::nullopt;
        }
    }
    // Neither series found: probably not ntfy's metrics endpoint at all, so nothing is shown.
    if (!subscribers && !visitors)
        return std::nullopt;
    return NtfyStats{subscribers.value_or(0), visitors.value_or(0)};
}

// For text inside attributes as well as elements, so quotes are escaped too: every name on
// the page comes from a cinema's answer or a user's config.
std::string html_escape(std::string_view s) {
    std::string out;
    for (const char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

// Thresholds in units of the expected interval, so the same page reads right for a cron
// every minute and a timer every ten: late after 2.5 missed runs, stale after 10.
const char *health_of(const TargetHealth &h, TimePoint now, double interval) {
    if (!h.last_success_at) // never worked: not stale, which would say it once did
        return h.consecutive_failures > 0 ? "failing" : "unchecked";
    const double age = static_cast<double>((now - *h.last_success_at).count());
    // Stale outranks failing: a target that has not worked for ten intervals needs attention
    // whatever its last attempt said.
    if (age > 10 * interval)
        return "stale";
    if (h.consecutive_failures > 0)
        return "failing";
    if (age > 2.5 * interval)
        return "late";
    return h.warning.empty() ? "ok" : "warning";
}

// Every family has HELP and TYPE lines and every target its own series with the same
// labels, so a missing target shows as 0 rather than as a silently absent series.
std::string render_prometheus(const StatusReport &r) {
    std::ostringstream o;
    const auto family = [&](const char *name, const char *type, const char *help) {
        o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
    };
    family("alimi_last_success_timestamp_seconds", "gauge",
           "Unix time of the target's last successful check (0: never).");
    for (const auto &row : r.rows)
        o << fmt::format("alimi_last_success_timestamp_seconds{{{}}} {}\n", labels(row),
                         row.health.last_success_at ? to_unix(*row.health.last_success_at) : 0);
    family("alimi_consecutive_failures", "gauge", "Failed checks of the target in a row.");
    for (const auto &row : r.rows)
        o << fmt::format("alimi_consecutive_failures{{{}}} {}\n", labels(row),
                         row.health.consecutive_failures);
    family("alimi_openings_found_total", "counter",
           "Openings found after the baseline, ever (pruning never lowers it).");
    for (const auto &row : r.rows)
        o << fmt::format("alimi_openings_found_total{{{}}} {}\n", labels(row), row.found_total);
    family("alimi_openings_known", "gauge",
           "Openings the state knows for the target now (baseline included; past days pruned).");
    for (const auto &row : r.rows)
        o << fmt::format("alimi_openings_known{{{}}} {}\n", labels(row), row.health.openings_known);
    // Delivered and dropped as one counter with a result label, the Prometheus way to let a
    // rate() over both be taken without a join.
    family("alimi_pushes_total", "counter", "Pushes by result, ever.");
    o << fmt::format("alimi_pushes_total{{result=\"delivered\"}} "
                     "{}\nalimi_pushes_total{{result=\"dropped\"}} {}\n",
                     r.pushes.delivered, r.pushes.dropped);
    family("alimi_pushes_pending", "gauge", "Pushes waiting in the outbox.");
    o << "alimi_pushes_pending " << r.pushes.pending << '\n';
    // Absent before the first check: a 0 would read as an impossibly fast check.
    if (r.last_check_seconds) {
        family("alimi_check_duration_seconds", "gauge", "Wall time of the last check.");
        o << fmt::format("alimi_check_duration_seconds {:.3f}\n", *r.last_check_seconds);
    }
    family("alimi_requests_total", "counter", "HTTP requests sent by host and outcome.");
    for (const auto &c : r.requests)
        o << fmt::format("alimi_requests_total{{host=\"{}\",outcome=\"{}\"}} {}\n", label(c.host),
                         label(c.outcome), c.count);
    return o.str();
}

} // namespace alimi
