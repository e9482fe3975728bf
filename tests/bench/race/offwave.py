"""The race on worlds it was not tuned on (mix.py): one theater listing 30 dates, IMAX alone and
IMAX + 4DX, waves and off-wave single additions, lagging and empty first pages, many seeds.

For each seed and target set: latency in runs per kind of opening, in waves and off them
(median, p90, worst, missed), and requests per run at the theater (national lists included:
there is one theater), mean and max. Then the worst seed of each figure: what the docs quote.

Runs are simulated minute by minute from 30 minutes before each wave or addition to an hour
after its last opening (quiet hours between are skipped, as after a pause of cron)."""
import datetime as dt
import statistics

from mix import SITE, generate_mix
from world import World

KINDS = ["new-date", "first-in-hall", "more", "new-movie"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else None


def spans(windows):
    return lambda world: windows(world, dt.timedelta(minutes=30), dt.timedelta(hours=1))


def figures(lat):
    seen = [l for l, _ in lat if l is not None]
    return {"n": len(lat), "missed": sum(1 for l, _ in lat if l is None),
            "median": statistics.median(seen) if seen else None, "p90": pct(seen, 90),
            "worst": max(seen) if seen else None}


def one(sim_class, windows, alimi, seed, screens):
    world = World(generate_mix(seed))
    sim = sim_class(alimi, world, "race", screens, {SITE: ""}, spans(windows))
    sim.simulate()
    lat = sim.latencies()
    per_run = [sum(d.values()) for d in sim.per_theater[1:]]
    groups = {"all": figures(lat)}
    for wave in (False, True):
        for kind in KINDS:
            part = [(l, e) for l, e in lat if e["type"] == kind and e["offwave"] == wave]
            if part:
                groups[f"{'off-wave' if wave else 'in wave'} {kind}"] = figures(part)
    for stream in sorted({e["stream"] for _, e in lat}):
        groups[stream] = figures([(l, e) for l, e in lat if e["stream"] == stream])
    return {"seed": seed, "targets": "+".join(screens), "groups": groups, "runs": len(sim.run_times),
            "requests_mean": round(statistics.mean(per_run), 2), "requests_max": max(per_run),
            "first_run": sum(sim.per_theater[0].values())}


def line(name, g):
    return (f"{name:24} {g['n']:3} openings: median {g['median']} p90 {g['p90']} worst {g['worst']}, "
            f"missed {g['missed']}")


def report(sim_class, windows, alimi, seeds):
    results = []
    for screens in (("imax",), ("imax", "4dx")):
        per_seed = [one(sim_class, windows, alimi, seed, screens) for seed in seeds]
        for r in per_seed:
            print(f"off the wave, seed {r['seed']}, {r['targets']}: {r['runs']} runs, requests/run mean "
                  f"{r['requests_mean']} max {r['requests_max']} (first run {r['first_run']})", flush=True)
            for name, g in r["groups"].items():
                print("  " + line(name, g), flush=True)
        print(f"off the wave, {'+'.join(screens)}, worst of {len(seeds)} seeds:")
        for name in dict.fromkeys(n for r in per_seed for n in r["groups"]):
            gs = [r["groups"][name] for r in per_seed if name in r["groups"]]
            worst = {k: max((g[k] for g in gs if g[k] is not None), default=None)
                     for k in ("median", "p90", "worst")}
            worst.update(n=sum(g["n"] for g in gs), missed=sum(g["missed"] for g in gs))
            print("  " + line(name, worst), flush=True)
        print(f"  requests/run mean {max(r['requests_mean'] for r in per_seed)} "
              f"max {max(r['requests_max'] for r in per_seed)}", flush=True)
        results += per_seed
    return results


def politeness(sim_class, windows, alimi, seed, screens=("imax", "4dx")):
    """Every minute of the day of a seed's first wave, 00:00-24:00 KST, after a first run the day
    before: the mean and most requests a run at the theater over a whole day, nights included."""
    world = World(generate_mix(seed))
    first = min(at for at, _ in world.openings())
    day = first.replace(hour=0, minute=0, second=0, microsecond=0)
    span = lambda w: [(world.start, world.start + dt.timedelta(minutes=30)), (day, day + dt.timedelta(hours=24))]
    sim = sim_class(alimi, world, "race", screens, {SITE: ""}, span)
    sim.simulate()
    per_run = [sum(d.values()) for t, d in zip(sim.run_times, sim.per_theater) if t >= day]
    lat = [l for l, _ in sim.latencies() if l is not None]
    print(f"a whole day (seed {seed}, {'+'.join(screens)}, {len(per_run)} runs): requests/run mean "
          f"{statistics.mean(per_run):.2f} max {max(per_run)}; {len(lat)} openings that day and before, "
          f"worst {max(lat) if lat else None} runs", flush=True)
    return {"seed": seed, "runs": len(per_run), "mean": round(statistics.mean(per_run), 2), "max": max(per_run)}
