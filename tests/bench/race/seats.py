"""Seats-back latency: how many runs pass from a sold-out showing's seats coming back (취소표) to
its "좌석 다시 열림" push, for a theater listing 20 open dates, at the default budget.

The world: two theaters, each with 20 open dates whose IMAX showings are all sold out (0 of 100
free); at random minutes (10-22h KST, a few an hour) one showing gets 2-4 seats back, keeps them
for 5-60 minutes (the seats are bought again) and falls back to 0. The fake CGV serves every
endpoint from that one world. Targets: one whole-screen IMAX target per theater with
`seats_back = true` and `min_seats = 2`, each strategy at its default budget.

Latency of a rise, in runs: the run that first prints its seats_back object, counting the first run
that could see the rise as 1. Missed: its seats were gone again before any push. False: a
seats_back push for a showing that had not risen then. Seeds vary the world; the worst seed is what
the docs quote."""
import datetime as dt
import json
import os
import random
import statistics
import subprocess

from world import HALLS, KST, MOVIES, THEATERS, TIMES, row, ymd

DATES = 20


def world(seed, hours, start):
    """(rows at start, rises): rises are (from, until, site, date, start time, seats)."""
    rnd = random.Random(seed)
    hall, grade, name = HALLS["imax"]
    rows = []
    for site in THEATERS:
        for i in range(DATES):
            date = ymd((start + dt.timedelta(days=i)).date())
            for n, t in enumerate(TIMES[::2]):
                rows.append(dict(row(site, date, hall, grade, name, MOVIES[0], t, n + 1), frSeatCnt="0"))
    rises = []
    at = start + dt.timedelta(minutes=40)  # after the baselines
    end = start + dt.timedelta(hours=hours)
    while True:
        at += dt.timedelta(minutes=rnd.randint(5, 25))
        if at >= end:
            break
        r = rnd.choice(rows)
        busy = any(x[2] == r["siteNo"] and x[3] == r["scnYmd"] and x[4] == r["scnsrtTm"] and x[1] > at
                   for x in rises)
        if not busy:
            rises.append((at, at + dt.timedelta(minutes=rnd.randint(5, 60)), r["siteNo"], r["scnYmd"],
                          r["scnsrtTm"], rnd.randint(2, 4)))
    return rows, rises


def rows_at(rows, rises, t):
    out = []
    for r in rows:
        up = [x for x in rises if x[0] <= t < x[1] and (x[2], x[3], x[4]) == (r["siteNo"], r["scnYmd"], r["scnsrtTm"])]
        out.append(dict(r, frSeatCnt=str(up[0][5])) if up else r)
    return out


def config(api, strategy):
    targets = "".join(f'[[target]]\nname = "{site}-imax"\ntheater = "{site}"\nscreen = "imax"\n'
                      'seats_back = true\nmin_seats = 2\nnotify = "none"\n' for site in THEATERS)
    return f'[cgv]\napi = "{api.api}"\nstrategy = "{strategy}"\n[http]\ntimeout = 5\nmin_gap = 0\nretries = 0\n{targets}'


def simulate(sim_class, alimi, strategy, seed, hours):
    """Runs the real binary once a simulated minute; returns the figures of one world."""
    start = dt.datetime(2026, 11, 2, 10, 0, tzinfo=KST)
    rows, rises = world(seed, hours, start)
    sim = sim_class(alimi, None, strategy, ("imax",))
    with open(sim.cfg, "w", encoding="utf-8") as f:
        f.write(config(sim.api, strategy))
    pushed = []  # (run index, site, date, start)
    t = start
    while t < start + dt.timedelta(hours=hours):
        sim.api.showings = rows_at(rows, rises, t)
        for o in sim.check(t):
            if o.get("event") == "seats_back":
                pushed.append((len(sim.run_times) - 1, o["theater"], o["date"].replace("-", ""),
                               o["time"].replace(":", "")))
        t += dt.timedelta(minutes=1)
    sim.close()
    lat, missed, false = [], 0, 0
    for frm, until, site, date, at, _ in rises:
        first = next(i for i, rt in enumerate(sim.run_times) if rt >= frm)
        hits = [i for i, s, d, a in pushed if (s, d, a) == (site, date, at) and first <= i and
                sim.run_times[i] < until]
        if hits:
            lat.append(min(hits) - first + 1)
        else:
            missed += 1
    for i, s, d, a in pushed:
        t = sim.run_times[i]
        if not any((x[2], x[3], x[4]) == (s, d, a) and x[0] <= t < x[1] for x in rises):
            false += 1
    return {"strategy": strategy, "seed": seed, "rises": len(rises), "pushed": len(lat), "missed": missed,
            "false": false, "median": statistics.median(lat) if lat else None,
            "p90": sorted(lat)[int(round(0.9 * (len(lat) - 1)))] if lat else None, "worst": max(lat or [0]),
            "requests_per_run_mean": round(statistics.mean(sim.requests[1:]), 2)}


def report(sim_class, alimi, seeds, hours):
    results = []
    for strategy in ("sweep", "race"):
        per_seed = [simulate(sim_class, alimi, strategy, seed, hours) for seed in seeds]
        for r in per_seed:
            print(f"seats back, {DATES} open dates, {strategy:6} seed {r['seed']}: {r['rises']} rises, "
                  f"pushed {r['pushed']}, missed {r['missed']}, false {r['false']}; latency in runs "
                  f"median {r['median']} p90 {r['p90']} worst {r['worst']}; requests/run mean "
                  f"{r['requests_per_run_mean']}", flush=True)
        scored = [r for r in per_seed if r["median"] is not None]
        print(f"seats back, {strategy:6} worst over {len(per_seed)} seeds: median "
              f"{max((r['median'] for r in scored), default=None)} p90 {max((r['p90'] for r in scored), default=None)} "
              f"worst {max((r['worst'] for r in scored), default=None)}; missed {sum(r['missed'] for r in per_seed)} "
              f"of {sum(r['rises'] for r in per_seed)}, false {sum(r['false'] for r in per_seed)}", flush=True)
        results += per_seed
    return results
