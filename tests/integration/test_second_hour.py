"""The operator's second hour (issue 28, the parts done so far): held pushes released by a
notify-test that works or by `alimi retry`, said once; `enabled = false`; `alimi list`;
`alimi cooldown clear`; `validate --json`."""
import json
import os
import shutil
import subprocess

from fakes import FakeCgvApi, FakeLegacyCgv, FakeLotte, FakeMegabox, FakeNtfy, Reply, html_block_page, showing, ymd
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


def test_init_writes_each_chain_s_own_example_theater_and_looks_it_up(case):
    """Point 4: init --chain writes that chain's own example theater, and looks the code up when
    the site answers (refused before writing when the site does not list it)."""
    fakes = {"megabox": (FakeMegabox, "1351", "메가박스 코엑스"), "lotte": (FakeLotte, "1016", "롯데시네마 월드타워"),
             "cgv": (FakeCgvApi, "0013", "CGV 용산아이파크몰")}
    for chain, (fake, theater, name) in fakes.items():
        site = case.serve(fake())
        api = site.api if chain == "cgv" else site.url
        path = case.path(f"{chain}.toml")
        r = case.run("-c", path, "init", "--chain", chain, "--api", api)
        text = open(path, encoding="utf-8").read()
        expect(r.rc == 0 and f'source = "{chain}"' in text and f'theater = "{theater}"' in text, f"{chain}: {text}", r)
        expect(r.out.startswith(f"theater {theater}: {name}\n"), f"{chain}: looked up", r)
        v = case.run("-c", path, "validate", "--online")
        expect(v.rc == 0, f"{chain}: the starter config validates against its site", v)
        bad = case.path(f"{chain}-bad.toml")
        r = case.run("-c", bad, "init", "--chain", chain, "--api", api, "--theater", "0999")
        expect(r.rc == 2 and f"lists no theater '0999'" in r.err and "nothing written" in r.err and
               not os.path.exists(bad), f"{chain}: a code the site does not list is refused", r)
    closed = case.serve(FakeCgvApi())
    closed.close()
    path = case.path("offline.toml")
    r = case.run("-c", path, "init", "--api", closed.api)
    expect(r.rc == 0 and os.path.exists(path) and "could not check the codes (offline" in r.out, "offline: written", r)


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


def test_dry_run_says_what_a_check_would_do_without_v(case):
    """Point 3: `check --dry-run` prints what it would push (text, or --json) without -v, and after
    an edit that a check would take a fresh baseline instead of listing old showings as new."""
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    text = legacy_config(cgv, ntfy)
    cfg = case.write("c.toml", text)
    r = case.run("check", "--dry-run", config=cfg)
    expect(r.rc == 0 and r.out == "yongsan-imax: a check would take a silent baseline of 2 opening(s)\n",
           "a first look", r)
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    r = case.run("check", "--dry-run", config=cfg)
    expect(r.rc == 0 and r.out == "yongsan-imax: nothing new (2 known)\n" and r.err == "", "quiet news", r)
    cgv.days.append(ymd(9))
    r = case.run("check", "--dry-run", config=cfg)
    lines = r.out.splitlines()
    expect(r.rc == 0 and lines[0] == "yongsan-imax: 1 new; a check would push to phone:", "the push", r)
    expect(lines[1].startswith("CGV") and any(ymd(9)[4:6] in l for l in lines[2:]), "its title and body", r)
    j = case.run("check", "--dry-run", "--json", config=cfg)
    expect(j.rc == 0 and [o["date"].replace("-", "") for o in j.json_lines()] == [ymd(9)], "--json alone", j)
    expect(ntfy.messages == [], "a dry run pushes nothing")
    edited = case.write("c.toml", text.replace('screen = "imax"', 'screen = "4dx"'))
    r = case.run("check", "--dry-run", config=edited)
    expect(r.rc == 0 and r.out.startswith("yongsan-imax: edited since the last check (now ") and
           "a check would forget what it knew and take a silent baseline of 3 opening(s)" in r.out, "an edit", r)
    j = case.run("check", "--dry-run", "--json", config=edited)
    expect(j.rc == 0 and j.out == "", "an edit lists no old showing as new", j)
    r = case.run("check", config=edited)
    expect(r.rc == 0 and ntfy.messages == [], "and the real check agrees: a silent baseline", r)


def test_test_sweeps_every_open_date_of_a_whole_screen_target(case):
    """Point 3: `test` on a whole-screen target looks at every open date (a one-off, like a
    baseline), not at the few a check's budget allows, and says how many it fetched."""
    for strategy in ("race", "sweep"):
        api, ntfy = case.serve(FakeCgvApi()), case.serve(FakeNtfy())
        api.showings = [showing(ymd(d), "018", 1, *AVATAR, "03", "1000") for d in range(1, 9)]
        cfg = case.write(f"{strategy}.toml", cgv_config(
            api, ntfy, 'name = "imax"\ntheater = "0013"\nscreen = "imax"',
            f'strategy = "{strategy}"\nrequests_per_run = 4\ndates_per_run = 3'))
        state = case.path(f"{strategy}.db")
        r = case.run("--state", state, "test", "imax", config=cfg)
        expect(r.rc == 0 and r.out.startswith("imax: 8 opening(s) now\n"
                                              "8 showing(s) on 8 of 8 open date(s) fetched (every open date"),
               f"{strategy}: every date", r)
        j = json.loads(case.run("--state", state, "test", "imax", "--json", config=cfg).out)
        expect(j["dates_open"] == 8 and j["dates_fetched"] == 8 and len(j["openings"]) == 8, f"{strategy}: {j}")
        expect(not os.path.exists(state), f"{strategy}: a test writes no state")


