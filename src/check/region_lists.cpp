#include "region_lists.hpp"

#include "chain.hpp"
#include "client_asker.hpp"
#include "log.hpp"
#include "regions.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <set>

namespace alimi {

namespace {

// Theaters open and close a few times a year; a daily read keeps a region current for one
// request a day per chain.
constexpr auto k_list_age = std::chrono::hours(24);
constexpr auto k_retry_pause = std::chrono::minutes(10);

// The state's list of each chain that region targets name, read once, by chain name.
std::map<std::string, TheaterList> kept_lists(Store &store, const Config &cfg) {
    std::map<std::string, TheaterList> out;
    for (const auto &r : cfg.region_targets) {
        const auto chain = std::string(r.chain->lister().name());
        if (!out.contains(chain))
            out.emplace(chain, store.theater_list(chain));
    }
    return out;
}

// The lists that were read well at some time: what members are made from.
TheaterLists usable(std::map<std::string, TheaterList> kept) {
    TheaterLists out;
    for (auto &[chain, list] : kept)
        if (list.read_at)
            out.emplace(chain, std::move(list.theaters));
    return out;
}

void expand_and_say(Config &cfg, const TheaterLists &lists) {
    for (const auto &problem : expand_regions(cfg, lists))
        log::error("{}", problem);
}

bool due(const TheaterList &list, TimePoint now) {
    const bool stale = !list.read_at || now - *list.read_at >= k_list_age;
    const bool paused = list.tried_at && now - *list.tried_at < k_retry_pause;
    return stale && !paused;
}

// The list of one chain from its site: one look-up, as `alimi theaters` makes it; nullopt when
// it could not be read.
std::optional<std::vector<TheaterInfo>> read_list(const Config &cfg, const TargetConfig &r,
                                                  Store &store, const Io &io, bool keep) {
    const auto &lister = r.chain->lister();
    const auto now = io.now();
    DiscoverOptions opt;
    opt.api = &lister == r.chain ? r.settings.api : cfg.defaults_of(lister).api;
    const auto host = host_of(opt.api);
    if (const auto cd = store.cooldown(host, now)) {
        log::info("{} cooling down ({}): the theater list of region targets not read", host,
                  cd->reason);
        return std::nullopt;
    }
    log::info("reading {}'s theater list for region targets", lister.display_name());
    ClientAsker asker(cfg.http, io);
    opt.asker = &asker;
    auto theaters = lister.site_theaters(opt);
    if (theaters && theaters->empty())
        theaters.reset(); // an empty list is a failed answer, never "no theaters"
    if (keep && theaters)
        store.save_theater_list(std::string(lister.name()), *theaters, now);
    else if (keep)
        store.note_theater_list_tried(std::string(lister.name()), now);
    return theaters;
}

} // namespace

void regions_from_state(Config &cfg, Store &store) {
    if (!cfg.region_targets.empty())
        expand_and_say(cfg, usable(kept_lists(store, cfg)));
}

int refresh_regions(Config &cfg, Store &store, const Io &io, bool keep) {
    const auto now = io.now();
    const auto kept = kept_lists(store, cfg);
    auto lists = usable(kept);
    std::set<std::string> asked;
    for (const auto &r : cfg.region_targets) {
        const auto chain = std::string(r.chain->lister().name());
        if (r.enabled && asked.insert(chain).second && due(kept.at(chain), now))
            if (auto read = read_list(cfg, r, store, io, keep))
                lists[chain] = std::move(*read);
    }
    expand_and_say(cfg, lists);
    int unresolved = 0; // region targets that watch no theater this run
    for (const auto &r : cfg.region_targets) {
        if (!r.enabled || !cfg.targets_named(r.name).empty())
            continue;
        ++unresolved;
        if (!lists.contains(r.chain->lister().name())) // else expand_regions said why
            log::error("{}: region '{}': {}'s theater list could not be read yet; a later check "
                       "tries again",
                       r.name, r.region, r.chain->lister().display_name());
    }
    return unresolved;
}

} // namespace alimi
