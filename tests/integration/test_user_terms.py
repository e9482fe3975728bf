"""Targets in the user's terms, for every chain through the real binary: a title that matches a
film only once it appears, start-time windows and weekdays, min_seats and seats coming back,
several theaters in one target, and a state from before all this migrating silently. Each
chain's fake derives every answer from its one world of showings."""
import datetime
import json

from fakes import (FakeCgvApi, FakeLotte, FakeMegabox, FakeNtfy, Reply, kst_today, lt_showing, mb_showing,
                   showing, ymd)
from harness import expect

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def offset_of(weekday, after=1):
    """The first day from `after` days on (KST) that is that weekday."""
    for d in range(after, after + 7):
        if (kst_today() + datetime.timedelta(days=d)).weekday() == WEEKDAYS.index(weekday):
            return d
    raise AssertionError(weekday)


class Cgv:
    name, screen, other = "cgv", "imax", "0056"

    def __init__(self, case):
        self.fake = case.serve(FakeCgvApi())
        self.fake.showings.clear()
        self.seq = 0

    def section(self):
        return f'[cgv]\napi = "{self.fake.api}"\nstrategy = "sweep"\ndates_per_run = 10\n'

    def add(self, day, start, code, title, free=100, theater="0013"):
        self.seq += 1
        names = {"0013": "CGV 용산아이파크몰", "0056": "CGV 강남", "0211": "CGV 광교", "P013": "CGV 용산아이파크몰 별관"}
        row = showing(ymd(day), "018", self.seq, code, title, "03", start.replace(":", ""), free, 100,
                      site=theater, site_nm=names[theater])
        self.fake.showings.append(row)
        return row

    def set_free(self, row, free):
        row["frSeatCnt"] = str(free)


class Megabox:
    name, screen, other = "megabox", "dolby", "1372"

    def __init__(self, case):
        self.fake = case.serve(FakeMegabox())
        self.fake.world.clear()
        self.seq = 0

    def section(self):
        return f'[megabox]\napi = "{self.fake.url}"\ndates_per_run = 10\n'

    def add(self, day, start, code, title, free=100, theater="1351"):
        self.seq += 1
        row = mb_showing(day, start, code, title, branch=theater, seq=self.seq, rest=free, total=100)
        with self.fake.lock:
            self.fake.world.append(row)
        return row

    def set_free(self, row, free):
        row["rest"] = free


class Lotte:
    name, screen, other = "lotte", "superplex", "1013"

    def __init__(self, case):
        self.fake = case.serve(FakeLotte())
        self.fake.world.clear()
        self.seq = 0

    def section(self):
        return f'[lotte]\napi = "{self.fake.url}"\ndates_per_run = 10\n'

    def add(self, day, start, code, title, free=100, theater="1016"):
        self.seq += 1
        row = lt_showing(day, start, code, title, cinema=int(theater), seq=self.seq, free=free, total=100)
        with self.fake.lock:
            self.fake.world.append(row)
        return row

    def set_free(self, row, free):
        row["free"] = free


CHAINS = [Cgv, Megabox, Lotte]
HOME = {"cgv": "0013", "megabox": "1351", "lotte": "1016"}


def config(chain, ntfy, target):
    return f"""{chain.section()}
[http]
timeout = 3
min_gap = 0
[[notifier]]
name = "phone"
server = "{ntfy.url}"
topic = "terms"
[[target]]
name = "t"
source = "{chain.name}"
{target}
"""


def titles(ntfy):
    return [m["title"] for m in ntfy.messages]


