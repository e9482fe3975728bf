"""Reliability round 2 (issue 13): pushes that must go out exactly once under lost answers,
repeated attempts and config edits, and configs that must be refused. Each test failed before
its fix."""
import json

from fakes import FakeLegacyCgv, FakeNtfy, Reply, ymd
from harness import expect, legacy_config


def opened(case, cfg, cgv, env=None):
    r = case.run("check", config=cfg, env=env)
    expect(r.rc == 0, "baseline", r)
    cgv.days.append(ymd(9))


def pending(case):
    return case.db("SELECT count(*) FROM outbox WHERE state = 'pending'")[0][0]


def test_a_push_whose_answer_is_lost_is_not_sent_again_in_the_same_run(case):
    """Case 5: a 502 from a proxy may come after ntfy stored the push. Re-sending it within the
    run would double it; the next run sends it once more with the same sequence id."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    opened(case, cfg, cgv)
    ntfy.script("/alerts", Reply(502, "<html>bad gateway</html>", content_type="text/html"))
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and ntfy.count("/alerts") == 1 and pending(case) == 1, "one POST, kept", r)
    r = case.run("check", config=cfg)
    posts = [q for q in ntfy.requests if q.path == "/alerts"]
    expect(r.rc == 0 and len(posts) == 2 and len(ntfy.messages) == 1, "the next run delivers", r)
    ids = {q.header("X-Sequence-ID") for q in posts}
    expect(len(ids) == 1 and None not in ids, f"the same sequence id both times: {ids}")


def test_a_pending_push_is_tried_once_per_run(case):
    """Case 6: a push left by an earlier run is tried when a run starts; failing, it must not be
    tried again when the same run delivers its own pushes."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy))
    opened(case, cfg, cgv)
    ntfy.script("/alerts", *[Reply(503, "busy", content_type="text/plain")] * 4)
    case.run("check", config=cfg)
    expect(ntfy.count("/alerts") == 1, f"first run: one try, saw {ntfy.count('/alerts')}")
    case.db("UPDATE outbox SET next_attempt_at = 0")  # due again at once, whatever the backoff
    r = case.run("check", config=cfg)
    expect(ntfy.count("/alerts") == 2 and pending(case) == 1, f"second run: one more try, saw {ntfy.count('/alerts')}", r)


def test_a_push_for_a_removed_notifier_is_kept_until_give_up_after(case):
    """Case 3: renaming or removing a notifier while a push waits for it keeps the push (and says
    so, exit 1) instead of dropping it at once with exit 0."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    pager = FakeNtfy()
    port = pager.port
    pager.close()
    two = legacy_config(cgv, ntfy, notifier_extra=f'[[notifier]]\nname = "pager"\nserver = "http://127.0.0.1:{port}"\ntopic = "p"\n')
    cfg = case.write("c.toml", two)
    opened(case, cfg, cgv)
    r = case.run("check", config=cfg)
    expect(r.rc == 1 and len(ntfy.messages) == 1 and pending(case) == 1, "pager unreachable: pending", r)
    one = case.write("c.toml", legacy_config(cgv, ntfy))
    r = case.run("check", config=one)
    expect(r.rc == 1 and "notifier 'pager' is no longer configured" in r.err and "kept" in r.err, "kept, said", r)
    expect(pending(case) == 1, "not dropped")
    status = json.loads(case.run("status", "--json", config=one).out)
    expect(status[0]["pending_notifications"] == 1, f"status shows it: {status}")
    r = case.run("check", config=one)
    expect(r.rc == 1 and "no longer configured" not in r.err, "said once, not every run", r)
    pager = case.serve(FakeNtfy(port))
    r = case.run("check", config=case.write("c.toml", two))
    expect(r.rc == 0 and len(pager.messages) == 1 and pending(case) == 0, "delivered when it is back", r)
    case.db("INSERT INTO outbox(target, notifier, created_at, title, body, next_attempt_at) "
            "VALUES('yongsan-imax', 'gone', 0, 't', 'b', 0)")
    r = case.run("check", config=one)
    expect("dropped: notifier 'gone' is no longer configured" in r.err and pending(case) == 0,
           "dropped once give_up_after has passed", r)


def test_a_notifier_listed_twice_is_a_config_error(case):
    """Case 8: notify = ["phone", "phone"] would push every opening twice to one place."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, extra_target='notify = ["phone", "phone"]'))
    r = case.run("validate", config=cfg)
    expect(r.rc == 2 and "target 'yongsan-imax': notify names 'phone' twice" in r.err, "refused", r)
    alerts = case.write("a.toml", legacy_config(cgv, ntfy) + '\n[alerts]\nnotify = ["phone", "phone"]\n')
    r = case.run("validate", config=alerts)
    expect(r.rc == 2 and "[alerts] notify names 'phone' twice" in r.err, "refused for alerts too", r)


def test_a_secret_with_a_line_break_is_a_config_error_and_never_quoted(case):
    """Case 17: a token with CR/LF would add a header of the attacker's choosing."""
    cgv = case.serve(FakeLegacyCgv())
    ntfy = case.serve(FakeNtfy())
    cfg = case.write("c.toml", legacy_config(cgv, ntfy, notifier_extra='token_env = "NTFY_TOKEN"'))
    r = case.run("validate", config=cfg, env={"NTFY_TOKEN": "tk_abc\r\nX-Injected: yes"})
    expect(r.rc == 2 and "the value of NTFY_TOKEN holds a line break or NUL" in r.err, "refused", r)
    expect("Injected" not in r.err and "tk_abc" not in r.err, "the value is not quoted", r)
    inline = case.write("i.toml", legacy_config(cgv, ntfy, notifier_extra='password = "pw\\nX-A: 1"\nuser = "me"'))
    r = case.run("validate", config=inline)
    expect(r.rc == 2 and "password holds a line break or NUL" in r.err and "X-A" not in r.err, "inline too", r)
