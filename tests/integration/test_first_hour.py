"""Issue 15: the operator's first hour: help, typos, missing configs and a starter config."""
import os
import re

from fakes import FakeCgvApi, FakeNtfy, showing, ymd
from harness import expect


def test_help_and_typos_are_answered_in_one_line(case):
    r = case.run()
    expect(r.rc == 2 and "Usage: alimi" in r.out and "check" in r.out, "a bare alimi prints usage", r)
    r = case.run("help")
    expect(r.rc == 0 and "Usage: alimi" in r.out and "Subcommands:" in r.out, "alimi help", r)
    r = case.run("help", "check")
    expect(r.rc == 0 and "--dry-run" in r.out, "alimi help check", r)
    r = case.run("chek")
    expect(r.rc == 2 and r.err.strip() == "alimi: unknown command 'chek'; did you mean 'check'?", "a typo", r)
    r = case.run("-v", "--state", "x.db", "histroy")
    expect(r.rc == 2 and "did you mean 'history'?" in r.err, "after options too", r)
    r = case.run("frobnicate")
    expect(r.rc == 2 and "unknown command 'frobnicate'; see: alimi --help" in r.err, "no near guess", r)


def test_config_mistakes_say_what_and_suggest(case):
    cfg = case.write("c.toml", '[[notifier]]\nname = "p"\ntopic = "mine-x1"\n[[target]]\nname = "a"\ntheatre = "0013"\nscreen = "imax"\n')
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and "c.toml:6: unknown key 'theatre' in [[target]]; did you mean 'theater'?" in r.err, "nearest key", r)
    r = case.run("validate", "-c", case.tmp)
    expect(r.rc == 2 and "is a directory" in r.err, "-c DIR", r)
    cfg = case.write("c.json", '{\n  // my targets\n  "target": []\n}\n')
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and "JSON allows no comments" in r.err, "JSON with comments", r)
    r = case.run("validate", env={"XDG_CONFIG_HOME": case.path("cfg")})
    expect(r.rc == 2 and "$ALIMI_CONFIG (not set)" in r.err and case.path("cfg/alimi/config.toml") in r.err
           and "config.json" in r.err and "alimi init" in r.err, "a missing config names every place looked at", r)


def test_init_writes_a_config_of_ones_own_and_never_overwrites(case):
    env = {"XDG_CONFIG_HOME": case.path("cfg")}
    api, ntfy = case.serve(FakeCgvApi()), case.serve(FakeNtfy())
    api.showings.append(showing(ymd(1), "005", 1, "30000774", "아바타: 불과 재", "02", "1000", site="0056"))
    r = case.run("init", "--theater", "0056", "--screen", "4dx", "--api", api.api, env=env)
    path = case.path("cfg/alimi/config.toml")
    expect(r.rc == 0 and os.path.exists(path) and path in r.out, "written at the default path", r)
    expect(r.out.startswith("theater 0056: CGV 강남\n"), "the code looked up on the site", r)
    topic = re.search(r'topic = "(alimi-[a-z0-9]{16})"', open(path).read())
    expect(topic and f"https://ntfy.sh/{topic.group(1)}" in r.out and f"ntfy subscribe {topic.group(1)}" in r.out,
           "an unguessable topic, and how to subscribe", r)
    r2 = case.run("init", "--offline", env={"XDG_CONFIG_HOME": case.path("cfg2")})
    other = re.search(r'topic = "(alimi-[a-z0-9]{16})"', open(case.path("cfg2/alimi/config.toml")).read())
    expect(other.group(1) != topic.group(1), "every init draws its own topic")
    before = open(path).read()
    r = case.run("init", "--offline", env=env)
    expect(r.rc == 2 and "exists; not overwritten" in r.err and open(path).read() == before, "never overwrites", r)
    expect(case.run("validate", env=env).rc == 0, "the starter config validates")
    r = case.run("init", "--offline", "--screen", "imax9", env={"XDG_CONFIG_HOME": case.path("cfg3")})
    expect(r.rc == 2 and "unknown screen 'imax9'" in r.err and not os.path.exists(case.path("cfg3/alimi/config.toml")),
           "a bad screen is refused before anything is written", r)
    # The starter config runs: pointed at the fakes, its target sees the theater.
    text = open(path).read().replace('server = "https://ntfy.sh"', f'server = "{ntfy.url}"')
    cfg = case.write("s.toml", '[http]\nmin_gap = 0\n' + text)
    r = case.run("test", "my-target", config=cfg)
    expect(r.rc == 0 and "1 opening(s) now" in r.out, "alimi test on the starter config", r)


