"""Source "cgv" (the current site's JSON API) end to end against a fake of its endpoints."""
import json

from fakes import FakeCgvApi, FakeNtfy, Reply, html_block_page, showing, ymd
from harness import expect

AVATAR = ("30000774", "아바타: 불과 재")


def config(api, ntfy, target, extra=""):
    # The race's default budget (4 a run) makes a small world's news wait a run for its day page;
    # tests of other things get room to see it at once. test_race.py keeps the default.
    room = "" if "strategy" in extra or "requests_per_run" in extra else "requests_per_run = 8"
    return f"""
[cgv]
api = "{api.api}"
{room}
{extra}
[http]
timeout = 3
min_gap = 0
[[notifier]]
name = "phone"
server = "{ntfy.url}"
topic = "cgv"
[[target]]
{target}
"""


def screen_setup(case, days=(1, 2), dates_per_run=None):
    api = case.serve(FakeCgvApi())
    ntfy = case.serve(FakeNtfy())
    for d in days:
        api.showings.append(showing(ymd(d), "018", 1, *AVATAR, "03", "1000", 624, 624))
    # A set dates_per_run tests today's sweep: its rotation and its budget.
    extra = f'strategy = "sweep"\ndates_per_run = {dates_per_run}' if dates_per_run else ""
    cfg = case.write("c.toml", config(api, ntfy, 'name = "yongsan-imax"\ntheater = "0013"\nscreen = "imax"', extra))
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and ntfy.messages == [], "baseline is silent", r)
    return api, ntfy, cfg


def test_movie_target_pushes_a_new_play_date(case):
    api = case.serve(FakeCgvApi())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", config(api, ntfy, 'name = "avatar-imax"\ntheater = "0013"\nscreen = "imax"\nmovie = "30000774"'))
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and ntfy.messages == [], "not open yet: silent empty baseline", r)
    paths = sorted(q.path.rsplit("/", 1)[1] for q in api.requests)
    expect(paths == ["searchAtktTopPostrList", "searchRegnList", "searchSiteScnscYmdListByMov"],
           f"the dates, and once the names the date rows lack: {paths}")
    req = [q for q in api.requests if q.path == "/api/v1/booking/searchSiteScnscYmdListByMov"][0]
    expect(req.query == {"coCd": ["A420"], "siteNo": ["0013"], "movNo": ["30000774"],
                         "div": ["CUST_EXPO_MOVTYP_CD"], "attrCd": ["04"]}, f"query {req.query}")
    expect("application/json" in req.header("Accept") and req.header("Referer").startswith("https://cgv.co.kr/"), "headers")
    api.showings.append(showing(ymd(20), "018", 1, *AVATAR, "03", "0900"))
    api.showings.append(showing(ymd(21), "005", 1, *AVATAR, "01", "0900"))  # a normal hall: not IMAX
    r = case.run("check", "--json", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "the opening date is pushed", r)
    rows = r.json_lines()
    d = ymd(20)
    expect([x["date"] for x in rows] == [f"{d[:4]}-{d[4:6]}-{d[6:]}"], f"only the IMAX date: {rows}")
    m = ntfy.messages[0]
    expect(m["click"].startswith("https://cgv.co.kr/cnm/movieBook/cinema?siteNo=0013") and "movNo=30000774" in m["click"],
           f"click {m['click']}")
    expect(api.count() == 4, f"then one request per run, got {api.count()}")
    expect(m["title"] == "CGV 용산아이파크몰 IMAX 예매 오픈 (avatar-imax)" and m["message"].startswith("아바타: 불과 재\n"),
           f"the push names the theater and the film: {m}")
    expect("siteNm=%EC%9A%A9" in m["click"], f"the link names the theater: {m['click']}")
    expect(rows[0]["movie"] == "아바타: 불과 재" and rows[0]["theater_name"] == "용산아이파크몰"
           and rows[0]["movie_code"] == "30000774" and rows[0]["screen"] == "imax", f"--json names too: {rows}")
    r = case.run("check", config=cfg)
    expect(len(ntfy.messages) == 1, "no repeat", r)


def test_new_showing_on_an_open_date_is_pushed_with_time_and_seats(case):
    api, ntfy, cfg = screen_setup(case)
    api.showings.append(showing(ymd(1), "018", 2, *AVATAR, "03", "1330", 620, 624))
    r = case.run("check", "--json", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "new showing on a known date is pushed", r)
    body = ntfy.messages[0]["message"]
    expect("아바타: 불과 재 · " in body and "13:30 620/624" in body, f"body {body!r}")
    expect("10:00" not in body, "the known showing is not repeated")
    rows = r.json_lines()
    expect(len(rows) == 1, f"{rows}")
    row = rows[0]
    expect(row["time"] == "13:30" and row["movie"] == "아바타: 불과 재" and row["screen"] == "imax" and row["hall"] == "IMAX관"
           and row["seats_free"] == 620, f"json {row}")
    click = ntfy.messages[0]["click"]
    expect("movieBook/movie?movNo=30000774" in click and "scnsNo=018" in click and "scnSseq=2" in click, click)
    expect(ntfy.messages[0]["title"] == "CGV 용산아이파크몰 IMAX 예매 오픈 (yongsan-imax)", ntfy.messages[0]["title"])


