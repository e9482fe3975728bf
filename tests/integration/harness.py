"""What every integration test gets: a temp dir, helpers to write configs, and the real binary."""
import json
import os
import sqlite3
import subprocess
import time


class Result:
    def __init__(self, rc, out, err, seconds):
        self.rc, self.out, self.err, self.seconds = rc, out, err, seconds

    def json_lines(self):
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]

    def __repr__(self):
        return f"rc={self.rc} ({self.seconds:.2f}s)\nstdout: {self.out!r}\nstderr: {self.err!r}"


class Case:
    def __init__(self, alimi, tmp):
        self.alimi = alimi
        self.tmp = tmp
        self.state = os.path.join(tmp, "state.db")
        self.servers = []

    def serve(self, server):
        self.servers.append(server)
        return server

    def close(self):
        for s in self.servers:
            s.close()

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, text):
        p = self.path(name)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        # As init writes a config and validate asks: its topic is a secret of the file's.
        os.chmod(p, 0o600)
        return p

    def env(self, config=None, extra=None):
        e = {k: v for k, v in os.environ.items() if not k.startswith(("ALIMI_", "XDG_", "STATE_DIRECTORY"))}
        e.update({"HOME": self.tmp, "ALIMI_STATE": self.state, "LC_ALL": "C.UTF-8"})
        if config:
            e["ALIMI_CONFIG"] = config
        e.update(extra or {})
        return e

    def run(self, *args, config=None, env=None, timeout=60, stdin=None, preexec=None):
        e = self.env(config, env)
        start = time.monotonic()
        p = subprocess.run([self.alimi, *args], capture_output=True, env=e, timeout=timeout,
                           stdin=subprocess.DEVNULL if stdin is None else stdin, preexec_fn=preexec)
        return Result(p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace"),
                      time.monotonic() - start)

    def db(self, sql, *params):
        return self.db_at(self.state, sql, *params)

    def db_at(self, path, sql, *params):
        con = sqlite3.connect(path)
        try:
            rows = con.execute(sql, params).fetchall()
            con.commit()
            return rows
        finally:
            con.close()


def expect(cond, message, result=None):
    if not cond:
        raise AssertionError(message + (f"\n{result!r}" if result is not None else ""))


def legacy_config(cgv, ntfy, extra_target="", http="timeout = 3\nmin_gap = 0\n", topic="alerts", name="yongsan-imax",
                  notifier_extra=""):
    return f"""
[http]
{http}
[[notifier]]
name = "phone"
type = "ntfy"
server = "{ntfy.url}"
topic = "{topic}"
{notifier_extra}
[[target]]
name = "{name}"
source = "cgv-legacy"
url = "{cgv.endpoint}"
theater = "0013"
screen = "imax"
{extra_target}
"""
