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


def cron(case, cfg, later=0):
    """`run(*args)` runs alimi a minute after the last run, as cron does; the first (here) is the
    baseline, `later` seconds before the second."""
    minute = iter(range(100))
    run = lambda *args: case.run(*args, config=cfg, env=faked(60 * next(minute) + (later if m[0] else 0)))
    m = [0]
    expect(run("check").rc == 0, "baseline")
    m[0] = 1
    return run


def per_run(api, before):
    return [q for q in api.requests[before:]]


def test_a_first_look_is_spread_over_runs_silently_and_an_opening_during_it_is_pushed(case):
    api, ntfy, cfg = race_setup(case, list(range(1, 21)))
    r = case.run("-v", "check", config=cfg)
    days = {q.query["scnYmd"][0] for q in api.requests if q.path == DAY}
    expect(r.rc == 0 and len(api.requests) <= 8 and 0 < len(days) < 20,
           f"no run over 8 requests: {len(api.requests)}, {len(days)} of 20 dates", r)
    expect("listed date(s) not looked at yet" in r.err, "-v says the first look goes on", r)
    # A showing of Avatar, whose IMAX list the first run read, on a date not looked at yet: the
    # list's next answer tells it from the baseline. Avatar's other showings stay silent.
    late = next(d for d in range(20, 0, -1) if ymd(d) not in days)
    api.showings.append(showing(ymd(late), "018", 2, *AVATAR, "03", "1300"))
    for run in range(1, 8):
        before = len(api.requests)
        case.run("check", config=cfg, env=faked(60 * run))
        expect(len(per_run(api, before)) <= 8, f"run {run}: no run over 8 requests")
    swept = {q.query["scnYmd"][0] for q in api.requests if q.path == DAY}
    expect(swept == {ymd(d) for d in range(1, 21)}, f"every listed date looked at: {len(swept)} of 20")
    expect(len(ntfy.messages) == 1 and "13:00" in ntfy.messages[0]["message"],
           f"the new showing pushed, the baseline silent: {[m['message'][:40] for m in ntfy.messages]}")


def test_a_movies_first_imax_showings_on_a_listed_date_trip_the_wire(case):
    api, ntfy, cfg = race_setup(case, list(range(1, 26)))
    run = cron(case, cfg)
    for _ in range(8):  # the first look over
        run("check")
    # Avatar's first IMAX showing on a far date that other halls already play: one day page of
    # 25 would find it by chance; Avatar's IMAX date list shows it on the next run.
    api.showings.append(showing(ymd(22), "018", 1, *AVATAR, "03", "1900"))
    before = len(api.requests)
    r = run("-v", "check")
    reqs = per_run(api, before)
    expect(len(ntfy.messages) == 1 and "19:00" in ntfy.messages[0]["message"], "pushed on the next run", r)
    expect(len(reqs) <= 8 and any(q.path == BY_MOV and q.query.get("attrCd") == ["04"] for q in reqs),
           f"at most twice the rate, by the movie's IMAX list: {[q.path for q in reqs]}")
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
        r = case.run("-v", "check", config=cfg, env=faked(60 * minute))
        expect(r.rc == 0, "quiet runs, a minute apart", r)
        reqs = per_run(api, before)
        counts.append(len(reqs))
        expect(sum(1 for q in reqs if q.path == STRIP) <= 1, "at most one date list for both")
        pages = [q.query["scnYmd"][0] for q in reqs if q.path == DAY]
        expect(len(pages) == len(set(pages)), f"each day page once for both: {pages}")
    # The first look at 15 dates goes on at twice the rate; then a run and a half (the credit is
    # more than half full) and one more for the second hall.
    expect(max(counts) <= 8 and max(counts[3:]) <= 7, f"requests a run: {counts}")
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
    run = cron(case, cfg, later=3600)  # an hour after the baseline: its news is old
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
    expect(max(counts) <= 8, f"a wave: at most twice the rate: {counts}")


