"""Under faults and bad input alimi keeps working, loses no opening and keeps its state intact:
kill -9 at random moments, hostile answers, a full disk, a clock that jumps back, huge configs."""
import json
import os
import random
import resource
import signal
import subprocess
import time

from fakes import FakeCgvApi, FakeLegacyCgv, FakeNtfy, Reply, ymd
from harness import expect, legacy_config

FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


def setup(case, http="timeout = 3\nmin_gap = 0\n"):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, http=http))
    return cgv, ntfy, cfg


def korean_day(d):
    return f"{int(d[4:6])}월 {int(d[6:])}일("


def test_kill_9_at_random_moments_loses_no_opening(case):
    rng = random.Random(20261124)
    cgv, ntfy, cfg = setup(case, http="timeout = 5\nmin_gap = 0\n")
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    cgv.delay = lambda: rng.uniform(0, 0.25)
    ntfy.delay = lambda: rng.uniform(0, 0.2)
    ntfy.hang_after_store = lambda: rng.choice([0, 0, 0.3])
    added, kills, rounds = [], 0, 24
    for i in range(rounds):
        day = ymd(20 + i)
        cgv.days.append(day)
        added.append(day)
        p = subprocess.Popen([case.alimi, "check"], env=case.env(cfg), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, 0.6))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills += 1
        p.wait()
    cgv.delay = ntfy.delay = None
    ntfy.hang_after_store = 0
    # A push killed mid-delivery waits like one whose answer was lost: let its backoff pass.
    case.db("UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending'")
    final = [case.run("check", config=cfg) for _ in range(2)]
    expect(final[-1].rc == 0, "the next runs settle everything", final[-1])
    delivered = "\n".join(m["message"] for m in ntfy.messages)
    missing = [d for d in added if korean_day(d) not in delivered]
    expect(not missing, f"every opening delivered at least once; missing {missing}")
    seqs = [m["sequence_id"] for m in ntfy.messages]
    repeats = len(seqs) - len(set(seqs))
    expect(repeats <= kills, f"repeats only from kills mid-delivery: {repeats} repeats, {kills} kills")
    expect(case.db("PRAGMA integrity_check")[0][0] == "ok", "database intact")
    expect(case.db("SELECT count(*) FROM outbox WHERE state = 'pending'")[0][0] == 0, "nothing left pending")
    return f"{rounds} rounds, {kills} killed mid-run, {len(set(seqs))} pushes, {repeats} repeated"


