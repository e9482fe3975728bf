"""Megabox and Lotte Cinema through the real binary against fakes shaped like the sites: a silent
baseline, a new date and a new showing on an open date pushed once, the throttle and block
answers, discovery."""
import json
import os

from fakes import FakeLotte, FakeMegabox, FakeNtfy, Reply, html_block_page, lt_showing, mb_showing, ymd
from harness import expect


def config(chain, fake, ntfy, theater, screen="", extra=""):
    screen_line = f'screen = "{screen}"' if screen else ""
    return f"""
[http]
timeout = 3
min_gap = 0
[{chain}]
api = "{fake.url}"
dates_per_run = 10
[[notifier]]
name = "phone"
server = "{ntfy.url}"
topic = "alerts"
[[target]]
name = "t"
source = "{chain}"
theater = "{theater}"
{screen_line}
{extra}
"""


def known(case):
    return case.db("SELECT count(*) FROM openings")[0][0]


def baseline_then(case, cfg, change):
    """A silent baseline, then change(): the next check must push exactly what it added."""
    r = case.run("check", "--json", config=cfg)
    expect(r.rc == 0 and r.out == "", "silent baseline", r)
    change()


def test_megabox_pushes_a_new_date_and_a_new_showing_once(case):
    mb = case.serve(FakeMegabox())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", config("megabox", mb, ntfy, "1351", "dolby"))
    baseline_then(case, cfg, lambda: mb.world.extend([
        mb_showing(5, "09:30", "26018900", "아바타: 불과 재", seq=7),                 # a new date
        mb_showing(2, "19:10", "26018900", "아바타: 불과 재", seq=8),                 # an open date
        mb_showing(2, "20:00", "26020100", "위키드", kind="NOR", hall="5관", seq=9),  # another hall
        mb_showing(3, "20:00", "26018900", "아바타: 불과 재", seq=10, bookable="N")]))
    r = case.run("check", "--json", config=cfg)
    lines = r.json_lines()
    expect(r.rc == 0 and sorted(o["time"] for o in lines) == ["09:30", "19:10"], "two new showings", r)
    o = next(o for o in lines if o["time"] == "19:10")
    expect(o["chain"] == "megabox" and o["theater_name"] == "코엑스" and o["screen"] == "dolby" and o["hall"] == "Dolby Cinema(MX4D)",
           f"named as the site names it, references decoded: {o}")
    expect(o["movie"] == "아바타: 불과 재" and o["key"] == f"{ymd(2)[2:]}1351008", f"{o}")
    expect(o["link"] == f"https://www.megabox.co.kr/bookingByPlaySchdlNo?playSchdlNo={o['key']}", f"{o}")
    expect(len(ntfy.messages) == 1 and ntfy.messages[0]["title"].startswith("메가박스 코엑스 DOLBY CINEMA 2회차 예매 오픈"),
           f"one push: {[m['title'] for m in ntfy.messages]}")
    again = case.run("check", "--json", config=cfg)
    expect(again.rc == 0 and again.out == "" and len(ntfy.messages) == 1, "pushed once", again)


def test_megabox_throttle_cools_the_host_down_and_changes_nothing(case):
    mb = case.serve(FakeMegabox())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", config("megabox", mb, ntfy, "1351"))
    baseline_then(case, cfg, lambda: setattr(mb, "throttle", True))
    before = known(case)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "Workload is so high" in r.err and known(case) == before, "rate limit, state kept", r)
    asked = mb.count()
    mb.throttle = False
    r2 = case.run("check", config=cfg)
    expect(r2.rc == 1 and "cooling down" in r2.err and mb.count() == asked, "no request while cooling down", r2)
    expect(ntfy.messages == [], "nothing pushed")
    mb.script("/", html_block_page())
    case.db("DELETE FROM host_cooldowns")
    r3 = case.run("check", config=cfg)
    expect(r3.rc == 1 and "blocked" in r3.err and known(case) == before, "a block page is a block", r3)
    case.db("DELETE FROM host_cooldowns")
    mb.script("/", Reply(200, '{"statCd":0,"movieFormDeList":[{"playDe":"2026-13-45","formAt":"Y"}'))
    r4 = case.run("check", config=cfg)
    expect(r4.rc == 1 and "unexpected Megabox answer" in r4.err and known(case) == before, "garbage", r4)