def test_a_film_not_on_sale_yet_is_a_note_and_a_wrong_theater_a_warning_everywhere(case):
    """Points 5 and 7: a movie code the site does not list as bookable is a note (exit 0) in
    validate --online and the first check, watched as it is; a theater it does not list is a
    warning. Either shows as "warning" in status, show, test and the page until listed."""
    api, ntfy = case.serve(FakeCgvApi()), case.serve(FakeNtfy())
    page = case.path("s.html")
    api.showings.append(showing(ymd(2), "018", 1, *AVATAR, "03", "1000"))
    cfg = case.write("c.toml", cgv_config(api, ntfy, 'name = "soon"\ntheater = "0013"\nmovie = "39999999"',
                                          f'[status]\nhtml = "{page}"'))
    r = case.run("validate", "--online", config=cfg)
    expect(r.rc == 0 and "target 'soon': note: CGV lists no bookable movie '39999999' at theater 0013 yet" in r.err,
           "validate: a note, exit 0", r)
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and r.err.count("soon: note: CGV lists no bookable movie 39999999 at theater 0013 yet") == 1,
           "the first check says it once", r)
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and r.err == "", "and not again", r)
    st = case.run("status", config=cfg)
    expect(st.rc == 0 and "warning: CGV lists no bookable movie 39999999" in st.out, "status", st)
    j = json.loads(case.run("status", "--json", config=cfg).out)[0]
    expect(j["warning"].startswith("CGV lists no bookable movie 39999999"), f"status --json: {j}")
    sh = case.run("show", "soon", config=cfg)
    expect("\nwarning: CGV lists no bookable movie 39999999" in sh.out, "show", sh)
    t = case.run("test", "soon", config=cfg)
    expect(t.rc == 0 and "soon: warning: CGV lists no bookable movie 39999999" in t.err, "test", t)
    html = open(page, encoding="utf-8").read()
    expect('data-health="warning"' in html and "경고" in html, "the page")

    # It goes on sale: listed, so the warning ends, and its first dates are news.
    api.movies.append({"movNo": "39999999", "movNm": "오디세이", "atktRate": "1.0", "cratgClsCd": "02"})
    api.showings.append(showing(ymd(3), "018", 1, "39999999", "오디세이", "03", "1100"))
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "its first dates pushed", r)
    st = case.run("status", config=cfg)
    expect("warning" not in st.out, "no warning once listed", st)


def doctor_lines(r):
    return {line[6:].split(": ", 1)[0]: line for line in r.out.splitlines()}


def test_doctor_checks_everything_in_order_one_line_each(case):
    """Point 6: config, state, clock, each site (a cool-down named with the time left; online,
    which User-Agent passes), codes, notifiers (no push unless --push), the scheduler."""
    api, ntfy = case.serve(FakeCgvApi()), case.serve(FakeNtfy())
    api.showings.append(showing(ymd(1), "018", 1, *AVATAR, "03", "1000"))
    host = api.url.removeprefix("http://")
    text = cgv_config(api, ntfy, 'name = "imax"\ntheater = "0013"\nscreen = "imax"')
    cfg = case.write("c.toml", text)
    r = case.run("doctor", config=cfg)
    lines = doctor_lines(r)
    expect(r.rc == 0 and list(lines)[:4] == ["config", "state", "clock", f"site {host}"], "in order", r)
    expect(lines["config"].startswith("ok    config: ") and "1 target(s), 1 notifier(s)" in lines["config"], "config", r)
    expect("KST" in lines["clock"] and lines[f"site {host}"].startswith("--  ") and len(api.requests) == 0,
           "offline: nothing asked", r)
    expect(lines["notifier phone"].startswith("--    notifier phone: ntfy at 127.0.0.1") and ntfy.count() == 0,
           "no push, no request", r)
    r = case.run("doctor", "--online", config=cfg)
    lines = doctor_lines(r)
    expect(r.rc == 0 and lines[f"site {host}"].startswith(f"ok    site {host}: HTTP/1.1 200 with User-Agent 'alimi/"),
           "online: the site answers as a check would", r)
    expect(lines["codes"].startswith("ok  ") and "reachable (HTTP/1.1" in lines["notifier phone"] and
           ntfy.messages == [], "codes and notifier, no push", r)

    picky = case.write("p.toml", text.replace("[http]\n", '[http]\nuser_agent = "curl/8.0"\n'))
    api.script("/api/v1/", html_block_page())
    r = case.run("doctor", "--online", config=picky)
    site = doctor_lines(r)[f"site {host}"]
    expect(r.rc == 1 and site.startswith("FAIL") and "with User-Agent 'curl/8.0'" in site and
           "with the built-in User-Agent: HTTP/1.1 200" in site, "which configured header passes", r)

    typo = case.write("t.toml", text.replace('theater = "0013"', 'theater = "0031"'))
    r = case.run("doctor", "--online", config=typo)
    expect(r.rc == 1 and "FAIL  code: " in r.out and "lists no theater '0031'" in r.out, "a code", r)

    api.script("/api/v1/", html_block_page())
    expect(case.run("check", config=cfg).rc == 1, "blocked: cooling down")
    asked = len(api.requests)
    r = case.run("doctor", "--online", config=cfg)
    site = doctor_lines(r)[f"site {host}"]
    expect(r.rc == 1 and site.startswith("FAIL") and "cooling down until" in site and "min left" in site and
           f"alimi cooldown clear {host}" in site, "the cool-down named, with its time left", r)
    th = case.run("theaters", "용산", config=cfg)
    expect(th.rc == 1 and "not asked" in th.err, "theaters respect the cool-down", th)
    mv = case.run("movies", "0013", config=cfg)
    expect(mv.rc == 1 and "not asked" in mv.err and len(api.requests) == asked, "movies too; nothing sent", mv)
    r = case.run("doctor", "--push", config=cfg)
    expect(len(ntfy.messages) == 1 and "ok    test push: " in r.out, "--push sends one test push", r)
    bad = case.write("b.toml", text + "bogus = 1\n")
    r = case.run("doctor", config=bad)
    expect(r.rc == 2 and r.out.startswith("FAIL  config: "), "a config error", r)