def test_a_title_finds_a_film_that_appears_later_and_filters_keep_evening_weekends(case):
    sat, tue = offset_of("sat"), offset_of("tue")
    for make in CHAINS:
        chain, ntfy = make(case), case.serve(FakeNtfy())
        chain.add(sat, "20:00", "90000001", "주토피아 2")
        target = (f'theater = "{HOME[chain.name]}"\nscreen = "{chain.screen}"\ntitle = "아바타3"\n'
                  'times = "18:00-24:30"\ndays = ["sat", "sun"]')
        cfg = case.write(f"{chain.name}.toml", config(chain, ntfy, target))
        env = {"ALIMI_STATE": case.path(f"{chain.name}.db")}
        r = case.run("check", "--json", config=cfg, env=env)
        expect(r.rc == 0 and r.out == "" and ntfy.messages == [], f"{chain.name}: a silent baseline", r)
        # Step 2: the film appears, which no code named in advance.
        chain.add(sat, "19:00", "90000777", "아바타: 불과 재 3")   # kept: an evening on a weekend
        chain.add(sat, "10:00", "90000777", "아바타: 불과 재 3")   # a matinee
        chain.add(tue, "19:00", "90000777", "아바타: 불과 재 3")   # a weekday
        chain.add(sat, "21:00", "90000001", "주토피아 2")          # another film
        r = case.run("check", "--json", config=cfg, env=env)
        lines = r.json_lines()
        expect(r.rc == 0 and [(o["date"].replace("-", ""), o["time"]) for o in lines] == [(ymd(sat), "19:00")],
               f"{chain.name}: only the evening weekend showing of the film is news", r)
        expect(lines[0]["event"] == "opening" and lines[0]["movie"] == "아바타: 불과 재 3", f"{lines[0]}")
        expect(len(ntfy.messages) == 1 and "아바타: 불과 재 3" in ntfy.messages[0]["message"],
               f"{chain.name}: one push naming the film: {ntfy.messages}")
        known = case.run("show", "t", "--json", config=cfg, env=env)
        expect(len(json.loads(known.out)["openings"]) == 5, f"{chain.name}: the filtered-out ones are known", known)
        again = case.run("check", "--json", config=cfg, env=env)
        expect(again.out == "" and len(ntfy.messages) == 1, f"{chain.name}: pushed once", again)
        t = case.run("test", "t", config=cfg, env=env)
        expect(t.rc == 0 and "filters: 아바타3 · 18:00-24:30 · 토 일: 1 of 5 opening(s) pass" in t.out,
               f"{chain.name}: test prints the filters and what passes", t)


def test_seats_min_and_back_push_once_per_rise(case):
    for make in CHAINS:
        chain, ntfy = make(case), case.serve(FakeNtfy())
        known = chain.add(2, "19:00", "90000777", "아바타: 불과 재", free=5)
        target = f'theater = "{HOME[chain.name]}"\nscreen = "{chain.screen}"\nmin_seats = 2\nseats_back = true'
        cfg = case.write(f"{chain.name}.toml", config(chain, ntfy, target))
        env = {"ALIMI_STATE": case.path(f"{chain.name}.db")}
        run = lambda what: check_with(case, cfg, env, what)
        run("baseline")
        one_seat = chain.add(3, "19:00", "90000777", "아바타: 불과 재", free=1)
        expect(run("a one-seat showing") == [] and ntfy.messages == [], f"{chain.name}: min_seats holds it back")
        chain.set_free(one_seat, 2)
        lines = run("it reaches two seats")
        expect([o["event"] for o in lines] == ["opening"] and lines[0]["seats_free"] == 2,
               f"{chain.name}: then it opens: {lines}")
        chain.set_free(known, 0)
        expect(run("sold out") == [], f"{chain.name}: a sell-out is no news")
        chain.set_free(known, 2)
        lines = run("seats back")
        expect([o["event"] for o in lines] == ["seats_back"], f"{chain.name}: seats back: {lines}")
        pushed = ntfy.messages[-1]
        expect("좌석 다시 열림" in pushed["title"] and "2/100" in pushed["message"], f"{chain.name}: {pushed}")
        chain.set_free(known, 3)
        expect(run("still open") == [], f"{chain.name}: once per rise")
        chain.set_free(known, 1)
        expect(run("below again") == [], f"{chain.name}: a fall is no news")
        chain.set_free(known, 4)
        expect([o["event"] for o in run("back again")] == ["seats_back"], f"{chain.name}: a second rise")
        expect(len(ntfy.messages) == 3, f"{chain.name}: three pushes in all: {titles(ntfy)}")


