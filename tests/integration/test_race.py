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

    strips, days = asked(api, STRIP), asked(api, DAY)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "cooling down" in r.err and DAY in r.err, "the day path is still cooling", r)
    expect(asked(api, STRIP) == strips + 1 and asked(api, DAY) == days, "the strip is asked; no day page is sent")
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
