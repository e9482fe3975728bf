#include "cgv.hpp"

#include "cgv_discovery.hpp"
#include "json_answer.hpp"
#include "sweep.hpp"
#include "text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace alimi {

namespace {

using json = nlohmann::json;

constexpr const char *k_company = "A420"; // CGV's company code; every call needs it

SourceError bad_answer(std::string message) {
    return SourceError{Outcome::permanent, "bad answer: " + std::move(message)};
}

// Numbers often arrive as strings ("frSeatCnt":"0"); accept both, and nothing else.
std::string field(const json &row, const char *key) {
    if (!row.contains(key))
        return "";
    const auto &v = row[key];
    if (v.is_string())
        return std::string(trim(v.get<std::string>()));
    if (v.is_number_integer())
        return std::to_string(v.get<long long>());
    return "";
}

int count_field(const json &row, const char *key) {
    return parse_count(field(row, key));
}

std::string iso_from_compact(const std::string &ymd) {
    const auto d = parse_yyyymmdd(ymd);
    return d ? iso_date(*d) : "";
}

tl::expected<json, SourceError> data_list(std::string_view body) {
    auto data = cgv_data(body);
    if (!data)
        return data;
    if (!data->is_array())
        return tl::unexpected(bad_answer("data is not a list"));
    return data;
}

Opening showing_from(const json &row, const std::string &site_no, const std::string &ymd) {
    Opening o;
    o.date = iso_from_compact(ymd);
    o.time = cgv_time(field(row, "scnsrtTm"));
    // A hall never starts two showings at once, but CGV renumbers a hall's sequence when an
    // earlier showing is inserted: the start time, not the sequence, says which showing it is.
    o.key = fmt::format("{}|{}|{}|{}", site_no, ymd, field(row, "scnsNo"),
                        o.time.empty() ? "#" + field(row, "scnSseq") : o.time);
    o.movie = field(row, "movNm");
    if (o.movie.empty())
        o.movie = field(row, "expoProdNm");
    o.movie_code = field(row, "movNo");
    o.hall = field(row, "scnsNo");
    o.screen = field(row, "expoScnsNm");
    if (o.screen.empty())
        o.screen = field(row, "scnsNm");
    // The site joins the path to its image host (cgv-api.md section 4).
    o.poster = poster_url("https://img.cgv.co.kr", field(row, "physcFilePathnm"));
    o.seats_free = count_field(row, "frSeatCnt");
    o.seats_total = count_field(row, "stcnt");
    if (o.seats_total < 0)
        o.seats_total = count_field(row, "cpSeatCnt");
    o.link = cgv_booking_url(site_no, field(row, "siteNm"), o.date, o.movie_code,
                             field(row, "scnsNo"), field(row, "scnSseq"));
    return o;
}

// A movie target: the movie's play dates at the theater. The date rows carry no names (cgv-api.md
// section 3), so the first runs also ask the theater list and the bookable-movie list, once,
// and the state keeps what they said.
// Names are a courtesy: a list that fails costs the push its names, never the target its check.
class CgvMoviePlan final : public SourcePlan {
  public:
    CgvMoviePlan(const TargetConfig &t, const PlanContext &ctx) : m_target(t), m_ctx(ctx) {
        m_requests.push_back(movie_dates_request(t));
        if (ctx.ask_theater)
            m_requests.push_back(cgv_request(t.settings.api, "booking/searchRegnList", {}));
        if (ctx.ask_movie)
            m_requests.push_back(movie_list_request(t));
    }

    std::vector<HttpRequest> next(const std::vector<HttpResult> &answers) override {
        switch (m_step++) {
        case 0:
            return m_requests;
        case 1:
            finish(answers);
            // Dates but no film name (the movie was not bookable when last asked): it is now,
            // and the push that is about to name it needs its title.
            if (m_result && !m_result->openings.empty() && m_result->movie_name.empty() &&
                !m_ctx.ask_movie)
                return {m_followup = movie_list_request(m_target)};
            return {};
        default:
            name_the_movie(answers.at(0));
            return {};
        }
    }
    SnapshotResult result() const override { return m_result; }