def check_with(case, cfg, env, what):
    r = case.run("check", "--json", config=cfg, env=env)
    expect(r.rc == 0, what, r)
    return r.json_lines()


def test_a_list_of_theaters_baselines_each_and_names_the_theater(case):
    for make in CHAINS:
        chain, ntfy = make(case), case.serve(FakeNtfy())
        home = HOME[chain.name]
        chain.add(2, "19:00", "90000777", "아바타: 불과 재", theater=home)
        chain.add(2, "19:00", "90000777", "아바타: 불과 재", theater=chain.other)
        target = f'theater = ["{home}", "{chain.other}"]\ntitle = "아바타"'
        if chain.name == "cgv":
            target += '\nscreen = "imax"'
        cfg = case.write(f"{chain.name}.toml", config(chain, ntfy, target))
        env = {"ALIMI_STATE": case.path(f"{chain.name}.db")}
        expect(check_with(case, cfg, env, "baselines") == [] and ntfy.messages == [], f"{chain.name}: silent")
        baselines = case.run("status", "--json", config=cfg, env=env)
        names = sorted(t.get("name") or t.get("target") for t in json.loads(baselines.out))
        expect(names == sorted([f"t@{home}", f"t@{chain.other}"]), f"{chain.name}: one target per theater: {names}", baselines)
        chain.add(4, "20:00", "90000777", "아바타: 불과 재", theater=chain.other)
        lines = check_with(case, cfg, env, "one new showing at the second theater")
        expect([o["target"] for o in lines] == [f"t@{chain.other}"], f"{chain.name}: {lines}")
        expect(len(ntfy.messages) == 1 and ("강남" in ntfy.messages[0]["title"] or "가산" in ntfy.messages[0]["title"]),
               f"{chain.name}: the push names the theater: {titles(ntfy)}")
        one = case.run("check", "t", config=cfg, env=env)
        expect(one.rc == 0, f"{chain.name}: the written name checks them all", one)
        show = case.run("show", "t", config=cfg, env=env)
        expect(show.rc == 2 and f"name one: t@{home}, t@{chain.other}" in show.err, f"{chain.name}", show)


SEOUL = {"cgv": ["0013", "0056", "P013"], "megabox": ["1351", "1372"], "lotte": ["1013", "1016"]}
OUTSIDE = {"cgv": "0211", "megabox": "0019", "lotte": "3021"}  # in 경기