def test_after_midnight_showing_keeps_its_business_date(case):
    api, ntfy, cfg = screen_setup(case)
    api.showings.append(showing(ymd(2), "018", 9, *AVATAR, "03", "2530"))
    r = case.run("check", "--json", config=cfg)
    row = r.json_lines()[0]
    d = ymd(2)
    expect(row["time"] == "25:30" and row["date"] == f"{d[:4]}-{d[4:6]}-{d[6:]}", f"{row}")
    expect("25:30 (01:30)" in ntfy.messages[0]["message"], ntfy.messages[0]["message"])


def test_sibling_venue_and_normal_halls_are_filtered(case):
    api, ntfy, cfg = screen_setup(case)
    api.showings.append(showing(ymd(1), "018", 3, *AVATAR, "03", "1600", site="P013", site_nm="별관"))
    api.showings.append(showing(ymd(1), "007", 1, *AVATAR, "01", "1700"))
    api.showings.append(showing(ymd(1), "009", 1, *AVATAR, "02", "1800"))  # 4DX
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and ntfy.messages == [], "nothing IMAX at 0013 is new", r)
    api.showings.append(showing(ymd(1), "018", 4, *AVATAR, "03", "1900"))
    case.run("check", config=cfg)
    expect(len(ntfy.messages) == 1 and "19:00" in ntfy.messages[0]["message"]
           and "16:00" not in ntfy.messages[0]["message"], str(ntfy.messages))


def test_status_code_errors_and_blocks_keep_state(case):
    api, ntfy, cfg = screen_setup(case, dates_per_run=3)  # the sweep asks the date list each run
    before = case.db("SELECT key FROM openings ORDER BY key")
    api.script("/api/v1/booking/searchSiteScnscYmdListBySite",
               Reply(200, json.dumps({"statusCode": 500, "statusMessage": "시스템 오류", "data": None}, ensure_ascii=False)))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "CGV answered statusCode 500: 시스템 오류" in r.err, "statusCode named", r)
    api.script("/api/v1/booking/searchMovScnInfo", Reply(200, '{"statusCode":0,"data":{"oops":1}}'))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "data is not a list" in r.err and "searchMovScnInfo" in r.err, "wrong data type", r)
    api.script("/api/v1/booking/", html_block_page())
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "blocked by the server (403 HTML page)" in r.err, "block named", r)
    expect(case.db("SELECT key FROM openings ORDER BY key") == before, "state untouched")
    expect(ntfy.messages == [], "no alerts from failures")


def test_empty_data_on_a_date_with_showings_loses_nothing(case):
    api, ntfy, cfg = screen_setup(case)
    api.script("/api/v1/booking/searchMovScnInfo", Reply(200, '{"statusCode":0,"data":[]}'),
               Reply(200, '{"statusCode":0,"data":[]}'))
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and ntfy.messages == [], "no alert", r)
    expect(case.db("SELECT count(*) FROM openings")[0][0] == 2, "no loss")
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and ntfy.messages == [], "showings back: still no alert", r)


def test_sweeps_are_budgeted_rotate_and_never_raise_a_false_wave(case):
    api, ntfy, cfg = screen_setup(case, days=range(1, 7), dates_per_run=2)
    expect(api.count() == 4, f"date list + 2 dates + the theater list (once, for its name), got {api.count()}")
    swept = set()
    for _ in range(3):
        before = len(api.requests)
        r = case.run("check", config=cfg)
        expect(r.rc == 0 and ntfy.messages == [], "dates open since the baseline are swept silently", r)
        reqs = api.requests[before:]
        expect(len(reqs) == 3, f"budget kept: {len(reqs)} requests")
        swept |= {q.query["scnYmd"][0] for q in reqs if q.path.endswith("searchMovScnInfo")}
    expect(swept == {ymd(d) for d in range(1, 7)}, f"every open date covered within a few runs: {sorted(swept)}")
    api.showings.append(showing(ymd(9), "018", 1, *AVATAR, "03", "1100"))
    before = len(api.requests)
    r = case.run("check", config=cfg)
    first = [q.query["scnYmd"][0] for q in api.requests[before:] if q.path.endswith("searchMovScnInfo")]
    expect(ymd(9) in first, f"the new date is swept first: {first}")
    expect(len(ntfy.messages) == 1 and "11:00" in ntfy.messages[0]["message"], "and its showing pushed")


def test_many_new_dates_are_all_news_even_when_swept_over_several_runs(case):
    api, ntfy, cfg = screen_setup(case, days=[1], dates_per_run=1)
    for d in (10, 11, 12):
        api.showings.append(showing(ymd(d), "018", 1, *AVATAR, "03", "1200"))
    for _ in range(4):
        case.run("check", config=cfg)
    pushed = "\n".join(m["message"] for m in ntfy.messages)
    expect(len(ntfy.messages) == 3, f"each new date pushed when first swept: {len(ntfy.messages)}")
    for d in (10, 11, 12):
        expect(f"{int(ymd(d)[6:])}일" in pushed, f"day {d} pushed")