def one_target(case, notifier_extra=""):
    """Fake CGV and ntfy, and a config of one IMAX target at 0013 pushing to notifier "p"."""
    api, ntfy = case.serve(FakeCgvApi()), case.serve(FakeNtfy())
    # The sweep asks the date list first and alone: a scripted fault always meets it (the race
    # would ask its tripwires beside it, and a failed tripwire fails nothing).
    cfg = case.write("c.toml", f'[cgv]\napi = "{api.api}"\nstrategy = "sweep"\n[http]\nmin_gap = 0\nretries = 0\n'
                     f'[[notifier]]\nname = "p"\nserver = "{ntfy.url}"\ntopic = "mine-x1"\n{notifier_extra}\n'
                     '[[target]]\nname = "a"\ntheater = "0013"\nscreen = "imax"\n')
    return api, ntfy, cfg


def test_status_names_its_state_exits_1_while_failing_and_needs_no_secret(case):
    from fakes import Reply
    api, ntfy, cfg = one_target(case, 'token_env = "NTFY_TOKEN"')
    r = case.run("status", config=cfg)
    expect(r.rc == 0 and r.out.strip() == f"no state yet at {case.state}: no check has run with this config",
           "no table of 'never' before the first check; no token needed to read", r)
    r = case.run("check", config=cfg)
    expect(r.rc == 2 and "NTFY_TOKEN" in r.err, "a pushing command needs the secret", r)
    token = {"NTFY_TOKEN": "tk_x"}
    expect(case.run("check", config=cfg, env=token).rc == 0, "baseline")
    r = case.run("status", config=cfg)
    expect(r.rc == 0 and r.out.rstrip().endswith(f"state: {case.state}"), "the state it read", r)
    api.script("/api/v1/", Reply(500, "x", content_type="text/plain"))
    case.run("check", config=cfg, env=token)
    r = case.run("status", config=cfg)
    expect(r.rc == 1, "exit 1 while a target is failing", r)
    expect(case.run("status", config=cfg).rc == 1 and case.run("check", config=cfg, env=token).rc == 0
           and case.run("status", config=cfg).rc == 0, "0 again once it recovers")


def test_quiet_never_hides_a_config_error(case):
    cfg = case.write("c.toml", '[[target]]\nname = "a"\ntheatre = "0013"\n')
    r = case.run("-q", "check", config=cfg)
    expect(r.rc == 2 and "unknown key 'theatre'" in r.err, "-q still says why a config is refused", r)


def test_cron_mail_says_a_failure_when_it_starts_changes_and_recovers(case):
    from fakes import Reply
    api, ntfy, cfg = one_target(case)
    api.showings.append(showing(ymd(1), "018", 1, "30000774", "아바타: 불과 재", "03", "1000"))
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    five = lambda: api.script("/api/v1/", Reply(500, "x", content_type="text/plain"))
    five()
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "HTTP 500" in r.err, "said when it starts", r)
    five()
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and r.err == "", "the same cause a minute later: quiet mail, still exit 1", r)
    api.script("/api/v1/", Reply(403, "<html>blocked</html>", content_type="text/html"))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "blocked" in r.err, "said again when the cause changes", r)
    case.db("DELETE FROM host_cooldowns")
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and r.err == "alimi: a: works again after 3 failure(s) in a row\n", "said when it recovers", r)
    # A pending push: one line per run saying which notifier, since when and why.
    api.showings.append(showing(ymd(3), "018", 1, "30000774", "아바타: 불과 재", "03", "1000"))
    ntfy.script("/mine-x1", *[Reply(503, "busy", content_type="text/plain")] * 3)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "1 push(es) pending; the oldest, #1 to p, since" in r.err and "HTTP 503" in r.err, "why exit 1", r)
    case.db("UPDATE outbox SET next_attempt_at = 0")
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and r.err.count("\n") == 1 and "1 push(es) pending" in r.err, "one line, not a retry log", r)


def test_readme_cron_line_works_under_crons_path_and_matches_the_example(case):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    readme = open(os.path.join(root, "README.md"), encoding="utf-8").read()
    example = open(os.path.join(root, "examples", "crontab"), encoding="utf-8").read()
    cron = lambda text: [l for l in text.splitlines() if l.startswith("* * * * * ")]
    expect(cron(readme) and cron(readme)[0] == cron(example)[0], f"{cron(readme)} vs {cron(example)}")
    expect(cron(readme)[0].split()[5].startswith("/"), "a full path: cron's PATH lacks /usr/local/bin")
    unit = open(os.path.join(root, "examples", "alimi.service"), encoding="utf-8").read()
    expect(re.search(r"^EnvironmentFile=-?/etc/alimi/secrets.env$", unit, re.M) and "DynamicUser=yes" in unit,
           "the unit keeps secrets in a root-only environment file, as the warning advises")
    cfg = case.write("c.toml", '[[notifier]]\nname = "p"\ntopic = "mine-x1"\ntoken = "tk_secret_abcdef"\n'
                     '[[target]]\nname = "a"\ntheater = "0013"\nscreen = "imax"\n')
    os.chmod(cfg, 0o644)
    r = case.run("validate", config=cfg)
    expect(r.rc == 0 and "EnvironmentFile=" in r.err and "token_env" in r.err and "tk_secret" not in r.err, "advice", r)
