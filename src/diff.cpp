#include "diff.hpp"

#include <algorithm>
#include <tuple>

namespace alimi {

bool opening_before(const Opening &a, const Opening &b) {
    return std::tie(a.date, a.time, a.movie, a.key) < std::tie(b.date, b.time, b.movie, b.key);
}

Diff diff_openings(const Snapshot &snapshot, const std::set<std::string> &known, bool has_baseline,
                   Date today, const std::set<std::string> &silent_dates) {
    Diff d;
    d.baseline = !has_baseline;
    const auto first_day = iso_date(today);
    std::set<std::string> keys;
    for (const auto &o : snapshot.openings) {
        // ISO dates compare correctly as strings; a repeated key counts once.
        if (o.date < first_day || !keys.insert(o.key).second)
            continue;
        d.current.push_back(o);
    }
    std::sort(d.current.begin(), d.current.end(), opening_before);
    if (d.baseline)
        return d;
    for (const auto &o : d.current)
        if (!known.contains(o.key) && !silent_dates.contains(o.date))
            d.fresh.push_back(o);
    return d;
}

} // namespace alimi
