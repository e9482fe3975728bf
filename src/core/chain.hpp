// A cinema chain: everything alimi knows of one booking site sits behind this interface, and
// src/source/registry.cpp lists the members. Core code asks the member for its keys, screens,
// plans and discovery; it never branches on a chain's name. A chain that is not in the list
// cannot be selected, and one that forgets a method does not compile.
#pragma once

#include "discover.hpp"
#include "opening.hpp"
#include "settings.hpp"

#include <memory>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace alimi {

class TableReader;

class Chain {
  public:
    virtual ~Chain() = default;

    // The `source` value that selects this chain: "cgv".
    virtual std::string_view name() const = 0;
    // The chain-wide table whose keys default its targets' ("cgv" for [cgv]); "" when none.
    virtual std::string_view section() const = 0;
    // The chain's name in pushes: "CGV".
    virtual std::string_view display_name() const = 0;
    // A theater of the chain with its special screens, for `alimi init`: "0013" (CGV Yongsan).
    virtual std::string_view example_theater() const = 0;
    // What a push says has happened: "예매 오픈", or softer where the chain's "bookable" flag
    // can come before the booking page takes bookings.
    virtual std::string_view opening_phrase() const = 0;
    // Screen types a target of this chain may name, and how pushes write one ("IMAX").
    virtual const std::vector<std::string> &screens() const = 0;
    virtual std::string screen_label(const std::string &screen) const = 0;
    // The booking page of a theater's day, which a push ends with (theater_name without the
    // chain's prefix; some sites want it in the link).
    virtual std::string day_page(const std::string &theater, const std::string &theater_name,
                                 const std::string &iso_date) const = 0;

    // What makes a target the same watch across edits of the config: when this text changes,
    // the target's old showings are forgotten and its next look is a silent baseline (not a
    // wave of "new" showings). Every key that changes what is asked belongs in it; the stored
    // text must stay the same across releases for an unedited target.
    virtual std::string identity_text(const TargetConfig &t) const {
        return std::string(name()) + "|" + t.theater + "|" + t.screen + "|" + t.movie + "|" +
               t.settings.api;
    }

    // The settings under which one run looks at up to `dates` open dates at once (`alimi test`'s
    // one-off, like a first baseline). Default: a sweep of that many dates.
    virtual ChainSettings one_look_at_all(ChainSettings s, int dates) const {
        s.dates_per_run = dates;
        return s;
    }

    // A target's chain settings before any config is read.
    virtual ChainSettings defaults() const = 0;
    // Reads the chain-wide table into defaults.
    virtual void read_section(TableReader &r, ChainSettings &defaults) const = 0;
    // Reads the chain's own keys of a [[target]] into t.settings, starting from defaults.
    virtual void read_target(TableReader &r, const ChainSettings &defaults,
                             TargetConfig &t) const = 0;
    // Checks the finished target: codes, required keys, combinations.
    virtual void check_target(TableReader &r, const TargetConfig &t) const = 0;

    // One target's requests and answers for one run; pure, see SourcePlan.
    virtual std::unique_ptr<SourcePlan> make_plan(const TargetConfig &t,
                                                  const PlanContext &ctx) const = 0;

    // Plans for several of the chain's targets in one run, one per target and in order; targets
    // that can share answers (one theater's) may share one conversation. Default: make_plan each.
    virtual std::vector<std::unique_ptr<SourcePlan>>
    make_plans(const std::vector<const TargetConfig *> &targets,
               const std::vector<PlanContext> &ctxs) const {
        std::vector<std::unique_ptr<SourcePlan>> out;
        for (std::size_t i = 0; i < targets.size(); ++i)
            out.push_back(make_plan(*targets[i], ctxs[i]));
        return out;
    }

    // About how many requests one run of these targets asks (check --spread paces by it): one
    // each, and a whole-schedule target (a screen or a title) its day pages beside its dates.
    virtual int expected_requests(const std::vector<const TargetConfig *> &targets) const {
        int n = 0;
        for (const auto *t : targets)
            n += t->movie.empty() ? 1 + t->settings.dates_per_run : 1;
        return n;
    }

    // `alimi theaters` and `alimi movies`: print what the site lists; return the exit code.
    virtual int list_theaters(const DiscoverOptions &opt, const std::string &query,
                              std::ostream &out) const = 0;
    virtual int list_movies(const DiscoverOptions &opt, const std::string &theater,
                            const std::string &screen, std::ostream &out) const = 0;
    // `alimi movies --upcoming`: the films the site lists before they go on sale (theater may be
    // ""); a chain without such a list says so.
    virtual int list_upcoming(const DiscoverOptions &opt, const std::string &,
                              std::ostream &out) const {
        return print_no_upcoming_list(display_name(), opt.json, out);
    }
    // What is wrong with a theater code typed on the command line; "" when it looks right.
    virtual std::string theater_code_problem(std::string_view code) const = 0;

