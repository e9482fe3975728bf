"""Telegram, Slack and webhook notifiers through the real binary against fakes shaped like each
service: the body each gets, a 429 held and delivered later exactly once, each refusal explained
once with its secret redacted, notify-test."""
import json
import re
import time

from fakes import FakeLegacyCgv, FakeSlack, FakeTelegram, FakeWebhook, Reply, telegram_error, ymd
from harness import expect


def config(cgv, notifier, target_extra=""):
    return f"""
[http]
timeout = 3
min_gap = 0
[[notifier]]
name = "chat"
{notifier}
[[target]]
name = "yongsan-imax"
source = "cgv-legacy"
url = "{cgv.endpoint}"
theater = "0013"
screen = "imax"
{target_extra}
"""


def opened(case, cfg, cgv, env=None):
    """A silent baseline, then one new date: the next check has exactly one push to make."""
    r = case.run("check", config=cfg, env=env)
    expect(r.rc == 0, "baseline", r)
    cgv.days.append(ymd(len(cgv.days) + 5))


def pending(case):
    return case.db("SELECT count(*) FROM outbox WHERE state = 'pending'")[0][0]


def secrets_absent(case, cfg, secret, env=None, *results):
    """The secret is in no output, no history, no stored error."""
    history = case.run("history", "--json", config=cfg, env=env)
    status = case.run("status", "--json", config=cfg, env=env)
    stored = json.dumps(case.db("SELECT last_error, title, body FROM outbox") +
                        case.db("SELECT detail FROM events"), ensure_ascii=False)
    for text in [history.out, history.err, status.out, stored] + [r.out + r.err for r in results]:
        expect(secret not in text, f"secret leaked: {text[:300]}")


def telegram_notifier(tg, chat="-1001234567890"):
    return f'type = "telegram"\nbot_token_env = "TG_TOKEN"\nchat_id = {chat}\napi = "{tg.url}"\n'


def test_telegram_push_is_escaped_html_with_a_button_held_on_429_and_sent_once(case):
    cgv = case.serve(FakeLegacyCgv())
    cgv.movie = "<듄> & 파트2"
    tg = case.serve(FakeTelegram())
    env = {"TG_TOKEN": tg.token}
    cfg = case.write("c.toml", config(cgv, telegram_notifier(tg)))
    opened(case, cfg, cgv, env)
    tg.script("/bot", telegram_error(429, "Too Many Requests: retry after 1", retry_after=1))
    held = case.run("check", config=cfg, env=env)
    expect(held.rc == 1 and "rate limited by Telegram" in held.err and pending(case) == 1, "429 holds the push", held)
    expect("telegram chat -1001234567890 via bot 123456789" in held.err, "says which chat", held)
    time.sleep(1.2)
    sent = case.run("check", config=cfg, env=env)
    expect(sent.rc == 0 and len(tg.messages) == 1 and pending(case) == 0, "delivered after retry_after", sent)
    again = case.run("check", config=cfg, env=env)
    expect(again.rc == 0 and len(tg.messages) == 1, "exactly once", again)
    msg = tg.messages[0]
    expect(msg["parse_mode"] == "HTML" and msg["chat_id"] == -1001234567890, f"chat and mode: {msg}")
    expect(msg["text"].startswith("<b>CGV 용산아이파크몰 IMAX 예매 오픈 (yongsan-imax)</b>\n"), msg["text"])
    expect("&lt;듄&gt; &amp; 파트2" in msg["text"], f"cinema text escaped: {msg['text']}")
    button = msg["reply_markup"]["inline_keyboard"][0][0]
    expect(button["text"] == "예매하기" and button["url"].startswith("https://cgv.co.kr/"), f"button {button}")
    secrets_absent(case, cfg, tg.token.split(":")[1], env, held, sent, again)


