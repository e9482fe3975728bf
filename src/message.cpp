#include "message.hpp"

#include "source/chain.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace alimi {

namespace {

std::string seats(const Opening &o) {
    if (o.seats_free < 0)
        return "";
    if (o.seats_total < 0)
        return fmt::format(" {}", o.seats_free);
    return fmt::format(" {}/{}", o.seats_free, o.seats_total);
}

std::string date_label(const std::string &iso) {
    const auto d = parse_yyyymmdd(iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2));
    return d ? korean_date(*d) : iso;
}

// Showings: one header line per (movie, date) and one line of times under it.
void showing_lines(const std::vector<Opening> &fresh, std::vector<std::string> &lines,
                   std::vector<int> &counts) {
    std::string group;
    for (const auto &o : fresh) {
        const auto head =
            fmt::format("{} · {}", o.movie.empty() ? "?" : o.movie, date_label(o.date));
        if (head != group) {
            lines.push_back(head);
            counts.push_back(0);
            lines.emplace_back();
            counts.push_back(0);
            group = head;
        }
        lines.back() += fmt::format("{}{}{}", lines.back().empty() ? "  " : " · ",
                                    display_time(o.time), seats(o));
        ++counts.back();
    }
}

// Play dates: the movie once, then one line per date.
void date_lines(const Snapshot &snapshot, const std::vector<Opening> &fresh,
                std::vector<std::string> &lines, std::vector<int> &counts) {
    if (!snapshot.movie_name.empty()) {
        lines.push_back(snapshot.movie_name);
        counts.push_back(0);
    }
    for (const auto &o : fresh) {
        lines.push_back("• " + date_label(o.date));
        counts.push_back(1);
    }
}

} // namespace

std::string display_time(const std::string &hhmm) {
    if (hhmm.size() != 5 || hhmm[2] != ':')
        return hhmm;
    const int hour = std::atoi(hhmm.substr(0, 2).c_str());
    if (hour < 24)
        return hhmm;
    return fmt::format("{} ({:02}:{})", hhmm, hour - 24, hhmm.substr(3));
}

std::string fit_lines(const std::vector<std::string> &lines, const std::vector<int> &counts,
                      std::size_t max_bytes) {
    std::string out;
    int total = 0;
    for (const int c : counts)
        total += c;
    int shown = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto rest = total - shown - counts[i];
        // Room for this line and, if more must follow, the "... and N more" line.
        const auto tail = rest > 0 ? fmt::format("\n... and {} more", total - shown).size() : 0;
        if (out.size() + 1 + lines[i].size() + tail > max_bytes) {
            auto more = fmt::format("... and {} more", total - shown);
            return std::string(utf8_prefix(out + (out.empty() ? "" : "\n") + more, max_bytes));
        }
        out += (out.empty() ? "" : "\n") + lines[i];
        shown += counts[i];
    }
    return out;
}

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

PushMessage failure_alert_message(const std::string &target, int failures,
                                  const std::string &error) {
    PushMessage m;
    m.title = fmt::format("alimi: {} 확인 실패 ({}회 연속)", target, failures);
    m.body = std::string(utf8_prefix(
        fmt::format("{} has failed {} times in a row.\nLast error: {}", target, failures, error),
        k_max_body_bytes));
    m.tags = {"warning"};
    m.priority = 4;
    m.data = json_text({{"target", target}, {"openings", nlohmann::ordered_json::array()}});
    return m;
}

PushMessage recovery_alert_message(const std::string &target) {
    PushMessage m;
    m.title = fmt::format("alimi: {} 복구됨", target);
    m.body = fmt::format("{} works again.", target);
    m.tags = {"white_check_mark"};
    m.priority = 3;
    m.data = json_text({{"target", target}, {"openings", nlohmann::ordered_json::array()}});
    return m;
}

PushMessage opening_message(const TargetConfig &target, const Snapshot &snapshot,
                            const std::vector<Opening> &fresh) {
    PushMessage m;
    const auto &chain = *target.chain;
    const auto theater = snapshot.theater_name.empty()
                             ? fmt::format("{} {}", chain.display_name(), target.theater)
                             : snapshot.theater_name;
    const auto screen =
        target.screen.empty() ? snapshot.screen_name : chain.screen_label(target.screen);
    m.title = fmt::format("{}{}{} {} ({})", theater, screen.empty() ? "" : " ", screen,
                          chain.opening_phrase(), target.name);
    std::vector<std::string> lines;
    std::vector<int> counts;
    if (!fresh.empty() && !fresh.front().time.empty())
        showing_lines(fresh, lines, counts);
    else
        date_lines(snapshot, fresh, lines, counts);
    m.body = fit_lines(lines, counts, k_max_body_bytes);
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
    if (!fresh.empty() && !fresh.front().link.empty()) {
        m.click = fresh.front().link;
        m.actions.push_back({"예매하기", m.click});
    }
    return m;
}

nlohmann::ordered_json opening_object(const TargetConfig &t, const Snapshot &snap,
                                      const Opening &o) {
    nlohmann::ordered_json j;
    j["target"] = t.name;
    j["chain"] = t.chain->name();
    j["source"] = t.chain->name();
    j["date"] = o.date;
    if (!o.time.empty())
        j["time"] = o.time;
    if (!o.movie.empty())
        j["movie"] = o.movie;
    if (!o.movie_code.empty())
        j["movie_code"] = o.movie_code;
    if (!o.screen.empty())
        j["screen"] = o.screen;
    else if (!t.screen.empty())
        j["screen"] = t.screen;
    if (o.seats_free >= 0)
        j["seats_free"] = o.seats_free;
    if (o.seats_total >= 0)
        j["seats_total"] = o.seats_total;
    if (!t.theater.empty())
        j["theater"] = t.theater;
    if (!snap.theater_name.empty())
        j["theater_name"] = snap.theater_name;
    if (!o.link.empty())
        j["link"] = o.link;
    j["key"] = o.key;
    return j;
}

std::string push_data(const TargetConfig &t, const Snapshot &snap,
                      const std::vector<Opening> &fresh) {
    nlohmann::ordered_json j;
    j["target"] = t.name;
    j["chain"] = t.chain->name();
    j["openings"] = nlohmann::ordered_json::array();
    for (const auto &o : fresh)
        j["openings"].push_back(opening_object(t, snap, o));
    return json_text(j);
}

std::string json_text(const nlohmann::ordered_json &j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace alimi
