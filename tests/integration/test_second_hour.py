"""The operator's second hour (issue 28, the parts done so far): held pushes released by a
notify-test that works or by `alimi retry`, said once; `enabled = false`; `alimi list`;
`alimi cooldown clear`; `validate --json`."""
import json

from fakes import FakeCgvApi, FakeLegacyCgv, FakeLotte, FakeNtfy, Reply, showing, ymd
from harness import expect, legacy_config
from test_cgv import AVATAR, config as cgv_config

FORBIDDEN = '{"code":40301,"http":403,"error":"forbidden"}'


def held_push(case, cgv, ntfy, cfg):
    cgv.days.append(ymd(len(cgv.days) + 8))
    ntfy.script("/alerts", Reply(403, FORBIDDEN))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "not retried until the notifier's config changes or it is released" in r.err, "held", r)
    return r


def test_held_pushes_are_said_once_and_released_by_notify_test_or_retry(case):
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    held_push(case, cgv, ntfy, cfg)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and r.err == "", "the same held push is not in every run's mail", r)
    sh = case.run("show", "yongsan-imax", config=cfg)
    expect("held: dropped at " in sh.out and "unless released (alimi retry phone)" in sh.out, "show says how", sh)
    t = case.run("notify-test", config=cfg)
    expect(t.rc == 0 and "phone: released 1 held push(es)" in t.out, "a test push that works releases it", t)
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and [m["title"] for m in ntfy.messages][-1].startswith("CGV"), "the next check sends it", r)

    held_push(case, cgv, ntfy, cfg)
    r = case.run("retry", "phone", config=cfg)
    expect(r.rc == 0 and "phone: released 1 held push(es)" in r.out, "retry releases and sends now", r)
    expect(sum(1 for m in ntfy.messages if m["title"].startswith("CGV")) == 2, "delivered once each")
    r = case.run("retry", config=cfg)
    expect(r.rc == 0 and r.out == "no held push\n", "nothing left", r)
    r = case.run("retry", "nobody", config=cfg)
    expect(r.rc == 2 and "unknown notifier 'nobody'" in r.err, "a typo is a usage error", r)


def test_a_paused_target_is_not_checked_and_keeps_its_state(case):
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    text = legacy_config(cgv, ntfy)
    cfg = case.write("c.toml", text)
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    paused = case.write("c.toml", text + "enabled = false\n")
    asked = cgv.count()
    cgv.days.append(ymd(9))
    for args in (("check",), ("check", "yongsan-imax")):
        r = case.run(*args, config=paused)
        expect(r.rc == 0 and cgv.count() == asked and ntfy.messages == [], f"{args}: not checked", r)
    lst = json.loads(case.run("list", "--json", config=paused).out)
    expect(lst[0]["enabled"] is False, f"list says so: {lst}")
    case.write("c.toml", text)
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "back on, its state kept: the new date is news", r)
    bad = case.write("c.toml", text + 'enabled = "no"\n')
    r = case.run("validate", config=bad)
    expect(r.rc == 2 and "enabled" in r.err, "a wrong type is a config error", r)


def test_list_needs_no_state_and_names_what_it_learnt(case):
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    r = case.run("list", config=cfg)
    expect(r.rc == 0 and r.out.startswith("yongsan-imax  CGV 0013 · IMAX") and "notify: phone" in r.out, "codes before", r)
    api = case.serve(FakeCgvApi())
    api.showings.append(showing(ymd(1), "018", 1, *AVATAR, "03", "1000"))
    named = case.write("n.toml", cgv_config(api, ntfy, 'name = "imax"\ntheater = "0013"\nscreen = "imax"'))
    case.run("--state", case.path("n.db"), "check", config=named)
    r = case.run("--state", case.path("n.db"), "list", config=named)
    expect(r.out.startswith("imax  CGV 용산아이파크몰 · IMAX"), "names after a check", r)
    j = json.loads(case.run("list", "--json", config=cfg).out)[0]
    expect(j["name"] == "yongsan-imax" and j["chain"] == "cgv-legacy" and j["notify"] == ["phone"] and j["enabled"],
           f"json: {j}")


