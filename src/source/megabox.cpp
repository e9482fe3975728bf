#include "megabox.hpp"

#include "chain.hpp"
#include "config_reader.hpp"
#include "json_answer.hpp"
#include "text.hpp"
#include "utf8.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace alimi {

namespace {

// The booking list's state of a film on sale (movieStatCdNm); any other state is not on sale yet.
constexpr std::string_view k_now_showing = "상영중";

using json = nlohmann::json;

// Shapes we do not know are permanent and say they came from Megabox, so a site change
// reads as one in the error column instead of as a network fault.
SourceError bad_answer(const std::string &why) {
    return {Outcome::permanent, "unexpected Megabox answer: " + why};
}

// A field as text: strings (HTML references decoded), numbers as written, else "".
std::string field(const json &row, const char *key) {
    return decoded_field(row, key);
}

int count(const json &row, const char *key) {
    return parse_count(field(row, key));
}

// "15:50" as sent, "1550" or "930" from other clients; "" when neither.
// Start times are shown and matched as "HH:MM" whatever the row's spelling, so a
// re-spelt time is never a new showing.
std::string clock(std::string t) {
    std::erase(t, ':');
    if (t.size() == 3)
        t = "0" + t;
    if (t.size() != 4 || !std::all_of(t.begin(), t.end(), ::isdigit))
        return "";
    return t.substr(0, 2) + ":" + t.substr(2);
}

const json &list_of(const json &data, const char *key) {
    static const json k_empty = json::array();
    return data.contains(key) && data[key].is_array() ? data[key] : k_empty;
}

Opening showing_from(const json &row, const std::string &date) {
    Opening o;
    o.date = date;
    o.time = clock(field(row, "playStartTime"));
    // playSchdlNo is the site's own booking id for one showing: the natural key, and the one
    // the booking link takes.
    o.key = field(row, "playSchdlNo");
    if (o.key.empty()) // peers' fallback; playSchdlNo is on every real row
        o.key = fmt::format("{}|{}|{}", field(row, "playDe"), o.time, field(row, "theabNo"));
    o.movie = field(row, "movieNm");
    // The representative number groups a film's versions (2D, Dolby, dubbed), which is what a
    // movie target means; movieNo is the fallback.
    o.movie_code = field(row, "rpstMovieNo");
    if (o.movie_code.empty())
        o.movie_code = field(row, "movieNo");
    o.screen = field(row, "theabExpoNm");
    o.hall = field(row, "theabNo");
    o.seats_free = count(row, "restSeatCnt");
    o.seats_total = count(row, "totSeatCnt");
    if (const auto no = field(row, "playSchdlNo"); !no.empty())
        o.link = "https://www.megabox.co.kr/bookingByPlaySchdlNo?playSchdlNo=" + url_encode(no);
    return o;
}

// bokdAbleAt "N" rows are listed but not bookable yet: not an opening until they are.
bool wanted(const json &row, const std::string &branch, const std::string &kind,
            const std::string &movie) {
    return field(row, "brchNo") == branch && field(row, "bokdAbleAt") != "N" &&
           (kind.empty() || field(row, "theabKindCd") == kind) &&
           (movie.empty() || field(row, "movieNo") == movie || field(row, "rpstMovieNo") == movie);
}

// Megabox answers one endpoint for both the date strip and a day's showings: the strip
// request is today's day request, read for its date list.
class MegaboxPlan final : public DateSweepPlan {
  public:
    using DateSweepPlan::DateSweepPlan;

  private:
    HttpRequest strip_request() const override {
        return megabox_request(m_target.settings.api, m_target.theater, today());
    }
    tl::expected<DateStrip, SourceError> parse_strip(const std::string &body) override {
        return parse_megabox_dates(body);
    }
    HttpRequest day_request(const std::string &iso_date) const override {
        return megabox_request(m_target.settings.api, m_target.theater, iso_date);
    }
    std::vector<NameRecord> names_in_strip(const std::string &body) const override {
        std::vector<NameRecord> out;
        for (const auto &b : parse_megabox_branches(body).value_or(std::vector<TheaterInfo>{}))
            out.push_back({"theater", b.code, b.name});
        out.push_back({"theater", m_target.theater, ""}); // asked: "" when the list lacks it
        return out;
    }
    tl::expected<ShowingPage, SourceError> parse_day(const std::string &body) const override {
        return parse_megabox_showings(body, m_target.theater, megabox_kind_code(m_target.screen),
                                      m_target.movie);
    }
};

} // namespace