  private:
    static HttpRequest movie_dates_request(const TargetConfig &t) {
        QueryParams q = {{"siteNo", t.theater}, {"movNo", t.movie}};
        if (!t.screen.empty())
            q.insert(q.end(),
                     {{"div", "CUST_EXPO_MOVTYP_CD"}, {"attrCd", cgv_attr_code(t.screen)}});
        return cgv_request(t.settings.api, "booking/searchSiteScnscYmdListByMov", q);
    }
    // The national list without a hall filter: a movie is there as soon as it is bookable
    // anywhere, often before its special-hall dates open.
    static HttpRequest movie_list_request(const TargetConfig &t) {
        return cgv_request(t.settings.api, "booking/searchAtktTopPostrList", {{"movNm", ""}});
    }

    void name_the_movie(const HttpResult &answer) {
        std::vector<NameRecord> learnt;
        learn_movies(answer, learnt);
        auto &snap = *m_result;
        snap.movie_name = name_of(learnt, "movie", m_target.movie, "");
        for (auto &o : snap.openings)
            o.movie = snap.movie_name;
        snap.names.insert(snap.names.end(), learnt.begin(), learnt.end());
    }

    void finish(const std::vector<HttpResult> &answers) {
        if (auto failure = first_failure({m_requests[0]}, {answers.at(0)})) {
            m_result = tl::unexpected(*failure);
            return;
        }
        auto dates = with_url(parse_cgv_dates(answers[0].body), m_requests[0]);
        if (!dates) {
            m_result = tl::unexpected(dates.error());
            return;
        }
        Snapshot snap;
        std::size_t at = 1;
        if (m_ctx.ask_theater)
            learn_theaters(answers.at(at++), snap.names);
        if (m_ctx.ask_movie)
            learn_movies(answers.at(at++), snap.names);
        snap.theater_name = name_of(snap.names, "theater", m_target.theater, m_ctx.theater_name);
        snap.movie_name = name_of(snap.names, "movie", m_target.movie, m_ctx.movie_name);
        for (const auto &d : dates->dates) {
            Opening o;
            o.key = compact_from_iso(d);
            o.date = d;
            o.movie_code = m_target.movie;
            o.movie = snap.movie_name;
            o.link = cgv_booking_url(m_target.theater, snap.theater_name, d, m_target.movie);
            snap.openings.push_back(std::move(o));
        }
        m_result = std::move(snap);
    }

    void learn_theaters(const HttpResult &answer, std::vector<NameRecord> &out) const {
        learn_theater_names(answer, m_target.theater, out);
    }
    void learn_movies(const HttpResult &answer, std::vector<NameRecord> &out) const {
        const auto list = answer.outcome == Outcome::ok
                              ? parse_cgv_movies(answer.body)
                              : tl::expected<std::vector<MovieInfo>, SourceError>{};
        for (const auto &m : list.value_or(std::vector<MovieInfo>{}))
            out.push_back({"movie", m.code, m.name});
        out.push_back({"movie", m_target.movie, ""});
    }
    static std::string name_of(const std::vector<NameRecord> &learnt, const char *kind,
                               const std::string &code, const std::string &cached) {
        for (const auto &n : learnt)
            if (n.kind == kind && n.code == code && !n.name.empty())
                return n.name;
        return cached;
    }

    const TargetConfig &m_target;
    PlanContext m_ctx;
    int m_step = 0;
    std::vector<HttpRequest> m_requests;
    HttpRequest m_followup;
    SnapshotResult m_result = tl::unexpected(SourceError{Outcome::permanent, "not fetched"});
};

class CgvScreenPlan final : public DateSweepPlan {
  public:
    using DateSweepPlan::DateSweepPlan;

