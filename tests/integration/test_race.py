"""Issue 16: the race. Short, narrow cool-downs (a 429 silences its path for 60 s, doubling on
repeats; a block silences the host)."""
import time

from fakes import FakeCgvApi, FakeNtfy, rate_limited, showing, ymd
from harness import expect
from test_cgv import AVATAR, config
from test_reliability import faked

DAY = "/api/v1/booking/searchMovScnInfo"
STRIP = "/api/v1/booking/searchSiteScnscYmdListBySite"


def asked(api, path):
    return sum(1 for q in api.requests if q.path == path)


def cooldown_row(case, path):
    rows = case.db("SELECT host, until, seconds, reason FROM host_cooldowns")
    return next((r for r in rows if r[0].endswith(path)), None)


def test_a_429_silences_its_path_for_a_minute_and_doubles_on_repeats(case):
    api = case.serve(FakeCgvApi())
    ntfy = case.serve(FakeNtfy())
    api.showings.append(showing(ymd(1), "018", 1, *AVATAR, "03", "1000", 624, 624))
    cfg = case.write("c.toml", config(api, ntfy, 'name = "yongsan-imax"\ntheater = "0013"\nscreen = "imax"'))
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    api.showings.append(showing(ymd(2), "018", 1, *AVATAR, "03", "1100", 624, 624))

    api.script(DAY, rate_limited())
    start = time.time()
    r = case.run("check", config=cfg)
    row = cooldown_row(case, DAY)
    expect(r.rc == 1 and row and row[2] == 60 and abs(row[1] - (start + 60)) <= 5, f"60 s on the day path: {row}", r)
    expect("rate limited (429) on " + DAY in row[3], f"the reason names the path: {row}")

    others, days = len(api.requests) - asked(api, DAY), asked(api, DAY)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "cooling down" in r.err and DAY in r.err, "the day path is still cooling", r)
    expect(len(api.requests) - asked(api, DAY) > others and asked(api, DAY) == days,
           "the host's other paths are asked; no day page is sent")
    s = case.run("status", "--json", config=cfg)
    expect(s.out and '"cooling_down_until": null' not in s.out, "status shows the path's cool-down", s)

    api.script(DAY, rate_limited())
    r = case.run("check", config=cfg, env=faked(70))
    row = cooldown_row(case, DAY)
    expect(r.rc == 1 and row[2] == 120, f"a repeat after it ended waits twice as long: {row}", r)
    r = case.run("check", config=cfg, env=faked(70 + 60))
    expect(r.rc == 1 and ntfy.messages == [], "still inside the doubled wait", r)
    r = case.run("check", config=cfg, env=faked(70 + 130))
    expect(r.rc == 0 and len(ntfy.messages) == 1, "after it, the opening is found and pushed", r)


BY_MOV = "/api/v1/booking/searchSiteScnscYmdListByMov"
DUNE = ("30000999", "듄: 파트 3")


def race_setup(case, dates, targets='name = "yongsan-imax"\ntheater = "0013"\nscreen = "imax"', extra=""):
    """A theater listing `dates` (offsets from today): normal halls play every date, IMAX plays
    Avatar on the first two. The default budget (4 a run); the first run is the baseline."""
    api = case.serve(FakeCgvApi())
    ntfy = case.serve(FakeNtfy())
    api.movies.append({"movNo": DUNE[0], "movNm": DUNE[1], "atktRate": "1.0", "cratgClsCd": "02"})
    for d in dates:
        api.showings.append(showing(ymd(d), "007", 1, *AVATAR, "01", "0900"))
    for d in dates[:2]:
        api.showings.append(showing(ymd(d), "018", 1, *AVATAR, "03", "1000", 624, 624))
    cfg = case.write("c.toml", config(api, ntfy, targets, 'strategy = "race"\n' + extra))
    return api, ntfy, cfg


def cron(case, cfg):
    """`run(*args)` runs alimi a minute after the last run, as cron does; the first (here) is the
    baseline."""
    minute = iter(range(100))
    run = lambda *args: case.run(*args, config=cfg, env=faked(60 * next(minute)))
    expect(run("check").rc == 0, "baseline")
    return run


def per_run(api, before):
    return [q for q in api.requests[before:]]