def test_a_region_watches_each_of_its_theaters_and_reads_their_list_once(case):
    for make in CHAINS:
        chain, ntfy = make(case), case.serve(FakeNtfy())
        home = HOME[chain.name]
        chain.add(2, "19:00", "90000777", "아바타: 불과 재", theater=home)
        chain.add(2, "19:00", "90000777", "아바타: 불과 재", theater=chain.other)
        target = 'region = " 서울 "\ntitle = "아바타"' + ('\nscreen = "imax"' if chain.name == "cgv" else "")
        cfg = case.write(f"{chain.name}.toml", config(chain, ntfy, target))
        env = {"ALIMI_STATE": case.path(f"{chain.name}.db")}
        before = case.run("list", config=cfg, env=env)
        expect(before.rc == 0 and "t  " in before.out and "region 서울: its theaters are read by the next check"
               in before.out and chain.fake.requests == [], f"{chain.name}: list asks nothing", before)
        early = case.run("show", "t", config=cfg, env=env)
        expect(early.rc == 2 and "whose theaters are not known yet" in early.err, f"{chain.name}: show", early)
        expect(check_with(case, cfg, env, "baselines") == [] and ntfy.messages == [], f"{chain.name}: silent")
        members = json.loads(case.run("list", "--json", config=cfg, env=env).out)
        expect([(t["name"], t["region"]) for t in members] == [(f"t@{c}", "서울") for c in SEOUL[chain.name]],
               f"{chain.name}: list names the members: {members}")
        status = case.run("status", "--json", config=cfg, env=env)
        names = sorted(t.get("name") or t.get("target") for t in json.loads(status.out))
        expect(names == [f"t@{c}" for c in SEOUL[chain.name]], f"{chain.name}: one target per theater: {names}", status)
        chain.add(4, "20:00", "90000777", "아바타: 불과 재", theater=chain.other)
        chain.add(4, "20:00", "90000777", "아바타: 불과 재", theater=OUTSIDE[chain.name])
        lines = check_with(case, cfg, env, "a new showing inside the region and one outside")
        expect([o["target"] for o in lines] == [f"t@{chain.other}"], f"{chain.name}: only the region's: {lines}")
        expect(len(ntfy.messages) == 1 and "강남" in ntfy.messages[0]["title"] + ntfy.messages[0]["message"] or
               chain.name == "lotte" and "가산" in ntfy.messages[0]["title"], f"{chain.name}: {titles(ntfy)}")
        # A run of the region asks what a run of its theaters written as a list asks: the
        # theater list is not read again.
        listed = target.replace('region = " 서울 "', "theater = [" + ", ".join(f'"{c}"' for c in SEOUL[chain.name]) + "]")
        listed_cfg = case.write(f"{chain.name}-list.toml", config(chain, ntfy, listed))
        listed_env = {"ALIMI_STATE": case.path(f"{chain.name}-list.db")}
        check_with(case, listed_cfg, listed_env, "the list's baselines")
        counts = []
        for c, e in ((cfg, env), (listed_cfg, listed_env)):
            before = len(chain.fake.requests)
            check_with(case, c, e, "steady")
            counts.append(len(chain.fake.requests) - before)
        expect(counts[0] == counts[1], f"{chain.name}: region vs list requests per run: {counts}")
        show = case.run("show", "t", config=cfg, env=env)
        expect(show.rc == 2 and "name one: " + ", ".join(f"t@{c}" for c in SEOUL[chain.name]) in show.err,
               f"{chain.name}", show)
        nowhere = case.write(f"{chain.name}-jeju.toml", config(chain, ntfy, target.replace(" 서울 ", "제주")))
        r = case.run("check", config=nowhere, env={"ALIMI_STATE": case.path(f"{chain.name}-jeju.db")})
        expect(r.rc == 1 and "lists no theater in region '제주' (its regions: 서울, 경기)" in r.err,
               f"{chain.name}: an unknown region names the chain's regions", r)
        v = case.run("validate", "--online", config=nowhere, env={"ALIMI_STATE": case.path("none.db")})
        expect(v.rc == 2 and f"{chain.name}-jeju.toml:" in v.err and "region '제주'" in v.err,
               f"{chain.name}: validate --online says it at the file's line", v)


def test_a_region_whose_list_cannot_be_read_fails_and_waits_before_asking_again(case):
    chain, ntfy = Cgv(case), case.serve(FakeNtfy())
    chain.add(2, "19:00", "90000777", "아바타: 불과 재")
    for path in ("/api/v1/booking/searchRegnList", "/api/v1/content/site/searchAllRegionAndSite"):
        chain.fake.script(path, *[Reply(503, "busy", content_type="text/plain")] * 3)
    cfg = case.write("c.toml", config(chain, ntfy, 'region = "서울"\nscreen = "imax"'))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "t: region '서울': CGV's theater list could not be read yet" in r.err, "said, exit 1", r)
    asked = chain.fake.count("/api/v1/booking/searchRegnList")
    again = case.run("check", config=cfg)
    expect(again.rc == 1 and chain.fake.count("/api/v1/booking/searchRegnList") == asked,
           "not asked again within minutes", again)
    bad = case.write("bad.toml", config(chain, ntfy, 'region = "서울"\ntheater = "0013"\nscreen = "imax"'))
    v = case.run("validate", config=bad)
    expect(v.rc == 2 and "theater and region are alternatives" in v.err and "bad.toml:" in v.err and
           len(v.err.strip().splitlines()) == 1, "both: one line", v)
    for line, said in (("region = 3", "'region' must be a string"), ('region = ""', 'region = "" names no region')):
        bad = case.write("bad.toml", config(chain, ntfy, f'{line}\nscreen = "imax"'))
        v = case.run("validate", config=bad)
        expect(v.rc == 2 and said in v.err and len(v.err.strip().splitlines()) == 1, f"{line}: one line", v)


