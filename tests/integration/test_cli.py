"""The command line contract: exit codes, messages, examples, files."""
import glob
import os
import re

from fakes import FakeLegacyCgv, FakeNtfy, ymd
from harness import expect, legacy_config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# The secrets examples/full.toml reads from the environment, as a user would export them.
EXAMPLE_ENV = {
    "NTFY_TOKEN": "tk_example",
    "DISCORD_WEBHOOK": "https://discord.com/api/webhooks/1/exampleToken-9f8e7d6c5b4a",
    "TELEGRAM_BOT_TOKEN": "123456789:AAE-exampleTelegramToken_0000",
    "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T0/B0/X0",
    "HOME_WEBHOOK_URL": "https://ha.example/api/webhook/hook-4f9d2c8e1b7a",
    "HOME_WEBHOOK_AUTH": "Bearer ha-token-0c1d2e3f",
}


def own_topic(text):
    """What a user does first with an example: replace the placeholder topic with their own."""
    return text.replace("CHANGE-ME-", "mine-7f3a9c-")


def test_every_example_config_validates(case):
    files = sorted(glob.glob(os.path.join(ROOT, "examples", "*.toml")) + glob.glob(os.path.join(ROOT, "examples", "*.json")))
    expect(len(files) >= 3, f"examples found: {files}")
    for f in files:
        text = open(f, encoding="utf-8").read()
        r = case.run("validate", "-c", f, env=EXAMPLE_ENV)
        expect(r.rc == 2 and "is the example's placeholder" in r.err and "alimi init" in r.err,
               f"{f}: nobody shares the example's public topic by copy-paste", r)
        mine = case.write("mine" + os.path.splitext(f)[1], own_topic(text))
        r = case.run("validate", "-c", mine, env=EXAMPLE_ENV)
        warnings = [l for l in r.err.splitlines() if "legacy endpoint CGV retired" not in l]
        expect(r.rc == 0 and warnings == [], f"{f} must validate once the topic is changed", r)
        expect(("legacy endpoint CGV retired" in r.err) == ('source = "cgv-legacy"' in text or '"cgv-legacy"' in text)
               or "url =" in text, f"{f}: a legacy target on the default URL is warned about", r)
    screen = case.write("screen.toml", own_topic(open(os.path.join(ROOT, "examples", "cgv-screen.toml"), encoding="utf-8").read()))
    r = case.run("validate", "-c", screen)
    expect(r.rc == 0 and r.err == "", "cgv-screen.toml needs no NTFY_TOKEN", r)


def test_example_end_to_end_against_fakes(case):
    """README's promise: an example config detects a new date and pushes exactly once."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    text = own_topic(open(os.path.join(ROOT, "examples", "legacy-plain.toml"), encoding="utf-8").read())
    text = text.replace('server = "https://ntfy.sh"', f'server = "{ntfy.url}"')
    text = text.replace('source = "cgv-legacy"', f'source = "cgv-legacy"\nurl = "{cgv.endpoint}"')
    cfg = case.write("example.toml", "[http]\nmin_gap = 0\n" + text)
    r = case.run("check", "-c", cfg)
    expect(r.rc == 0 and ntfy.messages == [], "baseline", r)
    cgv.days.append(ymd(5))
    r = case.run("check", "-c", cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 2, "one push per target (two targets see the date)", r)
    r = case.run("check", "-c", cfg)
    expect(len(ntfy.messages) == 2, "no repeats", r)


def test_bad_toml_config_lists_every_problem_with_lines(case):
    cfg = case.write("bad.toml", """[[notifier]]
name = "phone"
server = "https://ntfy.sh"

[[target]]
name = "a"
theater = "13"
screen = "imax9"
notify = ["tablet"]
colour = "blue"