  private:
    HttpRequest strip_request() const override {
        return cgv_request(m_target.settings.api, "booking/searchSiteScnscYmdListBySite",
                           {{"siteNo", m_target.theater}});
    }
    // Real date rows carry no names (cgv-api.md): the day pages name the theater.
    tl::expected<DateStrip, SourceError> parse_strip(const std::string &body) override {
        auto dates = parse_cgv_dates(body);
        if (!dates)
            return tl::unexpected(dates.error());
        return DateStrip{dates->dates, dates->theater_name};
    }
    HttpRequest day_request(const std::string &iso_date) const override {
        return cgv_request(m_target.settings.api, "booking/searchMovScnInfo",
                           {{"siteNo", m_target.theater},
                            {"scnYmd", compact_from_iso(iso_date)},
                            {"rtctlScopCd", "08"}});
    }
    tl::expected<ShowingPage, SourceError> parse_day(const std::string &body) const override {
        return parse_cgv_showings(body, m_target.theater, cgv_grade_code(m_target.screen));
    }
    std::optional<HttpRequest> theater_list_request() const override {
        return cgv_request(m_target.settings.api, "booking/searchRegnList", {});
    }
    std::vector<NameRecord> parse_theater_list(const HttpResult &answer) const override {
        std::vector<NameRecord> out;
        learn_theater_names(answer, m_target.theater, out);
        return out;
    }
};

} // namespace

void learn_theater_names(const HttpResult &answer, const std::string &theater,
                         std::vector<NameRecord> &out) {
    const auto list = answer.outcome == Outcome::ok
                          ? parse_cgv_regions(answer.body)
                          : tl::expected<std::vector<TheaterInfo>, SourceError>{};
    for (const auto &t : list.value_or(std::vector<TheaterInfo>{}))
        out.push_back({"theater", t.code, t.name});
    out.push_back({"theater", theater, ""});
}

std::string cgv_booking_url(const std::string &theater, const std::string &theater_name,
                            const std::string &iso_date, const std::string &movie,
                            const std::string &hall, const std::string &showing) {
    std::string ymd = iso_date;
    std::erase(ymd, '-');
    if (!hall.empty() && !movie.empty())
        return fmt::format("https://cgv.co.kr/cnm/movieBook/"
                           "movie?movNo={}&scnYmd={}&siteNo={}&siteNm={}&scnsNo={}&scnSseq={}",
                           url_encode(movie), ymd, url_encode(theater), url_encode(theater_name),
                           url_encode(hall), url_encode(showing));
    auto url = fmt::format("https://cgv.co.kr/cnm/movieBook/cinema?siteNo={}&siteNm={}&scnYmd={}",
                           url_encode(theater), url_encode(theater_name), ymd);
    if (!movie.empty())
        url += "&movNo=" + url_encode(movie);
    return url;
}

void cgv_refine_answer(HttpResult &answer) {
    if (answer.outcome == Outcome::rate_limited &&
        trim(answer.body).starts_with("error code: 1015"))
        answer.error = "rate limited by the server (HTTP 429 (Cloudflare 1015))";
    // A refused request (HTTP 400) explains itself in the envelope's statusMessage ("... 필수
    // 요청 파라미터 입니다."): that, not the status code, tells what to fix.
    if (answer.outcome == Outcome::permanent && answer.status >= 400 && answer.status < 500) {
        const auto j = parse_json_answer(answer.body);
        const auto said = j ? one_line(field(*j, "statusMessage"), 160) : "";
        if (!said.empty())
            answer.error += ": " + said;
    }
}

HttpRequest cgv_request(const std::string &api, const std::string &endpoint,
                        const QueryParams &params) {
    HttpRequest r;
    r.url = fmt::format("{}/{}?coCd={}", api, endpoint, k_company);
    for (const auto &[k, v] : params)
        r.url += fmt::format("&{}={}", k, url_encode(v));
    r.expect = Expect::json;
    r.refine = cgv_refine_answer;
    r.headers = {"Accept: application/json, text/plain, */*",
                 "Referer: https://cgv.co.kr/cnm/movieBook"};
    return r;
}