def test_telegram_refusals_are_explained_once_and_the_token_stays_secret(case):
    cgv = case.serve(FakeLegacyCgv())
    tg = case.serve(FakeTelegram())
    env = {"TG_TOKEN": tg.token}
    cfg = case.write("c.toml", config(cgv, telegram_notifier(tg, chat="777")))
    opened(case, cfg, cgv, env)
    r = case.run("check", config=cfg, env=env)
    expect(r.rc == 1 and r.err.count("refused: Telegram refused the push (HTTP 400: Bad Request: chat not found)") == 1
           and "1 push(es) pending" in r.err, "chat not found explained, and the run's one-line summary", r)
    expect("not retried until the notifier's config changes" in r.err, "held for a config change", r)
    asked = tg.count()
    r2 = case.run("check", config=cfg, env=env)
    expect(r2.rc == 1 and tg.count() == asked and r2.err == "",
           "not asked again; a held push is said once, not in every run's mail (exit 1 still)", r2)
    expect("(held until released" in case.run("-v", "check", config=cfg, env=env).err, "at -v each run")
    fixed = case.write("c.toml", config(cgv, telegram_notifier(tg)))
    r3 = case.run("check", config=fixed, env=env)
    expect(r3.rc == 0 and len(tg.messages) == 1, "the fixed chat gets the held push", r3)
    tg.blocked.add("5550001")
    blocked = case.write("b.toml", config(cgv, telegram_notifier(tg, chat="5550001")))
    r4 = case.run("notify-test", config=blocked, env=env)
    expect(r4.rc == 1 and "Forbidden: bot was blocked by the user" in r4.err, "403 explained", r4)
    wrong = {"TG_TOKEN": "123456789:AAE-wrongTelegramToken_99999999"}
    r5 = case.run("notify-test", config=fixed, env=wrong)
    expect(r5.rc == 1 and "Unauthorized" in r5.err and "wrongTelegram" not in r5.err, "401, token hidden", r5)
    r6 = case.run("notify-test", config=fixed, env=env)
    expect(r6.rc == 0 and "delivered, message id 100" in r6.out, "notify-test prints the message id", r6)
    secrets_absent(case, cfg, tg.token.split(":")[1], env, r, r2, r3, r4, r5, r6)


def test_telegram_text_is_cut_by_lines_to_4096_units_and_accepted(case):
    cgv = case.serve(FakeLegacyCgv())
    tg = case.serve(FakeTelegram())
    env = {"TG_TOKEN": tg.token}
    padding = "\\n".join(f"line {i:03} " + "x" * 70 for i in range(70))  # about 5.5 KB of ASCII
    cfg = case.write("c.toml", config(cgv, telegram_notifier(tg), f'message = "{{list}}\\n{padding}"'))
    opened(case, cfg, cgv, env)
    r = case.run("check", config=cfg, env=env)
    expect(r.rc == 0 and len(tg.messages) == 1, "the fake (4096 units, HTML) accepted it", r)
    text = tg.messages[0]["text"]
    expect(re.search(r"\n\.\.\. and [0-9]+ more lines?$", text), f"says what was cut: {text[-80:]}")


def test_slack_gets_mrkdwn_and_a_button_waits_on_429_and_explains_no_service(case):
    cgv = case.serve(FakeLegacyCgv())
    cgv.movie = "<듄> & 파트2"
    slack = case.serve(FakeSlack())
    env = {"SLACK_URL": slack.webhook_url}
    cfg = case.write("c.toml", config(cgv, 'type = "slack"\nwebhook_url_env = "SLACK_URL"\n'))
    opened(case, cfg, cgv, env)
    slack.script("/services", Reply(429, "rate_limited", headers={"Retry-After": "1"}, content_type="text/html"))
    held = case.run("check", config=cfg, env=env)
    expect(held.rc == 1 and "rate limited by Slack" in held.err and pending(case) == 1, "429 holds", held)
    expect("slack webhook T0001/B0001" in held.err, "names the webhook by its public ids", held)
    time.sleep(1.2)
    sent = case.run("check", config=cfg, env=env)
    expect(sent.rc == 0 and len(slack.messages) == 1, "delivered once Retry-After passed", sent)
    case.run("check", config=cfg, env=env)
    expect(len(slack.messages) == 1, "exactly once")
    body = slack.messages[0]
    expect("&lt;듄&gt; &amp; 파트2" in body["text"] and body["text"].startswith("*CGV"), f"mrkdwn: {body['text']}")
    button = body["blocks"][1]["elements"][0]
    expect(button["text"]["text"] == "예매하기" and button["url"].startswith("https://cgv.co.kr/"), f"{button}")
    gone = {"SLACK_URL": slack.url + "/services/T0001/B0001/XXXXremovedHook"}
    r = case.run("notify-test", config=cfg, env=gone)
    expect(r.rc == 1 and "Slack refused the push (HTTP 404: no_service)" in r.err, "no_service explained", r)
    expect("removedHook" not in r.err, "secret part hidden", r)
    refusals = [r]
    for status, word in ((404, "channel_not_found"), (410, "channel_is_archived"), (403, "action_prohibited")):
        slack.script("/services", Reply(status, word, content_type="text/html"))
        refused = case.run("notify-test", config=cfg, env=env)
        expect(refused.rc == 1 and f"Slack refused the push (HTTP {status}: {word})" in refused.err, word, refused)
        refusals.append(refused)
    ok = case.run("notify-test", config=cfg, env=env)
    expect(ok.rc == 0 and "delivered" in ok.out, "notify-test", ok)
    secrets_absent(case, cfg, "XXXXfakeSlackSecret", env, held, sent, ok, *refusals)


