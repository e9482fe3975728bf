// `validate --online` and `doctor --online`: every target's codes looked up on its chain's site,
// each list asked once per OnlineCheck.
#pragma once

#include "client_asker.hpp"
#include "discover.hpp"
#include "settings.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace alimi {

class Chain;

class OnlineCheck {
  public:
    explicit OnlineCheck(const Config &cfg) : m_cfg(cfg), m_asker(cfg.http) {}

    // One line per code the site does not list ("PATH:LINE: target 'x': ..."). A screen the
    // theater shows nothing on soon, and a movie not bookable yet, are said (warning, note),
    // not returned: a hall between films and a film not on sale look the same.
    std::vector<std::string> problems(const TargetConfig &t);
    // A region target: its region among the chain's (regions.hpp); "" when it has theaters or
    // the site could not be asked (counted in unreachable).
    std::string region_problem(const TargetConfig &region_target);
    // The site's name for t's theater, once problems(t) found it listed; "" otherwise.
    std::string theater_name(const TargetConfig &t) const;

    int unreachable = 0; // look-ups the site could not answer

  private:
    void warn_if_no_screen(const Chain &chain, const DiscoverOptions &opt, const TargetConfig &t);
    void note_if_no_title(const std::vector<MovieInfo> &movies, const TargetConfig &t);
    void note_if_not_bookable(const Chain &chain, const DiscoverOptions &opt,
                              const TargetConfig &t);
    DiscoverOptions options(const Chain &chain);

    const Config &m_cfg;
    ClientAsker m_asker; // every look-up of this check: a blocked host is asked once
    std::map<std::string, std::optional<std::vector<TheaterInfo>>> m_theaters;
    std::map<std::string, std::optional<std::vector<MovieInfo>>> m_movies;
    std::map<std::string, std::optional<std::vector<std::string>>> m_screens;
};

} // namespace alimi
