"""Reliability round 2 (issue 13): pushes that must go out exactly once under lost answers,
repeated attempts and config edits, and configs that must be refused. Each test failed before
its fix."""
import datetime
import json
import os
import re
import subprocess
import time

from fakes import KST, FakeCgvApi, FakeLegacyCgv, FakeNtfy, Reply, legacy_xml, showing, ymd
from harness import expect, legacy_config
from test_reliability import FAKETIME, faked


def opened(case, cfg, cgv, env=None):
    r = case.run("check", config=cfg, env=env)
    expect(r.rc == 0, "baseline", r)
    cgv.days.append(ymd(9))


def pending(case):
    return case.db("SELECT count(*) FROM outbox WHERE state = 'pending'")[0][0]


def test_a_push_whose_answer_is_lost_is_not_sent_again_in_the_same_run(case):
    """Case 5: a 502 from a proxy may come after ntfy stored the push. Re-sending it within the
    run would double it; the next run sends it once more with the same sequence id."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    opened(case, cfg, cgv)
    ntfy.script("/alerts", Reply(502, "<html>bad gateway</html>", content_type="text/html"))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and ntfy.count("/alerts") == 1 and pending(case) == 1, "one POST, kept", r)
    r = case.run("check", config=cfg)
    posts = [q for q in ntfy.requests if q.path == "/alerts"]
    expect(r.rc == 0 and len(posts) == 2 and len(ntfy.messages) == 1, "the next run delivers", r)
    ids = {q.header("X-Sequence-ID") for q in posts}
    expect(len(ids) == 1 and None not in ids, f"the same sequence id both times: {ids}")


def test_a_pending_push_is_tried_once_per_run(case):
    """Case 6: a push left by an earlier run is tried when a run starts; failing, it must not be
    tried again when the same run delivers its own pushes."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    opened(case, cfg, cgv)
    ntfy.script("/alerts", *[Reply(503, "busy", content_type="text/plain")] * 4)
    case.run("check", config=cfg)
    expect(ntfy.count("/alerts") == 1, f"first run: one try, saw {ntfy.count('/alerts')}")
    case.db("UPDATE outbox SET next_attempt_at = 0")  # due again at once, whatever the backoff
    r = case.run("check", config=cfg)
    expect(ntfy.count("/alerts") == 2 and pending(case) == 1, f"second run: one more try, saw {ntfy.count('/alerts')}", r)


def test_a_push_for_a_removed_notifier_is_kept_until_give_up_after(case):
    """Case 3: renaming or removing a notifier while a push waits for it keeps the push (and says
    so, exit 1) instead of dropping it at once with exit 0."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    pager = FakeNtfy()
    port = pager.port
    pager.close()
    two = legacy_config(cgv, ntfy, notifier_extra=f'[[notifier]]\nname = "pager"\nserver = "http://127.0.0.1:{port}"\ntopic = "p"\n')
    cfg = case.write("c.toml", two)
    opened(case, cfg, cgv)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and len(ntfy.messages) == 1 and pending(case) == 1, "pager unreachable: pending", r)
    one = case.write("c.toml", legacy_config(cgv, ntfy))
    r = case.run("check", config=one)
    expect(r.rc == 1 and "notifier 'pager' is no longer configured" in r.err and "kept" in r.err, "kept, said", r)
    expect(pending(case) == 1, "not dropped")
    status = json.loads(case.run("status", "--json", config=one).out)
    expect(status[0]["pending_notifications"] == 1, f"status shows it: {status}")
    r = case.run("check", config=one)
    expect(r.rc == 1 and "kept" not in r.err and r.err.count("\n") == 1 and "1 push(es) pending" in r.err,
           "said once; later runs only the run's one-line summary", r)
    pager = case.serve(FakeNtfy(port))
    r = case.run("check", config=case.write("c.toml", two))
    expect(r.rc == 0 and len(pager.messages) == 1 and pending(case) == 0, "delivered when it is back", r)
    case.db("INSERT INTO outbox(target, notifier, created_at, title, body, next_attempt_at) "
            "VALUES('yongsan-imax', 'gone', 0, 't', 'b', 0)")
    r = case.run("check", config=one)
    expect("dropped: notifier 'gone' is no longer configured" in r.err and pending(case) == 0,
           "dropped once give_up_after has passed", r)


def test_a_notifier_listed_twice_is_a_config_error(case):
    """Case 8: notify = ["phone", "phone"] would push every opening twice to one place."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, extra_target='notify = ["phone", "phone"]'))
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and "target 'yongsan-imax': notify names 'phone' twice" in r.err, "refused", r)
    alerts = case.write("a.toml", legacy_config(cgv, ntfy) + '\n[alerts]\nnotify = ["phone", "phone"]\n')
    r = case.run("validate", config=alerts)
    expect(r.rc == 2 and "[alerts] notify names 'phone' twice" in r.err, "refused for alerts too", r)