def test_webhook_gets_the_documented_body_with_headers_and_openings(case):
    cgv = case.serve(FakeLegacyCgv())
    hook = case.serve(FakeWebhook())
    env = {"HOOK_AUTH": "Bearer hook-secret-value"}
    notifier = (f'type = "webhook"\nurl = "{hook.url}/api/webhook/s3cretKeyPath"\n'
                'headers = { Authorization_env = "HOOK_AUTH", X-Source = "alimi" }\n')
    cfg = case.write("c.toml", config(cgv, notifier))
    opened(case, cfg, cgv, env)
    hook.script("/api", Reply(429, "{}", headers={"Retry-After": "1"}))
    held = case.run("check", config=cfg, env=env)
    expect(held.rc == 1 and "rate limited by the webhook" in held.err and pending(case) == 1, "429 holds", held)
    time.sleep(1.2)
    sent = case.run("check", config=cfg, env=env)
    expect(sent.rc == 0 and len(hook.messages) == 1, "delivered", sent)
    case.run("check", config=cfg, env=env)
    expect(len(hook.messages) == 1, "exactly once")
    body = hook.messages[0]
    expect(set(body) == {"title", "message", "priority", "target", "chain", "link", "openings"}, f"fields {body}")
    expect(body["target"] == "yongsan-imax" and body["chain"] == "cgv-legacy" and body["priority"] == 4, f"{body}")
    o = body["openings"]
    expect(len(o) == 1 and o[0]["date"] == f"{cgv.days[-1][:4]}-{cgv.days[-1][4:6]}-{cgv.days[-1][6:]}", f"{o}")
    expect(o[0]["link"].startswith("https://cgv.co.kr/") and o[0]["target"] == "yongsan-imax", f"{o}")
    last = hook.requests[-1]
    expect(last.header("Authorization") == "Bearer hook-secret-value" and last.header("X-Source") == "alimi", "headers")
    hook.script("/api", Reply(401, '{"message":"invalid key"}'))
    r = case.run("notify-test", config=cfg, env=env)
    expect(r.rc == 1 and "the webhook refused the push (HTTP 401" in r.err and "invalid key" in r.err, "401", r)
    ok = case.run("notify-test", config=cfg, env=env)
    expect(ok.rc == 0 and "webhook 127.0.0.1" in ok.out, "notify-test names the host only", ok)
    for secret in ("s3cretKeyPath", "hook-secret-value"):
        secrets_absent(case, cfg, secret, env, held, sent, r, ok)


def test_a_header_value_with_a_line_break_is_a_config_error(case):
    cgv = case.serve(FakeLegacyCgv())
    cfg = case.write("c.toml", config(cgv, 'type = "webhook"\nurl = "http://127.0.0.1:9/x"\n'
                                           'headers = { X-A = "1\\r\\nX-Injected: yes" }\n'))
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and "headers.X-A holds a line break or NUL" in r.err and "Injected" not in r.err, "refused", r)


def test_operator_alerts_reach_telegram_slack_and_webhooks_once_each(case):
    cgv = case.serve(FakeLegacyCgv())
    tg = case.serve(FakeTelegram())
    slack = case.serve(FakeSlack())
    hook = case.serve(FakeWebhook())
    env = {"TG_TOKEN": tg.token}
    cfg = case.write("c.toml", config(cgv, telegram_notifier(tg), 'notify = ["chat"]') + f"""
[[notifier]]
name = "team"
webhook_url = "{slack.webhook_url}"
type = "slack"
[[notifier]]
name = "ops"
url = "json://{hook.url[len('http://'):]}/alerts"
[alerts]
notify = ["team", "ops"]
after = 2
""")
    expect(case.run("check", config=cfg, env=env).rc == 0, "baseline")
    for _ in range(3):
        cgv.script("/", Reply(200, "garbage"))
        case.run("check", config=cfg, env=env)
    expect(len(slack.messages) == 1 and len(hook.messages) == 1, f"one alert each: {slack.messages} {hook.messages}")
    expect("yongsan-imax" in slack.messages[0]["text"] and hook.messages[0]["target"] == "yongsan-imax",
           f"{slack.messages[0]} {hook.messages[0]}")
    expect(hook.messages[0]["openings"] == [], "an alert announces no openings")
    expect(tg.messages == [], "alerts go to the operators only")