def test_cooldown_clear_ends_a_cool_down_with_a_warning(case):
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    case.run("check", config=cfg)
    cgv.script("/", Reply(429, "slow down", headers={"Retry-After": "600"}, content_type="text/plain"))
    expect(case.run("check", config=cfg).rc == 1, "cooling")
    asked = cgv.count()
    expect(case.run("check", config=cfg).rc == 1 and cgv.count() == asked, "nothing sent while cooling")
    host = cgv.url.removeprefix("http://")
    r = case.run("cooldown", "clear", host, config=cfg)
    expect(r.rc == 0 and "warning: ended 1 cool-down(s) of " + host in r.err and "1 cool-down(s) ended" in r.out, "ended", r)
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and cgv.count() > asked, "asked again", r)
    r = case.run("cooldown", "clear", config=cfg)
    expect(r.rc == 0 and "no cool-down running" in r.out, "nothing left", r)


def test_validate_json_says_valid_or_every_error(case):
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    r = case.run("validate", "--json", config=cfg)
    j = json.loads(r.out)
    expect(r.rc == 0 and j["valid"] is True and j["errors"] == [] and j["targets"] == 1, f"valid: {j}", r)
    bad = case.write("b.toml", legacy_config(cgv, ntfy).replace('screen = "imax"', 'screen = "imxa"\nbogus = 1'))
    r = case.run("validate", "--json", config=bad)
    j = json.loads(r.out)
    expect(r.rc == 2 and j["valid"] is False and len(j["errors"]) == 2 and all("b.toml:" in e for e in j["errors"]),
           f"every error, with file:line: {j}", r)


def test_init_writes_each_chain_s_own_example_theater(case):
    for chain, theater in (("megabox", "1351"), ("lotte", "1016"), ("cgv", "0013")):
        path = case.path(f"{chain}.toml")
        r = case.run("-c", path, "init", "--chain", chain)
        text = open(path, encoding="utf-8").read()
        expect(r.rc == 0 and f'source = "{chain}"' in text and f'theater = "{theater}"' in text, f"{chain}: {text}", r)
        v = case.run("-c", path, "validate")
        expect(v.rc == 0, f"{chain}: the starter config validates", v)


def test_usage_mistakes_follow_the_house_style(case):
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    for args, said in ((("check", "--jsn"), "alimi: check: unexpected option '--jsn'; did you mean '--json'?\n"),
                       (("status", "NAME"), "alimi: status: unexpected argument 'NAME'; see: alimi status --help\n"),
                       (("test", "yongsan-imx"),
                        f"alimi: unknown target 'yongsan-imx' (not in {cfg}); did you mean 'yongsan-imax'?\n"),
                       (("notify-test", "phnoe"), f"alimi: unknown notifier 'phnoe' (not in {cfg}); did you mean 'phone'?\n")):
        r = case.run(*args, config=cfg)
        expect(r.rc == 2 and r.err == said, f"{args}", r)
    for args in (("help", "check"), ("check", "--help")):
        r = case.run(*args, config=cfg)
        expect(r.rc == 0 and "Usage: alimi check [OPTIONS]" in r.out, f"{args}: the usage names the program", r)


def test_a_hung_site_holds_back_no_other_site_s_push(case):
    """Point 2: each host's targets proceed on their own, and their pushes go out as soon as their
    own answers are in: a CGV push does not wait for a Lotte that hangs."""
    cgv, lt, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeLotte()), case.serve(FakeNtfy())
    lotte = f'\n[lotte]\napi = "{lt.url}"\n[[target]]\nname = "lotte"\nsource = "lotte"\ntheater = "1016"\n' \
            'screen = "superplex"\n'
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, http="timeout = 8\nmin_gap = 0\n") + lotte)
    expect(case.run("check", config=cfg).rc == 0, "baseline of both")
    asked = len(lt.requests)
    cgv.days.append(ymd(9))
    hang = 5
    lt.script(FakeLotte.PATH, Reply(200, "{}", delay=hang))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and "lotte" in r.err and len(ntfy.messages) == 1, "CGV pushed, Lotte failed", r)
    pushed, lotte_asked = ntfy.requests[-1].at, lt.requests[asked].at
    expect(pushed < lotte_asked + hang - 2,
           f"the push went out while Lotte was still silent ({pushed - lotte_asked:.1f} s after asking it)")
