"""Reliability round 3 (issue 24): one state per file, silent baselines at every chain, no doubled
or leaked push. Each test failed before its fix (see docs/reliability.md)."""
import base64
import json
import os
import re
import subprocess

from fakes import (FakeCgvApi, FakeLegacyCgv, FakeLotte, FakeMegabox, FakeNtfy, FakeWebhook, Reply, lt_showing,
                   mb_showing, showing, ymd)
from harness import expect, legacy_config
from test_cgv import AVATAR, config as cgv_config
from test_chains import config as chain_config
from test_reliability import FAKETIME, faked

DAY = 86400


def pending(case, state=None):
    import sqlite3
    con = sqlite3.connect(state or case.state)
    try:
        return con.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]
    finally:
        con.close()


def imax_target(api, ntfy, extra=""):
    return cgv_config(api, ntfy, 'name = "imax"\ntheater = "0013"\nscreen = "imax"\n' + extra)


# --- State identity -------------------------------------------------------------------------

def test_a_second_name_for_the_state_file_is_refused_naming_both(case):
    """Point 1: a hard link is the same file under another name; SQLite would keep a second
    journal beside it. Refused with exit 3; a symlinked folder leads to the same name and works."""
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    real = case.path("real.db")
    expect(case.run("--state", real, "check", config=cfg).rc == 0, "baseline")
    hard = case.path("hard.db")
    os.link(real, hard)
    r = case.run("--state", hard, "check", config=cfg)
    expect(r.rc == 3 and f"state {hard} has 2 names (hard links: {real})" in r.err, "refused, both named", r)
    r = case.run("--state", real, "check", config=cfg)
    expect(r.rc == 3 and f"has 2 names (hard links: {hard})" in r.err, "either name: no journal is split", r)
    os.unlink(hard)
    expect(not os.path.exists(hard + "-wal"), "nothing written beside the second name")
    os.symlink(case.tmp, case.path("linked"))
    via = os.path.join(case.path("linked"), "real.db")
    cgv.days.append(ymd(9))
    r = case.run("--state", via, "check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "a symlinked folder reaches the same name", r)
    r = case.run("--state", real, "check", config=cfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, "and it is one state: nothing pushed twice", r)


def default_env(case):
    return {"ALIMI_STATE": "", "XDG_STATE_HOME": case.path("xdg")}


def test_a_missing_config_s_state_is_taken_over_only_with_proof(case):
    """Point 2: config A's state waits with a push for A's phone. While a.toml is missing for a
    moment, config B (other targets, a namesake notifier) must neither take A's state nor send
    A's push to B's phone. A's own config under a new name proves itself by its targets."""
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    env = default_env(case)
    a = case.write("a.toml", legacy_config(cgv, ntfy, topic="topic-a"))
    expect(case.run("check", config=a, env=env).rc == 0, "A's baseline")
    cgv.days.append(ymd(9))
    ntfy.script("/topic-a", Reply(503, "busy", content_type="text/plain"))
    expect(case.run("check", config=a, env=env).rc == 1, "A's push pending")
    a_state = os.path.join(case.path("xdg"), "alimi", "state.db")
    expect(pending(case, a_state) == 1, "one push waits in A's state")

    os.rename(a, a + ".saving")  # an editor's rename-on-save
    b = case.write("b.toml", legacy_config(cgv, ntfy, topic="topic-b", name="other-target"))
    r = case.run("check", config=b, env=env)
    expect(r.rc == 0 and "is missing; its targets are not this config's" in r.err, "said once, left alone", r)
    expect([m["topic"] for m in ntfy.messages] == [], f"A's push never reaches B's phone: {ntfy.messages}")
    expect(pending(case, a_state) == 1, "A's push is still A's")
    r = case.run("check", config=b, env=env)
    expect(r.rc == 0 and r.err == "", "the next run is quiet", r)

    moved = case.path("moved.toml")
    os.rename(a + ".saving", moved)
    r = case.run("check", config=moved, env=env)
    expect([m["topic"] for m in ntfy.messages] == ["topic-a"], f"A under a new name: its own push, once: {ntfy.messages}", r)

    cgv.days.append(ymd(10))
    ntfy.script("/topic-a", Reply(503, "busy", content_type="text/plain"))
    expect(case.run("check", config=moved, env=env).rc == 1 and pending(case, a_state) == 1, "another push waits")
    os.remove(moved)
    r = case.run("check", "--adopt", config=b, env=env)
    expect([m["topic"] for m in ntfy.messages] == ["topic-a"] and "pushes to another destination" in r.err,
           f"adopted on purpose: A's push still never goes to B's phone: {ntfy.messages}", r)
    expect(pending(case, a_state) == 1, "and it is kept, not lost")


def test_init_writes_atomically_privately_and_never_through_a_symlink(case):
    """Point 3: mode 0600 (the topic is the secret), O_EXCL-like creation, no dangling symlink
    followed, exactly one winner among concurrent inits; validate warns about a readable topic."""
    env = {"XDG_CONFIG_HOME": case.path("cfg")}
    path = case.path("one.toml")
    r = case.run("-c", path, "init", "--offline", env=env)
    expect(r.rc == 0 and (os.stat(path).st_mode & 0o777) == 0o600, f"mode {oct(os.stat(path).st_mode)}", r)
    dangling = case.path("dangling.toml")
    os.symlink(case.path("elsewhere.toml"), dangling)
    r = case.run("-c", dangling, "init", "--offline", env=env)
    expect(r.rc == 2 and "exists" in r.err and not os.path.exists(case.path("elsewhere.toml")),
           "a dangling symlink is not followed", r)
    crowd = case.path("crowd.toml")
    procs = [subprocess.Popen([case.alimi, "-c", crowd, "init", "--offline"], env=case.env(None, env), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE) for _ in range(8)]
    outs = [p.communicate(timeout=30) for p in procs]
    wrote = sum(1 for o, _ in outs if o.decode().startswith("wrote "))
    exists = sum(1 for _, e in outs if b"exists; not overwritten" in e)
    expect(wrote == 1 and exists == 7, f"one wrote, seven were told: {wrote} {exists} {outs}")
    text = open(crowd, encoding="utf-8").read()
    expect(text.count("[[target]]") == 1, "one whole file, not a mix")
    os.chmod(crowd, 0o644)
    r = case.run("-c", crowd, "validate", env=env)
    expect(r.rc == 0 and "holds a secret (notifier" in r.err and "topic" in r.err and "mode 644" in r.err,
           "a readable topic is a warning", r)


# --- Silent baselines -----------------------------------------------------------------------

def test_an_empty_first_look_is_no_baseline_at_any_chain(case):
    """Point 4: CGV (data [] everywhere), Megabox (movieFormDeList []) and Lotte (no play dates)
    first answer nothing; the real schedule appearing later is the silent baseline, said once."""
    ntfy = case.serve(FakeNtfy())
    api = case.serve(FakeCgvApi())
    api.sites = []
    mb, lt = case.serve(FakeMegabox()), case.serve(FakeLotte())
    mb.world, lt.world = [], []
    cfgs = {
        "cgv": case.write("cgv.toml", imax_target(api, ntfy)),
        "megabox": case.write("mb.toml", chain_config("megabox", mb, ntfy, "1351", "dolby")),
        "lotte": case.write("lt.toml", chain_config("lotte", lt, ntfy, "1016", "superplex")),
    }
    for chain, cfg in cfgs.items():
        state = case.path(chain + ".db")
        r = case.run("--state", state, "check", config=cfg)
        said = ("shows nothing there yet" in r.err or "the first look found nothing" in r.err)
        expect(r.rc == 0 and said, f"{chain}: said", r)
        expect(case.run("--state", state, "check", config=cfg).err == "", f"{chain}: once")
        s = case.run("--state", state, "status", "--json", config=cfg)
        row = json.loads(s.out)[0]
        expect(row["baseline_at"] is None and row["baseline"] == "waiting for a first non-empty answer",
               f"{chain}: status says it waits: {row}")
        sh = case.run("--state", state, "show", row["name"], config=cfg)
        expect("baseline waiting for a first non-empty answer" in sh.out, f"{chain}: show says so", sh)
    api.sites = FakeCgvApi().sites
    api.showings += [showing(ymd(1), "018", 1, *AVATAR, "03", "1000"), showing(ymd(2), "018", 1, *AVATAR, "03", "1300")]
    mb.world += [mb_showing(1, "10:00", "26018900", "아바타: 불과 재"), mb_showing(2, "15:50", "26018900", "아바타: 불과 재", seq=2)]
    lt.world += [lt_showing(1, "10:00", "23816", "아바타: 불과 재"), lt_showing(2, "21:25", "23816", "아바타: 불과 재", seq=3)]
    for chain, cfg in cfgs.items():
        for _ in range(3):  # the race may spread a first sweep over runs
            r = case.run("--state", case.path(chain + ".db"), "check", config=cfg)
            expect(r.rc == 0, f"{chain}: checked", r)
    expect(ntfy.messages == [], f"the schedule that appeared is the silent baseline: {[m['title'] for m in ntfy.messages]}")
    api.showings.append(showing(ymd(2), "018", 2, *AVATAR, "03", "1900"))
    mb.world.append(mb_showing(2, "19:10", "26018900", "아바타: 불과 재", seq=8))
    lt.world.append(lt_showing(2, "23:00", "23816", "아바타: 불과 재", seq=4))
    for chain, cfg in cfgs.items():
        for _ in range(4):
            case.run("--state", case.path(chain + ".db"), "check", config=cfg)
    expect(len(ntfy.messages) == 3, f"then one new showing each is news: {[m['title'] for m in ntfy.messages]}")


def test_a_clock_ahead_by_days_and_back_repushes_nothing(case):
    """Point 5: runs (and prune) under a clock 2 days, then 2 weeks ahead must not forget what is
    known: pruning trusts the sites' Date headers over our clock."""
    expect(os.path.exists(FAKETIME), "libfaketime installed (scripts/test installs faketime)")
    api, ntfy = case.serve(FakeCgvApi()), case.serve(FakeNtfy())
    for d in (0, 1, 3, 5):
        api.showings.append(showing(ymd(d), "018", 1, *AVATAR, "03", "2330"))
    cfg = case.write("c.toml", imax_target(api, ntfy))
    for _ in range(3):
        expect(case.run("check", config=cfg).rc == 0, "baseline")
    known = case.db("SELECT count(*) FROM openings")[0][0]
    for ahead in (2 * DAY, 2 * DAY + 60, 14 * DAY, 14 * DAY + 60):
        case.run("check", config=cfg, env=faked(ahead))
        case.run("prune", config=cfg, env=faked(ahead))
    expect(case.db("SELECT count(*) FROM openings")[0][0] == known, "nothing known was forgotten")
    for _ in range(3):
        r = case.run("check", config=cfg)
        expect(r.rc == 0, "back on time", r)
    expect(ntfy.messages == [], f"nothing pushed again: {[m['title'] for m in ntfy.messages]}")


def test_renumbered_halls_and_showings_are_rekeyed_not_pushed(case):
    """Point 6: CGV renumbers a whole hall (scnsNo 018 -> 019, same starts and movies), Megabox
    its schedule numbers: no wave; a real new showing afterwards is still news."""
    api, ntfy = case.serve(FakeCgvApi()), case.serve(FakeNtfy())
    for d in (1, 2):
        for seq, start in enumerate(("1000", "1330", "1700"), 1):
            api.showings.append(showing(ymd(d), "018", seq, *AVATAR, "03", start))
    cfg = case.write("c.toml", imax_target(api, ntfy))
    for _ in range(2):
        expect(case.run("check", config=cfg).rc == 0, "baseline")
    for s in api.showings:
        s["scnsNo"] = "019"
    err = "".join(case.run("-v", "check", config=cfg).err for _ in range(3))
    expect(ntfy.messages == [] and "the site renumbered a hall" in err, f"no wave: {[m['title'] for m in ntfy.messages]}\n{err}")
    api.showings.append(showing(ymd(2), "019", 4, *AVATAR, "03", "2100"))
    for _ in range(3):
        case.run("check", config=cfg)
    expect(len(ntfy.messages) == 1 and "21:00" in ntfy.messages[0]["message"], f"the new one is news: {ntfy.messages}")

    mb = case.serve(FakeMegabox())
    mcfg = case.write("m.toml", chain_config("megabox", mb, ntfy, "1351", "dolby"))
    mstate = case.path("m.db")
    expect(case.run("--state", mstate, "check", config=mcfg).rc == 0, "megabox baseline")
    for s in mb.world:
        s["seq"] += 40
    r = case.run("--state", mstate, "check", config=mcfg)
    expect(r.rc == 0 and len(ntfy.messages) == 1, f"renumbered schedule numbers are no wave: {ntfy.messages[1:]}", r)


# --- Exactly once, at the channel -----------------------------------------------------------

def test_two_notifiers_with_one_destination_are_a_config_error(case):
    """Point 7: one opening must never be two messages on one phone."""
    ntfy = case.serve(FakeNtfy())
    host = ntfy.url.removeprefix("http://")
    target = '[[target]]\nname = "t"\nsource = "cgv-legacy"\nurl = "http://127.0.0.1:1/x"\ntheater = "0013"\nscreen = "imax"\n'
    pairs = {
        "ntfy table and url": (f'name = "a"\nserver = "{ntfy.url}/"\ntopic = "same-topic"',
                               f'name = "b"\nurl = "ntfy://{host.upper()}/same-topic"'),
        "discord hosts": ('name = "a"\ntype = "discord"\nwebhook_url = "https://discord.com/api/webhooks/123/tok"',
                          'name = "b"\ntype = "discord"\nwebhook_url = "https://discordapp.com/api/webhooks/123/tok/"'),
        "telegram": ('name = "a"\ntype = "telegram"\nbot_token = "123456:ABCdefGHIjklMNOpqrSTUvwx"\nchat_id = "42"',
                     'name = "b"\nurl = "tgram://123456:ABCdefGHIjklMNOpqrSTUvwx/42"\nsilent = true'),
        "webhooks": ('name = "a"\ntype = "webhook"\nurl = "https://HOOK.example/x?k=1"',
                     'name = "b"\ntype = "webhook"\nurl = "https://hook.example:443/x?k=1"'),
    }
    for what, (one, two) in pairs.items():
        cfg = case.write("c.toml", f"[[notifier]]\n{one}\n[[notifier]]\n{two}\n{target}")
        r = case.run("validate", config=cfg)
        expect(r.rc == 2 and re.search(r"notifiers 'a' \(.*c\.toml:\d+\) and 'b' push to the same destination", r.err),
               f"{what}: refused naming both", r)
        expect("ABCdef" not in r.err and "tok" not in r.err, f"{what}: no secret in the error", r)
    cfg = case.write("c.toml", f"[[notifier]]\n{pairs['ntfy table and url'][0]}\n[[notifier]]\nname = \"b\"\n"
                               f"server = \"{ntfy.url}\"\ntopic = \"other-topic\"\n{target}")
    expect(case.run("validate", config=cfg).rc == 0, "two topics are two destinations")


def test_a_2xx_push_is_delivered_whatever_its_body_does(case):
    """Point 8: after a 2xx status line the server has the message: a huge, cut-off or stalled
    body must not turn it into a failure that is sent again."""
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    bodies = [Reply(200, "x" * (9 << 20)), Reply(200, '{"id":"abc","event":"message"}' * 10, truncate=12),
              Reply(200, '{"id":"abc"}', stall=5)]
    for i, reply in enumerate(bodies):
        cgv.days.append(ymd(10 + i))
        ntfy.script("/alerts", reply)
        r = case.run("check", config=cfg)
        expect(r.rc == 0 and pending(case) == 0, f"body {i}: delivered", r)
        r = case.run("check", config=cfg)
        expect(r.rc == 0 and ntfy.count("/alerts") == i + 1, f"body {i}: sent once ({ntfy.count('/alerts')} POSTs)", r)


def test_a_pending_push_goes_where_it_was_queued_when_the_notify_list_changes(case):
    """Point 9: queued for phone, then the target is told to notify pager only: the push goes to
    phone, never to both, never lost."""
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    pager = f'\n[[notifier]]\nname = "pager"\nserver = "{ntfy.url}"\ntopic = "pager-topic"\n'
    text = legacy_config(cgv, ntfy, topic="phone-topic", extra_target='notify = ["phone"]') + pager
    cfg = case.write("c.toml", text)
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    cgv.days.append(ymd(9))
    ntfy.script("/phone-topic", Reply(503, "busy", content_type="text/plain"))
    expect(case.run("check", config=cfg).rc == 1 and pending(case) == 1, "pending for phone")
    case.write("c.toml", text.replace('notify = ["phone"]', 'notify = ["pager"]'))
    case.db("UPDATE outbox SET next_attempt_at = 0")
    r = case.run("check", config=cfg)
    expect(r.rc == 0 and [m["topic"] for m in ntfy.messages] == ["phone-topic"], f"to phone only: {ntfy.messages}", r)


# --- Secrets and messages -------------------------------------------------------------------

def test_the_credential_part_of_every_secret_header_is_redacted(case):
    """Point 10: a server that echoes the bare token of "Bearer X", or Basic's user and password,
    must not carry them into stderr, history, the outbox or status."""
    cgv, hook = case.serve(FakeLegacyCgv()), case.serve(FakeWebhook())
    basic = base64.b64encode(b"alice-operator:pa55word-xyz").decode()
    for header, echoed in ((f'Authorization = "Bearer SeCrEtToKeN42"', ["SeCrEtToKeN42"]),
                           (f'Authorization = "Basic {basic}"', ["alice-operator", "pa55word-xyz"])):
        state = case.path(f"{len(echoed)}.db")
        cfg = case.write("c.toml", f"""
[http]
timeout = 3
min_gap = 0
[[notifier]]
name = "hook"
type = "webhook"
url = "{hook.url}/in"
headers = {{ {header} }}
[[target]]
name = "t"
source = "cgv-legacy"
url = "{cgv.endpoint}"
theater = "0013"
screen = "imax"
""")
        expect(case.run("--state", state, "check", config=cfg).rc == 0, "baseline")
        cgv.days.append(ymd(20 + len(echoed)))
        hook.script("/in", Reply(500, f"refused: {' '.join(echoed)} is not allowed", content_type="text/plain"))
        r = case.run("--state", state, "check", config=cfg)
        seen = r.err + case.run("--state", state, "history", config=cfg).out
        seen += case.run("--state", state, "status", "--json", config=cfg).out
        seen += case.run("--state", state, "show", "t", config=cfg).out
        import sqlite3
        con = sqlite3.connect(state)
        seen += " ".join(str(row) for row in con.execute("SELECT last_error FROM outbox"))
        seen += " ".join(str(row) for row in con.execute("SELECT detail FROM events"))
        con.close()
        expect(r.rc == 1 and "refused:" in r.err, "the failure is told", r)
        for secret in echoed:
            expect(secret not in seen, f"{secret} never shown: {seen[:2000]}")
    ntfy = case.serve(FakeNtfy())
    for key in ("icon", "user"):
        value = 'https://x.example/i.png\\r\\nX-Evil: 1' if key == "icon" else 'me\\nX-Evil: 1'
        extra = f'{key} = "{value}"' + ('\npassword = "secret-pass"' if key == "user" else "")
        cfg = case.write("c.toml", legacy_config(cgv, ntfy, notifier_extra=extra))
        r = case.run("validate", config=cfg)
        expect(r.rc == 2 and f"{key} holds a line break or NUL" in r.err and re.search(r"c\.toml:\d+:", r.err),
               f"{key}: a config error at file:line", r)


def test_retry_times_spread_values_and_server_text_on_a_terminal(case):
    """Point 11: a retry a day away carries its date; --spread nan/inf/-1/1e9 are usage errors;
    control characters from a server never reach a terminal raw, while JSON stays exact."""
    cgv, ntfy = case.serve(FakeLegacyCgv()), case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    expect(case.run("check", config=cfg).rc == 0, "baseline")
    cgv.days.append(ymd(9))
    ntfy.script("/alerts", Reply(429, '{"code":42901,"http":429,"error":"limit"}', headers={"Retry-After": "200000"}))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and re.search(r"a retry at \d{4}-\d{2}-\d{2} \d{2}:\d{2} KST", r.err), "the retry's date is said", r)
    for value in ("nan", "inf", "-1", "1e9", "-nan"):
        r = case.run("check", "--spread", value, config=cfg)
        expect(r.rc == 2 and "--spread" in r.err, f"--spread {value} refused", r)

    api = case.serve(FakeCgvApi())
    evil = "용산\x1b]0;pwned\x07\x1b[2J\u009b31m"
    api.sites = [("서울", "0013", evil)]
    acfg = case.write("a.toml", imax_target(api, ntfy))
    r = case.run("theaters", "용산", config=acfg)
    expect(r.rc == 0 and "\x1b" not in r.out and "\u009b" not in r.out and "\x07" not in r.out and "용산" in r.out,
           "theaters text is terminal-safe", r)
    j = case.run("theaters", "용산", "--json", config=acfg)
    name = json.loads(j.out)[0]["name"]
    expect(j.rc == 0 and name.startswith("용산") and "\\x1b" not in name, f"JSON is JSON, not terminal escapes: {name!r}", j)
    api.showings.append(showing(ymd(1), "018", 1, *AVATAR, "03", "1000", hall_nm="IMAX\x1b[31m관"))
    case.run("--state", case.path("a.db"), "check", config=acfg)
    for args in (("show", "imax"), ("status",), ("test", "imax")):
        r = case.run("--state", case.path("a.db"), *args, config=acfg)
        expect("\x1b" not in r.out and "\x1b" not in r.err, f"{args[0]} is terminal-safe", r)