def test_the_first_run_finishes_the_baseline_so_no_opening_is_swallowed(case):
    api, ntfy, cfg = race_setup(case, list(range(1, 21)))
    r = case.run("-v", "check", config=cfg)
    days = {q.query["scnYmd"][0] for q in api.requests if q.path == DAY}
    expect(r.rc == 0 and days == {ymd(d) for d in range(1, 21)}, f"all 20 listed dates swept at once: {len(days)}", r)
    expect("finishing the baseline: 20 dates at once, this run only" in r.err, "said at -v", r)
    # A showing added to a date listed at the baseline, before any later sweep: news, not baseline.
    api.showings.append(showing(ymd(17), "018", 2, *AVATAR, "03", "1300"))
    for run in range(1, 6):
        before = len(api.requests)
        case.run("check", config=cfg)
        expect(len(per_run(api, before)) <= 4, f"run {run}: the budget of 4 holds after the baseline")
        if ntfy.messages:
            break
    expect(len(ntfy.messages) == 1 and "13:00" in ntfy.messages[0]["message"],
           f"pushed, not swallowed by the baseline (run {run})")


def test_a_movies_first_imax_showings_on_a_listed_date_trip_the_wire(case):
    api, ntfy, cfg = race_setup(case, list(range(1, 26)))
    run = cron(case, cfg)
    for _ in range(3):
        run("check")
    # Avatar's first IMAX showing on a far date that other halls already play: one day page of
    # 25 would find it by chance; Avatar's IMAX date list shows it on the next run.
    api.showings.append(showing(ymd(22), "018", 1, *AVATAR, "03", "1900"))
    before = len(api.requests)
    r = run("-v", "check")
    reqs = per_run(api, before)
    expect(len(ntfy.messages) == 1 and "19:00" in ntfy.messages[0]["message"], "pushed on the next run", r)
    expect(len(reqs) <= 4 and any(q.path == BY_MOV and q.query.get("attrCd") == ["04"] for q in reqs),
           f"within the budget, by the movie's IMAX list: {[q.path for q in reqs]}")
    expect(f"news on {ymd(22)[:4]}-{ymd(22)[4:6]}-{ymd(22)[6:]}" in r.err, "-v says what tripped", r)
    # A new movie in IMAX nationally: its list is asked, and its first showing here found soon.
    api.showings.append(showing(ymd(30), "018", 1, *DUNE, "03", "1000", site="0056"))  # elsewhere
    for _ in range(3):
        run("check")
    api.showings.append(showing(ymd(9), "018", 1, *DUNE, "03", "0800"))
    for runs in range(1, 3):
        r = run("-v", "check")
        if len(ntfy.messages) == 2:
            break
    expect(len(ntfy.messages) == 2 and DUNE[1] in ntfy.messages[1]["message"], f"a newcomer found in {runs} run(s)", r)


def test_two_targets_at_one_theater_share_the_date_list_and_day_pages(case):
    targets = ('name = "yongsan-imax"\ntheater = "0013"\nscreen = "imax"\n'
               '[[target]]\nname = "yongsan-4dx"\ntheater = "0013"\nscreen = "4dx"')
    api, ntfy, cfg = race_setup(case, list(range(1, 16)), targets)
    api.showings.append(showing(ymd(3), "009", 1, *AVATAR, "02", "1100"))  # 4DX plays day 3
    expect(case.run("check", config=cfg).rc == 0, "baseline of both")
    counts = []
    for minute in range(1, 7):
        before = len(api.requests)
        expect(case.run("check", config=cfg, env=faked(60 * minute)).rc == 0, "quiet runs, a minute apart")
        reqs = per_run(api, before)
        counts.append(len(reqs))
        expect(sum(1 for q in reqs if q.path == STRIP) <= 1, "at most one date list for both")
        pages = [q.query["scnYmd"][0] for q in reqs if q.path == DAY]
        expect(len(pages) == len(set(pages)), f"each day page once for both: {pages}")
    expect(max(counts) <= 5, f"one more request than one target at most: {counts}")
    api.showings.append(showing(ymd(8), "009", 1, *AVATAR, "02", "2100"))  # 4DX's first on day 8
    api.showings.append(showing(ymd(20), "018", 1, *AVATAR, "03", "2000"))  # a new date
    for minute in (7, 8):
        case.run("check", config=cfg, env=faked(60 * minute))
    titles = sorted(m["title"] for m in ntfy.messages)
    expect(len(titles) == 2 and "4DX" in titles[0] and "IMAX" in titles[1], f"each target its own push: {titles}")


