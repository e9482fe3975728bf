"""Worlds for the race that are not the benchmark's own timelines: generated from the documented
mix (cgv-api.md section 3) with any seed, one theater listing 30 dates, IMAX and 4DX halls.

- The halls start with the near 6-14 dates played by one or two films each (their own, not the
  same film in both halls), normal halls on every listed date.
- Waves (mostly 11-18h KST, any day): one hall, one film (half the time a film new to the hall),
  1-5 dates, the next date of a wave from 3 seconds to 50 minutes after the last. Each date is
  a new date (25%), the hall's first showings on a listed date (60%) or more showings on a date
  the hall plays (15%).
- Off-wave single additions, at least 3 hours from any wave, 9-23h KST: one showing on a date the
  hall plays, the first showings of a film the hall plays on a listed date, or a film new to the
  hall on a listed date.
- Lagging pages: a third of the openings reach the day page 30-150 s after the lists show them,
  and one in six dates answers its day page with `data []` for 60-120 s after its news.

Events carry "type" (new-date, first-in-hall, more, new-movie), "offwave" and the lag; World in
world.py serves lists and day pages from them."""
import datetime as dt
import random

from world import KST, MOVIES, TIMES, compact, ymd

SITE = "0013"
ELSEWHERE = "0099"  # another theater: only the national lists see it
LISTED = 30


def generate_mix(seed, days=15, waves=7, singles=6, start=dt.datetime(2026, 11, 2, tzinfo=KST)):
    rnd = random.Random(seed)
    today = start.date()
    films = {"imax": [MOVIES[0]], "4dx": [MOVIES[1]]}  # what each hall plays
    played = {h: set() for h in films}
    used = {}
    initial, events = [], []

    def hall_rows(hall, date, movie, count):
        taken = used.setdefault((hall, date), set())
        free = [t for t in TIMES if t not in taken]
        times = sorted(rnd.sample(free, min(count, len(free))))
        taken.update(times)
        played[hall].add(date)
        return [compact(SITE, ymd(date), hall, movie, t) for t in times]

    def normal(date):
        return [compact(SITE, ymd(date), "normal", MOVIES[5], t) for t in TIMES[:3]]

    for i in range(LISTED):
        initial += normal(today + dt.timedelta(days=i))
    for hall in films:
        for i in range(rnd.randint(6, 14)):
            initial += hall_rows(hall, today + dt.timedelta(days=i), films[hall][0], 3)
    last = today + dt.timedelta(days=LISTED - 1)
    for day in range(days):  # each morning the far end of the window moves on
        at = dt.datetime.combine(today + dt.timedelta(days=day), dt.time(9, 30), KST)
        last += dt.timedelta(days=1)
        events.append({"at": at.isoformat(), "kind": "date", "rows": normal(last)})
    far = [last]  # the latest date listed so far

    def listed_end(at):
        return today + dt.timedelta(days=LISTED - 1 + (at - start).days)

    def opening(at, hall, movie, kind, wave, offwave, prev=None):
        now = at.date()
        end = listed_end(at)
        mine = sorted(d for d in played[hall] if now < d <= end)
        unplayed = [now + dt.timedelta(days=i) for i in range(1, (end - now).days + 1)
                    if now + dt.timedelta(days=i) not in played[hall]]
        if kind == "more" and not mine or kind in ("first-in-hall", "new-movie") and not unplayed:
            kind = "new-date"
        rows = []
        if kind == "new-date":
            date = max(end, far[0]) + dt.timedelta(days=rnd.randint(1, 2))
            far[0] = date
            rows = normal(date) + hall_rows(hall, date, movie, rnd.randint(2, 5))
        elif kind == "more":
            near = [d for d in mine if prev and abs((d - prev).days) <= 3] or mine
            date = rnd.choice(near)
            rows = hall_rows(hall, date, movie, 1 if offwave else rnd.randint(1, 2))
        else:
            date = rnd.choice(unplayed[:14])
            rows = hall_rows(hall, date, movie, 1 if offwave else rnd.randint(2, 5))
        lag = rnd.randint(30, 150) if rnd.random() < 1 / 3 else 0
        blank = rnd.randint(60, 120) if rnd.random() < 1 / 6 else 0
        events.append({"at": at.isoformat(), "kind": "opening", "type": kind, "wave": wave,
                       "stream": f"{SITE}-{hall}", "date": ymd(date), "rows": rows, "offwave": offwave,
                       "page_lag": lag, "blank_for": blank})
        return date

    starts = sorted(dt.datetime.combine(today + dt.timedelta(days=rnd.randrange(days)),
                                        dt.time(rnd.randint(11, 17) if rnd.random() < 0.8 else rnd.choice([9, 10, 19, 20, 21]),
                                                rnd.randrange(60)), KST) for _ in range(waves))
    lone = []
    for _ in range(singles):
        for _ in range(100):
            at = dt.datetime.combine(today + dt.timedelta(days=rnd.randrange(1, days)),
                                     dt.time(rnd.randint(9, 22), rnd.randrange(60)), KST)
            if all(abs((at - w).total_seconds()) > 3 * 3600 for w in starts + lone):
                break
        lone.append(at)
    spare = list(MOVIES[2:5])
    # In time order, so each event sees the halls as they are then.
    for n, (at, offwave) in enumerate(sorted([(a, False) for a in starts] + [(a, True) for a in lone])):
        hall = rnd.choice(list(films))
        if offwave:
            kind = rnd.choice(["more", "first-in-hall", "new-movie"])
            movie = rnd.choice(films[hall])
            if kind == "new-movie":
                movie = rnd.choice([m for m in MOVIES[:5] if m not in films[hall]])
                films[hall].append(movie)
            opening(at, hall, movie, kind, n, True)
            continue
        if spare and rnd.random() < 0.5:  # a film opening its run in this hall
            films[hall].append(spare.pop(0))
        movie = films[hall][-1] if rnd.random() < 0.7 else rnd.choice(films[hall])
        prev = None
        for _ in range(rnd.choices([1, 2, 3, 4, 5], [30, 30, 20, 12, 8])[0]):
            kind = rnd.choices(["new-date", "first-in-hall", "more"], [25, 60, 15])[0]
            prev = opening(at, hall, movie, kind, n, False, prev)
            at += dt.timedelta(seconds=int(3 * (1000 ** rnd.random())))  # 3 s .. 50 min
    # Films 0-3 are bookable in both hall types elsewhere all along (the national lists show
    # them before they open here); film 4 only once it opens here.
    for i in range(days + LISTED):
        for m in MOVIES[:4]:
            for hall in films:
                initial.append(compact(ELSEWHERE, ymd(today + dt.timedelta(days=i)), hall, m, "1200"))
    events.sort(key=lambda e: e["at"])
    return {"start": start.isoformat(), "days": days, "initial": initial, "events": events,
            "theaters": [SITE]}
