#!/usr/bin/python3
"""scripts/bench race: how soon each strategy pushes a new showing, on the same budget.

The real build/alimi runs once per simulated cron minute (libfaketime sets its clock; no real
waiting, min_gap = 0) against a fake CGV that serves every endpoint from one world of showings
(world.py). Timelines: the 11-day one in timeline.json (36 openings, the public record's shape)
and a synthetic month (seed 1003). Each strategy runs with the four targets (two theaters x IMAX
and 4DX), and with the two IMAX targets alone to show what a second target at a theater costs.

Runs are simulated minute by minute inside windows: the first 30 minutes (the targets start),
then from 2 hours before each wave to 1 hour after its last opening; quiet hours between windows
are skipped (nothing opens there; the state keeps what it knew, as after a pause of cron).

Latency of an opening, in runs: the run that first prints one of its showings (check --json),
counting the first run that could see it as 1. Missed: never printed by the end of its window
(a showing taken silently into a baseline counts here).

Then seats coming back (seats.py): runs from a sold-out showing's seats returning to its push.

Then the worlds of mix.py (offwave.py): one theater listing 30 dates, waves and off-wave single
additions, lagging and empty first pages, seeds 1-5.

Usage: race.py ALIMI [--quick] [--months SEEDS] [--mix SEEDS]
  --quick: the 11-day timeline only; --months 1003,1004,1005: the synthetic months to replay
  (default 1003), to see that a figure is not one month's luck; --seats: the seats-back figures
  only; --mix 1,2,3: the mix.py worlds alone, with those seeds."""
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "integration"))
sys.path.insert(0, HERE)
from fakes import FakeCgvApi  # noqa: E402
import offwave  # noqa: E402
import seats as seats_back  # noqa: E402
from world import HALLS, KST, MOVIES, THEATERS, World, generate  # noqa: E402

FAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


def config(api, strategy, screens, sites=THEATERS):
    targets = "".join(f'[[target]]\nname = "{site}-{screen}"\ntheater = "{site}"\nscreen = "{screen}"\n'
                      'notify = "none"\n' for site in sites for screen in screens)
    return f"""[cgv]
api = "{api.api}"
strategy = "{strategy}"
[http]
timeout = 5
min_gap = 0
retries = 0
{targets}"""


def windows(world, before=dt.timedelta(hours=2), after=dt.timedelta(hours=1)):
    """Minute-aligned (start, end) spans to simulate, merged."""
    spans = [(world.start, world.start + dt.timedelta(minutes=30))]
    waves = {}
    for at, e in world.openings():
        waves.setdefault((e["wave"], e["stream"]), []).append(at)
    for ats in waves.values():
        spans.append((min(ats) - before, max(ats) + after))
    spans.sort()
    merged = []
    for s, e in spans:
        s = s.replace(second=0, microsecond=0)
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


class Sim:
    def __init__(self, alimi, world, strategy, screens, sites=THEATERS, spans=windows):
        self.alimi, self.world, self.spans = alimi, world, spans
        self.tmp = tempfile.mkdtemp(prefix="alimi-race-")
        self.api = FakeCgvApi()
        self.api.sites = [("서울", code, name) for code, name in THEATERS.items()]
        self.api.movies = [{"movNo": c, "movNm": n, "atktRate": "1.0", "cratgClsCd": "02"} for c, n in MOVIES]
        self.cfg = os.path.join(self.tmp, "c.toml")
        with open(self.cfg, "w", encoding="utf-8") as f:
            f.write(config(self.api, strategy, screens, sites))
        self.targets = {f"{site}-{screen}" for site in sites for screen in screens}
        self.found = {}  # (target, date, HH:MM) -> run index
        self.run_times = []
        self.requests = []  # per run: total
        self.per_theater = []  # per run: {site: n}

    def run(self, t):
        self.api.showings = self.world.rows_at(t)
        self.api.page_showings = self.world.rows_at(t, pages=True)
        self.api.blank_dates = self.world.blank_at(t)
        index = len(self.run_times)
        for o in self.check(t):
            self.found.setdefault((o["target"], o["date"].replace("-", ""), o["time"]), index)

    def check(self, t):
        """One `check --json` at simulated time t; the objects it prints."""
        before = len(self.api.requests)
        stamp = t.astimezone(dt.timezone.utc).strftime("@%Y-%m-%d %H:%M:%S")
        env = {"PATH": os.environ.get("PATH", ""), "HOME": self.tmp, "TZ": "UTC", "LC_ALL": "C.UTF-8",
               "ALIMI_STATE": os.path.join(self.tmp, "state.db"), "LD_PRELOAD": FAKETIME,
               "FAKETIME": stamp, "FAKETIME_DONT_FAKE_MONOTONIC": "1"}
        p = subprocess.run([self.alimi, "-c", self.cfg, "check", "--json"], capture_output=True, env=env,
                           timeout=120)
        self.run_times.append(t)
        reqs = self.api.requests[before:]
        self.requests.append(len(reqs))
        sites = {}
        for q in reqs:
            site = q.query.get("siteNo", ["national"])[0]
            sites[site] = sites.get(site, 0) + 1
        self.per_theater.append(sites)
        return [json.loads(line) for line in p.stdout.decode().splitlines()]

    def close(self):
        self.api.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def simulate(self):
        for start, end in self.spans(self.world):
            t = start
            while t <= end:
                self.run(t)
                t += dt.timedelta(minutes=1)
        self.close()

    def latencies(self):
        """(latency or None, event) per opening after the first two runs of the targets."""
        out = []
        for at, e in self.world.openings():
            if e["stream"] not in self.targets:
                continue
            first = next((i for i, t in enumerate(self.run_times) if t >= at), None)
            if first is None or first < 2:
                continue
            runs = [self.found.get((e["stream"], r[1], f"{r[4][:2]}:{r[4][2:]}")) for r in e["rows"]]
            runs = [r for r in runs if r is not None and r >= first]
            out.append((min(runs) - first + 1 if runs else None, e))
        return out


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else 0


