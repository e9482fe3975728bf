#include "message.hpp"

#include "chain.hpp"
#include "text.hpp"
#include "utf8.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace alimi {

namespace {

// Seats as "free/total" when both are known, free alone when only that is: a chain that
// does not say is not shown as "0 seats".
std::string seats(const Opening &o) {
    if (o.seats_free < 0)
        return "";
    if (o.seats_total < 0)
        return fmt::format(" {}", o.seats_free);
    return fmt::format(" {}/{}", o.seats_free, o.seats_total);
}

// Dates in the Korean form with the weekday; a date that does not parse is shown as sent.
std::string date_label(const std::string &iso) {
    const auto d = parse_yyyymmdd(iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2));
    return d ? korean_date(*d) : iso;
}

// A heading's movie title: a huge one is cut, so that the dates after it still fit.
constexpr std::size_t k_max_title_bytes = 200;

std::string movie_title(const std::string &movie) {
    if (movie.empty())
        return "?";
    if (movie.size() <= k_max_title_bytes)
        return movie;
    return std::string(utf8_prefix(movie, k_max_title_bytes)) + "…";
}

// One line of a body: how many openings it shows, and whether it must survive any cut (the
// first heading of every movie does).
struct BodyLine {
    std::string text;
    int count = 0;
    bool keep = false;
};

// A date-level opening (no start time yet) says so, rather than showing an empty time.
std::string showing_text(const Opening &o, bool name_hall) {
    auto text = o.time.empty() ? std::string("시간 미정") : display_time(o.time);
    if (name_hall && !o.screen.empty())
        text += " " + o.screen;
    return text + seats(o);
}

// Showings: per movie (in the order of its first new showing), per date one heading and one line
// of times under it, so no heading repeats.
std::vector<BodyLine> showing_lines(std::vector<Opening> fresh, bool name_halls) {
    std::stable_sort(fresh.begin(), fresh.end(), [](const Opening &a, const Opening &b) {
        return std::tie(a.date, a.time) < std::tie(b.date, b.time);
    });
    std::vector<std::string> order;
    std::map<std::string, std::map<std::string, std::vector<const Opening *>>> groups;
    for (const auto &o : fresh) {
        // Grouped by code where there is one: two spellings of one film's title stay one group.
        const auto movie = o.movie_code.empty() ? o.movie : o.movie_code;
        if (!groups.contains(movie))
            order.push_back(movie);
        groups[movie][o.date].push_back(&o);
    }
    std::vector<BodyLine> lines;
    for (const auto &movie : order) {
        bool first = true;
        for (const auto &[date, showings] : groups[movie]) {
            lines.push_back(
                {fmt::format("{} · {}", movie_title(showings.front()->movie), date_label(date)), 0,
                 first});
            first = false;
            std::string times;
            for (const auto *o : showings)
                times += (times.empty() ? "  " : " · ") + showing_text(*o, name_halls);
            lines.push_back({times, static_cast<int>(showings.size()), false});
        }
    }
    return lines;
}

// Play dates: the movie once, then one line per date.
std::vector<BodyLine> date_lines(const Snapshot &snapshot, const std::vector<Opening> &fresh) {
    std::vector<BodyLine> lines;
    if (!snapshot.movie_name.empty())
        lines.push_back({movie_title(snapshot.movie_name), 0, true});
    for (const auto &o : fresh)
        lines.push_back({"• " + date_label(o.date), 1, false});
    return lines;
}

// Whether a theater has two halls of the screen type (Yongsan's two SCREENX halls): then each
// showing names its hall.
bool several_halls(const Snapshot &snapshot, const std::vector<Opening> &fresh) {
    std::set<std::string> halls;
    for (const auto *list : {&snapshot.openings, &fresh})
        for (const auto &o : *list)
            if (!o.screen.empty())
                halls.insert(o.screen);
    return halls.size() > 1;
}

// Joins lines into at most max_bytes: every kept line stays; the others go in order until one
// does not fit, then "... and N more" says how many openings the cut hid; footer last.
// A channel with a smaller limit than k_max_body_bytes (ntfy's) cuts further on its own.
std::string fit_body(const std::vector<BodyLine> &lines, const std::string &footer,
                     std::size_t max_bytes) {
    int total = 0;
    std::size_t reserved = footer.empty() ? 0 : footer.size() + 1;
    for (const auto &l : lines) {
        total += l.count;
        reserved += l.keep ? l.text.size() + 1 : 0;
    }
    const auto more_room = fmt::format("\n... and {} more", total).size();
    std::string out;
    const auto add = [&](const std::string &text) { out += (out.empty() ? "" : "\n") + text; };
    int shown = 0;
    bool cutting = false;
    for (const auto &l : lines) {
        if (l.keep) {
            reserved -= l.text.size() + 1;
        } else {
            cutting = cutting || out.size() + 1 + l.text.size() + reserved + more_room > max_bytes;
            if (cutting)
                continue;
        }
        add(l.text);
        shown += l.count;
    }
    if (shown < total)
        add(fmt::format("... and {} more", total - shown));
    if (!footer.empty())
        add(footer);
    // The last guard: kept lines alone could exceed the limit with enough movies.
    return std::string(utf8_prefix(out, max_bytes));
}

} // namespace

