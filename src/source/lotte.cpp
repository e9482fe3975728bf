#include "lotte.hpp"

#include "chain.hpp"
#include "config_reader.hpp"
#include "json_answer.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace alimi {

namespace {

using json = nlohmann::json;

// An answer of a shape we do not know is permanent: retrying will not change it, and the
// text says it came from Lotte so a site change is seen for what it is.
SourceError bad_answer(const std::string &why) {
    return {Outcome::permanent, "unexpected Lotte Cinema answer: " + why};
}

// Lotte sends numbers and strings for the same fields in different answers; decoded_field
// reads either as text and decodes HTML references in titles.
std::string field(const json &row, const char *key) {
    return decoded_field(row, key);
}

int count(const json &row, const char *key) {
    return parse_count(field(row, key));
}

// X.Items[], X.X.Items[] or X.Items.Items[]: Lotte wraps its lists once or twice.
const json &items(const json &data, const char *key) {
    static const json k_empty = json::array();
    const json *at = data.is_object() && data.contains(key) ? &data[key] : &k_empty;
    for (int hop = 0; hop < 3 && at->is_object(); ++hop)
        at = at->contains("Items") ? &(*at)["Items"] : at->contains(key) ? &(*at)[key] : &k_empty;
    return at->is_array() ? *at : k_empty;
}

// "2026-12-24" or "2026-12-24 오전 12:00:00": the date part, checked.
std::string iso_of(const std::string &text) {
    const auto date = text.substr(0, text.find(' '));
    const auto d = parse_yyyymmdd(compact_from_iso(date));
    return d && date.size() == 10 ? iso_date(*d) : "";
}

// A special hall is named "샤롯데 3관"; an ordinary one (division 100) by its hall alone,
// as the site itself shows it.
std::string screen_name(const json &row) {
    const auto hall = field(row, "ScreenNameKR");
    const auto division = field(row, "ScreenDivisionNameKR");
    if (field(row, "ScreenDivisionCode") == "100" || division.empty() || division == hall)
        return hall;
    return division + " " + hall;
}

Opening showing_from(const json &row, const std::string &date) {
    Opening o;
    o.date = date;
    o.time = field(row, "StartTime");
    // CinemaID + ScreenID + PlayDt + PlaySequence is what the site books by; with the start time,
    // a renumbered sequence cannot hide a new showing under an old key.
    o.key = fmt::format("{}|{}|{}|{}|{}", field(row, "CinemaID"), field(row, "ScreenID"), date,
                        field(row, "PlaySequence"), o.time);
    o.movie = field(row, "MovieNameKR");
    // The representation code groups a film's 2D, dubbed and special versions, which is what a
    // user means by "this movie"; MovieCode is the fallback for rows that lack it.
    o.movie_code = field(row, "RepresentationMovieCode");
    if (o.movie_code.empty())
        o.movie_code = field(row, "MovieCode");
    o.screen = screen_name(row);
    o.hall = field(row, "ScreenID");
    o.seats_free = count(row, "BookingSeatCount"); // the seats still free, despite its name
    o.seats_total = count(row, "TotalSeatCount");
    o.poster = poster_url("https://caching.lottecinema.co.kr", field(row, "PosterURL"));
    o.link = fmt::format("https://www.lottecinema.co.kr/NLCHS/ticketing?link_screenId={}"
                         "&link_cinemaCode={}&link_movieCd={}&link_date={}&link_time={}"
                         "&link_channelCode=naver",
                         url_encode(field(row, "ScreenID")), url_encode(field(row, "CinemaID")),
                         url_encode(o.movie_code), date, url_encode(o.time));
    return o;
}

// IsBookingYN "N" rows are listed but not bookable: not an opening yet. "E" (sold out) is
// kept: the showing did open, and a seat coming back is for the seat watch to tell.
bool wanted(const json &row, const std::string &cinema_id, const std::vector<int> &divisions,
            const std::string &movie) {
    const auto division = field(row, "ScreenDivisionCode");
    const bool hall =
        divisions.empty() || std::any_of(divisions.begin(), divisions.end(),
                                         [&](int d) { return division == std::to_string(d); });
    return field(row, "CinemaID") == cinema_id && field(row, "IsBookingYN") != "N" && hall &&
           (movie.empty() || field(row, "RepresentationMovieCode") == movie ||
            field(row, "MovieCode") == movie);
}

// The bare CinemaID of a target's theater ("1016" of "1|0001|1016").
std::string cinema_id_of(const std::string &theater) {
    return theater.substr(theater.rfind('|') + 1);
}

// Lotte's day requests need the composite cinema code ("1|0001|1016") that the ticketing
// page gives, so the plan keeps it from the strip's answer for its day requests.
class LottePlan final : public DateSweepPlan {
  public:
    using DateSweepPlan::DateSweepPlan;

