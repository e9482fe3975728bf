"""Status page, Prometheus text, history, pruning, the lock, pings, JSON logs."""
import json
import os
import re
import subprocess
import time

from fakes import FakeLegacyCgv, FakeNtfy, FakePing, Reply, ymd
from harness import expect, legacy_config


def setup(case, status=""):
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy) + status)
    return cgv, ntfy, cfg


def parse_html_strictly(text):
    import html5lib  # Debian's python3-html5lib; scripts/test installs it
    parser = html5lib.HTMLParser(strict=True)
    return parser.parse(text)


def test_status_page_escapes_cgv_text_and_parses_strictly(case):
    page = case.path("status.html")
    cgv, ntfy, cfg = setup(case, f'\n[status]\nhtml = "{page}"\ninterval = 60\n')
    cgv.movie = "<script>alert('x')</script> & 듄"
    case.run("check", config=cfg)
    cgv.days.append(ymd(4))
    cgv.script("/", Reply(200, "<b>not json</b> & <script>evil()</script>"))
    case.run("check", config=cfg)
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and os.path.exists(page), "page written by check", r)
    html = open(page, encoding="utf-8").read()
    expect(html.lower().count("<script") == 1 and "<script>(function()" in html, "one script element: the page's own")
    expect("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; 듄" in html, "movie title escaped, Korean intact")
    expect("yongsan-imax" in html and "class=\"bar ok\"" in html, "a green health bar for the target")
    expect("KST" in html and "<style>" in html and not re.search(r"<[^>]*\b(src|href)=", html), "inline CSS, no assets")
    expect('name="viewport"' in html, "readable on a phone")
    parse_html_strictly(html)
    expect(not [f for f in os.listdir(case.tmp) if ".tmp-" in f], "no temp files left behind")


def test_status_html_and_prom_by_command(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    cgv.days.append(ymd(3))
    case.run("check", config=cfg)
    cgv.script("/", Reply(503, "x", content_type="text/plain"), Reply(503, "x", content_type="text/plain"),
               Reply(503, "x", content_type="text/plain"))
    case.run("check", config=cfg)
    r = case.run("status", "--html", case.path("s.html"), "--prom", case.path("m.prom"), config=cfg)
    expect(r.rc == 1 and r.out == "", "files only; exit 1 while a target fails", r)
    html = open(case.path("s.html"), encoding="utf-8").read()
    parse_html_strictly(html)
    expect("server error (HTTP 503)" in html, "recent errors listed")
    expect("듄-파트2" in html, "recent openings listed")
    from prometheus_client.parser import text_string_to_metric_families
    text = open(case.path("m.prom"), encoding="utf-8").read()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    for name in ("alimi_last_success_timestamp_seconds", "alimi_consecutive_failures", "alimi_openings_found",
                 "alimi_pushes", "alimi_check_duration_seconds", "alimi_requests"):
        expect(name in families, f"{name} in {sorted(families)}")
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in families.values() for s in f.samples}
    target = (("chain", "cgv-legacy"), ("target", "yongsan-imax"))
    expect(samples[("alimi_consecutive_failures", target)] == 1, "failures gauge, labelled by chain")
    expect(samples[("alimi_openings_found_total", target)] == 1, "one opening found")
    expect(samples[("alimi_openings_known", target)] == 3, "three known, baseline included (a gauge)")
    expect(families["alimi_openings_found"].type == "counter" and families["alimi_openings_known"].type == "gauge", "types")
    expect(samples[("alimi_pushes_total", (("result", "delivered"),))] == 1, "one push delivered")
    host = f"127.0.0.1:{cgv.port}"
    expect(samples[("alimi_requests_total", (("host", host), ("outcome", "error")))] == 3, f"503s counted: {samples}")
    expect(samples[("alimi_requests_total", (("host", host), ("outcome", "ok")))] == 2, "oks counted")


def test_prometheus_file_is_refreshed_by_check(case):
    prom = case.path("alimi.prom")
    cgv, ntfy, cfg = setup(case, f'\n[status]\nprometheus = "{prom}"\n')
    case.run("check", config=cfg)
    first = open(prom).read()
    time.sleep(1.1)
    case.run("check", config=cfg)
    second = open(prom).read()
    ts = lambda t: re.search(r'alimi_last_success_timestamp_seconds\{target="yongsan-imax",chain="cgv-legacy"\} (\d+)', t).group(1)
    expect(int(ts(second)) > int(ts(first)), "refreshed each run")


