#include "cgv_legacy.hpp"
#include "chain.hpp"
#include "config.hpp"
#include "ntfy.hpp"

#include "helpers.hpp"

#include <doctest/doctest.h>

using namespace alimi;
using alimi::test::env_with;

namespace {
const NtfySettings &ntfy_of(const NotifierConfig &n) {
    return n.settings_as<NtfySettings>();
}

// Most configs here are about something else: those without a notifier get one at the end (no
// line numbers move), since a target that pushes nowhere is an error of its own.
std::string with_notifier(const std::string &text) {
    if (text.find("[[notifier]]") != std::string::npos)
        return text;
    return text + "\n[[notifier]]\nname = \"default\"\ntopic = \"t\"\n";
}

Config toml(const std::string &text, EnvLookup env = env_with({})) {
    return config_from_tree(parse_toml_config(with_notifier(text), "c.toml"), "c.toml", env);
}

std::vector<std::string> toml_problems(const std::string &text) {
    try {
        toml(text);
    } catch (const ConfigError &e) {
        return e.problems();
    }
    return {};
}

const char *k_good = R"(
state = "/tmp/x.db"
[http]
timeout = 5
min_gap = 0.5
[[notifier]]
name = "phone"
topic = "my-topic"
token = "tk_abc"
[[target]]
name = "yongsan-imax"
theater = "0013"
screen = "imax"
[[target]]
name = "legacy"
source = "cgv-legacy"
theater = "0013"
movie = 20035290
notify = "none"
)";

} // namespace

TEST_CASE("a valid TOML config loads with defaults filled in") {
    const auto cfg = toml(k_good);
    CHECK(cfg.state == "/tmp/x.db");
    CHECK(cfg.http.timeout == 5);
    CHECK(cfg.http.min_gap == 0.5);
    CHECK(cfg.http.max_per_host == 2);
    REQUIRE(cfg.notifiers.size() == 1);
    CHECK(ntfy_of(cfg.notifiers[0]).server == "https://ntfy.sh");
    CHECK(ntfy_of(cfg.notifiers[0]).token == "tk_abc");
    REQUIRE(cfg.targets.size() == 2);
    CHECK(cfg.targets[0].chain->name() == "cgv");
    CHECK(cfg.targets[0].settings.api == "https://cgv.co.kr/api/v1");
    CHECK(cfg.targets[0].notify == std::vector<std::string>{"phone"});
    CHECK(cfg.targets[1].chain->name() == "cgv-legacy");
    CHECK(cfg.targets[1].movie == "20035290");
    CHECK(cfg.targets[1].settings.api == k_default_legacy_url);
    CHECK(cfg.targets[1].notify.empty());
}

TEST_CASE("every problem is reported at once with file and line") {
    const auto problems = toml_problems(R"([[notifier]]
name = "phone"
colour = "red"
[[target]]
name = "a"
theater = "13"
screen = "imax3d"
notify = ["tablet"]
[[target]]
name = "a"
theater = "0013"
movie = "123"
)");
    REQUIRE(problems.size() == 6);
    CHECK(problems[0] == "c.toml:1: [[notifier]] is missing 'topic'");
    CHECK(problems[1] == "c.toml:3: unknown key 'colour' in [[notifier]]");
    CHECK(problems[2] == "c.toml:8: target 'a': notify names 'tablet', which is no [[notifier]]");
    CHECK(problems[3] ==
          "c.toml:6: target 'a': theater code '13' must be 4 letters or digits, like \"0013\"");
    CHECK(problems[4] == "c.toml:7: target 'a': unknown screen 'imax3d' for source cgv (one of "
                         "imax, 4dx, screenx, dolby)");
    CHECK(problems[5] == "c.toml:9: duplicate target name 'a'");
}

TEST_CASE("a target must push somewhere unless it says notify = \"none\"") {
    const std::string target = "[[target]]\nname = \"a\"\ntheater = \"0013\"\nscreen = \"imax\"\n";
    const auto problems = [](const std::string &text) {
        try {
            config_from_tree(parse_toml_config(text, "c.toml"), "c.toml", env_with({}));
        } catch (const ConfigError &e) {
            return e.problems();
        }
        return std::vector<std::string>{};
    };
    CHECK(problems(target) ==
          std::vector<std::string>{"c.toml:1: target 'a': no [[notifier]] to push to; add one, or "
                                   "say notify = \"none\" if only check --json should see its "
                                   "openings"});
    CHECK(problems(target + "notify = \"none\"\n").empty());
    const std::string phone = "[[notifier]]\nname = \"phone\"\ntopic = \"t\"\n";
    CHECK(problems(phone + target + "notify = []\n") ==
          std::vector<std::string>{"c.toml:8: target 'a': notify = [] pushes nowhere; say notify = "
                                   "\"none\" if only check --json should see its openings"});
    CHECK(problems(phone + target + "notify = \"all\"\n") ==
          std::vector<std::string>{
              "c.toml:8: target 'a': notify must be a list of notifier names or \"none\""});
}