def test_megabox_discovery_lists_branches_and_movies(case):
    mb = case.serve(FakeMegabox())
    r = case.run("theaters", "스페이스", "--chain", "megabox", "--api", mb.url)
    expect(r.rc == 0 and r.out.startswith("0019  남양주현대아울렛 스페이스원  (경기)"), "branch found", r)
    r = case.run("movies", "1351", "--chain", "megabox", "--screen", "dolby", "--api", mb.url, "--json")
    movies = {m["code"]: m for m in json.loads(r.out)}
    expect(r.rc == 0 and movies["26018900"]["name"] == "아바타: 불과 재", "movie names decoded", r)
    expect(movies["26018900"]["playing_here"] and not movies["26020100"]["playing_here"], f"dolby halls: {movies}")
    r = case.run("movies", "1351", "--chain", "megabox", "--screen", "imax", "--api", mb.url)
    expect(r.rc == 2 and "unknown screen 'imax' for megabox (one of dolby, mx4d, dolby-atmos)" in r.err, "", r)


def test_lotte_pushes_new_showings_as_announced_once(case):
    lt = case.serve(FakeLotte())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", config("lotte", lt, ntfy, "1016", "superplex"))
    baseline_then(case, cfg, lambda: lt.world.extend([
        lt_showing(4, "13:00", "23816", "아바타: 불과 재", seq=5),      # a new date
        lt_showing(2, "23:55", "23816", "아바타: 불과 재", seq=4),      # an open date
        lt_showing(2, "09:00", "23816", "아바타: 불과 재", seq=6, booking="N"),
        lt_showing(2, "14:00", "23900", "위키드", division=100, screen_id=101602, seq=7)]))
    r = case.run("check", "--json", config=cfg)
    lines = r.json_lines()
    expect(r.rc == 0 and sorted(o["time"] for o in lines) == ["13:00", "23:55"], "two new showings", r)
    o = next(o for o in lines if o["time"] == "23:55")
    expect(o["chain"] == "lotte" and o["theater_name"] == "월드타워" and o["screen"] == "superplex" and o["hall"] == "수퍼플렉스 21관", f"{o}")
    expect(o["key"].startswith("1016|101621|") and o["key"].endswith("|4|23:55"), f"{o}")
    expect("link_cinemaCode=1016" in o["link"] and "link_channelCode=naver" in o["link"], f"{o}")
    expect(len(ntfy.messages) == 1 and "월드타워 SUPERPLEX 2회차 예매 공개" in ntfy.messages[0]["title"],
           f"{[m['title'] for m in ntfy.messages]}")
    again = case.run("check", "--json", config=cfg)
    expect(again.rc == 0 and again.out == "" and len(ntfy.messages) == 1, "pushed once", again)


def test_lotte_blocks_and_errors_change_nothing(case):
    lt = case.serve(FakeLotte())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", config("lotte", lt, ntfy, "1|0001|1016"))
    baseline_then(case, cfg, lambda: lt.script("/", html_block_page()))
    before = known(case)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "blocked" in r.err and known(case) == before, "a 403 page is a block", r)
    case.db("DELETE FROM host_cooldowns")
    lt.script("/", Reply(200, json.dumps({"IsOK": "false", "ResultMessage": "시스템 점검 중입니다."})))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "Lotte Cinema said: 시스템 점검 중입니다." in r.err and known(case) == before, "", r)
    lt.script("/", Reply(200, '{"IsOK":"true","MoviePlayDates":{"Items":{"Items":[{"PlayDate":"soon"'))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "unexpected Lotte Cinema answer" in r.err and known(case) == before, "garbage", r)
    missing = case.write("m.toml", config("lotte", lt, ntfy, "9999"))
    r = case.run("check", config=missing)
    expect(r.rc == 1 and "cinema 9999 is not in Lotte Cinema's list" in r.err, "unknown cinema named", r)


