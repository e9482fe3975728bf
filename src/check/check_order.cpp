#include "check_order.hpp"

#include "chain.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace alimi {

namespace {

// A paused target (enabled = false) is not checked, even by name; its state waits for it.
bool selected(const CheckOptions &options, const TargetConfig &t) {
    return t.enabled && (options.targets.empty() ||
                         std::any_of(options.targets.begin(), options.targets.end(),
                                     [&](const auto &n) { return n == t.name || n == t.group; }));
}

} // namespace

// Longest unattempted first; never-attempted targets (0) lead. stable_sort keeps the
// config's order among equals, so the order is the same from run to run.
std::vector<const TargetConfig *> check_order(const Config &cfg, Store &store,
                                              const CheckOptions &options) {
    const auto attempted = store.last_attempts();
    std::vector<std::pair<long long, const TargetConfig *>> ranked;
    for (const auto &t : cfg.targets)
        if (selected(options, t)) {
            const auto it = attempted.find(t.name);
            ranked.emplace_back(it == attempted.end() ? 0 : it->second, &t);
        }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<const TargetConfig *> out;
    for (const auto &[when, t] : ranked)
        out.push_back(t);
    return out;
}

std::vector<std::vector<const TargetConfig *>>
// Racing targets of one theater go in one batch, because their requests are planned as
// one group (one date list, shared tripwires); others go in fixed-size batches.
batches(const std::vector<const TargetConfig *> &order, bool by_theater) {
    std::vector<std::vector<const TargetConfig *>> out;
    std::map<std::string, std::size_t> theater_batch;
    for (const auto *t : order) {
        if (by_theater) {
            // The api is part of the key: two targets at the same theater code on different sites
            // (a test server and the real one) are different theaters.
            const auto key = fmt::format("{}|{}|{}", t->chain->name(), t->settings.api, t->theater);
            const auto [it, added] = theater_batch.try_emplace(key, out.size());
            if (added)
                out.emplace_back();
            out[it->second].push_back(t);
        } else {
            if (out.empty() || out.back().size() >= k_batch)
                out.emplace_back();
            out.back().push_back(t);
        }
    }
    return out;
}

std::vector<std::vector<std::vector<const TargetConfig *>>>
// One lane per host: lanes run in parallel, while within a lane requests keep the host's
// pacing, so a slow or cooling host never holds up another chain.
host_lanes(const std::vector<const TargetConfig *> &order, bool by_theater) {
    std::vector<std::vector<const TargetConfig *>> by_host;
    std::map<std::string, std::size_t> lane_of;
    for (const auto *t : order) {
        const auto [it, added] = lane_of.try_emplace(source_host(*t), by_host.size());
        if (added)
            by_host.emplace_back();
        by_host[it->second].push_back(t);
    }
    std::vector<std::vector<std::vector<const TargetConfig *>>> out;
    for (const auto &targets : by_host)
        out.push_back(batches(targets, by_theater));
    return out;
}

// Per host, what the chains say they will send this run; the time budget and the pacing
// are planned from it before anything is sent.
std::map<std::string, int> expected_requests(const std::vector<const TargetConfig *> &order) {
    std::map<std::pair<std::string, const Chain *>, std::vector<const TargetConfig *>> by_host;
    for (const auto *t : order)
        by_host[{source_host(*t), t->chain}].push_back(t);
    std::map<std::string, int> out;
    for (const auto &[key, targets] : by_host)
        out[key.first] += key.second->expected_requests(targets);
    return out;
}

} // namespace alimi
