// Source "cgv": the current site's anonymous JSON API (cgv-api.md section 2).
//  - movie target (theater + movie [+ screen]): the movie's play dates at the theater, one request.
//  - whole-screen target (theater + screen): the theater's open dates, then the showings of a few
//    dates per run (new dates first, then the least recently swept), filtered to the theater's own
//    siteNo and the screen's grade. Openings are showings keyed siteNo|scnYmd|scnsNo|start.
#pragma once

#include "opening.hpp"
#include "sweep.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace alimi {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// GET {api}/{endpoint}?coCd=A420&... with the headers the site's own pages send.
HttpRequest cgv_request(const std::string &api, const std::string &endpoint,
                        const QueryParams &params);

// The envelope's data after checking statusCode; an error names what CGV said.
tl::expected<nlohmann::json, SourceError> cgv_data(std::string_view body);

// Play dates (ISO, sorted, unique) of a scnYmd list, with the names rows may carry; an entry
// without a valid date is an error.
struct DateList {
    std::vector<std::string> dates;
    std::string theater_name;
    std::string movie_name;
};
tl::expected<DateList, SourceError> parse_cgv_dates(std::string_view body);

// Showings of one theater's answer, kept only for site_no and (when not empty) grade.
tl::expected<ShowingPage, SourceError>
parse_cgv_showings(std::string_view body, const std::string &site_no, const std::string &grade);

// "1030" -> "10:30", "2530" -> "25:30" (after midnight, same business date); "" when malformed.
std::string cgv_time(std::string_view hhmm);

// Codes of a configured screen name: attrCd for date lists, tcscnsGradCd for showings.
std::string cgv_attr_code(const std::string &screen);
std::string cgv_grade_code(const std::string &screen);

// The current site's booking page: a showing when hall and showing number are given, else a
// theater's day (narrowed to a movie when movie is given). Legacy targets link there too.
std::string cgv_booking_url(const std::string &theater, const std::string &theater_name,
                            const std::string &iso_date, const std::string &movie,
                            const std::string &hall = "", const std::string &showing = "");

// The theater names of a searchRegnList answer, and the target's own code even when the list
// lacks it ("": asked, unknown); nothing else from an answer that failed.
void learn_theater_names(const HttpResult &answer, const std::string &theater,
                         std::vector<NameRecord> &out);

// A 429 from CGV's Cloudflare says "error code: 1015": the message says so (HttpRequest::refine).
void cgv_refine_answer(HttpResult &answer);

class Chain;
const Chain &cgv_chain();

// CGV's own keys of a target ([cgv] and [[target]]), in ChainSettings::extra.
struct CgvSettings final : ChainExtra {
    int requests_per_run = 4;      // the race: a theater's mean requests per run
    std::string strategy = "race"; // whole-screen targets: "race" or "sweep"
};
// s's CGV keys, or their defaults when it has none.
inline const CgvSettings &cgv_settings(const ChainSettings &s) {
    return chain_extra<CgvSettings>(s);
}

std::unique_ptr<SourcePlan> make_cgv_plan(const TargetConfig &target, const PlanContext &ctx);

// Whole-screen targets with strategy "race" (source/race.hpp); others sweep (sweep.hpp).
bool races(const TargetConfig &t);

// One theater's racing group's requests a run on average (the rate of its credit,
// race_credit): the largest requests_per_run of its targets, however many hall types.
int race_budget(const std::vector<const TargetConfig *> &group);

// Racing targets at one theater (and API) share one conversation; a plan per target, in order.
std::vector<std::unique_ptr<SourcePlan>>
make_cgv_race_plans(const std::vector<const TargetConfig *> &targets,
                    const std::vector<PlanContext> &ctxs);

} // namespace alimi