def test_ntfy_metrics_are_shown_or_unknown(case):
    cgv, ntfy, cfg = setup(case, "")
    good = case.write("good.toml", open(cfg).read() + f'\n[status]\nntfy_metrics = "{ntfy.url}/metrics"\nhtml = "{case.path("p.html")}"\n')
    r = case.run("check", config=good)
    expect(r.rc == 0, "check", r)
    page = re.sub(r"<[^>]+>", "", open(case.path("p.html"), encoding="utf-8").read())
    expect("ntfy: 3 구독자 subscribers, 5 방문자 visitors" in page, "page shows ntfy stats")
    r = case.run("status", config=good)
    expect("ntfy: 3 subscribers, 5 visitors" in r.out, "status shows them", r)
    bad = case.write("bad.toml", open(cfg).read() + f'\n[status]\nntfy_metrics = "http://127.0.0.1:1/metrics"\nhtml = "{case.path("q.html")}"\n')
    r = case.run("check", config=bad)
    expect(r.rc == 0 and r.err == "", "an unreadable ntfy never fails a check", r)
    page = re.sub(r"<[^>]+>", "", open(case.path("q.html"), encoding="utf-8").read())
    expect("ntfy: 알 수 없음 unknown" in page, "shown as unknown")
    expect("ntfy: unknown" in case.run("status", config=bad).out, "status says unknown")


def test_dead_mans_switch_pings_start_success_and_fail(case):
    hc = case.serve(FakePing())
    cgv, ntfy, cfg = setup(case, f'\n[status]\nping_url = "{hc.url}/ping/abc"\n')
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and [q.path for q in hc.requests] == ["/ping/abc/start", "/ping/abc"], f"{[q.path for q in hc.requests]}")
    cgv.script("/", Reply(200, "garbage"))
    r = case.run("check", config=cfg)
    last = hc.requests[-1]
    expect(r.rc == 1 and last.path == "/ping/abc/fail" and b"exit status 1" in last.body, f"{last.path} {last.body}")
    hc.close()
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and r.err == "alimi: yongsan-imax: works again after 1 failure(s) in a row\n",
           "an unreachable ping endpoint never fails a check (the recovery is said)", r)


