#include "regions.hpp"

#include "chain.hpp"
#include "filter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace alimi {

// Region names are matched as titles are (case, spaces, punctuation folded), so "서울" in
// a config matches " 서울 " or a chain's "서울 " as listed.
bool region_matches(std::string_view written, std::string_view listed) {
    const auto key = title_key(written);
    return !key.empty() && key == title_key(listed);
}

// One member per theater code, sorted, so the expansion (and each member's name, its key
// in the store) is the same whatever order the chain lists its theaters in.
std::vector<TargetConfig> region_members(const TargetConfig &region_target,
                                         const std::vector<TheaterInfo> &theaters) {
    std::vector<TargetConfig> out;
    std::set<std::string> seen;
    for (const auto &t : theaters)
        if (region_matches(region_target.region, t.region) && !t.code.empty() &&
            seen.insert(t.code).second) {
            // A member is the region target at one theater: its name carries the code so that each
            // member keeps its own seen and announced showings; the group name joins them in
            // output.
            auto m = region_target;
            m.theater = t.code;
            m.name = region_target.name + "@" + t.code;
            m.group = region_target.name;
            out.push_back(std::move(m));
        }
    std::sort(out.begin(), out.end(),
              [](const auto &a, const auto &b) { return a.theater < b.theater; });
    return out;
}

namespace {

// Named in the error so that a misspelt region can be fixed without another look-up.
std::string regions_of(const std::vector<TheaterInfo> &theaters) {
    std::vector<std::string> names;
    for (const auto &t : theaters)
        if (!t.region.empty() && std::find(names.begin(), names.end(), t.region) == names.end())
            names.push_back(t.region);
    return names.empty() ? "none listed" : fmt::format("{}", fmt::join(names, ", "));
}

} // namespace

// An empty string means "no problem", so callers can collect problems without branching.
std::string region_problem(const TargetConfig &r, const std::vector<TheaterInfo> &theaters) {
    if (!region_members(r, theaters).empty())
        return "";
    return fmt::format("{}: target '{}': {} lists no theater in region '{}' (its regions: {})",
                       r.where, r.name, r.chain->display_name(), r.region, regions_of(theaters));
}

// Members of an earlier expansion are dropped first: expanding again (a list read anew)
// must give the new list's members, not the old ones plus the new.
std::vector<std::string> expand_regions(Config &cfg, const TheaterLists &lists) {
    std::erase_if(cfg.targets, [](const TargetConfig &t) { return !t.region.empty(); });
    std::vector<std::string> problems;
    for (const auto &r : cfg.region_targets) {
        const auto list = lists.find(r.chain->lister().name());
        // No list read yet for this chain (offline, or the look-up failed): the region is left
        // unexpanded rather than guessed, and the caller reports why.
        if (list == lists.end())
            continue;
        auto members = region_members(r, list->second);
        if (members.empty())
            problems.push_back(region_problem(r, list->second));
        for (auto &m : members) {
            if (cfg.target(m.name)) { // one name, one state: the written target keeps it
                problems.push_back(fmt::format("{}: target '{}': theater {} of region '{}' is "
                                               "not watched: a target is named {} already",
                                               r.where, r.name, m.theater, r.region, m.name));
                continue;
            }
            cfg.targets.push_back(std::move(m));
        }
    }
    return problems;
}

} // namespace alimi