COMPLETIONS = os.path.join(os.path.dirname(__file__), "..", "..", "completions")


def bash_complete(case, cfg, line):
    """What bash offers for `line` (the cursor at its end) with the installed script loaded."""
    words = line.split(" ")
    script = (f"source {COMPLETIONS}/alimi.bash; COMP_WORDS=({' '.join(repr(w) for w in words)}); "
              f"COMP_CWORD={len(words) - 1}; _alimi; printf '%s\\n' \"${{COMPREPLY[@]}}\"")
    env = {"PATH": os.path.dirname(case.alimi) + ":/usr/bin:/bin", "ALIMI_CONFIG": cfg}
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env, timeout=30)
    expect(r.returncode == 0 and r.stderr == "", f"bash loads the completions: {r.stderr}")
    return r.stdout.split()


def test_shell_completions_load_and_offer_names_from_the_config_and_registries(case):
    """Point 7: completions for bash, zsh and fish (commands, flags, target and notifier names,
    --chain and --screen values), installed by meson install; each shell present loads them."""
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    expect("doctor" in bash_complete(case, cfg, "alimi do"), "commands")
    expect(bash_complete(case, cfg, "alimi test ") == ["yongsan-imax"], "targets of the config")
    expect(bash_complete(case, cfg, "alimi notify-test ") == ["phone"], "notifiers")
    expect({"--dry-run", "--spread", "--adopt"} <= set(bash_complete(case, cfg, "alimi check --")), "flags")
    expect(bash_complete(case, cfg, "alimi init --chain ") == ["cgv", "cgv-legacy", "lotte", "megabox"], "chains")
    expect({"imax", "superplex", "mx4d"} <= set(bash_complete(case, cfg, "alimi movies 0013 --screen ")), "screens")
    env = {"PATH": os.path.dirname(case.alimi) + ":/usr/bin:/bin", "ALIMI_CONFIG": cfg, "HOME": case.path(".")}
    if shutil.which("fish"):
        r = subprocess.run(["fish", "-c", f"source {COMPLETIONS}/alimi.fish; complete -C 'alimi retry '; "
                                          "complete -C 'alimi movies --screen '"],
                           capture_output=True, text=True, env=env, timeout=30)
        expect(r.returncode == 0 and "phone" in r.stdout.split() and "superplex" in r.stdout.split(), f"fish: {r}")
    if shutil.which("zsh"):
        r = subprocess.run(["zsh", "-fc", f"fpath=({COMPLETIONS} $fpath); autoload -U compinit; compinit -u -D; "
                                          "print -r -- $_comps[alimi]"],
                           capture_output=True, text=True, env=env, timeout=30)
        expect(r.returncode == 0 and r.stdout.strip() == "_alimi", f"zsh loads it: {r}")
    installed = subprocess.run(["meson", "introspect", os.path.dirname(case.alimi), "--installed"],
                               capture_output=True, text=True, timeout=60)
    if installed.returncode == 0:  # a build directory meson made (always, under scripts/test)
        paths = json.loads(installed.stdout).values()
        for where in ("bash-completion/completions/alimi", "zsh/vendor-completions/_alimi",
                      "fish/vendor_completions.d/alimi.fish"):
            expect(any(p.endswith(where) for p in paths), f"meson install puts {where}")