def test_past_dates_are_not_swept_whatever_the_host_time_zone(case):
    api, ntfy, cfg = screen_setup(case)
    api.extra_dates.add(ymd(-1))
    for tz in ("America/Los_Angeles", "Pacific/Kiritimati", "UTC"):
        before = len(api.requests)
        r = case.run("check", config=cfg, env={"TZ": tz})
        dates = [q.query["scnYmd"][0] for q in api.requests[before:] if q.path.endswith("searchMovScnInfo")]
        expect(r.rc == 0 and ymd(-1) not in dates and dates, f"TZ={tz}: yesterday (Korea time) not requested: {dates}", r)
    expect(ntfy.messages == [], "no time zone makes old showings new")


def test_theaters_discovery_matches_names_and_codes(case):
    api = case.serve(FakeCgvApi())
    env = {"HOME": case.tmp}
    r = case.run("theaters", "용산", "--api", api.api, env=env)
    expect(r.rc == 0 and "0013" in r.out and "용산아이파크몰" in r.out and "강남" not in r.out, "Korean substring", r)
    r = case.run("theaters", "0056", "--api", api.api, env=env)
    expect(r.rc == 0 and "강남" in r.out and r.out.count("\n") == 1, "code", r)
    r = case.run("theaters", "--json", "--api", api.api, env=env)
    rows = json.loads(r.out)
    expect(len(rows) == 4 and {"code", "name", "region"} <= set(rows[0]), f"all, as JSON: {rows}")
    api.legacy_sites_only = True
    r = case.run("theaters", "광교", "--api", api.api, env=env)
    expect(r.rc == 0 and "0211" in r.out, "falls back to content/site/searchAllRegionAndSite", r)
    rows = json.loads(case.run("theaters", "광교", "--json", "--api", api.api, env=env).out)
    expect(rows[0]["region"] == "경기", f"regions named from regionInfo's comCdvalNm: {rows}")
    r = case.run("theaters", "없는극장", "--api", api.api, env=env)
    expect(r.rc == 1 and "no theater matches" in r.err, "no match is said", r)


def test_movies_discovery_lists_codes_and_what_plays_here(case):
    api = case.serve(FakeCgvApi())
    api.showings.append(showing(ymd(1), "018", 1, *AVATAR, "03", "1000"))
    r = case.run("movies", "0013", "--screen", "imax", "--api", api.api)
    expect(r.rc == 0 and "30000774" in r.out and "아바타: 불과 재" in r.out and "30000801" not in r.out,
           "codes and titles of the movies bookable in IMAX", r)
    q = [x for x in api.requests if x.path.endswith("searchAtktTopPostrList")][0].query
    expect(q.get("attrCd") == ["04"] and q.get("div") == ["CUST_EXPO_MOVTYP_CD"], f"screen filter {q}")
    line = [l for l in r.out.splitlines() if "30000774" in l][0]
    expect("yes" in line, f"playing here: {line}")
    r = case.run("movies", "0013", "--json", "--api", api.api)
    rows = json.loads(r.out)
    expect(any(x["code"] == "30000774" and x["playing_here"] for x in rows), f"{rows}")
    r = case.run("movies", "13", "--api", api.api)
    expect(r.rc == 2 and "4 letters or digits" in r.err, "bad theater code", r)
    r = case.run("movies", "0031", "--screen", "imax", "--api", api.api)
    expect(r.rc == 2 and "no theater 0031" in r.err and "alimi theaters" in r.err, "an unknown theater names the way out", r)


def test_movies_with_a_screen_look_at_every_open_date(case):
    """Issue 14, point 8: a movie whose IMAX showings start on the third open date plays here."""
    api = case.serve(FakeCgvApi())
    zootopia = ("30000801", "주토피아 2")
    api.showings += [showing(ymd(1), "018", 1, *AVATAR, "01", "1000"),
                     showing(ymd(3), "018", 1, *zootopia, "03", "1000"),
                     showing(ymd(1), "018", 1, *AVATAR, "03", "1000", site="0056")]
    rows = json.loads(case.run("movies", "0013", "--screen", "imax", "--json", "--api", api.api).out)
    here = {x["code"]: x["playing_here"] for x in rows}
    expect(here == {"30000774": False, "30000801": True}, f"IMAX at 0013 on any date: {rows}")


def test_a_refused_request_says_what_cgv_explained(case):
    """Issue 14, point 10: an HTTP 400 carries CGV's own explanation in statusMessage."""
    api, ntfy, cfg = screen_setup(case, days=(1,), dates_per_run=3)  # the date list each run
    api.script("/api/v1/booking/searchSiteScnscYmdListBySite",
               Reply(400, json.dumps({"statusCode": 400, "statusMessage": "발매통제범위코드는 필수 요청 파라미터 입니다.",
                                      "data": [{"rejectField": "rtctlScopCd"}]}, ensure_ascii=False)))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "HTTP 400: 발매통제범위코드는 필수 요청 파라미터 입니다." in r.err, "the explanation is in the error", r)
