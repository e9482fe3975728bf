"""One world of showings for the race benchmark, and the timelines it replays.

A timeline is the state at its start plus timed events; `World.rows_at(t)` is every showing row
visible at t (past dates dropped), and the fake CGV serves every endpoint from those rows, so the
date list, the per-movie hall lists, the national hall lists and the day pages always agree, as
on the real site.

Timelines have the shape of the public record (cgv-api.md section 3): two theaters, two special
halls each (4 streams), 17-30 open dates a theater, openings in waves of 1-5 dates a few minutes
apart, mostly 11-18h KST; 25% on a new date, 60% a hall's first showings on a listed date, 15%
more showings of the hall on a date that already has some (within 3 days of the wave's previous
date when it has one: a wave works on a stretch of dates). `generate(seed, days, waves)` makes
one; tests/bench/race/timeline.json is the 11-day one the benchmark replays (36 openings), and the
synthetic month is generated with another seed."""
import datetime as dt
import json
import random

KST = dt.timezone(dt.timedelta(hours=9))
THEATERS = {"0013": "용산아이파크몰", "0059": "영등포"}
HALLS = {"imax": ("018", "03", "IMAX관"), "4dx": ("009", "02", "4DX관")}  # hall, grade, name
MOVIES = [("30000774", "아바타: 불과 재"), ("30000801", "주토피아 2"), ("30000999", "듄: 파트 3"),
          ("30001010", "미션 임파서블 9"), ("30001111", "쥬라기 월드 4"), ("30001212", "스파이더맨 4")]
TIMES = ["0900", "1030", "1200", "1330", "1500", "1630", "1800", "1930", "2100", "2230", "2500"]


def ymd(d):
    return d.strftime("%Y%m%d")


def compact(site, date, screen, movie, start):
    """A showing as the timeline keeps it: [site, date, screen or "normal", movie code, start]."""
    return [site, date, screen, movie[0], start]


def row(site, date, hall, grade, hall_nm, movie, start, seq):
    end = f"{(int(start[:2]) + 2):02d}{start[2:]}"
    return {"siteNo": site, "siteNm": THEATERS.get(site, "먼곳"), "scnYmd": date, "scnsNo": hall, "scnSseq": str(seq),
            "scnsNm": hall_nm, "expoScnsNm": hall_nm, "movNo": movie[0], "movNm": movie[1],
            "expoProdNm": movie[1], "movkndDsplNm": hall_nm, "tcscnsGradCd": grade,
            "scnsrtTm": start, "scnendTm": end, "frSeatCnt": "100", "stcnt": "100"}


