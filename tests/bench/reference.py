#!/usr/bin/python3
"""A reference pass in the style of the Python watcher alimi replaces, written for the benchmark:
requests + ElementTree + diff_match_patch (Debian's python3 packages), one target after another
like one pass of a polling loop, state in a JSON file, a push through ntfy on change.

Usage: reference.py TARGETS.json STATE.json NTFY_URL"""
import json
import os
import sys
import xml.etree.ElementTree as ET

import requests
from diff_match_patch import diff_match_patch

HEADERS = {"Content-Type": "application/json", "X-Requested-With": "XMLHttpRequest",
           "User-Agent": "Mozilla/5.0 (reference watcher)"}


def play_days(url, params):
    r = requests.post(url, json=params, headers=HEADERS, timeout=10)
    r.raise_for_status()
    xml = r.json()["d"]["DATA"]
    root = ET.fromstring(xml)
    return "\n".join(d.findtext("PLAY_YMD") for d in root.find("PlayDays").findall("CPlayDay"))


def main():
    targets = json.load(open(sys.argv[1]))
    state_path, ntfy = sys.argv[2], sys.argv[3]
    state = json.load(open(state_path)) if os.path.exists(state_path) else {}
    dmp = diff_match_patch()
    for t in targets:
        try:
            now = play_days(t["url"], t["params"])
        except Exception as e:  # the loop must survive one bad target
            print(f"{t['name']}: {e}", file=sys.stderr)
            continue
        before = state.get(t["name"])
        if before is not None:
            diffs = dmp.diff_main(before, now)
            added = [text for op, text in diffs if op == dmp.DIFF_INSERT]
            if added:
                requests.post(ntfy, data=("예매 오픈: " + t["name"] + "\n" + "".join(added)).encode(), timeout=10)
        state[t["name"]] = now
    json.dump(state, open(state_path, "w"))


if __name__ == "__main__":
    main()
