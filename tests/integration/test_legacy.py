"""The one-shot check end to end on the legacy endpoint: build/alimi against fake CGV and ntfy."""
import json
import os

from fakes import FakeLegacyCgv, FakeNtfy, Reply, ymd
from harness import expect, legacy_config


def setup(case, **kw):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("config.toml", legacy_config(cgv, ntfy, **kw))
    return cgv, ntfy, cfg


def test_first_snapshot_is_a_silent_baseline(case):
    cgv, ntfy, cfg = setup(case)
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and r.out == "" and r.err == "", "baseline run must be quiet and succeed", r)
    expect(ntfy.messages == [], "baseline must push nothing")
    expect(case.db("SELECT count(*) FROM openings")[0][0] == 2, "baseline records both dates")


def test_new_date_is_pushed_exactly_once_with_korean_text(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    cgv.days.append(ymd(3))
    r = case.run("check", config=cfg)
    expect(r.rc == 0, "run with a new date", r)
    expect(len(ntfy.messages) == 1, f"one push, got {len(ntfy.messages)}")
    m = ntfy.messages[0]
    expect(m["title"] == "CGV 용산아이파크몰 IMAX 예매 오픈 (yongsan-imax)", f"title: {m['title']!r}")
    expect("듄-파트2" in m["message"], f"movie name in body: {m['message']!r}")
    d = ymd(3)
    expect(f"{int(d[4:6])}월 {int(d[6:])}일(" in m["message"], f"Korean date in body: {m['message']!r}")
    expect(ymd(1)[6:] + "일" not in m["message"].split("\n", 1)[-1] or ymd(1) == d, "only the new date is listed")
    expect(m["priority"] == "4", "openings are high priority")
    expect(m["sequence_id"] and m["sequence_id"].startswith("alimi-"), "a stable sequence id is sent")
    expect(m["click"].startswith("https://cgv.co.kr/cnm/movieBook/cinema?siteNo=0013"), f"click {m['click']}")
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "unchanged schedule must not push again", r)


def test_several_new_dates_make_one_sorted_push(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    cgv.days += [ymd(9), ymd(5), ymd(7)]
    case.run("check", config=cfg)
    expect(len(ntfy.messages) == 1, "one push for one target and run")
    lines = [l for l in ntfy.messages[0]["message"].split("\n") if l.startswith("• ")]
    expect(len(lines) == 3, f"three dates listed: {lines}")
    days = [int(l.split("일")[0].split(" ")[-1]) for l in lines]
    order = [int(ymd(5)[6:]), int(ymd(7)[6:]), int(ymd(9)[6:])]
    expect(days == order, f"dates sorted: {days} vs {order}")


def test_json_lines_for_new_openings(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    cgv.days.append(ymd(4))
    r = case.run("check", "--json", config=cfg)
    rows = r.json_lines()
    d = ymd(4)
    expect(len(rows) == 1 and rows[0]["target"] == "yongsan-imax", "one JSON line", r)
    expect(rows[0]["date"] == f"{d[:4]}-{d[4:6]}-{d[6:]}", f"ISO date: {rows[0]}")
    expect(rows[0]["movie"] == "듄-파트2", "Korean movie name intact")


def test_dry_run_changes_nothing(case):
    cgv, ntfy, cfg = setup(case)
    r = case.run("check", "--dry-run", config=cfg)
    expect(r.rc == 0 and not os.path.exists(case.state), "dry run on a fresh machine creates no state", r)
    case.run("check", config=cfg)
    before = case.db("SELECT key, last_seen FROM openings ORDER BY key")
    cgv.days.append(ymd(6))
    r = case.run("check", "--dry-run", "--json", config=cfg)
    expect(r.rc == 0 and len(r.json_lines()) == 1, "dry run reports the new date", r)
    expect(ntfy.messages == [] and ntfy.count() == 0, "dry run pushes nothing")
    expect(case.db("SELECT key, last_seen FROM openings ORDER BY key") == before, "dry run wrote nothing")
    case.run("check", config=cfg)
    expect(len(ntfy.messages) == 1, "the real run after the dry run still pushes")


def test_bom_and_nested_envelope_are_understood(case):
    cgv, ntfy, cfg = setup(case)
    cgv.bom = True
    cgv.nested = True
    case.run("check", config=cfg)
    cgv.days.append(ymd(8))
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "BOM + d.data.DATA parsed", r)


def test_garbage_answers_fail_and_keep_state(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    before = case.db("SELECT key FROM openings ORDER BY key")
    bad = [Reply(200, "this is not json"),
           Reply(200, json.dumps({"d": {"DATA": "<CSchedule><PlayDays><CPlayDay>"}})),
           Reply(200, json.dumps({"d": {"DATA": "<CSchedule></CSchedule>"}})),
           Reply(200, json.dumps({"x": 1}))]
    for reply in bad:
        cgv.script("/", reply)
        r = case.run("check", config=cfg)
        expect(r.rc == 1, "garbage must fail the target", r)
        expect("yongsan-imax" in r.err and "bad answer" in r.err and "\n" == r.err[-1] and r.err.count("\n") == 1,
               "one clear line naming the target", r)
    expect(case.db("SELECT key FROM openings ORDER BY key") == before, "garbage never changes known openings")
    expect(case.db("SELECT consecutive_failures FROM targets")[0][0] == 4, "failures counted")
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and ntfy.messages == [], "good answer afterwards: nothing new, no wave", r)
    expect(case.db("SELECT consecutive_failures FROM targets")[0][0] == 0, "success resets the count")


def test_empty_schedule_after_dates_loses_nothing(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    saved = cgv.days
    cgv.days = []
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and ntfy.messages == [], "empty schedule: no alert", r)
    cgv.days = saved
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and ntfy.messages == [], "dates back again: no wave of old openings", r)