[[target]]
name = "a"
theater = "0013"
screen = "imax"
""")
    r = case.run("check", config=cfg)
    expect(r.rc == 2 and r.out == "", "config errors exit 2", r)
    lines = r.err.strip().split("\n")
    expect(len(lines) == 6, f"six problems: {lines}")
    expect(all(re.match(r"alimi: .*bad\.toml:\d+: ", l) for l in lines), "each names file:line", r)
    for needle in ("missing 'topic'", "'13'", "unknown screen 'imax9'", "'tablet'", "unknown key 'colour'",
                   "duplicate target name 'a'"):
        expect(needle in r.err, f"mentions {needle}", r)
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and len(r.err.strip().split("\n")) == 6, "validate reports the same", r)


def test_bad_json_config_names_the_pointer(case):
    cfg = case.write("bad.json", '{"target": [{"name": "x", "theater": "0013", "screen": "imax", "movei": "1"}]}')
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and "bad.json: /target/0/movei: unknown key 'movei'" in r.err, "JSON pointer", r)
    cfg = case.write("broken.json", '{"target": [')
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and "broken.json: parse error at line 1" in r.err, "JSON syntax error", r)


def test_missing_config_is_a_clear_usage_error(case):
    r = case.run("check", "-c", case.path("nope.toml"))
    expect(r.rc == 2 and "nope.toml: cannot read config file" in r.err, "missing file", r)
    r = case.run("status")
    expect(r.rc == 2 and ".config/alimi/config.toml" in r.err, "default location is named", r)


def test_usage_errors_exit_2(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    r = case.run("check", "no-such-target", config=cfg)
    expect(r.rc == 2 and "unknown target 'no-such-target'" in r.err, "unknown target", r)
    r = case.run("check", "--frobnicate", config=cfg)
    expect(r.rc == 2, "unknown option", r)
    r = case.run(config=cfg)
    expect(r.rc == 2, "no command", r)
    expect(cgv.count() == 0, "usage errors send nothing")


def test_help_and_version(case):
    r = case.run("--version")
    expect(r.rc == 0 and re.match(r"alimi \d+\.\d+\.\d+", r.out), "version", r)
    r = case.run("--help")
    expect(r.rc == 0 and "check" in r.out and "Exit status" in r.out, "help", r)
    r = case.run("check", "--help")
    expect(r.rc == 0 and "--dry-run" in r.out and "--json" in r.out, "command help", r)


def test_corrupt_state_database_exits_3_and_is_kept(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    with open(case.state, "wb") as f:
        f.write(b"not a database at all " * 100)
    r = case.run("check", config=cfg)
    expect(r.rc == 3 and "state.db" in r.err and "not a database" in r.err, "exit 3 naming the file", r)
    expect(open(case.state, "rb").read() == b"not a database at all " * 100, "file untouched")
    r = case.run("status", config=cfg)
    expect(r.rc == 3, "status too", r)


def test_state_location_follows_flag_and_environment(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    r = case.run("check", "--state", case.path("deep/er/s.db"), config=cfg)
    expect(r.rc == 0 and os.path.exists(case.path("deep/er/s.db")), "--state creates parent folders", r)
    r = case.run("check", config=cfg, env={"ALIMI_STATE": "", "STATE_DIRECTORY": case.path("sd")})
    expect(r.rc == 0 and os.path.exists(case.path("sd/state.db")), "STATE_DIRECTORY", r)
    r = case.run("check", config=cfg, env={"ALIMI_STATE": "", "XDG_STATE_HOME": case.path("xdg")})
    expect(r.rc == 0 and os.path.exists(case.path("xdg/alimi/state.db")), "XDG_STATE_HOME", r)


def test_quiet_and_verbose(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    r = case.run("-v", "check", config=cfg)
    expect(r.rc == 0 and "baseline of 2 opening(s)" in r.err and r.out == "", "-v says what happened on stderr", r)
    cgv.close()
    r = case.run("-q", "check", config=cfg)
    expect(r.rc == 1 and r.err == "" and r.out == "", "-q prints nothing even on failure", r)


def test_readme_five_line_config_validates(case):
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    block = text.split("## A config in five lines", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    expect(len(block.strip().split("\n")) == 5, f"five lines: {block!r}")
    r = case.run("validate", "-c", case.write("readme.toml", block))
    expect(r.rc == 2 and "is the example's placeholder" in r.err, "README's topic must be changed first", r)
    r = case.run("validate", "-c", case.write("mine.toml", own_topic(block)))
    expect(r.rc == 0, "README config validates once the topic is one's own", r)


def test_man_page_documents_every_command_and_option(case):
    man = open(os.path.join(ROOT, "man", "alimi.1"), encoding="utf-8").read().replace("\\-", "-")
    top = case.run("--help").out
    commands = re.findall(r"^  ([a-z][a-z-]+) ", top.split("Subcommands:", 1)[1], re.M)
    expect(len(commands) >= 4, f"commands from --help: {commands}")
    for cmd in commands:
        expect(re.search(r"^\.(B|BR|TP)\b.*\b" + re.escape(cmd), man, re.M), f"man page has command {cmd}")
        for opt in re.findall(r"(--[a-z][a-z-]+)", case.run(cmd, "--help").out):
            expect(opt in man, f"man page documents {cmd} {opt}")
    for opt in re.findall(r"(--[a-z][a-z-]+|-[a-z]\b)", top.split("Subcommands:", 1)[0]):
        expect(opt in man, f"man page documents {opt}")
