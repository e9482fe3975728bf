"""scripts/layers, the include rule scripts/test enforces, fails on each kind of violation it names:
an include up a layer, a chain including a channel, a header cycle and a file in no layer."""
import os
import shutil
import subprocess
import sys

from harness import expect

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def layers(root):
    r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "layers"), "--check", "--root", root],
                       capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout


def planted(case, name, edits):
    """A copy of src/ with edits: {path: text added at its top}."""
    root = case.path(name)
    shutil.copytree(os.path.join(ROOT, "src"), os.path.join(root, "src"))
    for path, text in edits.items():
        full = os.path.join(root, "src", path)
        old = open(full, encoding="utf-8").read() if os.path.exists(full) else ""
        with open(full, "w", encoding="utf-8") as f:
            f.write(text + old)
    return root


def test_the_tree_keeps_its_layers_and_each_violation_fails(case):
    rc, out = layers(ROOT)
    expect(rc == 0 and "layers: 0 violation(s)" in out, f"the tree as it is: {out}")
    cases = {
        "up": ({"diff.hpp": '#include "store.hpp"\n'}, "src/diff.hpp: includes store.hpp: layer model may not include layer store"),
        "across": ({"source/race.cpp": '#include "notify/ntfy.hpp"\n'},
                   "layer chains may not include layer channels"),
        "cycle": ({"secret_text.hpp": '#include "text.hpp"\n'}, "header cycle: "),
        "stray": ({"stray.cpp": "int x;\n"}, "src/stray.cpp: in no layer"),
    }
    for name, (edits, said) in cases.items():
        rc, out = layers(planted(case, name, edits))
        expect(rc == 1 and said in out, f"{name}: {out}")