tl::expected<json, SourceError> cgv_data(std::string_view body) {
    auto parsed = parse_json_answer(body);
    if (!parsed)
        return tl::unexpected(bad_answer(parsed.error()));
    auto &j = *parsed;
    if (!j.is_object() || !j.contains("statusCode"))
        return tl::unexpected(bad_answer("JSON without statusCode"));
    const auto code = field(j, "statusCode");
    if (code != "0") {
        const auto said = one_line(field(j, "statusMessage"), 120);
        return tl::unexpected(
            SourceError{Outcome::permanent,
                        fmt::format("CGV answered statusCode {}{}", code.empty() ? "?" : code,
                                    said.empty() ? "" : ": " + said)});
    }
    if (!j.contains("data") || j["data"].is_null())
        return tl::unexpected(bad_answer("statusCode 0 without data"));
    return std::move(j["data"]);
}

tl::expected<DateList, SourceError> parse_cgv_dates(std::string_view body) {
    auto data = data_list(body);
    if (!data)
        return tl::unexpected(data.error());
    std::set<std::string> dates;
    DateList out;
    for (const auto &row : *data) {
        const auto ymd = row.is_object() ? field(row, "scnYmd") : "";
        const auto iso = iso_from_compact(ymd);
        if (iso.empty())
            return tl::unexpected(
                bad_answer(fmt::format("scnYmd '{}' is not a date", one_line(ymd, 40))));
        dates.insert(iso);
        if (out.theater_name.empty())
            out.theater_name = field(row, "siteNm");
        if (out.movie_name.empty())
            out.movie_name = field(row, "movNm");
    }
    out.dates.assign(dates.begin(), dates.end());
    return out;
}

tl::expected<ShowingPage, SourceError>
parse_cgv_showings(std::string_view body, const std::string &site_no, const std::string &grade) {
    auto data = data_list(body);
    if (!data)
        return tl::unexpected(data.error());
    ShowingPage page;
    page.rows = data->size();
    for (const auto &row : *data) {
        if (!row.is_object())
            return tl::unexpected(bad_answer("a showing is not an object"));
        // Rows of a sibling venue in the same building (0013 and P013) come along: keep ours.
        if (field(row, "siteNo") != site_no)
            continue;
        if (page.theater_name.empty())
            page.theater_name = field(row, "siteNm");
        if (!grade.empty() && field(row, "tcscnsGradCd") != grade)
            continue;
        const auto ymd = field(row, "scnYmd");
        if (iso_from_compact(ymd).empty() || field(row, "scnsNo").empty() ||
            field(row, "scnSseq").empty())
            return tl::unexpected(bad_answer("a showing without scnYmd, scnsNo or scnSseq"));
        if (holds_bad_text(row))
            return tl::unexpected(bad_answer("a kept showing is not valid UTF-8"));
        page.showings.push_back(showing_from(row, site_no, ymd));
    }
    return page;
}

std::string cgv_time(std::string_view hhmm) {
    if (hhmm.size() != 4 || !std::all_of(hhmm.begin(), hhmm.end(), ::isdigit))
        return "";
    const int hour = (hhmm[0] - '0') * 10 + (hhmm[1] - '0');
    const int minute = (hhmm[2] - '0') * 10 + (hhmm[3] - '0');
    if (hour > 29 || minute > 59)
        return "";
    return fmt::format("{:02}:{:02}", hour, minute);
}

std::string cgv_attr_code(const std::string &screen) {
    if (screen == "imax")
        return "04";
    if (screen == "4dx")
        return "03";
    if (screen == "screenx")
        return "08";
    if (screen == "dolby")
        return "06";
    return "";
}

std::string cgv_grade_code(const std::string &screen) {
    if (screen == "imax")
        return "03";
    if (screen == "4dx")
        return "02";
    if (screen == "screenx")
        return "04";
    if (screen == "dolby")
        return "07";
    return "";
}

std::unique_ptr<SourcePlan> make_cgv_plan(const TargetConfig &target, const PlanContext &ctx) {
    if (!target.movie.empty())
        return std::make_unique<CgvMoviePlan>(target, ctx);
    if (races(target))
        return std::move(make_cgv_race_plans({&target}, {ctx}).front());
    return std::make_unique<CgvScreenPlan>(target, ctx);
}

} // namespace alimi
