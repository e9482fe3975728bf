"""The HTTP module through the real binary: retries, 429 and Retry-After across runs, blocks,
hangs, broken bodies, per-host manners. No failure may change what is known."""
import email.utils
import json
import time

from fakes import FakeLegacyCgv, FakeNtfy, Reply, html_block_page, rate_limited, ymd
from harness import expect, legacy_config


def setup(case, http="timeout = 2\nmin_gap = 0\n"):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("config.toml", legacy_config(cgv, ntfy, http=http))
    r = case.run("check", config=cfg)
    expect(r.rc == 0, "baseline", r)
    return cgv, ntfy, cfg


def known(case):
    return case.db("SELECT key, first_seen, last_seen FROM openings ORDER BY key")


def status(case, cfg):
    return json.loads(case.run("status", "--json", config=cfg).out)[0]


def test_two_503s_then_200_succeeds_in_one_run(case):
    cgv, ntfy, cfg = setup(case)
    cgv.days.append(ymd(3))
    cgv.script("/", Reply(503, "busy", content_type="text/plain"), Reply(503, "busy", content_type="text/plain"))
    before = cgv.count()
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and r.err == "", "retried to success", r)
    expect(cgv.count() - before == 3, f"three attempts, got {cgv.count() - before}")
    expect(len(ntfy.messages) == 1, "and the new date is pushed")


def test_5xx_until_the_retries_run_out_fails_and_keeps_state(case):
    cgv, ntfy, cfg = setup(case)
    before = known(case)
    cgv.script("/", *[Reply(500, "oops", content_type="text/plain")] * 3)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "server error (HTTP 500)" in r.err, "fails after retries", r)
    expect("/CGV2011/RIA/CJ000.aspx/CJ_TICKET_SCHEDULE_TOTAL_PLAY_YMD" in r.err, "names the URL", r)
    expect(known(case) == before, "state untouched")