def test_a_secret_with_a_line_break_is_a_config_error_and_never_quoted(case):
    """Case 17: a token with CR/LF would add a header of the attacker's choosing."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, notifier_extra='token_env = "NTFY_TOKEN"'))
    r = case.run("validate", config=cfg, env={"NTFY_TOKEN": "tk_abc\r\nX-Injected: yes"})
    expect(r.rc == 2 and "the value of NTFY_TOKEN holds a line break or NUL" in r.err, "refused", r)
    expect("Injected" not in r.err and "tk_abc" not in r.err, "the value is not quoted", r)
    inline = case.write("i.toml", legacy_config(cgv, ntfy, notifier_extra='password = "pw\\nX-A: 1"\nuser = "me"'))
    r = case.run("validate", config=inline)
    expect(r.rc == 2 and "password holds a line break or NUL" in r.err and "X-A" not in r.err, "inline too", r)


def test_a_huge_retry_after_is_clamped_to_a_day_and_its_end_named_by_date(case):
    """Case 9: Retry-After in seconds or as a date far away silences a host for a day at most,
    and a wait that ends on another day says which."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    case.run("check", config=cfg)
    for retry_after in ("999999999", "Wed, 21 Oct 2099 07:28:00 GMT"):
        case.db("DELETE FROM host_cooldowns")
        cgv.script("/", Reply(429, "slow down", headers={"Retry-After": retry_after}, content_type="text/plain"))
        start = time.time()
        r = case.run("-v", "check", config=cfg)
        until = case.db("SELECT until FROM host_cooldowns")[0][0]
        expect(r.rc == 1 and start + 86400 - 5 <= until <= time.time() + 86400 + 1, f"a day at most: {until - start}", r)
        expect(re.search(r"cooling down until 20\d\d-\d\d-\d\d \d\d:\d\d KST", r.err), "the end is dated", r)