  private:
    HttpRequest strip_request() const override {
        return lotte_ticketing_page(m_target.settings.api);
    }
    tl::expected<DateStrip, SourceError> parse_strip(const std::string &body) override {
        auto page = parse_lotte_page(body, m_target.theater);
        if (!page)
            return tl::unexpected(page.error());
        m_composite = page->composite;
        return page->strip;
    }
    HttpRequest day_request(const std::string &iso_date) const override {
        return lotte_play_sequence(m_target.settings.api, m_composite, iso_date, m_target.movie);
    }
    tl::expected<ShowingPage, SourceError> parse_day(const std::string &body) const override {
        return parse_lotte_showings(body, cinema_id_of(m_target.theater),
                                    lotte_divisions(m_target.screen), m_target.movie);
    }

    std::string m_composite;
};

} // namespace

// One form field holding JSON, as the site's own page posts it; Origin and Referer are
// what peers send to avoid being treated as a bot.
HttpRequest lotte_request(const std::string &api, const json &params) {
    HttpRequest r;
    r.method = "POST";
    r.url = api + "/LCWS/Ticketing/TicketingData.aspx";
    r.body = "paramList=" + url_encode(params.dump());
    r.expect = Expect::json;
    r.headers = {"Content-Type: application/x-www-form-urlencoded; charset=UTF-8",
                 "Accept: application/json, text/plain, */*", "Origin: " + api,
                 "Referer: " + api + "/NLCHS/Ticketing"};
    return r;
}

HttpRequest lotte_ticketing_page(const std::string &api) {
    return lotte_request(api, {{"MethodName", "GetTicketingPageTOBE"},
                               {"channelType", "HO"},
                               {"osType", "W"},
                               {"osVersion", ""},
                               {"memberOnNo", "0"}});
}

HttpRequest lotte_play_sequence(const std::string &api, const std::string &composite,
                                const std::string &iso_date, const std::string &movie) {
    return lotte_request(api, {{"MethodName", "GetPlaySequence"},
                               {"channelType", "HO"},
                               {"osType", "W"},
                               {"osVersion", ""},
                               {"playDate", iso_date},
                               {"cinemaID", composite},
                               {"representationMovieCode", movie}});
}

// Lotte answers 200 with IsOK false for its own errors: its message is shown, one line.
tl::expected<json, SourceError> lotte_data(std::string_view body) {
    auto parsed = parse_json_answer(body);
    if (!parsed)
        return tl::unexpected(bad_answer(parsed.error()));
    if (!parsed->is_object())
        return tl::unexpected(bad_answer("not a JSON object"));
    if (lower_ascii(field(*parsed, "IsOK")) != "true")
        return tl::unexpected(SourceError{
            Outcome::permanent,
            fmt::format("Lotte Cinema said: {}", one_line(field(*parsed, "ResultMessage")))});
    return std::move(*parsed);
}