RELEASE_MIGRATIONS_UNDONE = [
    ["ALTER TABLE openings DROP COLUMN announced_at", "ALTER TABLE openings DROP COLUMN held",
     "ALTER TABLE openings DROP COLUMN seats_low"],
    ["ALTER TABLE outbox DROP COLUMN image"],
    ["DROP TABLE theater_lists"],
]


def test_an_old_state_migrates_without_a_push(case):
    for make in CHAINS:
        chain, ntfy = make(case), case.serve(FakeNtfy())
        row = chain.add(2, "19:00", "90000777", "아바타: 불과 재", free=0)
        target = f'theater = "{HOME[chain.name]}"\nscreen = "{chain.screen}"\nseats_back = true'
        cfg = case.write(f"{chain.name}.toml", config(chain, ntfy, target))
        state = case.path(f"{chain.name}.db")
        env = {"ALIMI_STATE": state}
        check_with(case, cfg, env, "baseline")
        # The state as the release before this one wrote it: each migration of this release
        # undone (seen/announced apart, the outbox's poster, the theater lists of regions).
        for undo in RELEASE_MIGRATIONS_UNDONE:
            for sql in undo:
                case.db_at(state, sql)
        version = case.db_at(state, "PRAGMA user_version")[0][0]
        case.db_at(state, f"PRAGMA user_version = {version - len(RELEASE_MIGRATIONS_UNDONE)}")
        chain.set_free(row, 3)
        chain.add(5, "19:00", "90000777", "아바타: 불과 재")
        lines = check_with(case, cfg, env, "after the migration")
        expect([o["date"].replace("-", "") for o in lines] == [ymd(5)] and lines[0]["event"] == "opening",
               f"{chain.name}: only the new showing; the known one's rise was never seen low: {lines}")
        migrated = case.db_at(state, "SELECT count(*) FROM openings WHERE announced_at IS NULL")[0][0]
        expect(migrated == 0, f"{chain.name}: every known showing settled")


def test_filter_keys_are_checked_with_the_form_that_would_be_right(case):
    ntfy = case.serve(FakeNtfy())
    chain = Cgv(case)
    bad = {
        'times = "18:00-12:00"': 'times \'18:00-12:00\' is not a window of start times like "18:00-24:30"',
        'days = ["fri", "sta"]': "unknown day 'sta' in days (did you mean 'sat'?",
        'dates = ["2026-12-31..2026-12-24"]': "dates entry '2026-12-31..2026-12-24' is not",
        'min_seats = 0': "min_seats must be between 1 and 1000",
        'seats_back = "yes"': "'seats_back' must be a boolean",
        'title = "{movie} 오픈"': "title is the film to watch",
    }
    for line, message in bad.items():
        cfg = case.write("bad.toml", config(chain, ntfy, f'theater = "0013"\nscreen = "imax"\n{line}'))
        r = case.run("validate", config=cfg)
        expect(r.rc == 2 and message in r.err and "bad.toml:" in r.err and len(r.err.strip().splitlines()) == 1,
               f"{line}: one line at file:line", r)
    cfg = case.write("bad.toml", config(chain, ntfy, 'theater = "0013"\nmovie = "30000774"\nseats_back = true'))
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and "carry no seat counts" in r.err and "title and a screen" in r.err, "a date list has no seats", r)
    cfg = case.write("bad.toml", config(chain, ntfy, 'theater = "0013"'))
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and "needs 'movie', 'title' or 'screen'" in r.err, "a whole theater unasked", r)
    cfg = case.write("ok.toml", config(chain, ntfy, 'theater = "0013"\nscreen = "imax"\ntitle = "듄 3"'))
    r = case.run("validate", "--online", config=cfg)
    expect(r.rc == 0 and "nothing on sale matches '듄 3' yet; will match when it opens (closest on sale:" in r.err,
           "a title not on sale yet is a note with the closest titles", r)


