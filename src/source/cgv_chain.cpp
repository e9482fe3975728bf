// CGV as a chain: the current site ("cgv") and the retired RIA endpoint ("cgv-legacy"). Both use
// CGV's 4-character theater codes and numeric movie codes; only "cgv" has discovery endpoints.
#include "chain.hpp"

#include "cgv.hpp"
#include "cgv_discovery.hpp"
#include "cgv_legacy.hpp"
#include "config.hpp"
#include "config_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace alimi {

namespace {

bool is_theater_code(std::string_view s) {
    return s.size() == 4 && std::all_of(s.begin(), s.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c));
           });
}

// The checks both CGV chains share, in the order their errors are reported.
void check_codes(TableReader &r, const TargetConfig &t, const char *missing_hint) {
    if (legacy_params(t.settings).empty() && t.theater.empty())
        r.error(nullptr, fmt::format("target '{}' is missing 'theater'{}", t.name, missing_hint));
    if (!t.theater.empty() && !is_theater_code(t.theater))
        r.error(
            r.find_node("theater"),
            fmt::format("target '{}': theater code '{}' must be 4 letters or digits, like \"0013\"",
                        t.name, t.theater));
    check_screen(r, t);
    check_movie_code(r, t);
}

// What both CGV chains share: the brand, the screen labels, the theater codes and discovery on
// the current site (the retired endpoint has no lists; its theaters are the same).
class CgvFamily : public Chain {
  public:
    std::string_view display_name() const override { return "CGV"; }
    std::string_view example_theater() const override { return "0013"; } // 용산아이파크몰
    std::string_view opening_phrase() const override { return "예매 오픈"; }
    std::string day_page(const std::string &theater, const std::string &theater_name,
                         const std::string &iso_date) const override {
        return cgv_booking_url(theater, theater_name, iso_date, "");
    }
    std::string screen_label(const std::string &screen) const override {
        static const std::map<std::string, std::string> k_labels = {
            {"imax", "IMAX"}, {"4dx", "4DX"}, {"screenx", "SCREENX"}, {"dolby", "DOLBY ATMOS"}};
        const auto it = k_labels.find(screen);
        return it == k_labels.end() ? screen : it->second;
    }
    int list_theaters(const DiscoverOptions &opt, const std::string &query,
                      std::ostream &out) const override {
        return cgv_list_theaters(opt, query, out);
    }
    int list_movies(const DiscoverOptions &opt, const std::string &theater,
                    const std::string &screen, std::ostream &out) const override {
        return cgv_list_movies(opt, theater, screen, out);
    }
    std::optional<std::vector<TheaterInfo>>
    site_theaters(const DiscoverOptions &opt) const override {
        return cgv_fetch_theaters(opt);
    }
    std::optional<std::vector<MovieInfo>> site_movies(const DiscoverOptions &opt,
                                                      const std::string &) const override {
        return cgv_fetch_movies(opt, "");
    }
    std::optional<std::vector<std::string>>
    site_screens(const DiscoverOptions &opt, const std::string &theater) const override {
        return cgv_fetch_screens(opt, theater);
    }
    std::string theater_code_problem(std::string_view code) const override {
        if (is_theater_code(code))
            return "";
        return fmt::format(
            "theater code '{}' must be 4 letters or digits, like 0013 (see: alimi theaters)", code);
    }
};

class CgvChain final : public CgvFamily {
  public:
    std::string_view name() const override { return "cgv"; }
    std::string_view section() const override { return "cgv"; }
    const std::vector<std::string> &screens() const override {
        static const std::vector<std::string> k_screens = {"imax", "4dx", "screenx", "dolby"};
        return k_screens;
    }
    ChainSettings defaults() const override { return chain_settings("https://cgv.co.kr/api/v1"); }

    // A racing theater spends its budget on lists as well: room for every date plus the date
    // list and the national list.
    ChainSettings one_look_at_all(ChainSettings s, int dates) const override {
        s = CgvFamily::one_look_at_all(std::move(s), dates);
        auto own = cgv_settings(s);
        own.requests_per_run = std::max(own.requests_per_run, dates + 2);
        s.extra = std::make_shared<const CgvSettings>(std::move(own));
        return s;
    }

    void read_section(TableReader &r, ChainSettings &d) const override {
        d.api = r.string("api").value_or(d.api);
        read_race_keys(r, d);
    }

    void read_target(TableReader &r, const ChainSettings &d, TargetConfig &t) const override {
        t.settings = d;
        read_race_keys(r, t.settings);
        t.settings.api = read_endpoint(r, "api", d.api, fmt::format("target '{}'", t.name));
    }

    // The same keys in [cgv] and in a target, which overrides them.
    static void read_race_keys(TableReader &r, ChainSettings &s) {
        r.integer("dates_per_run", s.dates_per_run, 1, 31);
        auto own = cgv_settings(s);
        r.integer("requests_per_run", own.requests_per_run, 2, 60);
        if (const auto v = r.string("strategy")) {
            if (*v == "race" || *v == "sweep")
                own.strategy = *v;
            else
                r.error(r.find_node("strategy"),
                        fmt::format("strategy '{}': use \"race\" or \"sweep\"", *v));
        }
        s.extra = std::make_shared<const CgvSettings>(std::move(own));
    }