def test_three_parallel_checks_push_each_opening_once(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    for round_ in range(3):
        cgv.days.append(ymd(10 + round_))
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("ALIMI_")},
               "ALIMI_CONFIG": cfg, "ALIMI_STATE": case.state, "HOME": case.tmp}
        procs = [subprocess.Popen([case.alimi, "check"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(3)]
        outs = [p.communicate(timeout=60) for p in procs]
        for p, (out, err) in zip(procs, outs):
            expect(p.returncode == 0 and b"locked" not in err, f"rc {p.returncode} err {err!r}")
        expect(len(ntfy.messages) == round_ + 1, f"round {round_}: {len(ntfy.messages)} pushes")


def test_history_lists_openings_pushes_and_errors(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    cgv.days.append(ymd(5))
    case.run("check", config=cfg)
    cgv.script("/", Reply(200, "garbage"))
    case.run("check", config=cfg)
    r = case.run("history", config=cfg)
    kinds = [line.split("  ")[2] for line in r.out.strip().split("\n") if not line.startswith("    ")]
    expect(r.rc == 0 and kinds == ["openings", "push", "error"], f"kinds {kinds}", r)
    rows = json.loads(case.run("history", "yongsan-imax", "--json", "--since", "1h", config=cfg).out)
    expect([x["kind"] for x in rows] == ["openings", "push", "error"] and rows[0]["at"].endswith("Z"), f"{rows}")
    expect(json.loads(case.run("history", "other", "--json", config=cfg).out) == [], "filter by target")
    r = case.run("history", "--since", "soon", config=cfg)
    expect(r.rc == 2 and "--since 'soon'" in r.err, "bad duration is a usage error", r)


def test_prune_keeps_the_database_bounded_and_pending_pushes(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    cgv.days.append(ymd(5))
    ntfy.script("/alerts", Reply(503, "x", content_type="text/plain"))
    case.run("check", config=cfg)
    case.db("UPDATE events SET at = at - 100 * 86400")
    case.db("UPDATE outbox SET created_at = created_at - 100 * 86400")
    case.db("INSERT INTO openings(target, key, date, first_seen, last_seen) VALUES('yongsan-imax', 'old', '2020-01-01', 1, 1)")
    r = case.run("-v", "prune", "--keep", "90d", config=cfg)
    expect(r.rc == 0 and "pruned" in r.err, "prune reports with -v", r)
    expect(case.db("SELECT count(*) FROM events")[0][0] == 0, "old events gone")
    expect(case.db("SELECT count(*) FROM outbox WHERE state = 'pending'")[0][0] == 1, "pending push kept")
    expect(case.db("SELECT count(*) FROM openings WHERE key = 'old'")[0][0] == 0, "past openings gone")
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "the kept push is still delivered", r)


def test_automatic_prune_runs_once_a_day(case):
    cgv, ntfy, cfg = setup(case)
    case.run("check", config=cfg)
    case.db("INSERT INTO events(at, target, kind, detail) VALUES(1, 'x', 'error', 'ancient')")
    case.run("check", config=cfg)
    expect(case.db("SELECT count(*) FROM events WHERE detail = 'ancient'")[0][0] == 1, "not again within a day")
    case.db("UPDATE meta SET value = value - 90000 WHERE key = 'last_prune_at'")
    case.run("check", config=cfg)
    expect(case.db("SELECT count(*) FROM events WHERE detail = 'ancient'")[0][0] == 0, "pruned after a day")


def test_json_log_format(case):
    cgv, ntfy, cfg = setup(case)
    cgv.script("/", Reply(200, "garbage"))
    r = case.run("--log-format", "json", "-v", "check", config=cfg)
    lines = [json.loads(line) for line in r.err.strip().split("\n")]
    expect(r.rc == 1 and all({"time", "level", "message"} <= set(x) for x in lines), f"{lines}")
    expect(any(x["level"] == "error" and "bad answer" in x["message"] for x in lines), f"{lines}")


def test_ops_kit_files_are_there_and_use_real_options(case):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ex = os.path.join(root, "examples")
    for name in ("crontab", "alimi.service", "alimi.timer", "Dockerfile", "full.toml"):
        expect(os.path.exists(os.path.join(ex, name)), f"examples/{name}")
    service = open(os.path.join(ex, "alimi.service")).read()
    for key in ("StateDirectory=alimi", "DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes"):
        expect(key in service, f"service has {key}")
    timer = open(os.path.join(ex, "alimi.timer")).read()
    expect("OnUnitActiveSec=" in timer and "RandomizedDelaySec=" in timer, "timer")
    cmd = re.search(r"ExecStart=\S+ (.*)", service).group(1).split()
    r = case.run(*[c for c in cmd if c not in ("-c", "/etc/alimi/config.toml")], "--help")
    expect(r.rc == 0, f"ExecStart's options exist: {cmd}", r)


def test_prometheus_counters_only_go_up_and_every_target_has_a_last_success(case):
    """Issue 15, point 11: pruning lowered alimi_openings_total; a never-checked target had no
    last_success series at all."""
    from prometheus_client.parser import text_string_to_metric_families
    cgv, ntfy, cfg = setup(case)
    prom = case.path("m.prom")
    case.run("check", config=cfg)
    cgv.days.append(ymd(3))
    case.run("check", config=cfg)
    def samples():
        case.run("status", "--prom", prom, config=cfg)
        return {(s.name, s.labels.get("target", s.labels.get("result", ""))): s.value
                for f in text_string_to_metric_families(open(prom).read()) for s in f.samples}
    before = samples()
    case.db("DELETE FROM openings")  # what pruning past days does
    case.db("DELETE FROM outbox")    # what pruning finished pushes does
    after = samples()
    expect(after[("alimi_openings_found_total", "yongsan-imax")] == before[("alimi_openings_found_total", "yongsan-imax")] == 1
           and after[("alimi_pushes_total", "delivered")] >= 1, f"counters survive pruning: {before} -> {after}")
    expect(after[("alimi_openings_known", "yongsan-imax")] == 0, "the known count is a gauge")
    two = case.write("two.toml", open(cfg).read() + '\n[[target]]\nname = "never"\nsource = "cgv-legacy"\n'
                     f'url = "{cgv.endpoint}"\ntheater = "0014"\nscreen = "imax"\n')
    case.run("status", "--prom", prom, config=two)
    text = open(prom).read()
    expect('alimi_last_success_timestamp_seconds{target="never",chain="cgv-legacy"} 0' in text, f"0 when never: {text}")
