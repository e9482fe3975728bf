// `alimi theaters` and `alimi movies`: what every chain's discovery is given (see Chain).
#pragma once

#include "log.hpp"
#include "opening.hpp"
#include "timeutil.hpp"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace alimi {

// What a look-up's requests are sent through and its "now" is read from. The sequencer that
// runs the look-up gives one (check/client_asker.hpp: an HTTP client over its Io), so a chain's
// discovery builds no client and reads no clock: it is tested in memory, as a check's plans are.
class Asker {
  public:
    virtual ~Asker() = default;
    // Answers in the order of the requests; never throws for network or server trouble.
    virtual std::vector<HttpResult> ask(const std::vector<HttpRequest> &requests) = 0;
    virtual TimePoint now() const = 0;
};

struct DiscoverOptions {
    std::string api; // the chain's API base
    bool json = false;
    // Required by every look-up (std::logic_error without one); not owned. One asker's requests
    // share its manners: a host that answered 429 or a block page is not asked again through it.
    Asker *asker = nullptr;

    std::vector<HttpResult> ask(const std::vector<HttpRequest> &requests) const;
    HttpResult ask(const HttpRequest &request) const { return ask(std::vector{request}).at(0); }
    TimePoint now() const;
    // "Today" at the cinemas (KST), ISO: the first date a look-up cares about.
    std::string today() const;
};

struct MovieInfo {
    std::string code;
    std::string name;
    std::string booking_rate; // percent, as the site says
    bool playing_here = false;
    // The site's word for the film's state ("상영중", "상영예정"); "" when it gives none.
    std::string status = "";
};

// Theaters whose name contains query (ASCII case ignored) or whose code starts with it, by code.
std::vector<TheaterInfo> match_theaters(std::vector<TheaterInfo> all, const std::string &query);

// The one answer of a request as parse makes it, or the failure said once (unless quiet) and
// nullopt. parse returns tl::expected<T, SourceError>.
template <typename T, typename Parse>
std::optional<T> parse_answer(const HttpRequest &req, const HttpResult &answer, Parse parse,
                              bool quiet = false) {
    if (auto failure = first_failure({req}, {answer})) {
        if (!quiet)
            log::error("{}", failure->message);
        return std::nullopt;
    }
    auto parsed = parse(answer.body);
    if (!parsed) {
        if (!quiet)
            log::error("{}: {}", shown_url(req), parsed.error().message);
        return std::nullopt;
    }
    return std::move(*parsed);
}

// Prints the theaters of all that match query, as lines or JSON; 1 when none matches.
int print_theaters(const std::vector<TheaterInfo> &all, const std::string &query, bool json,
                   std::ostream &out);

// Prints the movies as a table or JSON; 0.
int print_movies(const std::vector<MovieInfo> &movies, bool json, std::ostream &out);

// `movies --upcoming`: the films not on sale yet as a table (or a line saying there are none
// today) or a JSON array of {code, name, status}; 0.
int print_upcoming(const std::vector<MovieInfo> &movies, std::string_view chain, bool json,
                   std::ostream &out);
// `movies --upcoming` for a chain whose site lists no film before it is on sale: says so, and
// what to do instead (a `title` target), on out; with --json `[]` on out and the note on
// stderr; 0.
int print_no_upcoming_list(std::string_view chain, bool json, std::ostream &out);

} // namespace alimi