tl::expected<LotteStrip, SourceError> parse_lotte_page(std::string_view body,
                                                       const std::string &cinema) {
    auto data = lotte_data(body);
    if (!data)
        return tl::unexpected(data.error());
    LotteStrip out;
    // A configured composite code is used as written; a bare CinemaID is completed from the
    // list, because the bare ID alone fails on the day requests.
    out.composite = cinema.find('|') == std::string::npos ? "" : cinema;
    for (const auto &c : items(*data, "Cinemas"))
        // Division 2 entries repeat cinemas under a special-hall grouping; the ordinary entry is
        // the one whose codes the day requests take.
        if (field(c, "CinemaID") == cinema_id_of(cinema) && field(c, "DivisionCode") != "2") {
            out.strip.theater_name = field(c, "CinemaNameKR");
            if (out.composite.empty())
                out.composite = fmt::format("{}|{}|{}", field(c, "DivisionCode"),
                                            field(c, "DetailDivisionCode"), field(c, "CinemaID"));
        }
    if (out.composite.empty())
        return tl::unexpected(SourceError{
            Outcome::permanent, fmt::format("cinema {} is not in Lotte Cinema's list (see: alimi "
                                            "theaters --chain lotte)",
                                            one_line(cinema, 30))});
    for (const auto &d : items(*data, "MoviePlayDates")) {
        const auto date = iso_of(field(d, "PlayDate"));
        if (date.empty())
            return tl::unexpected(bad_answer("a PlayDate that is not a date"));
        // Dates marked N are shown greyed on the site: listed but without a bookable showing.
        if (field(d, "IsPlayDate") == "Y")
            out.strip.dates.push_back(date);
    }
    std::sort(out.strip.dates.begin(), out.strip.dates.end());
    out.strip.dates.erase(std::unique(out.strip.dates.begin(), out.strip.dates.end()),
                          out.strip.dates.end());
    return out;
}

tl::expected<ShowingPage, SourceError> parse_lotte_showings(std::string_view body,
                                                            const std::string &cinema_id,
                                                            const std::vector<int> &divisions,
                                                            const std::string &movie) {
    auto data = lotte_data(body);
    if (!data)
        return tl::unexpected(data.error());
    if (!data->contains("PlaySeqs"))
        return tl::unexpected(bad_answer("no PlaySeqs"));
    ShowingPage page;
    const auto &rows = items(*data, "PlaySeqs");
    // Rows are counted before filtering: a page with rows but none of our hall's is a real
    // look at the day, unlike a page with no rows at all.
    page.rows = rows.size();
    for (const auto &row : rows) {
        if (!wanted(row, cinema_id, divisions, movie))
            continue; // only kept rows must be well formed
        const auto date = iso_of(field(row, "PlayDt"));
        if (date.empty())
            return tl::unexpected(bad_answer("a showing without a valid PlayDt"));
        if (holds_bad_text(row))
            return tl::unexpected(bad_answer("a kept showing is not valid UTF-8"));
        if (const auto name = field(row, "CinemaNameKR"); !name.empty())
            page.theater_name = name;
        page.showings.push_back(showing_from(row, date));
    }
    return page;
}

// "CinemaDivison" is the site's own spelling.
tl::expected<std::vector<TheaterInfo>, SourceError> parse_lotte_cinemas(std::string_view body) {
    auto data = lotte_data(body);
    if (!data)
        return tl::unexpected(data.error());
    std::map<std::string, std::string> regions;
    if (data->contains("CinemaDivison") && (*data)["CinemaDivison"].is_object())
        for (const auto &a : items((*data)["CinemaDivison"], "AreaDivisions"))
            regions[field(a, "DetailDivisionCode")] = field(a, "GroupNameKR");
    std::vector<TheaterInfo> out;
    for (const auto &c : items(*data, "Cinemas"))
        if (field(c, "DivisionCode") != "2" && !field(c, "CinemaID").empty())
            out.push_back({field(c, "CinemaID"), field(c, "CinemaNameKR"),
                           regions[field(c, "DetailDivisionCode")], ""});
    // An empty cinema list is a broken answer, not a chain with no theaters.
    if (out.empty())
        return tl::unexpected(bad_answer("no Cinemas"));
    return out;
}

tl::expected<std::vector<MovieInfo>, SourceError> parse_lotte_movies(std::string_view body) {
    auto data = lotte_data(body);
    if (!data)
        return tl::unexpected(data.error());
    std::vector<MovieInfo> out;
    std::set<std::string> seen;
    for (const auto &m : items(*data, "Movies")) {
        const auto code = field(m, "RepresentationMovieCode");
        if (!code.empty() && seen.insert(code).second)
            out.push_back({code, field(m, "MovieNameKR"), "", false, ""});
    }
    return out;
}

// The ScreenDivisionCode values each screen name stands for (several for a brand with
// variants); an empty list means every hall.
std::vector<int> lotte_divisions(const std::string &screen) {
    if (screen == "superplex")
        return {940};
    if (screen == "charlotte")
        return {300, 301};
    if (screen == "superled")
        return {980, 988};
    return {};
}