def test_empty_first_answer_is_the_baseline_for_a_not_yet_open_movie(case):
    # One movie: nothing is its usual look before it goes on sale, and the answer names the
    # theater (the site answers with real data), so that look is the baseline.
    cgv, ntfy, cfg = setup(case, extra_target='movie = "20035290"')
    cgv.days = []
    case.run("check", config=cfg)
    cgv.days = [ymd(10)]
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "the first date of a new movie is pushed", r)


def test_plain_codes_are_encrypted_like_cgv(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    req = cgv.requests[0]
    body = json.loads(req.body)
    expect(req.method == "POST" and req.header("X-Requested-With") == "XMLHttpRequest", "RIA headers")
    expect(body["REQSITE"] == "x02PG4EcdFrHKluSEQQh4A==", f"REQSITE {body['REQSITE']}")
    expect(body["TheaterCd"] == "LMP+XuzWskJLFG41YQ7HGA==", f"TheaterCd {body['TheaterCd']}")
    expect(body["Subtitle_CD"] == "nG6tVgEQPGU2GvOIdnwTjg==", "empty string encrypted")
    expect(list(body)[:3] == ["REQSITE", "TheaterCd", "ISNormal"], f"field order {list(body)}")
    ua = req.header("User-Agent")
    expect(ua.startswith("alimi/") and "curl" not in ua.lower(), f"descriptive user agent {ua}")


def test_captured_params_are_sent_as_given(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("config.toml", f"""
[[notifier]]
name = "phone"
server = "{ntfy.url}"
topic = "t1"
[[target]]
name = "captured"
source = "cgv-legacy"
url = "{cgv.endpoint}"
params = {{ REQSITE = "x02PG4EcdFrHKluSEQQh4A==", TheaterCd = "LMP+XuzWskJLFG41YQ7HGA==", Language = "abc+/=" }}
""")
    r = case.run("check", config=cfg)
    expect(r.rc == 0, "captured params run", r)
    body = json.loads(cgv.requests[0].body)
    expect(body == {"REQSITE": "x02PG4EcdFrHKluSEQQh4A==", "TheaterCd": "LMP+XuzWskJLFG41YQ7HGA==",
                    "Language": "abc+/="}, f"params as given: {body}")


def test_failed_push_stays_queued_and_is_delivered_once_later(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    cgv.days.append(ymd(3))
    ntfy.script("/alerts", Reply(500, '{"code":50001,"http":500,"error":"internal error"}'))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and ntfy.messages == [] and ntfy.count("/alerts") == 1, "push failed once: exit 1", r)
    expect("phone" in r.err and "kept for the next run" in r.err, "says the push is kept", r)
    expect(case.db("SELECT count(*) FROM outbox WHERE state='pending'")[0][0] == 1, "push pending")
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "next run delivers", r)
    r = case.run("check", config=cfg)
    expect(len(ntfy.messages) == 1, "and never again", r)


def test_status_json_has_the_contract_fields(case):
    cgv, ntfy, cfg = setup(case)
    r = case.run("status", "--json", config=cfg)
    rows = json.loads(r.out)
    expect(r.rc == 0 and rows[0]["last_success_at"] is None, "never checked: null", r)
    case.run("check", config=cfg)
    rows = json.loads(case.run("status", "--json", config=cfg).out)
    row = rows[0]
    for key in ("name", "last_success_at", "consecutive_failures", "openings_known", "pending_notifications"):
        expect(key in row, f"status has {key}: {row}")
    expect(row["name"] == "yongsan-imax" and row["openings_known"] == 2 and row["consecutive_failures"] == 0, str(row))
    expect(row["last_success_at"].endswith("Z") and "T" in row["last_success_at"], "ISO 8601")
    table = case.run("status", config=cfg)
    expect(table.rc == 0 and "yongsan-imax" in table.out and "TARGET" in table.out, "table", table)


def test_notify_test_reports_the_server_answer(case):
    cgv, ntfy, cfg = setup(case)
    r = case.run("notify-test", config=cfg)
    expect(r.rc == 0 and "phone" in r.out and "msg000000001" in r.out, "prints the message id", r)
    expect(ntfy.messages[0]["title"] == "alimi 테스트 알림", "Korean test title intact")
    r = case.run("notify-test", "nosuch", config=cfg)
    expect(r.rc == 2 and "unknown notifier 'nosuch'" in r.err, "unknown notifier is a usage error", r)


def test_token_is_sent_but_never_printed(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy(token="tk_secret123"))
    cfg = case.write("config.toml", legacy_config(cgv, ntfy, notifier_extra='token_env = "MY_NTFY_TOKEN"'))
    env = {"MY_NTFY_TOKEN": "tk_secret123"}
    r = case.run("notify-test", config=cfg, env=env)
    expect(r.rc == 0 and ntfy.messages[0]["authorization"] == "Bearer tk_secret123", "bearer token sent", r)
    r = case.run("-vv", "notify-test", config=cfg, env={"MY_NTFY_TOKEN": "tk_wrongtoken"})
    expect(r.rc == 1 and "401" in r.err and "40101" in r.err, "401 explained", r)
    expect("tk_wrong" not in r.out + r.err, "token never printed", r)
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and "MY_NTFY_TOKEN" in r.err, "missing token_env is a config error", r)