def test_movies_upcoming_lists_what_the_chain_announces_or_says_it_lists_nothing(case):
    megabox = case.serve(FakeMegabox())
    r = case.run("movies", "--upcoming", "--chain", "megabox", "--api", megabox.url)
    expect(r.rc == 0 and "26031100" in r.out and "듄: 파트3" in r.out and "상영예정" in r.out and
           "아바타" not in r.out, "megabox: the films its list marks as not on sale yet", r)
    j = case.run("movies", "--upcoming", "--chain", "megabox", "--api", megabox.url, "--json")
    expect(j.rc == 0 and json.loads(j.out) == [{"code": "26031100", "name": "듄: 파트3", "status": "상영예정"}],
           "megabox --json", j)
    with megabox.lock:  # it goes on sale: now showing, no longer upcoming
        megabox.world.append(mb_showing(3, "19:00", "26031100", "듄: 파트3", seq=9))
    r = case.run("movies", "--upcoming", "--chain", "megabox", "--api", megabox.url)
    expect(r.rc == 0 and "lists no film before its sale today" in r.out and "듄" not in r.out, "on sale now", r)
    for chain, fake in (("cgv", case.serve(FakeCgvApi())), ("lotte", case.serve(FakeLotte()))):
        api = fake.api if chain == "cgv" else fake.url
        r = case.run("movies", "--upcoming", "--chain", chain, "--api", api)
        expect(r.rc == 0 and "lists no film before it goes on sale" in r.out and 'title = "..."' in r.out,
               f"{chain}: says it has no such list and what to do instead", r)
        j = case.run("movies", "--upcoming", "--chain", chain, "--api", api, "--json")
        expect(j.rc == 0 and json.loads(j.out) == [] and "lists no film" in j.err, f"{chain} --json", j)
        expect(fake.requests == [], f"{chain}: nothing asked of a site with no such list")
    bare = case.run("movies", "--chain", "megabox", "--api", megabox.url)
    expect(bare.rc == 2 and "THEATER is required" in bare.err, "movies without a theater", bare)
    both = case.run("movies", "--upcoming", "--screen", "dolby", "--chain", "megabox", "--api", megabox.url)
    expect(both.rc == 2 and "drop --screen" in both.err, "--upcoming takes no screen", both)


def test_a_cgv_title_without_a_screen_watches_every_hall(case):
    chain, ntfy = Cgv(case), case.serve(FakeNtfy())
    chain.add(2, "19:00", "90000001", "주토피아 2")
    cfg = case.write("c.toml", config(chain, ntfy, 'theater = "0013"\ntitle = "아바타"'))
    expect(check_with(case, cfg, {}, "baseline") == [] and ntfy.messages == [], "silent")
    chain.fake.showings += [showing(ymd(3), "007", 1, "90000777", "아바타: 불과 재", "01", "1000"),
                            showing(ymd(3), "009", 1, "90000777", "아바타: 불과 재", "02", "1300", hall_nm="4DX관"),
                            showing(ymd(3), "007", 2, "90000001", "주토피아 2", "01", "1500")]
    lines = check_with(case, cfg, {}, "the film in two halls")
    expect(sorted((o["time"], o["hall"]) for o in lines) == [("10:00", "7관"), ("13:00", "4DX관")],
           f"both halls' showings of the film, not the other film's: {lines}")
    expect(len(ntfy.messages) == 1 and "2회차" in ntfy.messages[0]["title"], f"one push: {titles(ntfy)}")
