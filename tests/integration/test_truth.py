"""Issue 14: every push says what opened, and no target watches nothing in silence."""
import json

from fakes import FakeCgvApi, FakeNtfy, showing, ymd
from harness import expect
from test_cgv import AVATAR


def test_a_target_that_pushes_nowhere_must_say_notify_none(case):
    api = case.serve(FakeCgvApi())
    target = f'[cgv]\napi = "{api.api}"\n[[target]]\nname = "a"\ntheater = "0013"\nscreen = "imax"\n'
    r = case.run("validate", config=case.write("a.toml", target))
    expect(r.rc == 2 and "target 'a': no [[notifier]] to push to" in r.err and 'notify = "none"' in r.err, "said", r)
    api.showings.append(showing(ymd(1), "018", 1, *AVATAR, "03", "1000", 624, 624))
    cfg = case.write("b.toml", target + 'notify = "none"\n')
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    api.showings.append(showing(ymd(2), "018", 1, *AVATAR, "03", "1000", 624, 624))
    r = case.run("check", "--json", config=cfg)
    expect(r.rc == 0 and [o["date"] for o in r.json_lines()] == [f"{ymd(2)[:4]}-{ymd(2)[4:6]}-{ymd(2)[6:]}"],
           "a --json pipeline sees the opening", r)
    expect(case.db("SELECT count(*) FROM outbox")[0][0] == 0, "and nothing is queued")


ZOOTOPIA = ("30000801", "주토피아 2")


def test_a_whole_screen_push_groups_by_movie_names_halls_and_ends_with_the_day_page(case):
    from test_cgv import config
    api = case.serve(FakeCgvApi())
    ntfy = case.serve(FakeNtfy())
    # Yongsan has two SCREENX halls; the baseline knows one showing in each.
    api.showings += [showing(ymd(1), "014", 1, *AVATAR, "04", "0900", hall_nm="14관 SCREENX"),
                     showing(ymd(1), "004", 1, *AVATAR, "04", "0930", hall_nm="SCREENX관")]
    cfg = case.write("c.toml", config(api, ntfy, 'name = "yongsan-sx"\ntheater = "0013"\nscreen = "screenx"'))
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    api.showings += [showing(ymd(2), "014", 1, *ZOOTOPIA, "04", "1000", 300, 300, hall_nm="14관 SCREENX"),
                     showing(ymd(1), "004", 2, *AVATAR, "04", "1300", 200, 212, hall_nm="SCREENX관"),
                     showing(ymd(2), "004", 1, *AVATAR, "04", "1100", hall_nm="SCREENX관"),
                     showing(ymd(1), "014", 2, *ZOOTOPIA, "04", "1500", hall_nm="14관 SCREENX")]
    r = case.run("check", "--json", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "one push", r)
    m = ntfy.messages[0]
    day = lambda d: f"{int(ymd(d)[4:6])}월 {int(ymd(d)[6:])}일("
    lines = m["message"].split("\n")
    heads = [l for l in lines if " · " in l and not l.startswith("  ")]
    expect([h.split(" · ")[0] for h in heads] == ["아바타: 불과 재", "아바타: 불과 재", "주토피아 2", "주토피아 2"]
           and len(set(heads)) == 4 and day(1) in heads[0] and day(2) in heads[1], f"per movie, then date: {lines}")
    expect(lines[1] == "  13:00 SCREENX관 200/212", f"two halls of the type: each showing names its hall: {lines}")
    expect(m["title"] == "CGV 용산아이파크몰 SCREENX 4회차 예매 오픈 (yongsan-sx)", f"the chain's name once: {m['title']}")
    expect(lines[-1].startswith("https://cgv.co.kr/cnm/movieBook/cinema?siteNo=0013") and f"scnYmd={ymd(1)}" in lines[-1],
           f"ends with the booking page of the theater's date: {lines[-1]}")
    expect("scnsNo=004&scnSseq=2" in m["click"] and f"scnYmd={ymd(1)}" in m["click"], f"click opens the first new showing: {m['click']}")
    rows = r.json_lines()
    expect({o["hall"] for o in rows} == {"SCREENX관", "14관 SCREENX"} and {o["screen"] for o in rows} == {"screenx"}, f"{rows}")
    h = case.run("history", config=cfg).out
    expect(all(f"    {l.strip()}\n" in h for l in lines), f"history shows the push as it was sent: {h}")


def test_show_lists_definition_knowledge_health_and_pending_pushes(case):
    from fakes import Reply
    from test_cgv import screen_setup
    api, ntfy, cfg = screen_setup(case, days=(1,))
    api.showings.append(showing(ymd(1), "018", 2, *AVATAR, "03", "1300", 600, 624))
    ntfy.script("/cgv", Reply(503, "busy", content_type="text/plain"))
    expect(case.run("check", config=cfg).rc == 1, "a push waits")
    r = case.run("show", "yongsan-imax", config=cfg)
    expect(r.rc == 0 and "yongsan-imax (cgv): CGV" in r.out and "imax" in r.out and "pushes to phone" in r.out, "definition", r)
    expect("known: 2 opening(s)" in r.out and "(baseline)" in r.out and "13:00  아바타: 불과 재  IMAX관  600/624" in r.out,
           "what it knows, with first seen", r)
    expect("pending pushes: 1" in r.out and "to phone" in r.out and "HTTP 503" in r.out, "the waiting push and why", r)
    j = json.loads(case.run("show", "yongsan-imax", "--json", config=cfg).out)
    expect(j["name"] == "yongsan-imax" and j["chain"] == "cgv" and j["pending_notifications"] == 1
           and len(j["openings"]) == 2 and all("first_seen_at" in o for o in j["openings"])
           and {o["time"] for o in j["openings"]} == {"10:00", "13:00"}, f"{j}")
    r = case.run("show", "nope", config=cfg)
    expect(r.rc == 2 and "unknown target 'nope'" in r.err, "an unknown target is a usage error", r)


