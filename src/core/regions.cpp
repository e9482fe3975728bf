#include "regions.hpp"

#include "chain.hpp"
#include "filter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace alimi {

bool region_matches(std::string_view written, std::string_view listed) {
    const auto key = title_key(written);
    return !key.empty() && key == title_key(listed);
}

std::vector<TargetConfig> region_members(const TargetConfig &region_target,
                                         const std::vector<TheaterInfo> &theaters) {
    std::vector<TargetConfig> out;
    std::set<std::string> seen;
    for (const auto &t : theaters)
        if (region_matches(region_target.region, t.region) && !t.code.empty() &&
            seen.insert(t.code).second) {
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

std::string regions_of(const std::vector<TheaterInfo> &theaters) {
    std::vector<std::string> names;
    for (const auto &t : theaters)
        if (!t.region.empty() && std::find(names.begin(), names.end(), t.region) == names.end())
            names.push_back(t.region);
    return names.empty() ? "none listed" : fmt::format("{}", fmt::join(names, ", "));
}

} // namespace

std::string region_problem(const TargetConfig &r, const std::vector<TheaterInfo> &theaters) {
    if (!region_members(r, theaters).empty())
        return "";
    return fmt::format("{}: target '{}': {} lists no theater in region '{}' (its regions: {})",
                       r.where, r.name, r.chain->display_name(), r.region, regions_of(theaters));
}

std::vector<std::string> expand_regions(Config &cfg, const TheaterLists &lists) {
    std::erase_if(cfg.targets, [](const TargetConfig &t) { return !t.region.empty(); });
    std::vector<std::string> problems;
    for (const auto &r : cfg.region_targets) {
        const auto list = lists.find(r.chain->lister().name());
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