def test_spread_paces_the_requests_and_pushes_each_theater_as_soon_as_it_is_checked(case):
    targets = ('name = "yongsan-imax"\ntheater = "0013"\nscreen = "imax"\n'
               '[[target]]\nname = "gangnam-imax"\ntheater = "0056"\nscreen = "imax"')
    api, ntfy, cfg = race_setup(case, list(range(1, 6)), targets)
    api.showings += [showing(ymd(d), "018", 1, *AVATAR, "03", "1000", site="0056", site_nm="CGV 강남")
                     for d in (1, 2)]
    expect(case.run("check", config=cfg).rc == 0, "baseline of both theaters")
    api.showings.append(showing(ymd(4), "018", 1, *AVATAR, "03", "1900"))  # a first IMAX at 0013
    before = len(api.requests)
    r = case.run("check", "--spread", "2", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1 and "19:00" in ntfy.messages[0]["message"], "pushed", r)
    reqs = api.requests[before:]
    gangnam = [q for q in reqs if q.query.get("siteNo") == ["0056"]]
    pushed_at = ntfy.requests[-1].at
    expect(gangnam and pushed_at < gangnam[0].at,
           "0013's push went out before 0056 was asked: not at the end of the run")
    expect(reqs[-1].at - reqs[0].at >= 1.0, f"{len(reqs)} requests spaced over the spread, not a burst: "
                                            f"{reqs[-1].at - reqs[0].at:.2f} s")
    r = case.run("check", "--spread", "-1", config=cfg)
    expect(r.rc == 2 and "--spread" in r.err, "a negative spread is a usage error", r)


def test_a_wave_sweeps_its_movies_dates_and_wakes_the_movies_other_halls(case):
    targets = ('name = "yongsan-imax"\ntheater = "0013"\nscreen = "imax"\n'
               '[[target]]\nname = "yongsan-4dx"\ntheater = "0013"\nscreen = "4dx"')
    api, ntfy, cfg = race_setup(case, list(range(1, 26)), targets)
    for d in range(3, 21):  # IMAX plays Dune on 18 more dates: a long rotation of played dates
        api.showings.append(showing(ymd(d), "018", 1, *DUNE, "03", "1000", 624, 624))
    api.showings.append(showing(ymd(5), "009", 1, *DUNE, "02", "1100"))  # 4DX plays only Dune
    run = cron(case, cfg)
    for _ in range(4):
        run("check")
    # A wave of Avatar: its first IMAX showing on day 22, found by its IMAX list ...
    api.showings.append(showing(ymd(22), "018", 1, *AVATAR, "03", "1900"))
    run("check")
    expect(len(ntfy.messages) == 1, "the wave's first opening")
    # ... then Avatar's first 4DX showing (the theater's 4DX had no news of Avatar at all) and
    # more IMAX showings on a date Avatar already plays there (only its day page shows them).
    api.showings.append(showing(ymd(12), "009", 1, *AVATAR, "02", "2030"))
    api.showings.append(showing(ymd(2), "018", 2, *AVATAR, "03", "2200"))
    before, found, counts = len(api.requests), {}, []
    for runs in range(1, 9):
        start = len(api.requests)
        run("check")
        counts.append(len(api.requests) - start)
        for m in ntfy.messages[1:]:
            found.setdefault("20:30" if "20:30" in m["message"] else "22:00", runs)
        if len(found) == 2:
            break
    reqs = per_run(api, before)
    expect(found.get("20:30") == 1 and any(q.path == BY_MOV and q.query.get("attrCd") == ["03"] and
                                           q.query.get("movNo") == [AVATAR[0]] for q in reqs),
           f"the 4DX first found on the next run, by Avatar's 4DX list, woken by its IMAX news: {found}")
    # 18 played dates at one or two day pages a run would take 9-18 runs to come round.
    expect(found.get("22:00", 99) <= 4, f"the wave's stretch swept first: found in run {found.get('22:00')}")
    expect(max(counts) <= 5, f"within the budget of two halls: {counts}")
