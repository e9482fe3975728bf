"""Delivery guarantees: the outbox, ntfy's error codes, several notifiers, Discord, operator
alerts, templates. Nothing may be lost, nothing pushed twice when the notifier answered."""
import json
import signal
import subprocess
import time

from fakes import FakeDiscord, FakeLegacyCgv, FakeNtfy, Reply, ymd
from harness import expect, legacy_config


def opened(case, cfg, cgv):
    """Baseline, then one new date: the next check has exactly one push to make per notifier."""
    r = case.run("check", config=cfg)
    expect(r.rc == 0, "baseline", r)
    cgv.days.append(ymd(7))


def pending(case):
    return case.db("SELECT count(*) FROM outbox WHERE state = 'pending'")[0][0]


def test_ntfy_unreachable_for_a_run_then_delivered_exactly_once(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = FakeNtfy()
    port = ntfy.port
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    opened(case, cfg, cgv)
    ntfy.close()
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "kept for the next run" in r.err and pending(case) == 1, "queued while ntfy is down", r)
    ntfy = case.serve(FakeNtfy(port))
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1 and pending(case) == 0, "delivered when it is back", r)
    case.run("check", config=cfg)
    expect(len(ntfy.messages) == 1, "exactly once")


def test_401_is_explained_held_and_released_by_a_config_change(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy(token="tk_goodtoken"))
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, notifier_extra='token = "tk_badtoken"'))
    opened(case, cfg, cgv)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "credentials refused (HTTP 401, code 40101" in r.err, "401 explained with the code", r)
    expect("not retried until the notifier's config changes" in r.err, "says it waits for a config change", r)
    expect("tk_bad" not in r.out + r.err and "tk_good" not in r.out + r.err, "no token printed", r)
    sent = ntfy.count()
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and ntfy.count() == sent, "not retried while the config is unchanged", r)
    status = case.run("status", "--json", config=cfg)
    expect(json.loads(status.out)[0]["pending_notifications"] == 1 and "tk_" not in status.out, "pending, no token", status)
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, notifier_extra='token = "tk_goodtoken"'))
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "fixed token: delivered at once", r)


def test_daily_quota_holds_the_push_for_an_hour(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    opened(case, cfg, cgv)
    ntfy.script("/alerts", Reply(429, '{"code":42908,"http":429,"error":"limit reached: daily message quota reached"}'))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "daily message quota reached" in r.err and "42908" in r.err, "quota explained", r)
    held = case.db("SELECT next_attempt_at - strftime('%s','now') FROM outbox WHERE state='pending'")[0][0]
    expect(3500 <= held <= 3600, f"held about an hour: {held}s")
    sent = ntfy.count()
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and ntfy.count() == sent, "no request while held", r)


def test_413_is_refused_plainly(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    opened(case, cfg, cgv)
    ntfy.script("/alerts", Reply(413, '{"code":41301,"http":413,"error":"too large"}'))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "request refused (HTTP 413, code 41301: too large)" in r.err, "413 named", r)


def test_slow_ntfy_costs_a_timeout_then_delivers_once(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, http="timeout = 1\nmin_gap = 0\n"))
    opened(case, cfg, cgv)
    ntfy.script("/alerts", Reply(200, "{}", delay=5))
    r = case.run("check", config=cfg, timeout=30)
    expect(r.rc == 1 and "timeout" in r.err and r.seconds < 4, "timeout, kept", r)
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "delivered by the next run", r)


def test_kill_during_delivery_repeats_at_most_once_with_the_same_sequence_id(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, http="timeout = 20\nmin_gap = 0\n"))
    opened(case, cfg, cgv)
    ntfy.hang_after_store = 10
    env = {"ALIMI_CONFIG": cfg, "ALIMI_STATE": case.state, "HOME": case.tmp}
    p = subprocess.Popen([case.alimi, "check"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not ntfy.messages and time.monotonic() < deadline:
        time.sleep(0.02)
    p.send_signal(signal.SIGKILL)
    p.wait()
    expect(len(ntfy.messages) == 1, "the push reached ntfy before the kill")
    ntfy.hang_after_store = 0
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 2, "the unconfirmed push is sent again", r)
    seq = {m["sequence_id"] for m in ntfy.messages}
    expect(len(seq) == 1 and seq.pop().startswith("alimi-"), "same sequence id: a repeat replaces on the phone")
    r = case.run("check", config=cfg)
    expect(len(ntfy.messages) == 2, "and never a third time", r)
    expect(case.db("PRAGMA integrity_check")[0][0] == "ok", "database intact")


def test_each_notifier_has_its_own_delivery_state(case):
    cgv = case.serve(FakeLegacyCgv())
    public = case.serve(FakeNtfy())
    private = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, public, notifier_extra=f"""
[[notifier]]
name = "private"
server = "{private.url}"
topic = "mine"
"""))
    opened(case, cfg, cgv)
    private.script("/mine", Reply(503, "down", content_type="text/plain"))  # tried once a run
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and len(public.messages) == 1 and private.messages == [], "public delivered, private pending", r)
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(public.messages) == 1 and len(private.messages) == 1, "only the pending one resent", r)


