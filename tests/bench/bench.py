#!/usr/bin/python3
"""Measures alimi against the tools its users would pick instead; prints figures, asserts nothing.

Usage: bench.py BUILD/alimi [--quick] [--sizes 1,10,50,200] [--db-runs 10000]

Starts the fake CGV (legacy and current) and ntfy servers in their own process, then for each
size measures whole-process wall time (hyperfine), CPU time and peak RSS (/usr/bin/time) of:
alimi (legacy source with captured params, warm and cold; current source, warm), the Python
reference pass (reference.py) and urlwatch, all against the same fake server. Politeness is off
([http] min_gap = 0, max_per_host = 8) because the fake needs no manners; the polite default is
measured separately, as are the database size after many runs and requests during a cool-down."""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FAKES = os.path.join(ROOT, "tests", "integration", "fakes.py")
LEGACY_PATH = "/CGV2011/RIA/CJ000.aspx/CJ_TICKET_SCHEDULE_TOTAL_PLAY_YMD"
CAPTURED = {"REQSITE": "x02PG4EcdFrHKluSEQQh4A==", "TheaterCd": "LMP+XuzWskJLFG41YQ7HGA==",
            "ISNormal": "ECFppiyFz/nvSGsg7VwPQw==", "MovieGroupCd": "nG6tVgEQPGU2GvOIdnwTjg==",
            "ScreenRatingCd": "kXwoR3tnLM/+Tu0BILP3Qg==", "Language": "zqWM417GS6dxQ7CIf65+iA=="}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Servers:
    def __init__(self):
        self.cgv, self.ntfy, self.api = free_port(), free_port(), free_port()
        self.proc = subprocess.Popen([sys.executable, FAKES, "--cgv-port", str(self.cgv), "--ntfy-port", str(self.ntfy),
                                      "--api-port", str(self.api)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.proc.stdout.readline()  # the servers are up once they print their addresses
        self.legacy_url = f"http://127.0.0.1:{self.cgv}{LEGACY_PATH}"
        self.api_url = f"http://127.0.0.1:{self.api}/api/v1"
        self.ntfy_url = f"http://127.0.0.1:{self.ntfy}"

    def control(self, port, command, payload=None):
        data = json.dumps(payload).encode() if payload is not None else b""
        req = urllib.request.Request(f"http://127.0.0.1:{port}/_control/{command}", data=data, method="POST")
        return json.loads(urllib.request.urlopen(req).read() or b"{}")

    def close(self):
        self.proc.terminate()
        self.proc.wait()


class Replaying:
    """The same answers as srv's fakes, replayed by tests/bench/replay.py: a server whose cost
    is near nothing, so that the figures are the tools' own. Pushes still go to the fake ntfy."""
    def __init__(self, srv):
        self.procs = [subprocess.Popen([sys.executable, os.path.join(HERE, "replay.py"), str(port)],
                                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) for port in (srv.cgv, srv.api)]
        cgv, api = (int(p.stdout.readline()) for p in self.procs)
        self.legacy_url = f"http://127.0.0.1:{cgv}{LEGACY_PATH}"
        self.api_url = f"http://127.0.0.1:{api}/api/v1"
        self.ntfy_url = srv.ntfy_url

    def close(self):
        for p in self.procs:
            p.terminate()
            p.wait()


def alimi_config(srv, n, source, polite=False):
    http = "" if polite else "[http]\nmin_gap = 0\nmax_per_host = 8\n"
    out = [http, f'[cgv]\napi = "{srv.api_url}"\n',
           f'[[notifier]]\nname = "phone"\nserver = "{srv.ntfy_url}"\ntopic = "bench"\n']
    for i in range(n):
        if source == "legacy":
            params = ", ".join(f'{k} = "{v}"' for k, v in CAPTURED.items())
            out.append(f'[[target]]\nname = "t{i}"\nsource = "cgv-legacy"\nurl = "{srv.legacy_url}"\nparams = {{ {params} }}\n')
        else:
            out.append(f'[[target]]\nname = "t{i}"\ntheater = "{i:04d}"\nmovie = "30000774"\nscreen = "imax"\n')
    return "".join(out)


def urlwatch_jobs(srv, n):
    body = json.dumps(CAPTURED)
    return "---\n".join(f"name: t{i}\nurl: {srv.legacy_url}?t={i}\nmethod: POST\ndata: '{body}'\n"
                        f"headers:\n  Content-Type: application/json\n" for i in range(n))


def hyperfine(commands, runs, prepare=None):
    out = tempfile.mktemp(suffix=".json")
    args = ["hyperfine", "-N", "--style", "none", "--warmup", "1", "--runs", str(runs), "--export-json", out]
    if prepare:
        args += ["--prepare", prepare]
    subprocess.run(args + commands, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = json.load(open(out))["results"]
    os.unlink(out)
    return [(r["mean"] * 1000, r["stddev"] * 1000 if r["stddev"] else 0.0, (r["user"] + r["system"]) * 1000)
            for r in results]


def peak_rss(command, prepare=None, reps=5):
    """Median peak RSS (MB) over reps runs, via GNU time."""
    rss = []
    for _ in range(reps):
        if prepare:
            subprocess.run(prepare, shell=True, check=True)
        out = tempfile.mktemp()
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out, *command.split()],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        rss.append(int(open(out).read().split()[-1]) / 1024)
        os.unlink(out)
    return statistics.median(rss)


def measure_size(srv, alimi, n, work, runs, label=""):
    d = os.path.join(work, f"{label}n{n}")
    os.makedirs(d)

    def w(name, text):
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(text)
        return path
    legacy, current = w("legacy.toml", alimi_config(srv, n, "legacy")), w("current.toml", alimi_config(srv, n, "current"))
    targets = w("targets.json", json.dumps([{"name": f"t{i}", "url": srv.legacy_url, "params": CAPTURED} for i in range(n)]))
    urls, uwcfg = w("urls.yaml", urlwatch_jobs(srv, n)), w("urlwatch.yaml", "report:\n  stdout:\n    enabled: false\n")
    db, db2 = os.path.join(d, "legacy.db"), os.path.join(d, "current.db")
    cmds = {
        "alimi legacy warm": f"{alimi} -q check -c {legacy} --state {db}",
        "alimi legacy cold": f"{alimi} -q check -c {legacy} --state {db}",
        "alimi current warm": f"{alimi} -q check -c {current} --state {db2}",
        "python reference": f"/usr/bin/python3 {HERE}/reference.py {targets} {d}/ref.json {srv.ntfy_url}/bench",
        "urlwatch": f"urlwatch --urls {urls} --config {uwcfg} --cache {d}/urlwatch.db",
    }
    cold = f"rm -f {db} {db}-wal {db}-shm {db}.lock"
    for name in ("alimi legacy warm", "alimi current warm", "python reference", "urlwatch"):
        subprocess.run(cmds[name].split(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # baseline
    rows = {}
    for name, (mean, sd, cpu) in zip([k for k in cmds if k != "alimi legacy cold"],
                                     hyperfine([v for k, v in cmds.items() if k != "alimi legacy cold"], runs)):
        rows[name] = {"wall_ms": mean, "wall_sd": sd, "cpu_ms": cpu}
    (mean, sd, cpu), = hyperfine([cmds["alimi legacy cold"]], runs, prepare=cold)
    rows["alimi legacy cold"] = {"wall_ms": mean, "wall_sd": sd, "cpu_ms": cpu}
    for name, command in cmds.items():
        rows[name]["rss_mb"] = peak_rss(command, prepare=cold if name.endswith("cold") else None, reps=3 if n >= 200 else 5)
    return rows


def db_after_runs(srv, alimi, work, runs):
    d = os.path.join(work, "db")
    os.makedirs(d)
    cfg = os.path.join(d, "c.toml")
    open(cfg, "w").write(alimi_config(srv, 1, "legacy"))
    db = os.path.join(d, "state.db")
    start = time.monotonic()
    for i in range(runs):
        if i % 100 == 0:
            srv.control(srv.cgv, "days", {"days": list(range(1, 3 + i // 100))})
        if i % 50 == 25:
            srv.control(srv.cgv, "script", {"replies": [{"status": 200, "body": "garbage"}]})
        subprocess.run([alimi, "-q", "check", "-c", cfg, "--state", db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    took = time.monotonic() - start
    size = sum(os.path.getsize(p) for p in (db, db + "-wal") if os.path.exists(p))
    return {"runs": runs, "seconds": took, "bytes": size}


def cooldown_requests(srv, alimi, work, runs=100):
    d = os.path.join(work, "cool")
    os.makedirs(d)
    cfg = os.path.join(d, "c.toml")
    open(cfg, "w").write(alimi_config(srv, 1, "legacy"))
    db = os.path.join(d, "state.db")
    subprocess.run([alimi, "-q", "check", "-c", cfg, "--state", db])
    srv.control(srv.cgv, "script", {"replies": [{"status": 429, "body": "error code: 1015", "headers": {"Retry-After": "3600"}}]})
    before = srv.control(srv.cgv, "count")["requests"]
    for _ in range(runs + 1):
        subprocess.run([alimi, "-q", "check", "-c", cfg, "--state", db])
    return srv.control(srv.cgv, "count")["requests"] - before, runs


def syncs_per_run(srv, alimi, work):
    """fsync/fdatasync calls of one warm 1-target run with nothing new, counted by strace: on
    files, and on folders (SQLite syncs the folder of its log once per process)."""
    d = os.path.join(work, "syncs")
    os.makedirs(d)
    cfg, db, log = os.path.join(d, "c.toml"), os.path.join(d, "state.db"), os.path.join(d, "strace.log")
    open(cfg, "w").write(alimi_config(srv, 1, "legacy"))
    subprocess.run([alimi, "-q", "check", "-c", cfg, "--state", db])
    time.sleep(1.1)  # a later second, as from cron: the run has health times to write
    subprocess.run(["strace", "-f", "-qq", "-y", "-o", log, "-e", "trace=fsync,fdatasync", alimi, "-q", "check", "-c", cfg,
                    "--state", db])
    calls = [line for line in open(log) if "sync(" in line]
    folders = sum(1 for line in calls if f"<{d}>" in line)
    return len(calls) - folders, folders


def polite_default(srv, alimi, work, n=10):
    d = os.path.join(work, "polite")
    os.makedirs(d)
    cfg = os.path.join(d, "c.toml")
    open(cfg, "w").write(alimi_config(srv, n, "legacy", polite=True))
    db = os.path.join(d, "state.db")
    subprocess.run([alimi, "-q", "check", "-c", cfg, "--state", db])
    start = time.monotonic()
    subprocess.run([alimi, "-q", "check", "-c", cfg, "--state", db])
    return time.monotonic() - start, n


def warm_sweep(srv, alimi, d, name, n, extra=""):
    """n whole-screen CGV targets (sweep) written to d/NAME.toml, checked once so the next run
    is warm; the command line of such a run."""
    out = [f'[http]\nmin_gap = 0\nmax_per_host = 8\n[cgv]\napi = "{srv.api_url}"\nstrategy = "sweep"\n',
           f'[[notifier]]\nname = "phone"\nserver = "{srv.ntfy_url}"\ntopic = "bench"\n']
    out += [f'[[target]]\nname = "t{i}"\ntheater = "{i:04d}"\nscreen = "imax"\n{extra}' for i in range(n)]
    cfg, db = os.path.join(d, f"{name}.toml"), os.path.join(d, f"{name}.db")
    open(cfg, "w").write("".join(out))
    subprocess.run([alimi, "-q", "check", "-c", cfg, "--state", db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return f"{alimi} -q check -c {cfg} --state {db}"


def filter_cost(srv, alimi, work, n=50, runs=20):
    """A warm n-target whole-screen run with every filter on (title, times, days, dates,
    min_seats, seats_back) against the same run without: what the filter stage costs."""
    d = os.path.join(work, "filters")
    os.makedirs(d)
    filters = ('title = "아바타 불과 재"\ntimes = "09:00-24:30"\ndays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]\n'
               'dates = ["2020-01-01..2099-12-31"]\nmin_seats = 2\nseats_back = true\n')
    cmds = [warm_sweep(srv, alimi, d, name, n, extra) for name, extra in (("plain", ""), ("filtered", filters))]
    (plain, psd, pcpu), (filtered, fsd, fcpu) = hyperfine(cmds, runs)
    return {"targets": n, "plain_ms": plain, "plain_sd": psd, "plain_cpu_ms": pcpu,
            "filtered_ms": filtered, "filtered_sd": fsd, "filtered_cpu_ms": fcpu}


def measure_all(srv, alimi, sizes, work, title, label=""):
    """Measures every size against srv and prints the table and the ratios."""
    print(f"\n{title}:\n\n| targets | tool | wall ms (mean ± sd) | CPU ms | peak RSS MB |\n|---|---|---|---|---|")
    results = {}
    for n in sizes:
        rows = measure_size(srv, alimi, n, work, runs=max(5, min(30, 300 // n)), label=label)
        results[n] = rows
        for name, r in rows.items():
            print(f"| {n} | {name} | {r['wall_ms']:.1f} ± {r['wall_sd']:.1f} | {r['cpu_ms']:.1f} | {r['rss_mb']:.1f} |", flush=True)
    print("\n| targets | python/alimi wall | python/alimi RSS | urlwatch/alimi wall | urlwatch/alimi RSS | alimi ms per target |")
    print("|---|---|---|---|---|---|")
    for n, rows in results.items():
        al, py, uw = rows["alimi legacy warm"], rows["python reference"], rows["urlwatch"]
        print(f"| {n} | {py['wall_ms'] / al['wall_ms']:.1f}x | {py['rss_mb'] / al['rss_mb']:.1f}x | "
              f"{uw['wall_ms'] / al['wall_ms']:.1f}x | {uw['rss_mb'] / al['rss_mb']:.1f}x | {al['wall_ms'] / n:.2f} |")
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("alimi")
    ap.add_argument("--quick", action="store_true", help="sizes 1 and 10, 500 database runs")
    ap.add_argument("--sizes", default="1,10,50,200")
    ap.add_argument("--db-runs", type=int, default=10000)
    a = ap.parse_args()
    alimi = os.path.abspath(a.alimi)
    sizes = [1, 10] if a.quick else [int(x) for x in a.sizes.split(",")]
    db_runs = 500 if a.quick else a.db_runs
    work = tempfile.mkdtemp(prefix="alimi-bench-")
    srv = Servers()
    try:
        print(f"machine: {os.cpu_count()} cores, {open('/proc/meminfo').readline().split()[1]} kB RAM; "
              f"alimi: {subprocess.run([alimi, '--version'], capture_output=True, text=True).stdout.strip()}")
        results = measure_all(srv, alimi, sizes, work, "against the fake servers of the integration tests")
        lean = Replaying(srv)
        try:
            replayed = measure_all(lean, alimi, sizes, work, "against the same answers replayed (tests/bench/replay.py)",
                                   label="replay-")
        finally:
            lean.close()
        f = filter_cost(srv, alimi, work)
        print(f"\nfilter stage, {f['targets']} whole-screen targets, warm run with nothing new: without filters "
              f"{f['plain_ms']:.1f} ± {f['plain_sd']:.1f} ms ({f['plain_cpu_ms']:.1f} ms CPU), with every filter "
              f"{f['filtered_ms']:.1f} ± {f['filtered_sd']:.1f} ms ({f['filtered_cpu_ms']:.1f} ms CPU): "
              f"{(f['filtered_ms'] / f['plain_ms'] - 1) * 100:+.1f}% wall, "
              f"{(f['filtered_cpu_ms'] / f['plain_cpu_ms'] - 1) * 100:+.1f}% CPU")
        db = db_after_runs(srv, alimi, work, db_runs)
        print(f"\ndatabase after {db['runs']} runs (1 target, a new date every 100 runs, garbage every 50): "
              f"{db['bytes'] / 1024:.0f} KiB, {db['seconds'] / db['runs'] * 1000:.1f} ms per run including process start")
        sent, runs = cooldown_requests(srv, alimi, work)
        print(f"cool-down: a 429 with Retry-After 3600, then {runs} more runs: {sent} request(s) sent in all")
        files, folders = syncs_per_run(srv, alimi, work)
        print(f"disk syncs (fsync/fdatasync) in a warm 1-target run with nothing new: {files} on files, {folders} on folders")
        took, n = polite_default(srv, alimi, work)
        print(f"polite default ([http] min_gap = 1, max_per_host = 2), {n} targets on one host: {took:.2f} s wall")
        json.dump({"sizes": results, "replayed": replayed, "db": db, "filters": f}, open(os.path.join(ROOT, "build", "bench-results.json"), "w"), indent=2)
    finally:
        srv.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