def test_test_fetches_now_prints_the_push_and_changes_nothing(case):
    from fakes import Reply
    from test_cgv import screen_setup
    api, ntfy, cfg = screen_setup(case, days=(1,))
    api.showings.append(showing(ymd(2), "018", 1, *AVATAR, "03", "1100", 624, 624))
    before = case.db("SELECT count(*) FROM openings")[0][0], len(api.requests)
    r = case.run("test", "yongsan-imax", config=cfg)
    expect(r.rc == 0 and "1 new compared with the state; the push would be:" in r.out
           and "CGV 용산아이파크몰 IMAX 예매 오픈 (yongsan-imax)" in r.out and "11:00 624/624" in r.out, "what it sees", r)
    expect(case.db("SELECT count(*) FROM openings")[0][0] == before[0] and ntfy.messages == [], "nothing stored or pushed")
    expect(len(api.requests) > before[1], "it did fetch")
    j = json.loads(case.run("test", "yongsan-imax", "--json", config=cfg).out)
    expect(j["ok"] and not j["baseline"] and [o["time"] for o in j["new"]] == ["11:00"]
           and j["push"]["title"].startswith("CGV 용산아이파크몰"), f"{j}")
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "the next check still pushes it: test used nothing up", r)
    # On the day pages, which every run asks (a failed tripwire would fail nothing).
    api.script("/api/v1/booking/searchMovScnInfo",
               Reply(429, "error code: 1015", content_type="text/plain", headers={"Retry-After": "600"}))
    expect(case.run("check", config=cfg).rc == 1, "now cooling down")
    n = len(api.requests)
    r = case.run("test", "yongsan-imax", config=cfg)
    expect(r.rc == 1 and "cooling down" in r.err and len(api.requests) == n, "polite: no request inside a cool-down", r)


def test_validate_online_names_codes_the_site_does_not_know(case):
    from test_cgv import config
    api = case.serve(FakeCgvApi())
    ntfy = case.serve(FakeNtfy())
    api.showings.append(showing(ymd(2), "018", 1, *AVATAR, "03", "1000"))
    cfg = case.write("c.toml", config(api, ntfy, 'name = "good"\ntheater = "0013"\nscreen = "imax"\nmovie = "30000774"')
                     + '[[target]]\nname = "typo"\ntheater = "0031"\nscreen = "imax"\n'
                     + '[[target]]\nname = "nomovie"\ntheater = "0056"\nmovie = "39999999"\n'
                     + '[[target]]\nname = "no4dx"\ntheater = "0013"\nscreen = "4dx"\n')
    r = case.run("validate", config=cfg)
    expect(r.rc == 0, "offline the config is fine", r)
    r = case.run("validate", "--online", config=cfg)
    lines = [l for l in r.err.strip().split("\n") if "warning" not in l and "note" not in l]
    expect(r.rc == 2 and len(lines) == 1, "one problem", r)
    notes = [l for l in r.err.split("\n") if "note" in l]
    expect(len(notes) == 1 and "target 'nomovie': note: CGV lists no bookable movie '39999999'" in notes[0],
           f"a movie not bookable yet is a note, not a typo (issue 28 point 5): {notes}")
    warnings = [l for l in r.err.split("\n") if "warning" in l]
    expect(len(warnings) == 1 and "target 'no4dx': warning: CGV shows no 4DX at theater 0013" in warnings[0],
           f"a screen the theater shows nothing on is a warning: {warnings}")
    expect(":18: target 'typo': CGV lists no theater '0031'" in lines[0] and "alimi theaters" in lines[0], f"{lines}")
    lists = [q.path for q in api.requests if q.path.endswith(("searchRegnList", "searchAtktTopPostrList"))]
    expect(lists.count("/api/v1/booking/searchRegnList") == 1, f"each list asked once: {lists}")


def test_an_empty_first_look_at_an_unknown_theater_is_said_once(case):
    from test_cgv import config
    api = case.serve(FakeCgvApi())
    ntfy = case.serve(FakeNtfy())
    page = case.path("s.html")
    cfg = case.write("c.toml", config(api, ntfy, 'name = "typo"\ntheater = "0031"\nscreen = "imax"',
                                      f'[status]\nhtml = "{page}"'))
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and "typo: warning: the first look found nothing, and CGV lists no theater 0031" in r.err, "said", r)
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and r.err == "", "once", r)
    expect("lists no theater 0031" in case.run("history", config=cfg).out, "in history")
    expect("lists no theater 0031" in open(page, encoding="utf-8").read(), "on the status page")