def test_a_cool_down_counts_from_when_the_429_arrived(case):
    """Case 10: a 429 that arrives late in a run must not have its wait shortened by the time
    the run had already spent."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    case.run("check", config=cfg)
    cgv.script("/", Reply(429, "slow down", headers={"Retry-After": "3"}, content_type="text/plain", delay=2.0))
    start = time.time()
    r = case.run("check", config=cfg)
    until = case.db("SELECT until FROM host_cooldowns")[0][0]
    expect(r.rc == 1 and until >= start + 2 + 3 - 1, f"3 s from the answer, not from the start: {until - start:.1f}", r)


def test_a_clock_jumping_forward_over_midnight_does_not_forget_today(case):
    """Case 11: pruning under a clock a day ahead must keep today's openings, or they come back
    as news when the clock does."""
    expect(os.path.exists(FAKETIME), "libfaketime installed (scripts/test installs faketime)")
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cgv.days = [ymd(0), ymd(1)]
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    kst_now = datetime.datetime.now(KST)
    midnight = (kst_now + datetime.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    r = case.run("prune", config=cfg, env=faked(int((midnight - kst_now).total_seconds()) + 60))
    expect(r.rc == 0 and case.db("SELECT count(*) FROM openings WHERE date = ?", f"{ymd(0)[:4]}-{ymd(0)[4:6]}-{ymd(0)[6:]}")[0][0] == 1,
           "today's opening kept", r)
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and ntfy.messages == [], "no false alert when the clock is back", r)


def test_check_json_without_a_reader_still_delivers_and_exits_1(case):
    """Case 15: `alimi check --json | head -0` must not kill the run before its pushes go out."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    opened(case, cfg, cgv)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        p = subprocess.run([case.alimi, "check", "--json"], stdout=write_end, stderr=subprocess.PIPE,
                           env=case.env(cfg), timeout=30)
    finally:
        os.close(write_end)
    err = p.stderr.decode()
    expect(p.returncode == 1 and "stdout is closed" in err, f"said, exit 1: rc={p.returncode} {err!r}")
    expect(len(ntfy.messages) == 1 and pending(case) == 0, "the push went out anyway")
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "and only once", r)


def test_a_hostile_deeply_dotted_toml_key_is_a_config_error_not_a_crash(case):
    """Case 19: 100 KB of a.a.a... made the TOML parser recurse until the stack overflowed."""
    cfg = case.write("c.toml", "a" + ".a" * 50000 + " = 1\n")
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and r.err == f"alimi: {cfg}:1: a key nested deeper than 64 levels\n", "refused in one line", r)


def test_a_target_edited_under_the_same_name_takes_a_silent_new_baseline(case):
    """Case 2: pointing a target at another theater must not push that theater's whole schedule,
    and what was known for the old one must not hide the new one's openings."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    expect(case.run("check", config=cfg).rc == 0, "baseline at 0013")
    cgv.days = [ymd(1), ymd(2), ymd(3), ymd(4)]  # the other theater's schedule
    moved = case.write("c.toml", legacy_config(cgv, ntfy).replace('theater = "0013"', 'theater = "0014"'))
    r = case.run("-v", "check", config=moved)
    expect(r.rc == 0 and ntfy.messages == [], "no push of the new theater's schedule", r)
    expect(r.err.count("now watches cgv-legacy|0014|imax") == 1 and "silent baseline" in r.err, "said once with -v", r)
    history = json.loads(case.run("history", "--json", config=moved).out)
    expect(any(e["kind"] == "baseline" and "0014" in e["detail"] for e in history), f"in history: {history}")
    r = case.run("-v", "check", config=moved)
    expect("now watches" not in r.err, "said once, not every run", r)
    cgv.days.append(ymd(5))
    r = case.run("check", config=moved)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "the next new date is pushed", r)


def test_a_symlinked_state_shares_the_lock_of_the_file_it_leads_to(case):
    """Case 4: two paths to one state must not let two checks run at once."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    real = case.path("real.db")
    link = case.path("link.db")
    expect(case.run("--state", real, "check", config=cfg).rc == 0, "baseline")
    os.symlink(real, link)
    cgv.delay = lambda: 1.5
    first = subprocess.Popen([case.alimi, "--state", real, "check"], env=case.env(cfg),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.5)
    second = case.run("--state", link, "check", config=cfg)
    first.wait(timeout=30)
    expect(first.returncode == 0 and second.rc == 0, f"both ran: {first.returncode}", second)
    expect(cgv.max_in_flight == 1, f"one at a time: {cgv.max_in_flight} requests overlapped")
    # The lock is the database file's own (flock on its inode): no lock file beside either name.
    expect(not os.path.exists(real + ".lock") and not os.path.exists(link + ".lock"), "one lock, the file's")