namespace {

// A bare CinemaID ("1016") or the composite form ("1|0001|1016"); anything else is a
// config error before any request.
bool is_cinema_code(std::string_view s) {
    const auto digits = [](std::string_view p) {
        return !p.empty() && p.size() <= 6 && std::all_of(p.begin(), p.end(), ::isdigit);
    };
    const auto a = s.find('|'), b = s.rfind('|');
    if (a == std::string_view::npos)
        return digits(s);
    return a != b && digits(s.substr(0, a)) && digits(s.substr(a + 1, b - a - 1)) &&
           digits(s.substr(b + 1));
}

// Movies with showings in the screen's halls on the cinema's first open date.
// One day page (the first open date) is enough for the `movies` column "here": it costs one
// request, and a film that plays in the hall plays on its first open day as a rule.
std::set<std::string> playing_here(const DiscoverOptions &opt, const std::string &cinema,
                                   const std::string &screen, const HttpRequest &req,
                                   const HttpResult &answer) {
    std::set<std::string> out;
    const auto strip = parse_answer<LotteStrip>(
        req, answer, [&](std::string_view body) { return parse_lotte_page(body, cinema); });
    if (!strip || strip->strip.dates.empty())
        return out;
    const auto day = lotte_play_sequence(opt.api, strip->composite, strip->strip.dates.front(), "");
    const auto page = parse_answer<ShowingPage>(day, opt.ask(day), [&](auto body) {
        return parse_lotte_showings(body, cinema_id_of(cinema), lotte_divisions(screen), "");
    });
    if (page)
        for (const auto &s : page->showings)
            out.insert(s.movie_code);
    return out;
}

class LotteChain final : public SiteChain {
  public:
    std::string_view name() const override { return "lotte"; }
    std::string_view display_name() const override { return "롯데시네마"; }
    std::string_view example_theater() const override { return "1016"; } // 월드타워
    std::string day_page(const std::string &theater, const std::string &,
                         const std::string &iso_date) const override {
        // The site applies link_* parameters only with the naver channel code (cgv-api peers).
        return fmt::format("https://www.lottecinema.co.kr/NLCHS/ticketing?link_cinemaCode={}"
                           "&link_date={}&link_channelCode=naver",
                           url_encode(theater), iso_date);
    }
    std::string_view opening_phrase() const override { return "예매 공개"; }
    const std::vector<std::string> &screens() const override {
        static const std::vector<std::string> k_screens = {"superplex", "charlotte", "superled"};
        return k_screens;
    }
    std::string screen_label(const std::string &screen) const override {
        return screen == "superplex" ? "SUPERPLEX" : screen == "charlotte" ? "샤롯데" : "SUPER LED";
    }
    ChainSettings defaults() const override {
        return chain_settings("https://www.lottecinema.co.kr");
    }
    std::unique_ptr<SourcePlan> make_plan(const TargetConfig &t,
                                          const PlanContext &ctx) const override {
        return std::make_unique<LottePlan>(t, ctx);
    }
    std::optional<std::vector<TheaterInfo>>
    site_theaters(const DiscoverOptions &opt) const override {
        const auto req = lotte_ticketing_page(opt.api);
        return parse_answer<std::vector<TheaterInfo>>(req, opt.ask(req), parse_lotte_cinemas);
    }

  protected:
    // The ticketing page lists the movies bookable anywhere.
    HttpRequest movie_list_request(const DiscoverOptions &opt, const std::string &) const override {
        return lotte_ticketing_page(opt.api);
    }
    tl::expected<std::vector<MovieInfo>, SourceError>
    parse_movie_list(std::string_view body) const override {
        return parse_lotte_movies(body);
    }
    std::set<std::string> movies_playing_here(const DiscoverOptions &opt,
                                              const std::string &theater, const std::string &screen,
                                              const HttpRequest &req,
                                              const HttpResult &answer) const override {
        return playing_here(opt, theater, screen, req, answer);
    }

  public:
    std::string theater_code_problem(std::string_view code) const override {
        if (is_cinema_code(code))
            return "";
        return fmt::format("Lotte Cinema cinema ID '{}' must be digits like 1016, or "
                           "division|detail|id like 1|0001|1016 (see: alimi theaters --chain "
                           "lotte)",
                           one_line(code, 40));
    }
};

} // namespace

const Chain &lotte_chain() {
    static const LotteChain k_chain;
    return k_chain;
}

} // namespace alimi
