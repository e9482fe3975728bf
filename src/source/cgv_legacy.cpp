#include "cgv_legacy.hpp"

#include "cgv.hpp"
#include "crypto.hpp"
#include "json_answer.hpp"
#include "text.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <set>

namespace alimi {

namespace {

// The legacy endpoint's own screen codes, which differ from the current site's attr and
// grade codes for the same halls; a screen it has no code for is asked unfiltered.
std::string legacy_screen_code(const std::string &screen) {
    if (screen == "imax")
        return "02";
    if (screen == "4dx")
        return "11";
    if (screen == "screenx")
        return "23";
    return "";
}

SourceError bad_answer(std::string message) {
    return SourceError{Outcome::permanent, "bad answer: " + std::move(message)};
}

// The XML string inside the JSON envelope, wherever this method put it.
tl::expected<std::string, SourceError> envelope_data(std::string_view body) {
    const auto parsed = parse_json_answer(body);
    if (!parsed)
        return tl::unexpected(bad_answer(parsed.error()));
    const auto &j = *parsed;
    if (!j.is_object() || !j.contains("d") || !j["d"].is_object())
        return tl::unexpected(bad_answer("JSON without the \"d\" envelope"));
    const auto &d = j["d"];
    const nlohmann::json *data = nullptr;
    if (d.contains("DATA"))
        data = &d["DATA"];
    else if (d.contains("data") && d["data"].is_object() && d["data"].contains("DATA"))
        data = &d["data"]["DATA"];
    if (!data || !data->is_string())
        return tl::unexpected(bad_answer("envelope has no DATA string"));
    // This endpoint filters on the server: every byte of its answer is kept, so all must be UTF-8.
    if (holds_bad_text(*data))
        return tl::unexpected(bad_answer("answer is not valid UTF-8"));
    return data->get<std::string>();
}

// Absent nodes read as "" (pugixml's null nodes), so a name the answer lacks is just empty.
std::string first_text(const pugi::xml_node &root, const char *list, const char *item,
                       const char *field) {
    return trim(root.child(list).child(item).child(field).text().as_string()).data();
}

// The schedule lists one movie per version; the group name joins them, each once.
std::string movie_names(const pugi::xml_node &root) {
    std::set<std::string> seen;
    std::string out;
    for (const auto &m : root.child("Movies").children("CMovie")) {
        const std::string name(trim(m.child("GROUP_NM").text().as_string()));
        if (!name.empty() && seen.insert(name).second)
            out += (out.empty() ? "" : ", ") + name;
    }
    return out;
}

// One POST answers the whole schedule for the target: no sweep, no dates to rotate.
class LegacyPlan final : public SingleRequestPlan {
  public:
    explicit LegacyPlan(const TargetConfig &target)
        : SingleRequestPlan(cgv_legacy_request(target)), m_theater(target.theater) {}

  private:
    SnapshotResult parse(const std::string &body) const override {
        return parse_cgv_legacy(body, m_theater);
    }

    std::string m_theater; // "" with captured params: links then stay empty
};

} // namespace

// Captured parameters are sent as captured (already encrypted by the site's own page);
// otherwise every field is built and encrypted the way that page does it.
std::vector<std::pair<std::string, std::string>> cgv_legacy_fields(const TargetConfig &t) {
    if (const auto &params = legacy_params(t.settings); !params.empty())
        return params;
    const bool one_movie = !t.movie.empty();
    const std::vector<std::pair<std::string, std::string>> plain = {
        {"REQSITE", "CJSYSTEMS"},
        {"TheaterCd", t.theater},
        {"ISNormal", one_movie ? "Y" : "N"},
        {"MovieGroupCd", t.movie},
        {"ScreenRatingCd", legacy_screen_code(t.screen)},
        // Per-movie IMAX queries were seen with movie type 05; everything else leaves it empty.
        {"MovieTypeCd", one_movie && t.screen == "imax" ? "05" : ""},
        {"Subtitle_CD", ""},
        {"SOUNDX_YN", ""},
        {"Third_Attr_CD", ""},
        {"Language", "kor"},
    };
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto &[k, v] : plain)
        out.emplace_back(k, cgv_legacy_encrypt(v));
    return out;
}

// The origin is the api's scheme and host: the endpoint checks Origin and Referer
// against its own site, as the page's own XHR sends them.
HttpRequest cgv_legacy_request(const TargetConfig &t) {
    nlohmann::ordered_json body = nlohmann::ordered_json::object();
    for (const auto &[k, v] : cgv_legacy_fields(t))
        body[k] = v;
    const auto scheme_end = t.settings.api.find("://");
    const auto origin = t.settings.api.substr(0, t.settings.api.find('/', scheme_end + 3));
    HttpRequest r;
    r.method = "POST";
    r.url = t.settings.api;
    r.body = body.dump();
    r.expect = Expect::json;
    r.refine = cgv_refine_answer;
    r.headers = {"Content-Type: application/json; charset=utf-8",
                 "Accept: application/json, text/javascript, */*; q=0.01",
                 "X-Requested-With: XMLHttpRequest", "Origin: " + origin,
                 "Referer: " + origin + "/Reservation/Reservation.aspx"};
    return r;
}

// A PlayDays with an element we do not know means the answer's shape changed: refused
// whole rather than read in part, since a part would look like dropped dates.
SnapshotResult parse_cgv_legacy(std::string_view body, const std::string &theater) {
    auto xml = envelope_data(body);
    if (!xml)
        return tl::unexpected(xml.error());
    pugi::xml_document doc;
    // Default options: no DOCTYPE processing and no custom entity expansion, so no entity tricks.
    const auto parsed =
        doc.load_buffer(xml->data(), xml->size(), pugi::parse_default, pugi::encoding_utf8);
    if (!parsed)
        return tl::unexpected(
            bad_answer(fmt::format("XML {} at offset {}", parsed.description(), parsed.offset)));
    const auto root = doc.child("CSchedule");
    if (!root)
        return tl::unexpected(bad_answer("XML without CSchedule"));
    const auto days = root.child("PlayDays");
    if (!days)
        return tl::unexpected(bad_answer("XML without PlayDays"));
    Snapshot snap;
    snap.theater_name = first_text(root, "STheaters", "CSTheater", "THEATER_NM");
    snap.screen_name = first_text(root, "Screen", "CScreen", "RATING_NM");
    snap.movie_name = movie_names(root);
    for (const auto &child : days.children())
        if (child.type() == pugi::node_element && std::string_view(child.name()) != "CPlayDay")
            return tl::unexpected(
                bad_answer(fmt::format("unexpected <{}> in PlayDays", one_line(child.name(), 40))));
    for (const auto &day : days.children("CPlayDay")) {
        const std::string ymd(trim(day.child("PLAY_YMD").text().as_string()));
        const auto date = parse_yyyymmdd(ymd);
        if (!date)
            return tl::unexpected(
                bad_answer(fmt::format("PLAY_YMD '{}' is not a date", one_line(ymd, 40))));
        Opening o;
        // The legacy answer lists open dates only, so a date is the opening.
        o.key = ymd;
        o.date = iso_date(*date);
        o.movie = snap.movie_name;
        // The legacy pages are gone; the current site's booking page is where a user books now.
        if (!theater.empty())
            o.link = cgv_booking_url(theater, snap.theater_name, o.date, "");
        snap.openings.push_back(std::move(o));
    }
    return snap;
}

std::unique_ptr<SourcePlan> make_cgv_legacy_plan(const TargetConfig &target, const PlanContext &) {
    return std::make_unique<LegacyPlan>(target);
}

} // namespace alimi