def test_thirty_two_racing_first_runs_all_migrate_cleanly(case):
    """Case 4: migrations run under the lock and re-read the schema version, so a crowd of first
    runs never fails with 'table ... already exists'."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    state = case.path("fresh/state.db")
    procs = [subprocess.Popen([case.alimi, "--state", state, "check"], env=case.env(cfg),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for _ in range(32)]
    results = [(p.wait(timeout=120), p.stderr.read().decode()) for p in procs]
    bad = [(rc, err) for rc, err in results if rc not in (0, 1) or "already exists" in err]
    expect(bad == [], f"{len(bad)} runs failed: {bad[:3]}")
    expect(sum(1 for rc, _ in results if rc == 0) >= 1, f"some ran: {[rc for rc, _ in results]}")


def test_a_push_redirected_to_https_is_not_turned_into_a_get_nor_called_blocked(case):
    """Case 20: an http:// ntfy answering 301 to https:// must not get a GET of the topic (which
    reads messages) and must say where to point the notifier."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    opened(case, cfg, cgv)
    ntfy.script("/alerts", Reply(301, "", headers={"Location": f"{ntfy.url}/alerts?moved=1"}))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and f"redirected (HTTP 301) to {ntfy.url}/alerts; use that as the address" in r.err,
           "says where to", r)
    expect("blocked" not in r.err and [q.method for q in ntfy.requests] == ["POST"], f"one POST, no GET: {[q.method for q in ntfy.requests]}", r)


def test_a_surrogate_reference_in_a_cinema_name_never_poisons_the_outbox(case):
    """Case 21: &#xD800; in a legacy answer's movie name became bytes that are not UTF-8, so ntfy
    refused the push forever. Every text entering a push is made valid UTF-8 instead."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    opened(case, cfg, cgv)
    body = json.dumps({"d": {"DATA": legacy_xml(cgv.days, movie="듄&#xD800;파트2")}})
    cgv.script("/", Reply(200, body))
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "delivered", r)
    message = ntfy.messages[0]["message"]
    expect(re.search("듄\ufffd+파트2", message), f"replaced, not rejected: {message!r}")


def test_discovery_output_is_filtered_like_check_output_and_titles_are_capped(case):
    """Case 18: server-supplied names may carry terminal escapes; a template may make a title of
    kilobytes. Neither reaches the terminal or a header whole."""
    api = case.serve(FakeCgvApi())
    api.sites.append(("서울\x1b[31m", "0999", "CGV \x1b]0;owned\x07evil"))
    r = case.run("theaters", "0999", "--api", api.api)
    expect(r.rc == 0 and "\x1b" not in r.out and "\x07" not in r.out and "0999" in r.out, f"filtered: {r.out!r}", r)
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, extra_target=f'push_title = "{"가" * 3000}"'))
    opened(case, cfg, cgv)
    r = case.run("check", config=cfg)
    title = ntfy.requests[-1].header("X-Title") or ""
    expect(r.rc == 0 and len(ntfy.messages) == 1 and len(title) < 1000, f"title header of {len(title)} bytes", r)


def test_a_showing_inserted_before_others_in_a_hall_is_not_hidden_by_renumbering(case):
    """Case 22: CGV renumbers a hall's sequence when an earlier showing is inserted. Keyed by
    sequence, the new 09:00 showing took the old 10:00's key (hidden) and the 10:00 looked new."""
    from test_cgv import AVATAR, screen_setup
    api, ntfy, cfg = screen_setup(case, days=(1,))
    api.showings.clear()
    api.showings += [showing(ymd(1), "018", 1, *AVATAR, "03", "0900", 624, 624),
                     showing(ymd(1), "018", 2, *AVATAR, "03", "1000", 624, 624)]
    r = case.run("check", "--json", config=cfg)
    expect(r.rc == 0 and [o["time"] for o in r.json_lines()] == ["09:00"], "only the new showing", r)
    expect(len(ntfy.messages) == 1 and "09:00" in ntfy.messages[0]["message"]
           and "10:00" not in ntfy.messages[0]["message"], f"{[m['message'] for m in ntfy.messages]}")