def test_lotte_discovery_lists_cinemas_once_and_movies(case):
    lt = case.serve(FakeLotte())
    r = case.run("theaters", "--chain", "lotte", "--api", lt.url, "--json")
    cinemas = json.loads(r.out)
    expect(r.rc == 0 and [c["code"] for c in cinemas] == ["1013", "1016", "3021"], f"grouping not repeated: {cinemas}")
    r = case.run("movies", "1016", "--chain", "lotte", "--screen", "superplex", "--api", lt.url)
    expect(r.rc == 0 and "23816" in r.out and "yes" in r.out.split("23816")[1].split("\n")[0], "here", r)
    r = case.run("movies", "10x6", "--chain", "lotte", "--api", lt.url)
    expect(r.rc == 2 and "cinema ID '10x6' must be digits" in r.err, "bad code", r)


def test_example_configs_for_each_chain_run_against_the_fakes(case):
    mb = case.serve(FakeMegabox())
    lt = case.serve(FakeLotte())
    ntfy = case.serve(FakeNtfy())
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    sites = (("megabox.toml", mb, "https://www.megabox.co.kr"), ("lotte.toml", lt, "https://www.lottecinema.co.kr"))
    for name, fake, site in sites:
        text = open(os.path.join(root, "examples", name), encoding="utf-8").read().replace("CHANGE-ME-", "mine-")
        expect(f'api = "{site}"' in text and 'server = "https://ntfy.sh"' in text, f"{name} as documented")
        text = text.replace(f'api = "{site}"', f'api = "{fake.url}"')
        text = text.replace('server = "https://ntfy.sh"', f'server = "{ntfy.url}"')
        cfg = case.write(name, "[http]\nmin_gap = 0\n" + text)
        r = case.run("check", config=cfg)
        expect(r.rc == 0 and "nothing pushed" not in r.err, f"{name} runs its baseline", r)
        expect(case.run("check", config=cfg).rc == 0, f"{name} runs again")


def test_validate_online_checks_megabox_and_lotte_codes_and_screens(case):
    """Issue 14, point 4, for every chain: an unknown branch is a problem; a screen the theater
    shows nothing on soon is a warning."""
    mb, lt, ntfy = case.serve(FakeMegabox()), case.serve(FakeLotte()), case.serve(FakeNtfy())
    good = config("megabox", mb, ntfy, "1351", "dolby")
    r = case.run("validate", "--online", config=case.write("g.toml", good))
    expect(r.rc == 0 and r.err == "", "a dolby target at a branch with Dolby showings", r)
    r = case.run("validate", "--online", config=case.write("m.toml", good.replace('screen = "dolby"', 'screen = "mx4d"')))
    expect(r.rc == 0 and "warning: 메가박스 shows no MX4D at theater 1351" in r.err, "no MX4D there soon", r)
    r = case.run("validate", "--online", config=case.write("u.toml", good.replace('theater = "1351"', 'theater = "9999"')))
    expect(r.rc == 2 and "메가박스 lists no theater '9999'" in r.err, "unknown branch", r)
    r = case.run("validate", "--online", config=case.write("l.toml", config("lotte", lt, ntfy, "1016", "superplex")))
    expect(r.rc == 0 and r.err == "", "lotte: a known cinema with SUPERPLEX showings", r)


def test_an_empty_first_look_at_an_unknown_megabox_branch_is_said_once(case):
    mb, ntfy = case.serve(FakeMegabox()), case.serve(FakeNtfy())
    cfg = case.write("c.toml", config("megabox", mb, ntfy, "9999", "dolby"))
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and "t: warning: the first look found nothing, and 메가박스 lists no theater 9999" in r.err, "said", r)
    expect(case.run("check", config=cfg).err == "", "once")