// Origin, Referer and X-Requested-With as the site's own page sends them; peers report
// blocks without them.
HttpRequest megabox_request(const std::string &api, const std::string &branch,
                            const std::string &iso_date) {
    // The site's own quick-booking page sends these; unused slots stay empty.
    const json body = {{"playDe", compact_from_iso(iso_date)},
                       {"brchNoListCnt", 1},
                       {"brchNo1", branch},
                       {"areaCd1", ""},
                       {"spclbYn1", "N"},
                       {"theabKindCd1", ""},
                       {"brchAll", ""},
                       {"brchSpcl", ""},
                       {"arrMovieNo", ""},
                       {"movieNo1", ""},
                       {"sellChnlCd", ""}};
    HttpRequest r;
    r.method = "POST";
    r.url = api + "/on/oh/ohb/SimpleBooking/selectBokdList.do";
    r.body = body.dump();
    r.expect = Expect::json;
    r.refine = megabox_refine_answer;
    r.headers = {"Content-Type: application/json; charset=UTF-8",
                 "Accept: application/json, text/javascript, */*; q=0.01",
                 "X-Requested-With: XMLHttpRequest", "Origin: " + api,
                 "Referer: " + api + "/on/oh/ohb/SimpleBooking/simpleBookingPage.do"};
    return r;
}

// Megabox throttles with a plain-text 200; reading it as a 429 puts the host in a
// cool-down instead of failing the parse every minute.
void megabox_refine_answer(HttpResult &answer) {
    if (trim(strip_bom(answer.body)).starts_with("Workload is so high")) {
        answer.outcome = Outcome::rate_limited;
        answer.error = "rate limited by the server (Megabox: \"Workload is so high\")";
    }
}

// Some answers wrap their data in megaMap, others do not; both are read the same way.
tl::expected<json, SourceError> megabox_data(std::string_view body) {
    auto parsed = parse_json_answer(body);
    if (!parsed)
        return tl::unexpected(bad_answer(parsed.error()));
    auto data = std::move(*parsed);
    if (data.is_object() && data.contains("megaMap") && data["megaMap"].is_object())
        data = json(data["megaMap"]);
    if (!data.is_object())
        return tl::unexpected(bad_answer("not a JSON object"));
    const auto stat = field(data, "statCd");
    if (!stat.empty() && stat != "0")
        return tl::unexpected(
            SourceError{Outcome::permanent, fmt::format("Megabox said {}: {}", one_line(stat, 20),
                                                        one_line(field(data, "msg")))});
    return data;
}

tl::expected<DateStrip, SourceError> parse_megabox_dates(std::string_view body) {
    auto data = megabox_data(body);
    if (!data)
        return tl::unexpected(data.error());
    if (!data->contains("movieFormDeList"))
        return tl::unexpected(bad_answer("no movieFormDeList"));
    DateStrip strip;
    for (const auto &d : list_of(*data, "movieFormDeList")) {
        const auto ymd = field(d, "playDe");
        const auto date = parse_yyyymmdd(ymd);
        if (!date)
            return tl::unexpected(
                bad_answer(fmt::format("playDe '{}' is not a date", one_line(ymd, 20))));
        // Dates the strip shows without a showing (formAt N) are greyed out on the site.
        if (field(d, "formAt") == "Y")
            strip.dates.push_back(iso_date(*date));
    }
    std::sort(strip.dates.begin(), strip.dates.end());
    strip.dates.erase(std::unique(strip.dates.begin(), strip.dates.end()), strip.dates.end());
    return strip;
}

tl::expected<ShowingPage, SourceError> parse_megabox_showings(std::string_view body,
                                                              const std::string &branch,
                                                              const std::string &kind,
                                                              const std::string &movie) {
    auto data = megabox_data(body);
    if (!data)
        return tl::unexpected(data.error());
    if (!data->contains("movieFormList"))
        return tl::unexpected(bad_answer("no movieFormList"));
    ShowingPage page;
    const auto &rows = list_of(*data, "movieFormList");
    page.rows = rows.size();
    for (const auto &row : rows) {
        if (!wanted(row, branch, kind, movie))
            continue; // only kept rows must be well formed
        const auto date = parse_yyyymmdd(field(row, "playDe"));
        if (!date)
            return tl::unexpected(bad_answer("a showing without a valid playDe"));
        if (holds_bad_text(row))
            return tl::unexpected(bad_answer("a kept showing is not valid UTF-8"));
        if (const auto name = field(row, "brchNm"); !name.empty())
            page.theater_name = name;
        page.showings.push_back(showing_from(row, iso_date(*date)));
    }
    return page;
}

tl::expected<std::vector<TheaterInfo>, SourceError> parse_megabox_branches(std::string_view body) {
    auto data = megabox_data(body);
    if (!data)
        return tl::unexpected(data.error());
    std::vector<TheaterInfo> out;
    for (const auto &b : list_of(*data, "areaBrchList"))
        if (!field(b, "brchNo").empty())
            out.push_back({field(b, "brchNo"), field(b, "brchNm"), field(b, "areaCdNm"), ""});
    if (out.empty())
        return tl::unexpected(bad_answer("no areaBrchList"));
    return out;
}