def test_invalid_utf8_in_a_row_the_target_filters_out_does_not_fail_it(case):
    """Case 14: one bad byte in another venue's or another hall's row failed the whole page, and
    with it the target. Only the rows a target keeps must be valid UTF-8."""
    from test_cgv import AVATAR, screen_setup
    api, ntfy, cfg = screen_setup(case, days=(1,))
    api.raw_bytes = {"BAD-NAME": b"\xc0\xaf\xff"}
    api.showings += [showing(ymd(1), "018", 2, *AVATAR, "03", "1300", 624, 624),
                     showing(ymd(1), "001", 1, *AVATAR, "02", "1100", hall_nm="BAD-NAME"),
                     showing(ymd(1), "002", 1, *AVATAR, "03", "1200", site="P013", site_nm="BAD-NAME")]
    r = case.run("check", "--json", config=cfg)
    expect(r.rc == 0 and [o["time"] for o in r.json_lines()] == ["13:00"], "the kept row is pushed", r)
    expect(len(ntfy.messages) == 1 and "\ufffd" not in ntfy.messages[0]["message"], "push is clean")
    # A kept row with a bad byte fails the target and changes nothing.
    api.showings.append(showing(ymd(1), "018", 3, "30000775", "BAD-NAME", "03", "1600"))
    before = case.db("SELECT count(*) FROM openings")[0][0]
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "a kept showing is not valid UTF-8" in r.err, "kept row fails", r)
    expect(case.db("SELECT count(*) FROM openings")[0][0] == before and len(ntfy.messages) == 1, "state kept")


def test_an_empty_page_for_a_listed_date_does_not_use_up_its_silent_first_look(case):
    """Case 12: a date open at the baseline whose first page came back empty (statusCode 0,
    data []) counted as looked at, so its next full page pushed the whole day as news."""
    from test_cgv import AVATAR, screen_setup
    api, ntfy, cfg = screen_setup(case, days=(1, 2), dates_per_run=1)  # the baseline sweeps day 1
    api.script("/api/v1/booking/searchMovScnInfo", Reply(200, '{"statusCode":0,"data":[]}'))
    swept = []
    for _ in range(3):  # day 2 (blank), day 1, day 2 (full)
        before = len(api.requests)
        r = case.run("check", config=cfg)
        swept += [q.query["scnYmd"][0] for q in api.requests[before:] if "scnYmd" in q.query]
        expect(r.rc == 0 and ntfy.messages == [], f"silent while {swept}", r)
        case.db("UPDATE sweeps SET last_swept_at = last_swept_at - 1")  # runs a second apart
    expect(swept == [ymd(2), ymd(1), ymd(2)], f"sweep order {swept}")
    api.showings.append(showing(ymd(2), "018", 2, *AVATAR, "03", "1300", 624, 624))
    for _ in range(2):
        case.run("check", config=cfg)
    expect(len(ntfy.messages) == 1 and "13:00" in ntfy.messages[0]["message"]
           and "10:00" not in ntfy.messages[0]["message"], f"only the new showing: {ntfy.messages}")