// Sites count past midnight as 24:00-29:59 of the day before; the usual clock time follows
// in brackets, so "25:10 (01:10)" is read right by both habits.
std::string display_time(const std::string &hhmm) {
    if (hhmm.size() != 5 || hhmm[2] != ':')
        return hhmm;
    const int hour = std::atoi(hhmm.substr(0, 2).c_str());
    if (hour < 24)
        return hhmm;
    return fmt::format("{} ({:02}:{})", hhmm, hour - 24, hhmm.substr(3));
}

// Templates were checked when the config was read, so an unknown {field} here is kept as
// written rather than failing a push.
std::string render_template(const std::string &tpl,
                            const std::vector<std::pair<std::string, std::string>> &fields) {
    std::string out;
    for (std::size_t i = 0; i < tpl.size(); ++i) {
        if ((tpl[i] == '{' || tpl[i] == '}') && i + 1 < tpl.size() && tpl[i + 1] == tpl[i]) {
            out += tpl[i++];
            continue;
        }
        const auto end = tpl[i] == '{' ? tpl.find('}', i) : std::string::npos;
        const auto field = end == std::string::npos ? "" : tpl.substr(i + 1, end - i - 1);
        const auto it = std::find_if(fields.begin(), fields.end(),
                                     [&](const auto &f) { return f.first == field; });
        if (it == fields.end()) {
            out += tpl[i];
            continue;
        }
        out += it->second;
        i = end;
    }
    return out;
}

// Sent once when a target's failures reach [alerts] after, not every failed minute.
PushMessage failure_alert_message(const std::string &target, int failures,
                                  const std::string &error) {
    PushMessage m;
    m.title = fmt::format("alimi: {} 확인 실패 ({}회 연속)", target, failures);
    m.body = std::string(utf8_prefix(
        fmt::format("{} has failed {} times in a row.\nLast error: {}", target, failures, error),
        k_max_body_bytes));
    m.tags = {"warning"};
    // High, as an opening's push is: the operator must see it; never urgent (5).
    m.priority = 4;
    m.data = json_text({{"target", target}, {"openings", nlohmann::ordered_json::array()}});
    return m;
}

// The pair to the failure alert, so an operator who got one knows when to stop worrying.
PushMessage recovery_alert_message(const std::string &target) {
    PushMessage m;
    m.title = fmt::format("alimi: {} 복구됨", target);
    m.body = fmt::format("{} works again.", target);
    m.tags = {"white_check_mark"};
    m.priority = 3;
    m.data = json_text({{"target", target}, {"openings", nlohmann::ordered_json::array()}});
    return m;
}

// Sites name theaters with their chain ("CGV 용산아이파크몰"); the push adds the chain
// itself, so the prefix is taken off once here.
std::string bare_theater_name(const Chain &chain, const Snapshot &snapshot) {
    std::string_view name = trim(snapshot.theater_name);
    const auto prefix = std::string(chain.display_name()) + " ";
    if (name.starts_with(prefix))
        name.remove_prefix(prefix.size());
    return std::string(trim(name));
}

// Whole-screen sweeps and anything with start times are about showings; a movie target's
// date list is about dates, and its push reads differently.
bool is_showing_target(const Snapshot &snapshot, const std::vector<Opening> &fresh) {
    return !snapshot.listed_dates.empty() ||
           std::any_of(fresh.begin(), fresh.end(),
                       [](const Opening &o) { return !o.time.empty(); });
}

const Opening *first_opening(const std::vector<Opening> &fresh) {
    const auto it = std::min_element(fresh.begin(), fresh.end(), [](const auto &a, const auto &b) {
        return std::tie(a.date, a.time) < std::tie(b.date, b.time);
    });
    return it == fresh.end() ? nullptr : &*it;
}

