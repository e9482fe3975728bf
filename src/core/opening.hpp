// The seam between CGV and everything else. A source adapter turns a target into HTTP requests
// and the answers into a normalized Snapshot; nothing outside src/source/ knows a CGV field name.
// Adapters are pure: they never do I/O, so they are tested with fixed answers and a fixed `now`.
#pragma once

#include "http_policy.hpp"
#include "settings.hpp"
#include "timeutil.hpp"

#include <tl/expected.hpp>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace alimi {

// Something that can be booked now and was not bookable before: a play date or a showing.
struct Opening {
    std::string key;   // identity within a target: "20261224" or "0013|20261224|018|10:00"
    std::string date;  // ISO business date, 2026-12-24
    std::string time;  // "HH:MM" for showings; "" for date-level openings
    std::string movie; // title, as CGV writes it
    std::string movie_code;
    std::string screen;  // hall or screen type name for display
    std::string hall;    // the hall's code on the site ("" when the chain gives none)
    int seats_free = -1; // -1 when unknown
    int seats_total = -1;
    std::string link;   // the booking page for this opening
    std::string poster; // the film's poster image (http/https URL), "" when the chain gives none
};

// A name the site gave for a code (kind "theater" or "movie"); "" when the site was asked and
// did not know the code. Kept in the state, so naming an opening costs no request per run.
struct NameRecord {
    std::string kind;
    std::string code;
    std::string name;
};

// A theater as the chain's list gives it (`alimi theaters`, region targets).
struct TheaterInfo {
    std::string code;
    std::string name;
    std::string region;
    std::string status; // "영업" when open, as the site says
};

struct Snapshot {
    std::vector<Opening> openings;
    // Whole-screen sweeps only (ISO dates): every open date the source listed, and the dates
    // whose showings this snapshot holds. Empty for sources that see everything in one answer.
    std::vector<std::string> listed_dates;
    std::vector<std::string> swept_dates;
    // Swept dates whose page had no rows at all: fetched, but not yet seen (see ShowingPage).
    std::vector<std::string> blank_dates;
    // "date|movie code": showings that are news even on a date whose first look is silent (a
    // tripwire saw the movie's first showings in the hall there since its last answer).
    std::set<std::string> loud;
    std::string theater_name;      // "CGV 용산아이파크몰" when the answer says so
    std::string screen_name;       // "아이맥스"
    std::string movie_name;        // for single-movie targets
    std::vector<NameRecord> names; // learnt while fetching, for the state's name cache
    // What a plan wants to remember to the next run (a tripwire's last answer), by key.
    std::map<std::string, std::string> notes;
    std::string plan_note; // how the plan spent this run, for -v ("" when nothing to say)
};

struct SourceError {
    Outcome outcome = Outcome::permanent;
    std::string message; // one line: what went wrong and where (URL without query)
};

using SnapshotResult = tl::expected<Snapshot, SourceError>;

// One target's conversation with its source during one run.
class SourcePlan {
  public:
    virtual ~SourcePlan() = default;
    // The requests of the next step, given the answers to the previous step (same order).
    // Empty when the plan is finished; result() then holds the outcome.
    virtual std::vector<HttpRequest> next(const std::vector<HttpResult> &answers) = 0;
    virtual SnapshotResult result() const = 0;
};

// A showing the state knows for the target: where the race looks for what changed.
struct KnownShowing {
    std::string date; // ISO
    std::string movie_code;
    long long first_seen = 0; // unix seconds
    bool from_baseline = false;
};

// What a plan may know of earlier runs: for each open date seen before (ISO), when its showings
// were last swept (nullopt: listed, never swept). Dates not in the map are new.
struct SourceMemory {
    std::map<std::string, std::optional<long long>> swept;
    std::vector<KnownShowing> showings;       // the target's known showings (whole-screen targets)
    std::map<std::string, std::string> notes; // Snapshot::notes of earlier runs
};

// A plan of one request whose answer is the snapshot: the common case (legacy, movie targets).
class SingleRequestPlan : public SourcePlan {
  public:
    explicit SingleRequestPlan(HttpRequest request) : m_request(std::move(request)) {}
    std::vector<HttpRequest> next(const std::vector<HttpResult> &answers) final;
    SnapshotResult result() const final { return m_result; }

  protected:
    // Turns a successful answer's body into the snapshot; errors need not name the URL.
    virtual SnapshotResult parse(const std::string &body) const = 0;

  private:
    HttpRequest m_request;
    bool m_sent = false;
    SnapshotResult m_result = tl::unexpected(SourceError{Outcome::permanent, "not fetched"});
};

struct PlanContext {
    TimePoint now;
    SourceMemory memory;
    // The state's names for the target's theater and movie ("" when unknown), and whether the
    // plan should ask the site for them (unknown, and not asked within the last hour).
    std::string theater_name;
    std::string movie_name;
    bool ask_theater = false;
    bool ask_movie = false;
};

// r with the request's URL in front of its error message, so a parse error says where.
template <typename T>
tl::expected<T, SourceError> with_url(tl::expected<T, SourceError> r, const HttpRequest &request) {
    if (!r)
        r.error().message = shown_url(request) + ": " + r.error().message;
    return r;
}

// A poster as a push may show it: an http(s) URL as given, or a path ("/Movie/...") on host
// (an https://... base without trailing slash). Anything else (spaces, quotes, controls, another
// scheme, "..") is no poster: "".
std::string poster_url(std::string_view host, std::string_view path);

// The first failed answer of a step as a SourceError naming the URL, or nullopt if all are ok.
std::optional<SourceError> first_failure(const std::vector<HttpRequest> &requests,
                                         const std::vector<HttpResult> &answers);

} // namespace alimi
