// Region targets: `region = "서울"` stands for every theater its chain lists in that region, each
// a member target as a theater list's are (NAME@CODE, group NAME, a silent baseline of its own).
// Pure: the theater lists come from the state's copy or the chain's site (region_lists.hpp).
#pragma once

#include "opening.hpp"
#include "settings.hpp"

#include <map>
#include <string>
#include <vector>

namespace alimi {

// Theater lists by the name of the chain that lists them (Chain::lister()).
using TheaterLists = std::map<std::string, std::vector<TheaterInfo>, std::less<>>;

// Whether a region as written names one as the chain lists it: case, spaces and punctuation
// ignored ("서울" and " 서울 ", "Seoul" and "seoul").
bool region_matches(std::string_view written, std::string_view listed);

// The members of a region target: one per theater of its region in the list, by code.
std::vector<TargetConfig> region_members(const TargetConfig &region_target,
                                         const std::vector<TheaterInfo> &theaters);

// What is wrong with a region target given the chain's list: "" when its region has theaters;
// else "FILE:LINE: target 't': CGV lists no theater in region 'x' (its regions: ...)".
std::string region_problem(const TargetConfig &region_target,
                           const std::vector<TheaterInfo> &theaters);

// Replaces cfg.targets' region members by those lists give now; a region target whose chain is
// missing from lists gets none. Returns the problems, one line each: a region the list does not
// have (with the regions it has).
std::vector<std::string> expand_regions(Config &cfg, const TheaterLists &lists);

} // namespace alimi