def generate(seed, days, waves, start=dt.datetime(2026, 11, 2, tzinfo=KST)):
    """A timeline: {"start", "days", "initial": [rows], "events": [{"at", "kind", "stream", "rows"}]}.
    Only "opening" events count in the figures; "date" events list a date for normal halls."""
    rnd = random.Random(seed)
    today = start.date()
    window = {site: rnd.randint(17, 30) for site in THEATERS}
    last = {site: today + dt.timedelta(days=window[site] - 1) for site in THEATERS}
    hall_dates = {(site, screen): set() for site in THEATERS for screen in HALLS}
    initial, events = [], []

    def normal_rows(site, date):
        return [compact(site, ymd(date), "normal", MOVIES[0], t) for t in TIMES[:4]]

    used = {}  # (site, screen, date) -> start times taken: a hall starts one showing at a time

    def hall_rows(site, screen, date, movie, count):
        taken = used.setdefault((site, screen, date), set())
        free = [t for t in TIMES if t not in taken]
        times = sorted(rnd.sample(free, min(count, len(free))))
        taken.update(times)
        return [compact(site, ymd(date), screen, movie, t) for t in times]

    for site in THEATERS:
        for i in range(window[site]):
            d = today + dt.timedelta(days=i)
            initial += normal_rows(site, d)
            for screen in HALLS:
                if i < window[site] // 3:  # the near dates already play the halls
                    initial += hall_rows(site, screen, d, MOVIES[0], 3)
                    hall_dates[(site, screen)].add(d)
    for day in range(days):  # each morning the far end of the window moves on
        at = dt.datetime.combine(today + dt.timedelta(days=day), dt.time(9, 30), KST)
        for site in THEATERS:
            last[site] += dt.timedelta(days=1)
            events.append({"at": at.isoformat(), "kind": "date", "rows": normal_rows(site, last[site])})
    newest = {}  # site -> the latest new date opened so far
    starts = []
    for w in range(waves):
        day = rnd.randrange(days)
        hour = rnd.randint(11, 17) if rnd.random() < 0.8 else rnd.choice([9, 10, 19, 20, 21, 22])
        starts.append(dt.datetime.combine(today + dt.timedelta(days=day), dt.time(hour, rnd.randrange(60)), KST))
    # Films open their special-hall runs in release order: later waves bring later films.
    for w, at in enumerate(sorted(starts)):
        site, screen = rnd.choice(list(THEATERS)), rnd.choice(list(HALLS))
        movie = MOVIES[min(len(MOVIES) - 1, 1 + w * (len(MOVIES) - 1) // max(1, waves))]
        now_today = at.date()
        prev = None
        for _ in range(rnd.choices([1, 2, 3, 4, 5], [30, 30, 20, 12, 8])[0]):
            kind = rnd.choices(["new-date", "first-in-hall", "more"], [25, 60, 15])[0]
            listed_end = today + dt.timedelta(days=window[site] + day - 1)
            played = sorted(d for d in hall_dates[(site, screen)] if d > now_today)
            unplayed = [now_today + dt.timedelta(days=i) for i in range(1, (listed_end - now_today).days)
                        if now_today + dt.timedelta(days=i) not in hall_dates[(site, screen)]]
            if kind == "more" and not played or kind == "first-in-hall" and not unplayed:
                kind = "new-date"
            if kind == "new-date":
                # beyond every date listed so far, this theater's earlier new dates included
                date = max(listed_end, newest.get(site, listed_end)) + dt.timedelta(days=rnd.randint(1, 3))
                newest[site] = date
                rows = normal_rows(site, date) + hall_rows(site, screen, date, movie, rnd.randint(2, 5))
            elif kind == "first-in-hall":
                date = rnd.choice(unplayed[:12])  # a wave opens the nearer weeks first
                rows = hall_rows(site, screen, date, movie, rnd.randint(2, 5))
            else:  # a wave adds showings next to the dates it works on
                near = [d for d in played if prev and abs((d - prev).days) <= 3] or played
                date = rnd.choice(near)
                rows = hall_rows(site, screen, date, movie, rnd.randint(1, 2))
            hall_dates[(site, screen)].add(date)
            prev = date
            events.append({"at": at.isoformat(), "kind": "opening", "type": kind, "wave": w,
                           "stream": f"{site}-{screen}", "date": ymd(date), "rows": rows})
            at += dt.timedelta(minutes=rnd.randint(1, 6))
    events.sort(key=lambda e: e["at"])
    return {"start": start.isoformat(), "days": days, "initial": initial, "events": events}


class World:
    def __init__(self, timeline):
        self.timeline = timeline
        self.start = dt.datetime.fromisoformat(timeline["start"])
        self.events = [(dt.datetime.fromisoformat(e["at"]), e) for e in timeline["events"]]
        self.initial = [self.expand(c) for c in timeline["initial"]]
        for _, e in self.events:
            e["full"] = [self.expand(c) for c in e["rows"]]

    @staticmethod
    def expand(c):
        """A compact showing as searchMovScnInfo sends it; its number is its place in the day."""
        site, date, screen, code, start = c
        hall, grade, name = HALLS.get(screen, ("007", "01", "7관"))
        movie = next(m for m in MOVIES if m[0] == code)
        return row(site, date, hall, grade, name, movie, start, TIMES.index(start) + 1)

    def blank_at(self, t):
        """Dates whose day page answers `data []` at t: for "blank_for" seconds after an event."""
        return {e["date"] for at, e in self.events
                if e.get("blank_for") and at <= t < at + dt.timedelta(seconds=e["blank_for"])}

    def openings(self):
        return [(at, e) for at, e in self.events if e["kind"] == "opening"]

    def rows_at(self, t, pages=False):
        """Every row visible at t, past business dates dropped; a repeated start in one hall and
        date (two events picking the same time) keeps the first. pages: as the day pages show
        them, an event's "page_lag" seconds after the lists."""
        today = ymd(t.astimezone(KST).date())
        rows, seen = [], set()
        lag = (lambda e: dt.timedelta(seconds=e.get("page_lag", 0))) if pages else (lambda e: dt.timedelta(0))
        for r in self.initial + [r for at, e in self.events if at + lag(e) <= t for r in e["full"]]:
            key = (r["siteNo"], r["scnYmd"], r["scnsNo"], r["scnsrtTm"])
            if r["scnYmd"] >= today and key not in seen:
                seen.add(key)
                rows.append(r)
        return rows


if __name__ == "__main__":
    import sys
    tl = generate(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
    print(json.dumps(tl, ensure_ascii=False, indent=0))