def first_look_over(case, cfg, later=0):
    """cron() with the first look at every listed date finished (a few runs at twice the rate)."""
    run = cron(case, cfg, later)
    for _ in range(10):
        run("check")
    return run


def runs_until_pushed(run, ntfy, api, most=12):
    """Runs a minute apart until one more push: how many it took, and the requests of each."""
    pushed, counts = len(ntfy.messages), []
    for runs in range(1, most + 1):
        before = len(api.requests)
        run("check")
        counts.append(len(api.requests) - before)
        if len(ntfy.messages) > pushed:
            return runs, counts
    return None, counts


def test_off_wave_single_additions_are_found_within_a_few_runs(case):
    api, ntfy, cfg = race_setup(case, list(range(1, 31)))
    for d in range(3, 9):  # IMAX plays Avatar on the first 8 of 30 listed dates
        api.showings.append(showing(ymd(d), "018", 1, *AVATAR, "03", "1000", 624, 624))
    # Dune plays IMAX elsewhere: the hall's national list shows it, the theater's IMAX does not.
    api.showings.append(showing(ymd(2), "018", 1, *DUNE, "03", "1000", site="0056"))
    run = first_look_over(case, cfg, later=3 * 3600)  # no wave under way: hours after the baseline
    expect(ntfy.messages == [], "the first look is silent")
    # One more showing on a date the hall plays: no list shows it, only the day page.
    api.showings.append(showing(ymd(6), "018", 2, *AVATAR, "03", "2330"))
    runs, counts = runs_until_pushed(run, ntfy, api)
    expect(runs is not None and runs <= 5 and max(counts) <= 8,
           f"one more showing on a played date: found in {runs} run(s), requests {counts}")
    # A film new to the hall, on a date listed for other halls: its IMAX list, asked in turn.
    api.showings.append(showing(ymd(25), "018", 1, *DUNE, "03", "1400"))
    runs, counts = runs_until_pushed(run, ntfy, api)
    expect(runs is not None and runs <= 5 and max(counts) <= 8 and DUNE[1] in ntfy.messages[-1]["message"],
           f"a film's first showing in the hall: found in {runs} run(s), requests {counts}")


def test_a_flagged_date_is_asked_again_until_its_page_shows_the_showing(case):
    api, ntfy, cfg = race_setup(case, list(range(1, 21)))
    run = first_look_over(case, cfg, later=3 * 3600)
    day15, day16 = ymd(15), ymd(16)
    # Avatar's first IMAX showing on day 15: its IMAX list shows the date, the day page answers
    # `data []` for two runs (a first page can be empty).
    api.showings.append(showing(day15, "018", 1, *AVATAR, "03", "1900"))
    api.blank_dates = {day15}
    for attempt in (1, 2):
        before = len(api.requests)
        r = run("-v", "check")
        pages = [q.query["scnYmd"][0] for q in api.requests[before:] if q.path == DAY]
        expect(day15 in pages and ntfy.messages == [], f"run {attempt}: the flagged date's page asked: {pages}", r)
    api.blank_dates = set()
    run("check")
    expect(len(ntfy.messages) == 1 and "19:00" in ntfy.messages[0]["message"], "pushed once the page shows it")
    # A page that lags behind the lists: it shows the day, but not the new showing yet.
    new = showing(day16, "018", 1, *AVATAR, "03", "2000")
    api.page_showings = list(api.showings)
    api.showings.append(new)
    for attempt in (1, 2):
        before = len(api.requests)
        run("check")
        pages = [q.query["scnYmd"][0] for q in api.requests[before:] if q.path == DAY]
        expect(day16 in pages and len(ntfy.messages) == 1, f"lagging page, run {attempt}: asked again: {pages}")
    api.page_showings = None
    run("check")
    expect(len(ntfy.messages) == 2 and "20:00" in ntfy.messages[1]["message"], "pushed once the page catches up")