namespace {

// A push about showings or dates of one target: what happened (phrase) and where, the list, and
// the booking page. A run's many showings stay one push, their count in the title.
PushMessage showings_message(const TargetConfig &target, const Snapshot &snapshot,
                             const std::vector<Opening> &fresh, std::string_view phrase) {
    PushMessage m;
    const auto &chain = *target.chain;
    const auto bare = bare_theater_name(chain, snapshot);
    const auto theater =
        fmt::format("{} {}", chain.display_name(), bare.empty() ? target.theater : bare);
    const auto screen =
        target.screen.empty() ? snapshot.screen_name : chain.screen_label(target.screen);
    const bool showings = is_showing_target(snapshot, fresh);
    const auto count = showings && fresh.size() > 1 ? fmt::format(" {}회차", fresh.size()) : "";
    m.title = fmt::format("{}{}{}{} {} ({})", theater, screen.empty() ? "" : " ", screen, count,
                          phrase, target.name);
    const auto first = first_opening(fresh);
    const auto footer =
        showings && first
            ? chain.day_page(target.theater, bare_theater_name(chain, snapshot), first->date)
            : "";
    m.body = fit_body(showings ? showing_lines(fresh, several_halls(snapshot, fresh))
                               : date_lines(snapshot, fresh),
                      footer, k_max_body_bytes);
    if (!target.title_template.empty() || !target.message_template.empty()) {
        std::string dates, movies;
        for (const auto &o : fresh) {
            const auto d = date_label(o.date);
            if (dates.find(d) == std::string::npos)
                dates += (dates.empty() ? "" : ", ") + d;
            if (!o.movie.empty() && movies.find(o.movie) == std::string::npos)
                movies += (movies.empty() ? "" : ", ") + o.movie;
        }
        if (movies.empty())
            movies = snapshot.movie_name;
        const std::vector<std::pair<std::string, std::string>> fields = {
            {"target", target.name}, {"theater", theater}, {"screen", screen},
            {"movie", movies},       {"dates", dates},     {"count", std::to_string(fresh.size())},
            {"list", m.body}};
        if (!target.title_template.empty())
            m.title = render_template(target.title_template, fields);
        if (!target.message_template.empty())
            m.body = std::string(
                utf8_prefix(render_template(target.message_template, fields), k_max_body_bytes));
    }
    m.priority = 4;
    m.tags = {"tada", "movie_camera"};
    // The first showing's poster, else any fresh one's: a wave of one film shows that film.
    m.image = first ? first->poster : "";
    for (const auto &o : fresh)
        if (m.image.empty())
            m.image = o.poster;
    if (first && !first->link.empty()) {
        m.click = first->link;
        m.actions.push_back({"예매하기", m.click});
    }
    return m;
}

} // namespace

PushMessage opening_message(const TargetConfig &target, const Snapshot &snapshot,
                            const std::vector<Opening> &fresh) {
    return showings_message(target, snapshot, fresh, target.chain->opening_phrase());
}

PushMessage seats_back_message(const TargetConfig &target, const Snapshot &snapshot,
                               const std::vector<Opening> &back) {
    auto m = showings_message(target, snapshot, back, k_seats_back_phrase);
    m.tags = {"seat", "movie_camera"};
    return m;
}

// The contract's JSON opening, shared by `check --json`, webhooks' bodies and history.
nlohmann::ordered_json opening_object(const TargetConfig &t, const Snapshot &snap, const Opening &o,
                                      std::string_view event) {
    // The same fields for every chain and target kind (interface.md); empty ones are left out.
    nlohmann::ordered_json j;
    const auto put = [&j](const char *key, const std::string &value) {
        if (!value.empty())
            j[key] = value;
    };
    j["target"] = t.name;
    j["event"] = event;
    j["chain"] = t.chain->name();
    // "source" repeats "chain" under the config key's name; the contract names both.
    j["source"] = t.chain->name();
    j["date"] = o.date;
    put("time", o.time);
    put("movie", o.movie.empty() ? snap.movie_name : o.movie);
    put("movie_code", o.movie_code.empty() ? t.movie : o.movie_code);
    put("theater", t.theater);
    put("theater_name", bare_theater_name(*t.chain, snap));
    put("screen", t.screen); // the configured screen type; the hall's own name is "hall"
    put("hall", o.screen);
    put("poster", o.poster);
    if (o.seats_free >= 0)
        j["seats_free"] = o.seats_free;
    if (o.seats_total >= 0)
        j["seats_total"] = o.seats_total;
    put("link", o.link);
    j["key"] = o.key;
    return j;
}

std::string push_data(const TargetConfig &t, const Snapshot &snap,
                      const std::vector<Opening> &fresh, std::string_view event) {
    nlohmann::ordered_json j;
    j["target"] = t.name;
    j["chain"] = t.chain->name();
    j["openings"] = nlohmann::ordered_json::array();
    for (const auto &o : fresh)
        j["openings"].push_back(opening_object(t, snap, o, event));
    return json_text(j);
}

// Compact and never throwing on broken UTF-8 (replaced), since texts come from servers.
std::string json_text(const nlohmann::ordered_json &j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace alimi
