// run_check over an in-memory world: a Megabox branch and a ntfy server behind one fake wire, a
// clock the test moves. The sequencer's promises without a socket: a silent baseline, one push
// per wave, a 429's path left alone until its wait is over, a push whose answer was lost sent
// again once under its sequence id, and a stop signal that loses nothing.
#include "check.hpp"
#include "config.hpp"
#include "fake_transport.hpp"
#include "helpers.hpp"
#include "stop.hpp"
#include "store.hpp"

#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <csignal>
#include <optional>
#include <set>
#include <sstream>

using namespace alimi;
using namespace alimi::test;
using json = nlohmann::json;

namespace {

constexpr const char *k_config = R"(
[megabox]
api = "http://mb.test"
dates_per_run = 10
[http]
min_gap = 0
retries = 0
[[notifier]]
name = "phone"
server = "http://ntfy.test"
topic = "alimi-sequencer-test"
[[target]]
name = "coex"
source = "megabox"
theater = "1351"
screen = "dolby"
)";

// One branch's showings and a ntfy server, answered from one list, as the site would.
struct World {
    FakeWire wire;
    std::vector<json> showings;
    std::vector<HttpRequest> pushes;
    // A scripted fault: an exchange instead of the world's answer (nullopt: the world answers).
    std::function<std::optional<Exchange>(const HttpRequest &)> fault;
    TimePoint now = from_unix(1'796'616'000); // 2026-12-07 04:00 UTC, 13:00 KST
    Config cfg = config_from_tree(parse_toml_config(k_config, "c.toml"), "c.toml", env_with({}));
    std::unique_ptr<Store> store = Store::in_memory();

    World() {
        wire.answer = [this](const HttpRequest &r) {
            if (fault)
                if (auto x = fault(r))
                    return *x;
            if (r.url.starts_with("http://ntfy.test/")) {
                pushes.push_back(r);
                return reply(200, R"({"id":"m1","time":1,"event":"message","topic":"t"})");
            }
            return megabox(json::parse(r.body).value("playDe", ""));
        };
    }
    void add(const std::string &day, const std::string &start) {
        showings.push_back({{"brchNo", "1351"},
                            {"brchNm", "코엑스"},
                            {"areaCd", "10"},
                            {"playSchdlNo", day + start},
                            {"theabNo", "03"},
                            {"theabExpoNm", "Dolby Cinema"},
                            {"theabKindCd", "DBC"},
                            {"playDe", day},
                            {"playStartTime", start},
                            {"movieNm", "아바타"},
                            {"movieNo", "26018900"},
                            {"rpstMovieNo", "26018900"},
                            {"restSeatCnt", 300},
                            {"totSeatCnt", 324},
                            {"bokdAbleAt", "Y"}});
    }
    Exchange megabox(const std::string &day) const {
        std::set<std::string> days;
        json rows = json::array();
        for (const auto &s : showings) {
            days.insert(s["playDe"].get<std::string>());
            if (s["playDe"] == day)
                rows.push_back(s);
        }
        json strip = json::array();
        for (const auto &d : days)
            strip.push_back({{"playDe", d}, {"formAt", "Y"}});
        return reply(200, json{{"statCd", 0},
                               {"msg", "ok"},
                               {"movieFormDeList", strip},
                               {"movieFormList", rows},
                               {"areaBrchList",
                                {{{"areaCd", "10"},
                                  {"areaCdNm", "서울"},
                                  {"brchNo", "1351"},
                                  {"brchNm", "코엑스"},
                                  {"brchFormAt", "Y"}}}},
                               {"movieList", json::array()}}
                              .dump());
    }
    CheckOutcome check(std::string *printed = nullptr) {
        Io io;
        io.transport = fake_transport(wire);
        io.now = [this] { return now; };
        CheckOptions opt;
        opt.json = true;
        std::ostringstream out;
        auto r = run_check(cfg, *store, opt, out, io);
        if (printed)
            *printed = out.str();
        return r;
    }
    int megabox_requests() const {
        return static_cast<int>(std::count_if(wire.sent.begin(), wire.sent.end(), [](auto &r) {
            return r.url.starts_with("http://mb.test/");
        }));
    }
    std::string sequence_id(const HttpRequest &r) const {
        for (const auto &h : r.headers)
            if (h.starts_with("X-Sequence-ID: "))
                return h.substr(15);
        return "";
    }
};

} // namespace