def test_429_with_retry_after_silences_the_host_across_runs(case):
    cgv, ntfy, cfg = setup(case)
    before = known(case)
    cgv.script("/", rate_limited(120))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "rate limited by the server (HTTP 429 (Cloudflare 1015))" in r.err, "429 named", r)
    sent = cgv.count()
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "cooling down until" in r.err and "nothing sent" in r.err, "cooling down", r)
    r = case.run("-v", "check", config=cfg)
    expect(r.rc == 1 and "still failing (3 in a row)" in r.err and "cooling down until" in r.err,
           "the same cause again: said at -v only (cron mail stays quiet), still exit 1", r)
    expect(case.run("check", config=cfg).err == "", "not said every minute")
    expect(cgv.count() == sent, f"zero requests while cooling down ({cgv.count() - sent} sent)")
    row = status(case, cfg)
    until = email.utils.parsedate_to_datetime(
        email.utils.formatdate(time.time() + 120, usegmt=True)).timestamp()
    got = time.mktime(time.strptime(row["cooling_down_until"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    expect(abs(got - until) <= 5, f"cool-down ends about 120 s from now: {row['cooling_down_until']}")
    expect(known(case) == before, "state untouched")
    table = case.run("status", config=cfg).out
    expect("KST" in table, f"status shows the cool-down: {table}")


def test_retry_after_as_http_date(case):
    cgv, ntfy, cfg = setup(case)
    cgv.script("/", rate_limited(email.utils.formatdate(time.time() + 300, usegmt=True)))
    case.run("check", config=cfg)
    row = status(case, cfg)
    got = time.mktime(time.strptime(row["cooling_down_until"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
    expect(abs(got - (time.time() + 300)) <= 5, f"cool-down from the HTTP date: {row['cooling_down_until']}")


def test_429_without_retry_after_starts_at_a_minute_capped_by_the_configured_cooldown(case):
    for cap, expected in ((900, 60), (30, 30)):
        cgv, ntfy, cfg = setup(case, http=f"timeout = 2\nmin_gap = 0\ncooldown_429 = {cap}\n")
        case.db("DELETE FROM host_cooldowns")
        cgv.script("/", rate_limited())
        case.run("check", config=cfg)
        row = status(case, cfg)
        got = time.mktime(time.strptime(row["cooling_down_until"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
        expect(abs(got - (time.time() + expected)) <= 5, f"{expected} s cool-down: {row['cooling_down_until']}")


def test_403_html_page_is_named_as_a_block(case):
    cgv, ntfy, cfg = setup(case)
    before = known(case)
    cgv.script("/", html_block_page())
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "blocked by the server (403 HTML page)" in r.err, "block named plainly", r)
    expect(f"http://127.0.0.1:{cgv.port}/CGV2011" in r.err, "with the URL", r)
    sent = cgv.count()
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and cgv.count() == sent and "cooling down" in r.err, "then silence", r)
    expect(known(case) == before, "state untouched")


def test_html_page_with_200_is_a_block_too(case):
    cgv, ntfy, cfg = setup(case)
    page = html_block_page(200)
    cgv.script("/", page)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "HTML page instead of JSON" in r.err, "HTML where JSON was expected", r)


def test_a_hanging_server_costs_about_the_timeout(case):
    cgv, ntfy, cfg = setup(case, http="timeout = 1\nmin_gap = 0\n")
    before = known(case)
    cgv.script("/", Reply(200, "{}", delay=8))
    r = case.run("check", config=cfg, timeout=30)
    expect(r.rc == 1 and "no answer in time (timeout)" in r.err, "timeout named", r)
    expect(r.seconds < 3.5, f"costs about the 1 s timeout, not more: {r.seconds:.2f}s")
    expect(known(case) == before, "state untouched")


def test_truncated_and_non_utf8_bodies_are_clear_errors(case):
    cgv, ntfy, cfg = setup(case)
    before = known(case)
    full = json.dumps({"d": {"DATA": "<CSchedule><PlayDays/></CSchedule>"}})
    cgv.script("/", *[Reply(200, full, truncate=12)] * 3)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "answer cut short (truncated body)" in r.err, "truncation named", r)
    cgv.script("/", Reply(200, b'{"d":{"DATA":"\xff\xfe"}}'))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "answer is not valid UTF-8" in r.err, "bad UTF-8 named", r)
    expect(known(case) == before, "state untouched")
    expect(case.db("SELECT consecutive_failures FROM targets")[0][0] == 2, "both counted as failures")


def test_oversized_answers_are_cut_off(case):
    cgv, ntfy, cfg = setup(case)
    cgv.script("/", Reply(200, b"{" + b" " * (9 << 20) + b"}"))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "answer larger than 8388608 bytes" in r.err, "size cap", r)


def request_starts(stderr, url):
    """Times of the first attempts to url, from `-vv --log-format json` lines, in order."""
    times = []
    for line in stderr.splitlines():
        entry = json.loads(line)
        if entry["message"].split(" ")[1:2] == [url] and entry["message"].endswith("(attempt 1)"):
            times.append(entry["time"])
    return sorted(times)


def test_per_host_limits_and_gaps_are_kept(case):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    targets = "".join(f"""
[[target]]
name = "t{i}"
source = "cgv-legacy"
url = "{cgv.endpoint}"
theater = "00{10 + i}"
""" for i in range(4))
    cfg = case.write("c.toml", f"""
[http]
timeout = 5
max_per_host = 1
min_gap = 0.3
[[notifier]]
name = "phone"
server = "{ntfy.url}"
topic = "x"
{targets}""")
    r = case.run("-vv", "--log-format", "json", "check", config=cfg)
    expect(r.rc == 0, "four targets", r)
    # alimi's own start times (its -vv line as each request starts): the fake's receive times
    # would add its own scheduling delays under load, and measure those instead.
    starts = request_starts(r.err, cgv.endpoint)
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    expect(len(starts) == 4 and len(cgv.requests) == 4, f"four requests: {starts}", r)
    # 5 ms for the log line's own time after the start it records (more under sanitizers).
    expect(min(gaps) >= 0.3 - 0.005, f"requests started at least min_gap apart: {gaps}")
    expect(cgv.max_in_flight == 1, f"max_per_host respected: {cgv.max_in_flight}")
    expect({req.version for req in cgv.requests} == {"HTTP/1.1"}, "HTTP/1.1, never HTTP/2")
    expect(len({req.client for req in cgv.requests}) == 1, f"one kept-alive connection: {[r.client for r in cgv.requests]}")


def two_hosts(case, a, b, ntfy, http="timeout = 5\n"):
    return case.write("c.toml", f"""
[http]
{http}
[[notifier]]
name = "phone"
server = "{ntfy.url}"
topic = "x"
[[target]]
name = "a"
source = "cgv-legacy"
url = "{a.endpoint}"
theater = "0013"
[[target]]
name = "b"
source = "cgv-legacy"
url = "{b.endpoint}"
theater = "0013"
""")


def test_targets_on_different_hosts_run_concurrently(case):
    a = case.serve(FakeLegacyCgv())
    b = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    for s in (a, b):
        s.script("/", Reply(200, json.dumps({"d": {"DATA": "<CSchedule><PlayDays/></CSchedule>"}}), delay=1.0))
    cfg = two_hosts(case, a, b, ntfy)
    r = case.run("check", config=cfg)
    expect(r.rc == 0, "both hosts answered", r)
    overlap = abs(a.requests[0].at - b.requests[0].at)
    expect(overlap < 0.5, f"both requests started together, {overlap:.2f}s apart")


def test_a_block_on_one_host_does_not_stop_another(case):
    a = case.serve(FakeLegacyCgv())
    b = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    a.script("/", html_block_page())
    cfg = two_hosts(case, a, b, ntfy, http="min_gap = 0\n")
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "a: " in r.err and "b: " not in r.err, "only a failed", r)
    rows = {x["name"]: x for x in json.loads(case.run("status", "--json", config=cfg).out)}
    expect(rows["a"]["cooling_down_until"] and rows["b"]["cooling_down_until"] is None, f"{rows}")
    expect(rows["b"]["last_success_at"] is not None, "b checked")


def test_redirects_are_followed_within_limits(case):
    cgv, ntfy, cfg = setup(case)
    cgv.script("/", Reply(302, "", headers={"Location": FakeLegacyCgv.PATH + "?moved=1"}))
    r = case.run("check", config=cfg)
    expect(r.rc == 0, "one redirect is fine", r)
    cgv.script("/", *[Reply(302, "", headers={"Location": FakeLegacyCgv.PATH}) for _ in range(5)])
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "redirect" in r.err.lower(), "endless redirects stop", r)
    cgv.scripts.clear()
    cgv.script("/", Reply(302, "", headers={"Location": "file:///etc/passwd"}))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "root:" not in r.err, "no redirect to file://", r)


def test_user_agent_is_configurable(case):
    cgv, ntfy, cfg = setup(case, http='min_gap = 0\nuser_agent = "my-watcher/2 (me@example.com)"\n')
    expect(cgv.requests[-1].header("User-Agent") == "my-watcher/2 (me@example.com)", "custom UA sent")
    expect(cgv.requests[-1].header("Accept-Encoding") and "gzip" in cgv.requests[-1].header("Accept-Encoding"),
           "gzip offered")
