// The list of chains. Adding one: its two files (e.g. megabox.hpp/.cpp defining a Chain and
// `const Chain &megabox_chain()`), its #include here and one line in k_chains.
#include "chain.hpp"

#include "cgv.hpp"
#include "cgv_legacy.hpp"
#include "config_reader.hpp"
#include "http_policy.hpp"
#include "lotte.hpp"
#include "megabox.hpp"

#include "config.hpp"
#include "error_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace alimi {

// A function-local static, so the list is built on first use and never meets the static
// initialisation order of the chains' own objects in other files.
const std::vector<const Chain *> &chains() {
    static const std::vector<const Chain *> k_chains = {
        &cgv_chain(),
        &cgv_legacy_chain(),
        &megabox_chain(),
        &lotte_chain(),
    };
    return k_chains;
}

// nullptr for an unknown name: the config reader turns it into an error that lists the
// names there are (chain_names) and the nearest one.
const Chain *find_chain(std::string_view name) {
    for (const auto *c : chains())
        if (c->name() == name)
            return c;
    return nullptr;
}

// A target without `source` is CGV's, the chain most users come for; the contract fixes it.
const Chain &default_chain() {
    return cgv_chain();
}

// The help text, --chain's choices and config errors all print this one list, so adding a
// chain to k_chains is all it takes for them to mention it.
std::string chain_names() {
    std::vector<std::string_view> names;
    for (const auto *c : chains())
        names.push_back(c->name());
    return join_choices(names);
}

std::string example_theaters() {
    std::vector<std::string> out;
    for (const auto *c : chains())
        if (&c->lister() == c) // a retired endpoint's theaters are its sibling's
            out.push_back(fmt::format("{} ({})", c->example_theater(), c->name()));
    return fmt::format("{}", fmt::join(out, ", "));
}

std::string screens_by_chain() {
    std::vector<std::string> out;
    for (const auto *c : chains())
        if (!c->section().empty()) // a retired endpoint's screens are its sibling's
            out.push_back(fmt::format("{} ({})", fmt::join(c->screens(), ", "), c->name()));
    return fmt::format("{}", fmt::join(out, "; "));
}

// A trailing slash is dropped so that "api/" and "api" make the same requests, and the same
// target identity: otherwise an edit of one character would re-baseline a target.
std::string read_endpoint(TableReader &r, const char *key, const std::string &fallback,
                          const std::string &who) {
    auto url = r.string(key).value_or(fallback);
    while (url.ends_with('/'))
        url.pop_back();
    if (!is_http_url(url))
        r.error(r.find_node(key),
                fmt::format("{}: {} must be an http:// or https:// URL", who, key));
    return url;
}

// The chain's table sets defaults; a target's own keys override them one by one.
void SiteChain::read_section(TableReader &r, ChainSettings &d) const {
    d.api = read_endpoint(r, "api", d.api, fmt::format("[{}]", section()));
    r.integer("dates_per_run", d.dates_per_run, 1, 31);
}

void SiteChain::read_target(TableReader &r, const ChainSettings &d, TargetConfig &t) const {
    t.settings = d;
    r.integer("dates_per_run", t.settings.dates_per_run, 1, 31);
    t.settings.api = read_endpoint(r, "api", d.api, fmt::format("target '{}'", t.name));
}

// Codes are checked before any request is sent: a typo is a config error with its line,
// not a run of 404s in the log every minute.
void SiteChain::check_target(TableReader &r, const TargetConfig &t) const {
    if (t.theater.empty())
        r.error(nullptr, fmt::format("target '{}' is missing 'theater'", t.name));
    else if (auto problem = theater_code_problem(t.theater); !problem.empty())
        r.error(r.find_node("theater"), fmt::format("target '{}': {}", t.name, problem));
    check_screen(r, t);
    check_movie_code(r, t);
}

// Cool-downs and pacing are per host, because that is what a site's rate limit counts.
std::string source_host(const TargetConfig &target) {
    return host_of(target.settings.api);
}

int SiteChain::list_theaters(const DiscoverOptions &opt, const std::string &query,
                             std::ostream &out) const {
    const auto all = site_theaters(opt);
    return all ? print_theaters(*all, query, opt.json, out) : 1;
}

// The movie list and "is it playing here" are derived from the same answers where the
// chain allows it, so `movies` costs one or two requests, not one per film.
int SiteChain::list_movies(const DiscoverOptions &opt, const std::string &theater,
                           const std::string &screen, std::ostream &out) const {
    const auto req = movie_list_request(opt, theater);
    const auto answer = opt.ask(req);
    auto movies = parse_answer<std::vector<MovieInfo>>(
        req, answer, [this](std::string_view body) { return parse_movie_list(body); });
    if (!movies)
        return 1;
    const auto here = movies_playing_here(opt, theater, screen, req, answer);
    for (auto &m : *movies)
        m.playing_here = here.contains(m.code);
    return print_movies(*movies, opt.json, out);
}

std::optional<std::vector<MovieInfo>> SiteChain::site_movies(const DiscoverOptions &opt,
                                                             const std::string &theater) const {
    const auto req = movie_list_request(opt, theater);
    return parse_answer<std::vector<MovieInfo>>(
        req, opt.ask(req), [this](std::string_view body) { return parse_movie_list(body); });
}

// A hall type "exists" if a whole-screen snapshot for it finds showings on the next open
// dates: the same plan a check runs, so validate's warning and a check cannot disagree.
std::optional<std::vector<std::string>> SiteChain::site_screens(const DiscoverOptions &opt,
                                                                const std::string &theater) const {
    std::vector<std::string> out;
    for (const auto &screen : screens()) {
        TargetConfig t;
        t.name = "validate";
        t.chain = this;
        t.theater = theater;
        t.screen = screen;
        t.settings = defaults();
        t.settings.api = opt.api;
        PlanContext ctx;
        ctx.now = opt.now();
        auto plan = make_plan(t, ctx);
        for (auto requests = plan->next({}); !requests.empty();)
            requests = plan->next(opt.ask(requests));
        const auto snap = plan->result();
        // One failed look-up makes the whole answer unknown (nullopt), never a shorter list that
        // would wrongly warn about the screens it did not reach.
        if (!snap)
            return std::nullopt;
        if (!snap->openings.empty())
            out.push_back(screen);
    }
    return out;
}

} // namespace alimi
