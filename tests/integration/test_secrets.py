"""Secrets never leave: a canary token and webhook token are grepped from every output of a run."""
import os
import sqlite3

from fakes import FakeDiscord, FakeLegacyCgv, FakeNtfy, Reply, ymd
from harness import expect, legacy_config

CANARY = "tk_CANARY_5ecret_9f8e7d"
HOOK = "hook-CANARY-7c6b5a"


def test_no_output_ever_contains_a_secret(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy(token="tk_the_right_one"))
    discord = case.serve(FakeDiscord(token="right-hook-token"))
    page, prom = case.path("status.html"), case.path("alimi.prom")
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, notifier_extra=f"""
token = "{CANARY}"
[[notifier]]
name = "dc"
type = "discord"
webhook_url = "{discord.url}/api/webhooks/123456/{HOOK}"
[[notifier]]
name = "short"
url = "ntfy://user:{CANARY}@127.0.0.1:{ntfy.port}/short"
[alerts]
notify = ["phone", "dc"]
after = 1
[status]
ping_url = "{discord.url}/ping/{HOOK}"
html = "{page}"
prometheus = "{prom}"
"""))
    outputs = []
    run = lambda *a: outputs.append(case.run(*a, config=cfg))
    run("-vv", "check")
    cgv.days.append(ymd(4))
    run("-vv", "check")
    cgv.script("/", Reply(200, "garbage"))
    run("-vv", "--log-format", "json", "check")
    run("-vv", "notify-test")
    for args in (("status",), ("status", "--json"), ("history",), ("history", "--json"), ("validate",),
                 ("check", "--dry-run", "--json")):
        run("-vv", *args)
    expect(any("credentials refused" in r.err for r in outputs), "the 401 path was taken")
    expect(any("Unknown Webhook" in r.err for r in outputs), "the refused webhook path was taken")
    texts = [r.out + r.err for r in outputs] + [open(page, encoding="utf-8").read(), open(prom).read()]
    con = sqlite3.connect(case.state)
    texts.append("\n".join(con.iterdump()))
    con.close()
    for t in texts:
        expect(CANARY not in t and HOOK not in t, f"a secret leaked into: {t[:2000]}")
    expect(any("discord webhook 123456" in r.err for r in outputs), "the webhook is named by its id")


def test_world_readable_config_with_a_secret_is_warned_about(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, notifier_extra=f'token = "{CANARY}"'))
    os.chmod(cfg, 0o644)
    r = case.run("validate", config=cfg)
    expect(r.rc == 0 and "other users can read it (mode 644)" in r.err and "notifier 'phone' token" in r.err, "warned", r)
    expect(CANARY not in r.err, "the warning names the key, not the value", r)
    r = case.run("check", config=cfg)
    expect(r.err == "", "cron stays quiet (the warning is for -v and interactive commands)", r)
    os.chmod(cfg, 0o600)
    r = case.run("validate", config=cfg)
    expect(r.rc == 0 and r.err == "", "no warning at 600", r)
    env_cfg = case.write("e.toml", legacy_config(cgv, ntfy, notifier_extra='token_env = "T"'))
    os.chmod(env_cfg, 0o644)
    r = case.run("validate", config=env_cfg, env={"T": CANARY})
    expect(r.rc == 0 and r.err == "", "a token from the environment is not in the file", r)
