#include "status_page.hpp"

#include "message.hpp"

#include <fmt/format.h>

#include <cmath>
#include <sstream>

namespace alimi {

namespace {

constexpr const char *k_css =
    R"(body{font-family:system-ui,-apple-system,"Apple SD Gothic Neo","Noto Sans KR",sans-serif;margin:0;padding:1rem;background:#fafafa;color:#222;max-width:60rem}
h1{font-size:1.3rem;margin:.2rem 0}h2{font-size:1.05rem;margin:1.2rem 0 .4rem}.meta{color:#666;font-size:.85rem}
.t{background:#fff;border:1px solid #ddd;border-radius:.5rem;padding:.6rem .8rem;margin:.5rem 0}
.bar{height:.5rem;border-radius:.25rem;margin:.3rem 0}.ok{background:#2e9e44}.late{background:#e0a100}.stale{background:#d0312d}
.name{font-weight:600}.err{color:#b00;font-size:.85rem;word-break:break-word}
table{border-collapse:collapse;width:100%;font-size:.85rem}td,th{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #eee;vertical-align:top})";

std::string opt_time(const std::optional<TimePoint> &t, TimePoint now) {
    return t ? fmt::format("{} ({})", kst_timestamp(*t), ago(*t, now)) : "never";
}

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

void target_card(std::ostringstream &o, const StatusRow &row, TimePoint now, double interval) {
    const auto &h = row.health;
    o << "<div class=\"t\"><div class=\"name\">" << html_escape(h.name) << "</div>"
      << "<div class=\"bar " << health_of(h, now, interval) << "\"></div>"
      << "<div class=\"meta\">" << html_escape(row.source) << " · last success "
      << html_escape(opt_time(h.last_success_at, now)) << " · " << h.consecutive_failures
      << " failures in a row · " << h.openings_known << " known · " << h.pending_notifications
      << " pending";
    if (h.dropped_notifications)
        o << " · " << h.dropped_notifications << " dropped";
    if (row.cooldown)
        o << " · cooling down until " << html_escape(kst_when(row.cooldown->until, now));
    o << "</div>";
    if (h.consecutive_failures > 0)
        o << "<div class=\"err\">" << html_escape(h.last_error) << "</div>";
    o << "</div>\n";
}

} // namespace

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
        const auto value_at =
            line.find(' ', line.find('}') == std::string::npos ? name_end : line.find('}'));
        try {
            *slot =
                slot->value_or(0) + std::stod(line.substr(value_at + 1)); // labelled series add up
        } catch (const std::exception &) {
            return std::nullopt;
        }
    }
    if (!subscribers && !visitors)
        return std::nullopt;
    return NtfyStats{subscribers.value_or(0), visitors.value_or(0)};
}

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

const char *health_of(const TargetHealth &h, TimePoint now, double interval) {
    if (!h.last_success_at)
        return "stale";
    const double age = static_cast<double>((now - *h.last_success_at).count());
    if (age <= 2.5 * interval)
        return "ok";
    return age <= 10 * interval ? "late" : "stale";
}

std::string render_status_html(const StatusReport &r) {
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"ko\"><head><meta charset=\"utf-8\">"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      << "<title>alimi status</title><style>" << k_css << "</style></head><body>\n"
      << "<h1>alimi</h1><div class=\"meta\">generated " << html_escape(kst_timestamp(r.now))
      << " · checks expected every " << r.interval << " s · pushes: " << r.pushes.delivered
      << " delivered, " << r.pushes.pending << " pending, " << r.pushes.dropped << " dropped";
    if (r.ntfy_configured)
        o << " · ntfy: "
          << (r.ntfy ? fmt::format("{:g} subscribers, {:g} visitors", r.ntfy->subscribers,
                                   r.ntfy->visitors)
                     : "unknown");
    o << "</div>\n<h2>Targets</h2>\n";
    for (const auto &row : r.rows)
        target_card(o, row, r.now, r.interval);
    o << "<h2>Recent openings</h2>\n";
    if (r.openings.empty())
        o << "<p class=\"meta\">none yet</p>\n";
    else {
        o << "<table><tr><th>found</th><th>target</th><th>date</th><th>movie</th><th>screen</th></"
             "tr>\n";
        for (const auto &k : r.openings)
            o << "<tr><td>" << html_escape(kst_timestamp(k.first_seen)) << "</td><td>"
              << html_escape(k.target) << "</td><td>"
              << html_escape(k.opening.date +
                             (k.opening.time.empty() ? "" : " " + display_time(k.opening.time)))
              << "</td><td>" << html_escape(k.opening.movie) << "</td><td>"
              << html_escape(k.opening.screen) << "</td></tr>\n";
        o << "</table>\n";
    }
    o << "<h2>Recent errors</h2>\n";
    if (r.errors.empty())
        o << "<p class=\"meta\">none</p>\n";
    else {
        o << "<table><tr><th>when</th><th>target</th><th>error</th></tr>\n";
        for (const auto &e : r.errors)
            o << "<tr><td>" << html_escape(kst_timestamp(e.at)) << "</td><td>"
              << html_escape(e.target) << "</td><td class=\"err\">" << html_escape(e.detail)
              << "</td></tr>\n";
        o << "</table>\n";
    }
    o << "</body></html>\n";
    return o.str();
}

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
    for (std::size_t i = 0; i < r.rows.size(); ++i)
        o << fmt::format("alimi_openings_found_total{{{}}} {}\n", labels(r.rows[i]),
                         i < r.found_total.size() ? r.found_total[i] : 0);
    family("alimi_openings_known", "gauge",
           "Openings the state knows for the target now (baseline included; past days pruned).");
    for (const auto &row : r.rows)
        o << fmt::format("alimi_openings_known{{{}}} {}\n", labels(row), row.health.openings_known);
    family("alimi_pushes_total", "counter", "Pushes by result, ever.");
    o << fmt::format("alimi_pushes_total{{result=\"delivered\"}} "
                     "{}\nalimi_pushes_total{{result=\"dropped\"}} {}\n",
                     r.pushes.delivered, r.pushes.dropped);
    family("alimi_pushes_pending", "gauge", "Pushes waiting in the outbox.");
    o << "alimi_pushes_pending " << r.pushes.pending << '\n';
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