TEST_CASE("TOML syntax errors name the line") {
    const auto problems = toml_problems("[[target]\nname = 1\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].starts_with("c.toml:1: "));
}

TEST_CASE("wrong types are named with what was expected") {
    const auto problems =
        toml_problems("[[target]]\nname = \"a\"\ntheater = 13\nscreen = \"imax\"\n");
    REQUIRE(!problems.empty());
    CHECK(problems[0] == "c.toml:3: [[target]] 'theater' must be a string, not an integer");
}

TEST_CASE("legacy screens differ from the current site's") {
    const auto problems = toml_problems("[[target]]\nname = \"a\"\nsource = "
                                        "\"cgv-legacy\"\ntheater = \"0013\"\nscreen = \"dolby\"\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == "c.toml:5: target 'a': unknown screen 'dolby' for source cgv-legacy (one "
                         "of imax, 4dx, screenx)");
}

TEST_CASE("captured params replace plain codes") {
    auto cfg = toml("[[target]]\nname = \"a\"\nsource = \"cgv-legacy\"\nparams = { REQSITE = "
                    "\"x\", TheaterCd = \"y\" }\n");
    const auto &params = legacy_params(cfg.targets[0].settings);
    REQUIRE(params.size() == 2);
    CHECK(params[0].first == "REQSITE");
    const auto problems =
        toml_problems("[[target]]\nname = \"a\"\nsource = \"cgv-legacy\"\ntheater = "
                      "\"0013\"\nparams = { REQSITE = \"x\" }\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] ==
          "c.toml:1: target 'a': params replaces theater/screen/movie; give one or the other");
}

TEST_CASE("a current-site target needs a movie or a screen") {
    const auto problems = toml_problems("[[target]]\nname = \"a\"\ntheater = \"0013\"\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == "c.toml:1: target 'a' needs 'movie', 'title' or 'screen'");
}

TEST_CASE("JSON configs share the schema and report JSON pointers") {
    const auto tree = parse_json_config(R"({"notifier":[{"name":"p","topic":"bad topic!"}],
        "target":[{"name":"x","theater":"0013","screen":"imax","extra":1}]})",
                                        "c.json");
    try {
        config_from_tree(tree, "c.json", env_with({}));
        FAIL("expected a ConfigError");
    } catch (const ConfigError &e) {
        REQUIRE(e.problems().size() == 2);
        CHECK(e.problems()[0] ==
              "c.json: /notifier/0/topic: notifier 'p': topic must be 1-64 of A-Z a-z 0-9 _ -");
        CHECK(e.problems()[1] == "c.json: /target/0/extra: unknown key 'extra' in [[target]]");
    }
}

TEST_CASE("JSON syntax errors say where") {
    CHECK_THROWS_WITH_AS(parse_json_config("{\"a\": }", "c.json"),
                         doctest::Contains("c.json: parse error at line 1"), ConfigError);
}

TEST_CASE("token_env reads the environment and fails clearly when unset") {
    const char *text = "[[notifier]]\nname = \"p\"\ntopic = \"t\"\ntoken_env = "
                       "\"TOK\"\n[[target]]\nname = \"a\"\ntheater = \"0013\"\nscreen = \"4dx\"\n";
    CHECK(toml(text, env_with({{"TOK", "tk_x"}})).notifiers[0].settings_as<NtfySettings>().token ==
          "tk_x");
    // Unset, it stops only the commands that push: read-only ones need no secrets.
    CHECK(toml(text).push_problems ==
          std::vector<std::string>{
              "c.toml:4: notifier 'p': environment variable TOK (token_env) is not set"});
}

TEST_CASE("a config without targets is an error") {
    const auto problems = toml_problems("[http]\ntimeout = 3\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == "c.toml: no [[target]] configured");
}

TEST_CASE("http knobs are range-checked") {
    const auto problems = toml_problems("[http]\ntimeout = 0\nmax_per_host = 99\n[[target]]\nname "
                                        "= \"a\"\ntheater = \"0013\"\nscreen = \"imax\"\n");
    REQUIRE(problems.size() == 2);
    CHECK(problems[0] == "c.toml:2: [http] 'timeout' must be between 0.1 and 600");
    CHECK(problems[1] == "c.toml:3: [http] 'max_per_host' must be between 1 and 16");
}

TEST_CASE("Apprise-style ntfy URLs set server, topic and credentials") {
    auto cfg = toml("[[notifier]]\nname = \"p\"\nurl = \"ntfys://tk_abc@ntfy.example.com/alerts\"\n"
                    "[[notifier]]\nname = \"q\"\nurl = \"ntfy://me:pw@10.0.0.2:8080/x\"\n"
                    "[[target]]\nname = \"a\"\ntheater = \"0013\"\nscreen = \"imax\"\n");
    CHECK(ntfy_of(cfg.notifiers[0]).server == "https://ntfy.example.com");
    CHECK(ntfy_of(cfg.notifiers[0]).topic == "alerts");
    CHECK(ntfy_of(cfg.notifiers[0]).token == "tk_abc");
    CHECK(ntfy_of(cfg.notifiers[1]).server == "http://10.0.0.2:8080");
    CHECK(ntfy_of(cfg.notifiers[1]).user == "me");
    CHECK(ntfy_of(cfg.notifiers[1]).password == "pw");
    const auto problems =
        toml_problems("[[notifier]]\nname = \"p\"\nurl = \"https://ntfy.sh/x\"\n[[target]]\nname = "
                      "\"a\"\ntheater = \"0013\"\nscreen = \"imax\"\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == "c.toml:3: notifier 'p': url must start with ntfy:// or ntfys://");
}

TEST_CASE("discord notifiers need a webhook URL; alerts name notifiers") {
    const auto problems = toml_problems(
        "[[notifier]]\nname = \"d\"\ntype = \"discord\"\n[alerts]\nnotify = [\"ops\"]\n"
        "[[target]]\nname = \"a\"\ntheater = \"0013\"\nscreen = \"imax\"\n");
    REQUIRE(problems.size() == 2);
    CHECK(problems[0] == "c.toml:1: [[notifier]] 'd' of type discord is missing 'webhook_url'");
    CHECK(problems[1] == "c.toml:5: [alerts] notify names 'ops', which is no [[notifier]]");
}

TEST_CASE("template fields are checked when the config loads") {
    const auto problems = toml_problems("[[target]]\nname = \"a\"\ntheater = \"0013\"\nscreen = "
                                        "\"imax\"\npush_title = \"{films}\"\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].starts_with(
        "c.toml:5: target 'a': push_title template names unknown field 'films' (known: {target}"));
}

TEST_CASE("a title written as a push title template says where templates went") {
    const auto problems = toml_problems(
        "[[target]]\nname = \"a\"\ntheater = \"0013\"\nscreen = \"imax\"\ntitle = \"{movie}!\"\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] == "c.toml:5: target 'a': title is the film to watch (title = \"아바타\"); a "
                         "push title template is push_title = \"{movie}!\"");
}

TEST_CASE("every registered chain is found by its source name, and nothing else is") {
    for (const auto *c : chains())
        CHECK(find_chain(c->name()) == c);
    CHECK(find_chain("imax") == nullptr);
    CHECK(chain_names() == "cgv, cgv-legacy, megabox or lotte");
    const auto problems = toml_problems("[[target]]\nname = \"a\"\nsource = \"lotte-x\"\n"
                                        "theater = \"0013\"\nscreen = \"imax\"\n");
    REQUIRE(problems.size() == 1);
    CHECK(problems[0] ==
          "c.toml:3: target 'a': unknown source 'lotte-x' (cgv, cgv-legacy, megabox or lotte)");
}

TEST_CASE("a TOML key nested past 64 levels is a config error before the parser sees it") {
    std::string deep = "a";
    for (int i = 0; i < 20000; ++i)
        deep += ".a";
    const auto p = toml_problems("x = \"a.b.c\"\n'q.r' = 1\n" + deep + " = 1\n");
    REQUIRE(p.size() == 1);
    CHECK(p[0] == "c.toml:3: a key nested deeper than 64 levels");
    std::string ok = "[t]\nv = 1.5\ns = \"\"\"\nx.y.z\n\"\"\"\n";
    CHECK(toml_problems(ok + "[[target]]\nname = \"a\"\ntheater = \"0013\"\nscreen = \"imax\"\n")
              .size() == 1); // only the unknown table: strings and floats are not keys
}