def test_an_answer_echoing_a_secret_is_redacted_everywhere(case):
    """Case 16: a server (or a proxy) that echoes the request put tokens, passwords, webhook keys
    and Authorization values into errors, history, the outbox and the state. Answers are redacted
    of every configured secret on arrival, and every sink is redacted again."""
    import base64
    api = case.serve(FakeCgvApi())
    ntfy = case.serve(FakeNtfy())
    token, password, hook_key = "tk_ECHO_5ecret_1a2b3c", "pw-ECHO-4d5e6f", "hookECHOkey7a8b9c0d1e"
    header, ping_key = "Bearer hdr-ECHO-2f3e4d", "pingECHO0123456789abcdef"
    basic = base64.b64encode(f"me:{password}".encode()).decode()
    cfg = case.write("c.toml", f"""
[cgv]
api = "{api.api}"
[http]
timeout = 3
min_gap = 0
retries = 0
[[notifier]]
name = "phone"
server = "{ntfy.url}"
topic = "cgv"
token = "{token}"
[[notifier]]
name = "basic"
server = "{ntfy.url}"
topic = "b"
user = "me"
password = "{password}"
[[notifier]]
name = "hook"
type = "webhook"
url = "{ntfy.url}/hooks/{hook_key}"
headers = {{ Authorization = "{header}" }}
[alerts]
notify = ["phone"]
after = 1
[status]
ping_url = "{ntfy.url}/ping/{ping_key}"
[[target]]
name = "yongsan-imax"
theater = "0013"
screen = "imax"
notify = ["phone"]
""")
    secrets = [token, password, hook_key, header, ping_key, basic]
    echo = "you sent " + " ".join(secrets)
    # On the date list, the run's first request: the run's other first requests (names, the
    # national list) may reach the server before it, and a shared prefix would hand them the echo.
    api.script("/api/v1/booking/searchSiteScnscYmdListBySite",
               Reply(200, json.dumps({"statusCode": 9001, "statusMessage": echo, "data": None})),
               Reply(403, f"<html><body>blocked {echo}</body></html>", content_type="text/html"))
    outputs = [case.run("-vv", "check", config=cfg), case.run("-vv", "check", config=cfg)]
    expect("CGV answered statusCode 9001: you sent ***" in outputs[0].err, "the echo path was taken", outputs[0])
    for args in (("history",), ("history", "--json"), ("status",), ("status", "--json")):
        outputs.append(case.run(*args, config=cfg))
    dump = "\n".join(case.db_dump()) if hasattr(case, "db_dump") else "\n".join(
        str(row) for t in ("targets", "events", "outbox", "host_cooldowns")
        for row in case.db(f"SELECT * FROM {t}"))
    for text in [r.out + r.err for r in outputs] + [dump]:
        for s in secrets:
            expect(s not in text, f"{s} leaked into: {text[:1500]}")
    expect(any("***" in r.out for r in outputs[2:]), "history shows the redacted echo")


def test_a_json_config_syntax_error_never_quotes_a_secret(case):
    """Case 16: nlohmann's syntax errors end with "last read: '...'", the text being read, which
    was the token itself when the error was inside it."""
    secret = "tk_JSON_5ecret_abcdef"
    for body in ('{"notifier":[{"name":"p","topic":"x","token":"' + secret + '\n"}]}',
                 '{"notifier":[{"name":"p","topic":"x","password":"' + secret + '\\q"}]}',
                 '{"notifier":[{"name":"p","topic":"x","token":' + secret + '}]}'):
        cfg = case.write("c.json", body)
        r = case.run("validate", config=cfg)
        expect(r.rc == 2 and "c.json: parse error at line" in r.err, "a config error with its place", r)
        expect(secret not in r.err and secret[:6] not in r.err, "the secret is not quoted", r)


class LockingNtfy(FakeNtfy):
    """Stores each push, then holds the state's write lock past alimi's 10 s busy wait: the push
    is out, and its answer cannot be written down (what a full disk does, deterministically)."""

    def __init__(self, state):
        super().__init__()
        self.state, self.hold = state, True

    def answer(self, rec):
        reply = super().answer(rec)
        if self.hold and rec.method == "POST":
            import sqlite3
            import threading
            locked = threading.Event()

            def hold():
                con = sqlite3.connect(self.state, isolation_level=None)
                con.execute("BEGIN IMMEDIATE")
                locked.set()
                time.sleep(10.5)
                con.rollback()
                con.close()
            threading.Thread(target=hold, daemon=True).start()
            locked.wait(5)
        return reply


