// What every chain's discovery prints: theaters by name or code, movies with their codes.
#include "discover.hpp"

#include "text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace alimi {

namespace {

// A look-up without an asker is a programming error, not a user's: it throws at once
// instead of quietly answering "nothing found", which would read as an empty site.
Asker &asker_of(const DiscoverOptions &opt) {
    if (!opt.asker)
        throw std::logic_error("a look-up was started without an asker");
    return *opt.asker;
}

} // namespace

std::vector<HttpResult> DiscoverOptions::ask(const std::vector<HttpRequest> &requests) const {
    return asker_of(*this).ask(requests);
}

TimePoint DiscoverOptions::now() const {
    return asker_of(*this).now();
}

// "Today" is the asker's clock's day in Korea, where the dates the sites list are days.
std::string DiscoverOptions::today() const {
    return iso_date(kst_date(now()));
}

// A query matches a name anywhere (users type part of "CGV용산아이파크몰") or a code
// from its start; codes are unique, so one theater listed under two regions shows once.
std::vector<TheaterInfo> match_theaters(std::vector<TheaterInfo> all, const std::string &query) {
    const auto q = lower_ascii(query);
    std::vector<TheaterInfo> out;
    for (auto &t : all)
        if (q.empty() || lower_ascii(t.name).find(q) != std::string::npos ||
            lower_ascii(t.code).starts_with(q))
            out.push_back(std::move(t));
    std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.code < b.code; });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const auto &a, const auto &b) { return a.code == b.code; }),
              out.end());
    return out;
}

int print_theaters(const std::vector<TheaterInfo> &all, const std::string &query, bool json,
                   std::ostream &out) {
    const auto found = match_theaters(all, query);
    if (found.empty()) {
        // Exit 1 with the count known, so "nothing matched" is told from "the list was empty".
        log::error("no theater matches '{}' ({} known)", query, all.size());
        return 1;
    }
    if (json) {
        auto arr = nlohmann::ordered_json::array();
        for (const auto &t : found)
            // Every text from a server is made one-line and bounded before printing: a hostile name
            // cannot break the JSON's readers or a terminal.
            arr.push_back({{"code", one_line(t.code, 40)},
                           {"name", one_line(t.name)},
                           {"region", one_line(t.region)},
                           {"status", one_line(t.status)}});
        out << arr.dump(2) << '\n';
        return 0;
    }
    for (const auto &t : found)
        out << fmt::format("{}  {}{}\n", one_line(t.code, 40), one_line(t.name),
                           t.region.empty() ? "" : "  (" + one_line(t.region) + ")");
    return 0;
}

int print_movies(const std::vector<MovieInfo> &movies, bool json, std::ostream &out) {
    if (json) {
        auto arr = nlohmann::ordered_json::array();
        for (const auto &m : movies)
            arr.push_back({{"code", one_line(m.code, 40)},
                           {"name", one_line(m.name)},
                           {"booking_rate", m.booking_rate},
                           {"playing_here", m.playing_here}});
        out << arr.dump(2) << '\n';
        return 0;
    }
    // The title comes last: it is the one column of varying width, so the others stay aligned.
    out << fmt::format("{:<10}{:<6}{:<7}{}\n", "CODE", "HERE", "RATE", "TITLE");
    for (const auto &m : movies)
        out << fmt::format(
            "{:<10}{:<6}{:<7}{}\n", one_line(m.code, 40), m.playing_here ? "yes" : "-",
            m.booking_rate.empty() ? "-" : one_line(m.booking_rate, 12) + "%", one_line(m.name));
    return 0;
}

int print_upcoming(const std::vector<MovieInfo> &movies, std::string_view chain, bool json,
                   std::ostream &out) {
    if (json) {
        auto arr = nlohmann::ordered_json::array();
        for (const auto &m : movies)
            arr.push_back({{"code", one_line(m.code, 40)},
                           {"name", one_line(m.name)},
                           {"status", one_line(m.status, 40)}});
        out << arr.dump(2) << '\n';
        return 0;
    }
    // An empty list is an answer worth a sentence: it says the chain was asked and had none.
    if (movies.empty()) {
        out << fmt::format("{} lists no film before its sale today\n", chain);
        return 0;
    }
    out << fmt::format("{:<10}{:<12}{}\n", "CODE", "STATUS", "TITLE");
    for (const auto &m : movies)
        out << fmt::format("{:<10}{:<12}{}\n", one_line(m.code, 40), one_line(m.status, 40),
                           one_line(m.name));
    return 0;
}

int print_no_upcoming_list(std::string_view chain, bool json, std::ostream &out) {
    const auto note = fmt::format("{}'s site lists no film before it goes on sale; a target with "
                                  "title = \"...\" matches the film the moment its first "
                                  "showing appears",
                                  chain);
    if (!json) {
        out << note << '\n';
        return 0;
    }
    log::error("note: {}", note); // on stderr: the answer on stdout stays JSON
    out << "[]\n";
    return 0;
}

} // namespace alimi