TEST_CASE("sequencer: a silent baseline, then one push for a wave, then nothing") {
    World w;
    w.add("20261208", "10:00");
    auto r = w.check();
    CHECK(r.targets_ok == 1);
    CHECK(r.openings_new == 0);
    CHECK(w.pushes.empty());
    CHECK(w.store->known_keys("coex").size() == 1);
    w.add("20261208", "19:00");
    w.add("20261209", "19:00");
    w.now += std::chrono::minutes(1);
    std::string printed;
    r = w.check(&printed);
    CHECK(r.openings_new == 2);
    CHECK(r.pushes_pending == 0);
    REQUIRE(w.pushes.size() == 1);
    CHECK(printed.find("\"event\":\"opening\"") != std::string::npos);
    w.now += std::chrono::minutes(1);
    r = w.check();
    CHECK(r.openings_new == 0);
    CHECK(w.pushes.size() == 1);
}

TEST_CASE("sequencer: a 429 leaves its path alone until the wait is over and changes nothing") {
    World w;
    w.add("20261208", "10:00");
    w.check();
    w.add("20261209", "19:00");
    w.fault = [](const HttpRequest &r) -> std::optional<Exchange> {
        if (r.url.starts_with("http://mb.test/"))
            return reply(429, "Too Many Requests", "text/plain", "120");
        return std::nullopt;
    };
    w.now += std::chrono::minutes(1);
    auto r = w.check();
    CHECK(r.targets_failed == 1);
    CHECK(w.pushes.empty());
    CHECK(w.store->known_keys("coex").size() == 1); // a failed answer changes nothing known
    const int asked = w.megabox_requests();
    w.fault = nullptr;
    w.now += std::chrono::seconds(60); // inside the 120 s the site asked for
    r = w.check();
    CHECK(r.targets_failed == 1);
    CHECK(w.megabox_requests() == asked);
    w.now += std::chrono::seconds(61);
    r = w.check();
    CHECK(r.targets_ok == 1);
    CHECK(w.megabox_requests() > asked);
    CHECK(w.pushes.size() == 1); // the opening the 429 hid, pushed once it was seen
}

TEST_CASE("sequencer: a push whose answer was lost goes again next run, once, same sequence id") {
    World w;
    w.add("20261208", "10:00");
    w.check();
    w.add("20261209", "19:00");
    int lost = 0;
    w.fault = [&](const HttpRequest &r) -> std::optional<Exchange> {
        if (r.url.starts_with("http://ntfy.test/") && lost++ == 0) {
            w.pushes.push_back(r); // it reached the server; the answer never came back
            return broken(Outcome::timeout, "no answer in time (timeout)");
        }
        return std::nullopt;
    };
    w.now += std::chrono::minutes(1);
    auto r = w.check();
    CHECK(r.pushes_pending == 1);
    CHECK(w.pushes.size() == 1);      // tried once in its run, whatever it answered
    w.now += std::chrono::minutes(1); // the next run tries it again
    r = w.check();
    CHECK(r.pushes_pending == 0);
    REQUIRE(w.pushes.size() == 2);
    CHECK(w.sequence_id(w.pushes[0]) == w.sequence_id(w.pushes[1]));
    CHECK_FALSE(w.sequence_id(w.pushes[0]).empty());
    w.now += std::chrono::minutes(5);
    w.check();
    CHECK(w.pushes.size() == 2);
}

TEST_CASE("sequencer: a stop signal mid-run abandons the fetch and keeps what was known") {
    World w;
    w.add("20261208", "10:00");
    w.check();
    w.add("20261209", "19:00");
    install_stop_handlers();
    w.fault = [](const HttpRequest &r) -> std::optional<Exchange> {
        if (r.url.starts_with("http://mb.test/"))
            std::raise(SIGTERM); // systemd stops the unit while the site is being asked
        return std::nullopt;
    };
    w.now += std::chrono::minutes(1);
    const auto r = w.check();
    CHECK(stop_signal() == SIGTERM);
    CHECK(r.stopped);
    CHECK(r.exit_code() == 1);
    CHECK(w.pushes.empty());
    CHECK(w.store->known_keys("coex").size() == 1);
    clear_stop(); // the next run of this process starts afresh
    w.fault = nullptr;
    w.now += std::chrono::minutes(1);
    CHECK(w.check().openings_new == 1);
    CHECK(w.pushes.size() == 1);
}