def test_a_push_whose_delivery_cannot_be_recorded_is_not_sent_again_every_run(case):
    """Case 7: a push sent while its answer cannot be recorded (a full disk) stayed due, so every
    run sent it again. Each attempt is written down before it goes out, with the retry time of a
    lost answer: the run stops at the failed record (exit 3) and the push waits for its backoff."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(LockingNtfy(case.state))
    ntfy.hold = False
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    opened(case, cfg, cgv)
    ntfy.script("/alerts", Reply(503, "busy", content_type="text/plain"))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and pending(case) == 1, "first try failed: pending", r)
    ntfy.hold = True
    case.db("UPDATE outbox SET next_attempt_at = 0")  # due again now
    r = case.run("check", config=cfg)
    expect(r.rc == 3 and "locked" in r.err and len(ntfy.messages) == 1, "sent, then its record failed", r)
    row = case.db("SELECT attempts, last_error, next_attempt_at - strftime('%s','now') FROM outbox")[0]
    expect(row[0] == 2 and row[1].startswith("sent at ") and row[2] > 0, f"counted and backing off: {row}")
    for _ in range(2):
        r = case.run("check", config=cfg)
        expect(r.rc == 1 and len(ntfy.messages) == 1, "not sent again while it backs off", r)
    ntfy.hold = False
    case.db("UPDATE outbox SET next_attempt_at = 0")
    case.db("PRAGMA wal_checkpoint(TRUNCATE)")  # the next write must grow a file
    import resource
    full = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    r = case.run("check", config=cfg, preexec=full)
    expect(r.rc == 3 and len(ntfy.messages) == 1, "disk full: the push cannot be marked, so it is not sent", r)
    r = case.run("check", config=cfg)
    ids = {q.header("X-Sequence-ID") for q in ntfy.requests if q.path == "/alerts"}
    expect(r.rc == 0 and pending(case) == 0 and len(ids) == 1, f"delivered with the same id {ids}", r)


def test_two_configs_on_the_default_state_never_touch_each_other(case):
    """Case 1: two configs on the default state shared one database: each run dropped or sent the
    other's pushes (a notifier name used in both sent one person's push to the other's topic) and
    a shared target name flipped between two schedules. The default state now belongs to the first
    config that checks with it; another config gets its own file beside it."""
    cgv_a, cgv_b = case.serve(FakeLegacyCgv()), case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    a = case.write("a.toml", legacy_config(cgv_a, ntfy, topic="topic-a"))
    b_dir = os.path.join(case.tmp, "b")
    os.mkdir(b_dir)
    b = os.path.join(b_dir, "config.toml")
    with open(b, "w") as f:
        f.write(legacy_config(cgv_b, ntfy, topic="topic-b", extra_target='movie = "20041234"'))
    default = {"ALIMI_STATE": ""}
    run = lambda cfg, *args: case.run(*args, "check", config=cfg, env=default)
    expect(run(a).rc == 0 and run(b).rc == 0, "two silent baselines")
    cgv_a.days.append(ymd(9))
    ntfy.script("/topic-a", Reply(503, "busy", content_type="text/plain"))
    r = run(a)
    expect(r.rc == 1, "a's push is pending", r)
    r = run(b, "-v")
    expect(r.rc == 0 and "no longer configured" not in r.err, "b does not see a's push", r)
    expect(ntfy.count("/topic-b") == 0 and ntfy.count("/topic-a") == 1, "nothing sent to b's topic")
    states = os.path.join(case.tmp, ".local", "state", "alimi")
    files = sorted(f for f in os.listdir(states) if f.endswith(".db"))
    expect(len(files) == 2 and "state.db" in files and files[0].startswith("state-"), f"one file each: {files}")
    r = run(a)
    expect(r.rc == 0 and len(ntfy.messages) == 1 and ntfy.messages[0]["topic"] == "topic-a", "a's push reaches a", r)
    for cfg in (b, a, b):
        expect(run(cfg).rc == 0, "alternating runs stay quiet")
    expect(len(ntfy.messages) == 1, f"no false alerts from a shared target name: {ntfy.messages}")
    st = case.run("status", "--json", config=b, env=default)
    expect([t["name"] for t in json.loads(st.out)] == ["yongsan-imax"] and "topic" not in st.out, "b's own status", st)
    # Moving a config keeps its state: the file names a config that no longer exists.
    moved = case.path("a-moved.toml")
    os.rename(a, moved)
    r = run(moved, "-v")
    expect(r.rc == 0 and "takes it over" in r.err and len(ntfy.messages) == 1, "taken over, nothing repushed", r)


def test_sigterm_ends_a_run_cleanly_and_the_next_runs_continue_where_it_stopped(case):
    """Case 13: a run stopped by systemd (SIGTERM) lost everything it had learnt (one commit at
    the end), kept no order, and sent no /fail ping, so a config too large for one run never got
    past its first targets. Now each batch commits, a SIGTERM abandons the requests in flight,
    saves what was answered, releases the lock and pings /fail; the next run starts with the
    targets the stopped one missed."""
    import signal
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    targets = "".join(f"""
[[target]]
name = "t{i:02d}"
source = "cgv-legacy"
url = "{cgv.endpoint}"
theater = "{13 + i:04d}"
screen = "imax"
""" for i in range(40))  # 40 theaters: one theater's targets would share one request
    cfg = case.write("c.toml", f"""