def test_hostile_legacy_answers_fail_cleanly(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    before = case.db("SELECT key FROM openings ORDER BY key")
    deep_xml = "<CSchedule><PlayDays>" + "<x>" * 100000 + "</x>" * 100000 + "</PlayDays></CSchedule>"
    laughs = ('<?xml version="1.0"?><!DOCTYPE l [<!ENTITY l0 "ha">' +
              "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10)) +
              ']><CSchedule><PlayDays><CPlayDay><PLAY_YMD>&l9;</PLAY_YMD></CPlayDay></PlayDays></CSchedule>')
    file_entity = ('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
                   '<CSchedule><PlayDays><CPlayDay><PLAY_YMD>&e;</PLAY_YMD></CPlayDay></PlayDays></CSchedule>')
    cases = {
        "deeply nested JSON": Reply(200, "[" * 200000 + "]" * 200000),
        "deeply nested XML": Reply(200, json.dumps({"d": {"DATA": deep_xml}})),
        "billion laughs": Reply(200, json.dumps({"d": {"DATA": laughs}})),
        "external entity": Reply(200, json.dumps({"d": {"DATA": file_entity}})),
        "truncated XML": Reply(200, json.dumps({"d": {"DATA": "<CSchedule><PlayDays><CPlayDay><PLAY"}})),
        "DATA of the wrong type": Reply(200, '{"d":{"DATA":["<CSchedule/>"]}}'),
        "50 MB body": Reply(200, b'{"d":{"DATA":"' + b"A" * (50 << 20) + b'"}}'),
    }
    for what, reply in cases.items():
        cgv.script("/", reply)
        r = case.run("check", config=cfg)
        expect(r.rc == 1 and r.err.count("\n") == 1 and "yongsan-imax" in r.err, f"{what}: one clear line", r)
        expect("root:" not in r.err and "Sanitizer" not in r.err, f"{what}: no file read, no finding", r)
    expect(case.db("SELECT key FROM openings ORDER BY key") == before, "nothing known changed")
    expect(ntfy.messages == [], "no alerts from garbage")


def test_hostile_current_site_answers_fail_cleanly(case):
    api = case.serve(FakeCgvApi())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", f"""
[cgv]
api = "{api.api}"
[http]
min_gap = 0
[[notifier]]
name = "p"
server = "{ntfy.url}"
topic = "t"
[[target]]
name = "s"
theater = "0013"
screen = "imax"
""")
    case.run("check", config=cfg)
    bad = {
        "statusCode of a strange type": '{"statusCode":[0],"data":[]}',
        "data a string": '{"statusCode":0,"data":"[]"}',
        "rows that are numbers": '{"statusCode":0,"data":[1,2,3]}',
        "scnYmd an object": '{"statusCode":0,"data":[{"scnYmd":{"y":2026}}]}',
        "deeply nested data": '{"statusCode":0,"data":' + "[" * 100000 + "]" * 100000 + "}",
        "not UTF-8": b'{"statusCode":0,"data":[{"scnYmd":"\xc0\xaf"}]}',
    }
    for what, body in bad.items():
        api.script("/api/v1/booking/searchSiteScnscYmdListBySite", Reply(200, body))
        case.db("UPDATE targets SET consecutive_failures = 0")  # each a first failure, said in full
        r = case.run("check", config=cfg)
        expect(r.rc == 1 and r.err.count("\n") == 1 and "searchSiteScnscYmdListBySite" in r.err, f"{what}", r)
    api.extra_dates.add(ymd(1))
    api.script("/api/v1/booking/searchMovScnInfo",
               Reply(200, '{"statusCode":0,"data":[{"siteNo":"0013","scnYmd":"x","tcscnsGradCd":"03","scnsNo":{"a":1}}]}'))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "a showing without scnYmd, scnsNo or scnSseq" in r.err, "wrong types in a showing", r)


def test_ten_thousand_targets(case):
    cgv, ntfy, _ = setup(case)
    lines = [f'[[notifier]]\nname = "p"\nserver = "{ntfy.url}"\ntopic = "t"\n']
    for i in range(10000):
        lines.append(f'[[target]]\nname = "t{i}"\nsource = "cgv-legacy"\nurl = "{cgv.endpoint}"\ntheater = "{i % 10000:04d}"\n')
    cfg = case.write("big.toml", "".join(lines))
    start = time.monotonic()
    r = case.run("validate", config=cfg)
    took = time.monotonic() - start
    expect(r.rc == 0 and r.err == "", "10k targets validate", r)
    r = case.run("status", "--json", config=cfg)
    expect(r.rc == 0 and len(json.loads(r.out)) == 10000, "status lists them all", r)
    dup = case.write("dup.toml", "".join(lines) + '[[target]]\nname = "t42"\nsource = "cgv-legacy"\ntheater = "0013"\n')
    r = case.run("validate", config=dup)
    expect(r.rc == 2 and "duplicate target name 't42'" in r.err and r.err.count("\n") == 1, "one duplicate named", r)
    return f"validate of 10k targets took {took:.2f}s"


def test_unusable_state_paths_exit_3(case):
    cgv, ntfy, cfg = setup(case)
    os.mkdir(case.path("adir"))
    r = case.run("check", "--state", case.path("adir"), config=cfg)
    expect(r.rc == 3 and "adir" in r.err and r.err.count("\n") == 1, "a directory is no database", r)
    r = case.run("check", "--state", "/proc/alimi/state.db", config=cfg)
    expect(r.rc == 3 and "/proc/alimi" in r.err, "an impossible place", r)
    expect(cgv.count() == 0, "nothing fetched without a usable state")


def test_disk_full_during_commit_rolls_back_and_loses_nothing(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    cgv.days.append(ymd(9))
    before = case.db("SELECT key FROM openings ORDER BY key")
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    r = case.run("check", config=cfg, preexec=limit)
    expect(r.rc == 3 and "state" in r.err and r.err.count("\n") == 1, "a write error is a state error", r)
    expect(ntfy.messages == [], "nothing pushed from a transaction that did not commit")
    expect(case.db("PRAGMA integrity_check")[0][0] == "ok", "database intact")
    expect(case.db("SELECT key FROM openings ORDER BY key") == before, "rolled back")
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "with room again, the opening is found and pushed", r)


def faked(seconds):
    env = {"LD_PRELOAD": FAKETIME, "FAKETIME": f"{seconds:+d}", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
           "FAKETIME_NO_CACHE": "1"}
    # A sanitized build wants its runtime first; libfaketime only wraps time functions.
    env["ASAN_OPTIONS"] = os.environ.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
    return env


def test_clock_jumping_back_neither_repushes_nor_stretches_waits(case):
    expect(os.path.exists(FAKETIME), "libfaketime installed (scripts/test installs faketime)")
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    cgv.days.append(ymd(6))
    case.run("check", config=cfg)
    expect(len(ntfy.messages) == 1, "one push at real time")
    cgv.script("/", Reply(429, "error code: 1015", headers={"Retry-After": "120"}, content_type="text/plain"))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "rate limited" in r.err, "cooling down for 120 s", r)
    sent = cgv.count()
    r = case.run("check", config=cfg, env=faked(-3600))
    expect(r.rc == 1 and "clock went back" in r.err and "cooling down" in r.err, "an hour back: noticed, still cooling", r)
    expect(cgv.count() == sent, "no request inside the (shifted) cool-down")
    r = case.run("check", config=cfg, env=faked(-3400))
    expect(r.rc == 0 and cgv.count() == sent + 1, "the wait kept its length: 200 s later it is over", r)
    expect(len(ntfy.messages) == 1, "no opening pushed again")
    expect(json.loads(case.run("status", "--json", config=cfg).out)[0]["openings_known"] == 3, "nothing forgotten")


def count_syncs(case, cfg):
    """Runs a check under strace; returns its fsync/fdatasync calls on files (SQLite also syncs
    the folder once per process, which is not a commit)."""
    log = case.path("strace.log")
    # LeakSanitizer refuses to run under ptrace; the sanitized suite keeps ASan's other checks.
    env = case.env(cfg, {"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0"})
    p = subprocess.run(["strace", "-f", "-qq", "-y", "-o", log, "-e", "trace=fsync,fdatasync", case.alimi, "check"],
                       env=env, capture_output=True, timeout=60)
    expect(p.returncode == 0, f"check under strace: exit {p.returncode}: {p.stderr.decode(errors='replace')[-500:]}")
    return sum(1 for line in open(log) if "sync(" in line and f"<{case.tmp}>" not in line)


def test_a_run_syncs_the_disk_only_for_openings_and_pushes(case):
    """The write-ahead log stays between runs, and the housekeeping after a run commits without
    waiting for the disk: a quiet run syncs once, a run with a push twice (the opening with its
    push, then the delivery), where creating and checkpointing the log every run cost six.
    Each figure is the least of three runs: SQLite checkpoints the log every few runs."""
    cgv, ntfy, cfg = setup(case)
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    quiet = []
    for _ in range(3):
        time.sleep(1.1)  # a later second, as from cron: the run has new health times to write
        quiet.append(count_syncs(case, cfg))
    quiet = min(quiet)
    expect(quiet <= 1, f"nothing new: at most 1 sync; saw {quiet}")
    news = []
    for day in (25, 26, 27):
        cgv.days.append(ymd(day))
        news.append(count_syncs(case, cfg))
    expect(len(ntfy.messages) == 3, "each new date is pushed")
    expect(min(news) <= 2, f"a new opening: the opening with its push, then the delivery; saw {news}")
    expect(os.path.exists(case.state + "-wal"), "the log is kept beside the database")
    # A reader that knows nothing of the log's life sees everything the runs committed.
    expect(case.db("SELECT count(*) FROM outbox WHERE state = 'delivered'")[0][0] == 3, "deliveries recorded")
    expect(case.db("PRAGMA integrity_check")[0][0] == "ok", "database intact")
    return f"{quiet} sync for a quiet run, {min(news)} with a push"
