"""Issue 14: every push says what opened, and no target watches nothing in silence."""
import json

from fakes import FakeCgvApi, FakeNtfy, showing, ymd
from harness import expect
from test_cgv import AVATAR


def test_a_target_that_pushes_nowhere_must_say_notify_none(case):
    api = case.serve(FakeCgvApi())
    target = f'[cgv]\napi = "{api.api}"\n[[target]]\nname = "a"\ntheater = "0013"\nscreen = "imax"\n'
    r = case.run("validate", config=case.write("a.toml", target))
    expect(r.rc == 2 and "target 'a': no [[notifier]] to push to" in r.err and 'notify = "none"' in r.err, "said", r)
    api.showings.append(showing(ymd(1), "018", 1, *AVATAR, "03", "1000", 624, 624))
    cfg = case.write("b.toml", target + 'notify = "none"\n')
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    api.showings.append(showing(ymd(2), "018", 1, *AVATAR, "03", "1000", 624, 624))
    r = case.run("check", "--json", config=cfg)
    expect(r.rc == 0 and [o["date"] for o in r.json_lines()] == [f"{ymd(2)[:4]}-{ymd(2)[4:6]}-{ymd(2)[6:]}"],
           "a --json pipeline sees the opening", r)
    expect(case.db("SELECT count(*) FROM outbox")[0][0] == 0, "and nothing is queued")