    // A racing theater spends its budget, plus one per further hall type; others as usual.
    int expected_requests(const std::vector<const TargetConfig *> &targets) const override {
        std::vector<const TargetConfig *> others;
        std::map<std::pair<std::string, std::string>, std::vector<const TargetConfig *>> groups;
        for (const auto *t : targets)
            (races(*t) ? groups[{t->settings.api, t->theater}] : others).push_back(t);
        int n = Chain::expected_requests(others);
        for (const auto &[where, group] : groups)
            n += race_budget(group);
        return n;
    }

    std::vector<std::unique_ptr<SourcePlan>>
    make_plans(const std::vector<const TargetConfig *> &targets,
               const std::vector<PlanContext> &ctxs) const override {
        std::vector<const TargetConfig *> racing;
        std::vector<PlanContext> racing_ctxs;
        std::vector<std::unique_ptr<SourcePlan>> out(targets.size());
        std::vector<std::size_t> at;
        for (std::size_t i = 0; i < targets.size(); ++i)
            if (races(*targets[i])) {
                racing.push_back(targets[i]);
                racing_ctxs.push_back(ctxs[i]);
                at.push_back(i);
            } else {
                out[i] = make_plan(*targets[i], ctxs[i]);
            }
        auto plans = make_cgv_race_plans(racing, racing_ctxs);
        for (std::size_t k = 0; k < plans.size(); ++k)
            out[at[k]] = std::move(plans[k]);
        return out;
    }

    void check_target(TableReader &r, const TargetConfig &t) const override {
        check_codes(r, t, "");
        // A title alone sweeps every hall's day pages; nothing at all would push every showing.
        if (!t.theater.empty() && t.screen.empty() && t.movie.empty() && t.filter.title.empty())
            r.error(nullptr, fmt::format("target '{}' needs 'movie', 'title' or 'screen'", t.name));
    }
    // A screen's day pages list showings with free seats; a movie's date list has dates only.
    bool gives_seats(const TargetConfig &t) const override { return t.movie.empty(); }
    std::string seats_hint() const override {
        return " (a movie target sees dates, not showings: name the film with title and a "
               "screen instead)";
    }

    std::unique_ptr<SourcePlan> make_plan(const TargetConfig &t,
                                          const PlanContext &ctx) const override {
        return make_cgv_plan(t, ctx);
    }
};

class CgvLegacyChain final : public CgvFamily {
  public:
    std::string_view name() const override { return "cgv-legacy"; }
    std::string_view section() const override { return ""; }
    const Chain &lister() const override { return cgv_chain(); }
    std::string retired_note(const TargetConfig &t) const override {
        if (t.settings.api != k_default_legacy_url)
            return "";
        return "points at the legacy endpoint CGV retired in July 2025, which will most likely "
               "never answer again; watch the current site with source = \"cgv\"";
    }
    const std::vector<std::string> &screens() const override {
        static const std::vector<std::string> k_screens = {"imax", "4dx", "screenx"};
        return k_screens;
    }
    ChainSettings defaults() const override { return chain_settings(k_default_legacy_url); }
    void read_section(TableReader &, ChainSettings &) const override {}

    void read_target(TableReader &r, const ChainSettings &d, TargetConfig &t) const override {
        t.settings = d;
        t.settings.api = read_endpoint(r, "url", d.api, fmt::format("target '{}'", t.name));
        read_params(r, t);
    }

    void check_target(TableReader &r, const TargetConfig &t) const override {
        if (!legacy_params(t.settings).empty() &&
            (!t.theater.empty() || !t.screen.empty() || !t.movie.empty()))
            r.error(nullptr, fmt::format("target '{}': params replaces theater/screen/movie; "
                                         "give one or the other",
                                         t.name));
        check_codes(r, t, " (or 'params')");
    }

    std::unique_ptr<SourcePlan> make_plan(const TargetConfig &t,
                                          const PlanContext &ctx) const override {
        return make_cgv_legacy_plan(t, ctx);
    }

    // The captured parameters are what the endpoint is asked, so they are part of the watch.
    std::string identity_text(const TargetConfig &t) const override {
        auto id = CgvFamily::identity_text(t);
        for (const auto &[k, v] : legacy_params(t.settings))
            id += "|" + k + "=" + v;
        return id;
    }

  private:
    static void read_params(TableReader &r, TargetConfig &t) {
        const auto *params = r.get("params", ConfigNode::Kind::table);
        if (!params)
            return;
        LegacySettings own;
        for (const auto &[key, value] : params->members) {
            if (value.kind != ConfigNode::Kind::string)
                r.error(&value, fmt::format("target '{}': params.{} must be a string (the "
                                            "captured Base64 value)",
                                            t.name, key));
            else
                own.params.emplace_back(key, value.text);
        }
        t.settings.extra = std::make_shared<const LegacySettings>(std::move(own));
        if (params->members.empty())
            r.error(params, fmt::format("target '{}': params is empty", t.name));
    }
};

} // namespace

const Chain &cgv_chain() {
    static const CgvChain k_chain;
    return k_chain;
}

const Chain &cgv_legacy_chain() {
    static const CgvLegacyChain k_chain;
    return k_chain;
}

} // namespace alimi