[http]
timeout = 5
min_gap = 0
max_per_host = 2
[status]
ping_url = "{ntfy.url}/ping"
[[notifier]]
name = "phone"
server = "{ntfy.url}"
topic = "alerts"
{targets}""")
    cgv.delay = lambda: 0.1

    def stopped_run(after):
        before = len(cgv.requests)
        p = subprocess.Popen([case.alimi, "check"], env=case.env(cfg), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        # Stopped while fetching, whatever the build's start-up costs (sanitizers are slow).
        deadline = time.monotonic() + 20
        while len(cgv.requests) == before and time.monotonic() < deadline and p.poll() is None:
            time.sleep(0.01)
        time.sleep(after)
        p.send_signal(signal.SIGTERM)
        out, err = p.communicate(timeout=30)
        return p.returncode, err.decode()

    baselined = lambda: case.db("SELECT count(*) FROM targets WHERE baseline_at IS NOT NULL")[0][0] \
        if os.path.exists(case.state) else 0
    seen, runs = [], 0
    while baselined() < 40 and runs < 8:
        rc, err = stopped_run(0.6)
        runs += 1
        seen.append(baselined())
        if seen[-1] < 40:
            expect(rc == 1 and "stopped by signal 15" in err and "checked and saved" in err, f"stopped cleanly: {err}")
        expect(len(seen) < 2 or seen[-1] > seen[-2], f"each stopped run makes progress: {seen}")
    expect(baselined() == 40, f"every target baselined within a few stopped runs: {seen}")
    fails = [q for q in ntfy.requests if q.path == "/ping/fail"]
    expect(len(fails) >= 1 and "stopped by a signal" in fails[0].body.decode(), "the /fail ping says so")
    r = case.run("check", config=cfg)  # the lock was released, nothing waits
    expect(r.rc == 0 and r.seconds < 20 and ntfy.messages == [], "a normal run after them: quiet", r)
    cgv.days.append(ymd(9))
    for after in (0.3, 0.7):
        stopped_run(after)
    r = case.run("check", config=cfg)
    expect(r.rc == 0, "the run after the stopped ones settles", r)
    pushed = sorted(m["title"] for m in ntfy.messages)
    expect(len(pushed) == 40 and len(set(pushed)) == 40, f"one push per target, none lost or doubled: {pushed}")
    return f"targets baselined after each stopped run: {seen}"