    // `validate --online`: the theaters the site lists, and the movies bookable at a theater
    // (nationally where the site lists them so); nullopt when the site could not be asked.
    virtual std::optional<std::vector<TheaterInfo>>
    site_theaters(const DiscoverOptions &opt) const = 0;
    virtual std::optional<std::vector<MovieInfo>> site_movies(const DiscoverOptions &opt,
                                                              const std::string &theater) const = 0;
    // The screen types the site shows at a theater soon (its next open dates); nullopt when the
    // site cannot tell or was not asked. A hint, not a proof: a hall between films shows nothing.
    virtual std::optional<std::vector<std::string>> site_screens(const DiscoverOptions &,
                                                                 const std::string &) const {
        return std::nullopt;
    }
    // Whether the target's answers carry seat counts (min_seats and seats_back need them), and
    // what to do instead when they do not (" (a movie target ...)").
    virtual bool gives_seats(const TargetConfig &) const { return false; }
    virtual std::string seats_hint() const { return ""; }
    // Said by `validate` about a target that is valid but will most likely never answer (a
    // retired endpoint); "" when none.
    virtual std::string retired_note(const TargetConfig &) const { return ""; }
    // The chain whose site lists this chain's codes: itself, except for a retired endpoint whose
    // codes the current site lists (cgv-legacy: cgv).
    virtual const Chain &lister() const { return *this; }
};

// A chain configured like the newer sites: its table and targets take `api` and `dates_per_run`;
// a target needs a theater in the chain's code form, and may name a screen and a numeric movie.
class SiteChain : public Chain {
  public:
    std::string_view section() const override { return name(); }
    void read_section(TableReader &r, ChainSettings &defaults) const override;
    void read_target(TableReader &r, const ChainSettings &defaults, TargetConfig &t) const override;
    void check_target(TableReader &r, const TargetConfig &t) const override;
    // Day pages list showings with their free seats.
    bool gives_seats(const TargetConfig &) const override { return true; }
    // Each screen type's own first look at the theater (its date strip and a few day pages):
    // the screens with a showing there soon.
    std::optional<std::vector<std::string>> site_screens(const DiscoverOptions &opt,
                                                         const std::string &theater) const override;
    // Discovery follows from the one request that lists the chain's movies (below).
    int list_theaters(const DiscoverOptions &opt, const std::string &query,
                      std::ostream &out) const override;
    int list_movies(const DiscoverOptions &opt, const std::string &theater,
                    const std::string &screen, std::ostream &out) const override;
    std::optional<std::vector<MovieInfo>> site_movies(const DiscoverOptions &opt,
                                                      const std::string &theater) const override;

  protected:
    // The request that lists the movies bookable at a theater (or anywhere), and its reading.
    virtual HttpRequest movie_list_request(const DiscoverOptions &opt,
                                           const std::string &theater) const = 0;
    virtual tl::expected<std::vector<MovieInfo>, SourceError>
    parse_movie_list(std::string_view body) const = 0;
    // The codes of the movies that play at theater (in that screen, "" any) soon, given the
    // movie list's answer; more requests through opt when the chain needs them.
    virtual std::set<std::string> movies_playing_here(const DiscoverOptions &opt,
                                                      const std::string &theater,
                                                      const std::string &screen,
                                                      const HttpRequest &list_request,
                                                      const HttpResult &list_answer) const = 0;
};

// Every chain, in the order `source` errors list them.
const std::vector<const Chain *> &chains();
// The chain of that `source` value, or nullptr.
const Chain *find_chain(std::string_view name);
// What a target without `source` (and discovery without a config) uses: cgv.
const Chain &default_chain();
// "cgv or cgv-legacy": the names for error messages.
std::string chain_names();
// What --help says of every chain, from the registry, so a new chain is described by its own
// files: "0013 (cgv), 1351 (megabox), 1016 (lotte)" (each chain that lists its own theaters) and
// "imax, 4dx, screenx, dolby (cgv); dolby, mx4d, dolby-atmos (megabox); ..." (each chain
// configured by a table of its own, with its screens).
std::string example_theaters();
std::string screens_by_chain();

// The http(s) URL under key (without trailing slashes), fallback when absent; an error names who.
std::string read_endpoint(TableReader &r, const char *key, const std::string &fallback,
                          const std::string &who);

// The host a target's requests go to ("" when unknown): manners and cool-downs are per host.
std::string source_host(const TargetConfig &target);

} // namespace alimi