def summary(name, sim, screens):
    lat = sim.latencies()
    seen = [l for l, _ in lat if l is not None]
    first_of_wave = {}
    for l, e in lat:
        first_of_wave.setdefault((e["wave"], e["stream"]), l)
    fw = [l for l in first_of_wave.values() if l is not None]
    per_host = sim.requests[1:]  # the first run finishes the targets' baselines: shown apart
    per_site = [n for d in sim.per_theater[1:] for s, n in d.items() if s != "national"]
    return {"timeline": name, "strategy": None, "targets": len(THEATERS) * len(screens),
            "runs": len(sim.run_times), "openings": len(lat), "missed": sum(1 for l, _ in lat if l is None),
            "median": statistics.median(seen) if seen else None, "p90": pct(seen, 90), "worst": max(seen or [0]),
            "first_of_wave_median": statistics.median(fw) if fw else None,
            "requests_per_run_host_mean": round(statistics.mean(per_host), 2), "requests_per_run_host_max": max(per_host),
            "requests_per_run_theater_max": max(per_site or [0]),
            "requests_per_run_theater_mean": round(statistics.mean(per_site), 2) if per_site else 0,
            "first_run_requests": sim.requests[0]}


def main():
    alimi = os.path.abspath(sys.argv[1])
    quick = "--quick" in sys.argv
    seeds = [1003]
    if "--months" in sys.argv:
        seeds = [int(x) for x in sys.argv[sys.argv.index("--months") + 1].split(",")]
    with open(os.path.join(HERE, "timeline.json"), encoding="utf-8") as f:
        timelines = [("11 days (timeline.json)", json.load(f))]
    if not quick:
        timelines += [(f"synthetic month (seed {seed})", generate(seed, 30, 40)) for seed in seeds]
    mix = [1, 2, 3, 4, 5] if not quick else [1, 2]
    if "--mix" in sys.argv:  # the independent worlds alone
        mix = [int(x) for x in sys.argv[sys.argv.index("--mix") + 1].split(",")]
        timelines = []
    if "--seats" in sys.argv:  # the seats-back figures alone
        timelines, mix = [], []
    results = []
    for name, tl in timelines:
        for strategy in ("sweep", "race"):
            for screens in (("imax", "4dx"), ("imax",)):
                world = World(json.loads(json.dumps(tl)))
                sim = Sim(alimi, world, strategy, screens)
                sim.simulate()
                r = summary(name, sim, screens)
                r["strategy"] = strategy
                results.append(r)
                print(f"{name:28} {strategy:6} {r['targets']} targets: {r['openings']} openings, "
                      f"latency in runs median {r['median']} p90 {r['p90']} worst {r['worst']}, "
                      f"first of wave median {r['first_of_wave_median']}, missed {r['missed']}; requests/run "
                      f"per host mean {r['requests_per_run_host_mean']} max {r['requests_per_run_host_max']}, "
                      f"per theater mean {r['requests_per_run_theater_mean']} max {r['requests_per_run_theater_max']}; "
                      f"first run {r['first_run_requests']} ({r['runs']} runs)", flush=True)
    mixed = offwave.report(Sim, windows, alimi, mix) if mix else []
    day = offwave.politeness(Sim, windows, alimi, mix[0]) if mix else None
    if "--mix" in sys.argv:
        return
    # Seats coming back, on the same binary and budgets: 8 simulated hours a seed (3 with --quick).
    seats = seats_back.report(Sim, alimi, [2001] if quick else [2001, 2002, 2003], 3 if quick else 8)
    out = os.path.join(os.path.dirname(alimi), "bench-race.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"openings": results, "off_the_wave": mixed, "whole_day": day, "seats_back": seats}, f, ensure_ascii=False, indent=1)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