// The status (상영중, 개봉예정) is kept so `movies --upcoming` can list films before their
// sale; one entry per representative code.
tl::expected<std::vector<MovieInfo>, SourceError> parse_megabox_movies(std::string_view body) {
    auto data = megabox_data(body);
    if (!data)
        return tl::unexpected(data.error());
    std::vector<MovieInfo> out;
    std::set<std::string> seen;
    for (const auto &m : list_of(*data, "movieList")) {
        auto code = field(m, "rpstMovieNo");
        if (code.empty())
            code = field(m, "movieNo");
        auto status = field(m, "movieStatCdNm");
        if (status.empty())
            status = field(m, "movieStatNm");
        if (!code.empty() && seen.insert(code).second)
            out.push_back({code, field(m, "movieNm"), "", false, status});
    }
    return out;
}

// theabKindCd values of the special halls; "" watches every hall of the branch.
std::string megabox_kind_code(const std::string &screen) {
    if (screen == "dolby")
        return "DBC";
    if (screen == "mx4d")
        return "MX4D";
    if (screen == "dolby-atmos")
        return "MX";
    return "";
}

namespace {

// Megabox branch numbers are four digits ("1372"); anything else is a config error.
bool is_branch_code(std::string_view s) {
    return s.size() == 4 && std::all_of(s.begin(), s.end(), ::isdigit);
}

// Movies on the branch's first open date, in the screen's halls: what `movies` marks as here.
std::set<std::string> playing_here(const DiscoverOptions &opt, const std::string &branch,
                                   const std::string &screen, const HttpRequest &req,
                                   const HttpResult &answer) {
    std::set<std::string> out;
    auto strip = parse_answer<DateStrip>(req, answer, parse_megabox_dates);
    if (!strip || strip->dates.empty())
        return out;
    const auto day = megabox_request(opt.api, branch, strip->dates.front());
    const auto page = parse_answer<ShowingPage>(day, opt.ask(day), [&](auto body) {
        return parse_megabox_showings(body, branch, megabox_kind_code(screen), "");
    });
    if (page)
        for (const auto &s : page->showings)
            out.insert(s.movie_code);
    return out;
}

class MegaboxChain final : public SiteChain {
  public:
    std::string_view name() const override { return "megabox"; }
    std::string_view display_name() const override { return "메가박스"; }
    std::string_view example_theater() const override { return "1351"; } // 코엑스
    std::string day_page(const std::string &theater, const std::string &,
                         const std::string &iso_date) const override {
        return fmt::format("https://www.megabox.co.kr/theater/time?brchNo={}&playDe={}",
                           url_encode(theater), compact_from_iso(iso_date));
    }
    std::string_view opening_phrase() const override { return "예매 오픈"; }
    const std::vector<std::string> &screens() const override {
        static const std::vector<std::string> k_screens = {"dolby", "mx4d", "dolby-atmos"};
        return k_screens;
    }
    std::string screen_label(const std::string &screen) const override {
        return screen == "dolby" ? "DOLBY CINEMA" : screen == "mx4d" ? "MX4D" : "DOLBY ATMOS";
    }
    ChainSettings defaults() const override { return chain_settings("https://www.megabox.co.kr"); }
    std::unique_ptr<SourcePlan> make_plan(const TargetConfig &t,
                                          const PlanContext &ctx) const override {
        return std::make_unique<MegaboxPlan>(t, ctx);
    }
    // Any branch's day answer lists every branch (areaBrchList).
    std::optional<std::vector<TheaterInfo>>
    site_theaters(const DiscoverOptions &opt) const override {
        const auto req = megabox_request(opt.api, "1351", opt.today());
        return parse_answer<std::vector<TheaterInfo>>(req, opt.ask(req), parse_megabox_branches);
    }

  protected:
    // The booking list of a theater's day names every movie bookable anywhere.
    HttpRequest movie_list_request(const DiscoverOptions &opt,
                                   const std::string &theater) const override {
        return megabox_request(opt.api, theater, opt.today());
    }
    tl::expected<std::vector<MovieInfo>, SourceError>
    parse_movie_list(std::string_view body) const override {
        return parse_megabox_movies(body);
    }
    std::set<std::string> movies_playing_here(const DiscoverOptions &opt,
                                              const std::string &theater, const std::string &screen,
                                              const HttpRequest &req,
                                              const HttpResult &answer) const override {
        return playing_here(opt, theater, screen, req, answer);
    }

  public:
    // The booking list names every film with its state: those not "상영중" (now showing) are
    // not on sale yet ("상영예정").
    int list_upcoming(const DiscoverOptions &opt, const std::string &theater,
                      std::ostream &out) const override {
        auto movies = site_movies(opt, theater.empty() ? std::string(example_theater()) : theater);
        if (!movies)
            return 1;
        std::erase_if(*movies, [](const MovieInfo &m) {
            return m.status.empty() || m.status == k_now_showing;
        });
        return print_upcoming(*movies, display_name(), opt.json, out);
    }
    std::string theater_code_problem(std::string_view code) const override {
        if (is_branch_code(code))
            return "";
        return fmt::format("Megabox branch number '{}' must be 4 digits, like 1351 (see: alimi "
                           "theaters --chain megabox)",
                           one_line(code, 40));
    }
};

} // namespace

const Chain &megabox_chain() {
    static const MegaboxChain k_chain;
    return k_chain;
}

} // namespace alimi