def test_discord_webhook_gets_an_embed_and_its_token_stays_secret(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    discord = case.serve(FakeDiscord())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, notifier_extra=f"""
[[notifier]]
name = "discord"
type = "discord"
webhook_url = "{discord.webhook_url}"
"""))
    opened(case, cfg, cgv)
    discord.script("/api/webhooks", Reply(429, '{"message":"You are being rate limited.","retry_after":0.2,"global":false}'))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "rate limited by Discord" in r.err, "429 understood", r)
    expect(discord.token not in r.out + r.err and "discord webhook 123456" in r.err, "token hidden, id shown", r)
    time.sleep(1.2)  # retry_after 0.2 s, kept at whole-second resolution
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(discord.messages) == 1, "delivered after retry_after", r)
    embed = discord.messages[0]["embeds"][0]
    expect(embed["title"] == "CGV 용산아이파크몰 IMAX 예매 오픈 (yongsan-imax)", f"embed {embed}")
    expect(embed["url"].startswith("https://cgv.co.kr/"), "click URL")
    expect(discord.requests[-1].header("User-Agent").startswith("alimi/"), "User-Agent sent")
    bad = case.write("bad.toml", legacy_config(cgv, ntfy, notifier_extra=f"""
[[notifier]]
name = "discord"
type = "discord"
webhook_url = "{discord.url}/api/webhooks/123456/wrong-token-value"
"""))
    r = case.run("notify-test", "discord", config=bad)
    expect(r.rc == 1 and "Unknown Webhook" in r.err and "wrong-token-value" not in r.err, "refusal explained, no token", r)
    r = case.run("notify-test", "discord", config=cfg)
    expect(r.rc == 0 and "1100000002" in r.out, "notify-test prints Discord's message id", r)


def test_operator_alert_after_three_failures_and_one_recovery(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    admin = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, notifier_extra=f"""
[[notifier]]
name = "admin"
server = "{admin.url}"
topic = "ops"
[alerts]
notify = ["admin"]
after = 3
""", extra_target='notify = ["phone"]'))
    case.run("check", config=cfg)
    for i in range(5):
        cgv.script("/", Reply(200, "garbage"))
        r = case.run("check", config=cfg)
        expect(r.rc == 1, f"failure {i + 1}", r)
        expect(len(admin.messages) == (0 if i < 2 else 1), f"after failure {i + 1}: {len(admin.messages)} alerts")
    alert = admin.messages[0]
    expect("yongsan-imax" in alert["title"] and "3" in alert["title"] and "bad answer" in alert["message"], f"{alert}")
    expect(ntfy.messages == [], "alerts go to the operator only")
    for _ in range(2):
        r = case.run("check", config=cfg)
        expect(r.rc == 0, "recovered", r)
    expect(len(admin.messages) == 2 and "복구" in admin.messages[1]["title"], f"one recovery: {[m['title'] for m in admin.messages]}")


def test_apprise_url_basic_auth_markdown_and_icon(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy(token="tk_fromurl"))
    other = case.serve(FakeNtfy())
    other.basic = ("me", "pa:ss")
    cfg = case.write("c.toml", f"""
[http]
min_gap = 0
[[notifier]]
name = "short"
url = "ntfy://tk_fromurl@127.0.0.1:{ntfy.port}/short-topic"
[[notifier]]
name = "basic"
server = "{other.url}"
topic = "b"
user = "me"
password_env = "NTFY_PASSWORD"
markdown = true
icon = "https://example.com/icon.png"
[[target]]
name = "t"
source = "cgv-legacy"
url = "{cgv.endpoint}"
theater = "0013"
""")
    env = {"NTFY_PASSWORD": "pa:ss"}
    r = case.run("notify-test", config=cfg, env=env)
    expect(r.rc == 0 and len(ntfy.messages) == 1 and len(other.messages) == 1, "both delivered", r)
    expect(ntfy.messages[0]["topic"] == "short-topic" and ntfy.messages[0]["authorization"] == "Bearer tk_fromurl", "url parsed")
    expect(other.messages[0]["markdown"] == "yes" and other.messages[0]["icon"] == "https://example.com/icon.png", "headers")
    expect("tk_fromurl" not in r.out + r.err and "pa:ss" not in r.out + r.err, "no secrets printed", r)


def test_templates_fill_named_fields(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, extra_target="""
push_title = "{{alimi}} {movie}: {count}개 날짜 오픈"
message = "{theater} {screen}\\n{dates}"
"""))
    opened(case, cfg, cgv)
    case.run("check", config=cfg)
    m = ntfy.messages[0]
    expect(m["title"] == "{alimi} 듄-파트2: 1개 날짜 오픈", f"title {m['title']!r}")
    d = ymd(7)
    expect(m["message"].startswith("CGV 용산아이파크몰 IMAX\n") and f"{int(d[4:6])}월 {int(d[6:])}일" in m["message"], m["message"])
    bad = case.write("bad.toml", legacy_config(cgv, ntfy, extra_target='push_title = "{film}"'))
    r = case.run("validate", config=bad)
    expect(r.rc == 2 and "unknown field 'film'" in r.err, "unknown template field is a config error", r)


def test_undelivered_pushes_are_dropped_after_the_configured_age(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy) + "\n[delivery]\ngive_up_after = 3600\n")
    opened(case, cfg, cgv)
    ntfy.script("/alerts", *[Reply(503, "down", content_type="text/plain")] * 3)
    case.run("check", config=cfg)
    case.db("UPDATE outbox SET created_at = created_at - 7200, next_attempt_at = 0")
    con_rows = case.db("SELECT count(*) FROM outbox")
    ntfy.script("/alerts", *[Reply(503, "down", content_type="text/plain")] * 3)
    r = case.run("check", config=cfg)
    expect(con_rows[0][0] == 1 and "dropped, undelivered since" in r.err, "drop is said", r)
    row = json.loads(case.run("status", "--json", config=cfg).out)[0]
    expect(row["pending_notifications"] == 0 and row["dropped_notifications"] == 1, f"status {row}")
    expect(r.rc == 0, "nothing pending any more", r)
