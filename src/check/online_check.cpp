#include "online_check.hpp"

#include "chain.hpp"
#include "filter.hpp"
#include "log.hpp"
#include "regions.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

namespace alimi {

namespace {

// Codes are compared exactly: a chain's theater and movie codes are identifiers, and a
// near match is a different theater.
template <typename Info> bool lists(const std::vector<Info> &all, const std::string &code) {
    return std::any_of(all.begin(), all.end(), [&](const Info &i) { return i.code == code; });
}

} // namespace

std::vector<std::string> OnlineCheck::problems(const TargetConfig &t) {
    const auto &chain = t.chain->lister();
    const auto opt = options(chain);
    const std::string name(chain.name());
    std::vector<std::string> out;
    if (t.theater.empty())
        return out; // captured params: nothing to look up
    // One theater list per chain per validate, however many targets: validate must be as
    // polite as a check, and its targets mostly share a chain.
    if (!m_theaters.contains(name))
        m_theaters[name] = chain.site_theaters(opt);
    const auto &theaters = m_theaters[name];
    // Unreachable is counted, not reported as a problem: a config is not wrong because the
    // site was down, and the caller says how many look-ups could not be made.
    if (!theaters)
        ++unreachable;
    else if (!lists(*theaters, t.theater))
        out.push_back(fmt::format("{}: target '{}': {} lists no theater '{}' (see: alimi "
                                  "theaters --chain {})",
                                  t.where, t.name, chain.display_name(), t.theater, name));
    else
        warn_if_no_screen(chain, opt, t);
    // A movie that is not on sale is a note, not an error: watching a film before its sale
    // opens is what the tool is for.
    if (!t.movie.empty() || !t.filter.title.empty())
        note_if_not_bookable(chain, opt, t);
    return out;
}

std::string OnlineCheck::region_problem(const TargetConfig &r) {
    const auto &chain = r.chain->lister();
    const std::string name(chain.name());
    if (!m_theaters.contains(name))
        m_theaters[name] = chain.site_theaters(options(chain));
    const auto &theaters = m_theaters[name];
    if (!theaters) {
        ++unreachable;
        return "";
    }
    return alimi::region_problem(r, *theaters);
}

std::string OnlineCheck::theater_name(const TargetConfig &t) const {
    const auto it = m_theaters.find(std::string(t.chain->lister().name()));
    if (it == m_theaters.end() || !it->second)
        return "";
    for (const auto &i : *it->second)
        if (i.code == t.theater)
            return i.name;
    return "";
}

void OnlineCheck::note_if_not_bookable(const Chain &chain, const DiscoverOptions &opt,
                                       const TargetConfig &t) {
    const auto key = std::string(chain.name()) + "|" + t.theater;
    if (!m_movies.contains(key))
        m_movies[key] = chain.site_movies(opt, t.theater);
    const auto &movies = m_movies[key];
    if (!movies)
        ++unreachable;
    else if (!t.filter.title.empty())
        note_if_no_title(*movies, t);
    else if (!lists(*movies, t.movie)) // most often a film not on sale yet: not a typo
        log::error("{}: target '{}': note: {} lists no bookable movie '{}' at theater {} yet: "
                   "a film not on sale yet is watched as it is (its first dates are pushed), "
                   "a wrong code never fires (see: alimi movies {} --chain {})",
                   t.where, t.name, chain.display_name(), t.movie, t.theater, t.theater,
                   chain.name());
}

// A title that matches nothing on sale is what watching a film before its sale means.
void OnlineCheck::note_if_no_title(const std::vector<MovieInfo> &movies, const TargetConfig &t) {
    std::vector<std::string> titles;
    // Matching one title ends the search; otherwise every title is a candidate for the
    // closest-title hint.
    for (const auto &m : movies) {
        if (title_matches(t.filter.title, m.name))
            return;
        titles.push_back(m.name);
    }
    const auto closest = closest_titles(t.filter.title, titles, 5);
    log::error("{}: target '{}': note: nothing on sale matches '{}' yet; will match when it "
               "opens{}",
               t.where, t.name, t.filter.title,
               closest.empty() ? ""
                               : fmt::format(" (closest on sale: {})", fmt::join(closest, ", ")));
}

void OnlineCheck::warn_if_no_screen(const Chain &chain, const DiscoverOptions &opt,
                                    const TargetConfig &t) {
    // A target without a screen watches every hall, so there is no screen to doubt.
    if (t.screen.empty())
        return;
    const auto key = std::string(chain.name()) + "|" + t.theater;
    if (!m_screens.contains(key))
        m_screens[key] = chain.site_screens(opt, t.theater);
    const auto &screens = m_screens[key];
    // A screen missing from the next open dates is a warning only: halls are closed for weeks
    // and reopen, and a target made in advance is right to wait.
    if (screens && std::find(screens->begin(), screens->end(), t.screen) == screens->end())
        log::error("{}: target '{}': warning: {} shows no {} at theater {} on its next open "
                   "dates; is it the right screen?",
                   t.where, t.name, chain.display_name(), chain.screen_label(t.screen), t.theater);
}

// Every look-up of this validate goes through one asker, so a host that answered 429 or a
// block page is asked once, not once per target.
DiscoverOptions OnlineCheck::options(const Chain &chain) {
    DiscoverOptions opt;
    opt.asker = &m_asker;
    opt.api = m_cfg.defaults_of(chain).api;
    return opt;
}

} // namespace alimi
