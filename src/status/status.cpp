#include "status.hpp"

#include "text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace alimi {

namespace {

// JSON readers get null for "never", not an empty string or epoch, so jq can test for it.
nlohmann::json iso_or_null(const std::optional<TimePoint> &t) {
    return t ? nlohmann::json(iso_timestamp(*t)) : nlohmann::json(nullptr);
}

// Display width of a UTF-8 string, counting Hangul and other wide code points as two columns.
std::size_t width(const std::string &s) {
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        // A lead byte's value says how long its sequence is; three- and four-byte code points
        // (Hangul, CJK, emoji) take two terminal columns, which keeps the columns straight.
        const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        w += len >= 3 ? 2 : 1;
        i += len;
    }
    return w;
}

std::string pad(const std::string &s, std::size_t to) {
    const auto w = width(s);
    return w >= to ? s : s + std::string(to - w, ' ');
}

} // namespace

// A table for people: relative times ("3m ago") and KST; scripts read status_json, whose
// times are ISO and whose fields never change meaning with the terminal's width.
std::string status_table(const std::vector<StatusRow> &rows, TimePoint now) {
    const std::vector<std::string> head = {"TARGET",        "SOURCE", "LAST SUCCESS", "FAILS",
                                           "COOLING UNTIL", "KNOWN",  "PENDING",      "LAST ERROR"};
    std::vector<std::vector<std::string>> cells = {head};
    for (const auto &r : rows) {
        const auto &h = r.health;
        cells.push_back(
            {h.name, r.source, h.last_success_at ? ago(*h.last_success_at, now) : "never",
             std::to_string(h.consecutive_failures),
             r.cooldown ? kst_when(r.cooldown->until, now) : "-", std::to_string(h.openings_known),
             h.dropped_notifications
                 ? fmt::format("{} ({} dropped)", h.pending_notifications, h.dropped_notifications)
                 : std::to_string(h.pending_notifications),
             // The last column says the most urgent thing: a failure first, then a warning, then a
             // baseline still being taken; an old error after a success is history, not status.
             h.consecutive_failures > 0 ? h.last_error
             : !h.warning.empty()       ? "warning: " + h.warning
             : waiting(h)               ? k_waiting
                                        : "-"});
    }
    std::vector<std::size_t> widths(head.size(), 0);
    for (const auto &row : cells)
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], width(row[i]));
    std::string out;
    for (const auto &row : cells) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i)
            // The last column is not padded: trailing spaces would only wrap narrow terminals.
            line += i + 1 < row.size() ? pad(row[i], widths[i] + 2) : row[i];
        out += line + "\n";
    }
    return out;
}

// Field order is fixed (ordered_json) so that diffs of two status outputs read line by line.
std::string status_json(const std::vector<StatusRow> &rows) {
    auto arr = nlohmann::ordered_json::array();
    for (const auto &r : rows) {
        const auto &h = r.health;
        nlohmann::ordered_json j;
        j["name"] = h.name;
        j["source"] = r.source;
        j["last_success_at"] = iso_or_null(h.last_success_at);
        j["last_attempt_at"] = iso_or_null(h.last_attempt_at);
        j["baseline_at"] = iso_or_null(h.baseline_at);
        if (waiting(h))
            j["baseline"] = k_waiting;
        j["consecutive_failures"] = h.consecutive_failures;
        j["last_error"] =
            h.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(h.last_error);
        j["last_error_at"] = iso_or_null(h.last_error_at);
        j["warning"] = h.warning.empty() ? nlohmann::json(nullptr) : nlohmann::json(h.warning);
        j["openings_known"] = h.openings_known;
        j["pending_notifications"] = h.pending_notifications;
        j["dropped_notifications"] = h.dropped_notifications;
        j["cooling_down_until"] =
            r.cooldown ? iso_or_null(r.cooldown->until) : nlohmann::json(nullptr);
        arr.push_back(std::move(j));
    }
    // Texts from servers are stored as they came; invalid UTF-8 in them is replaced here
    // rather than making the whole dump throw.
    return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

// An "openings" event keeps its showings on the lines after its head; they are indented
// below it so one event still reads as one entry, each line made one-line safe.
std::string history_text(const std::vector<Event> &events) {
    std::string out;
    for (const auto &e : events) {
        const auto newline = e.detail.find('\n');
        const auto head = e.detail.substr(0, newline);
        out += fmt::format("{}  {}  {}  {}\n", kst_timestamp(e.at), e.target, e.kind,
                           one_line(head, 300));
        if (e.kind != "openings" || newline == std::string::npos)
            continue;
        std::string_view rest(e.detail);
        rest.remove_prefix(newline + 1);
        while (!rest.empty()) {
            const auto line = rest.substr(0, rest.find('\n'));
            out += "    " + one_line(line, 300) + "\n";
            rest.remove_prefix(std::min(rest.size(), line.size() + 1));
        }
    }
    return out;
}

// Details are given whole, newlines included: JSON can carry them, unlike the table.
std::string history_json(const std::vector<Event> &events) {
    auto arr = nlohmann::ordered_json::array();
    for (const auto &e : events)
        arr.push_back({{"at", iso_timestamp(e.at)},
                       {"target", e.target},
                       {"kind", e.kind},
                       {"detail", e.detail}});
    return arr.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

} // namespace alimi
