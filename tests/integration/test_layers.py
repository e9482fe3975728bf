"""scripts/layers, the include rule scripts/test enforces, fails on each kind of violation it names:
an include up a layer, a chain including a channel, a header cycle, a file in no layer and a header
named with its folder. The build refuses a forbidden include too: each folder's library is given
only the folders it may include."""
import json
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
    shutil.copy(os.path.join(ROOT, "meson.build"), root)  # the layers table
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
        "up": ({"core/diff.hpp": '#include "store.hpp"\n'},
               "src/core/diff.hpp: includes store/store.hpp: layer core may not include layer store"),
        "across": ({"source/race.cpp": '#include "ntfy.hpp"\n'}, "layer source may not include layer notify"),
        "cycle": ({"base/secret_text.hpp": '#include "text.hpp"\n'}, "header cycle: "),
        "stray": ({"stray.cpp": "int x;\n"}, "src/stray.cpp: in no layer"),
        "folder": ({"check/check.cpp": '#include "base/text.hpp"\n'}, "includes base/text.hpp: name the header alone"),
    }
    for name, (edits, said) in cases.items():
        rc, out = layers(planted(case, name, edits))
        expect(rc == 1 and said in out, f"{name}: {out}")


def compile_command(build, source):
    """The build's own command for one file of src/ (its library's include folders)."""
    with open(os.path.join(build, "compile_commands.json"), encoding="utf-8") as f:
        for entry in json.load(f):
            if os.path.normpath(os.path.join(entry["directory"], entry["file"])) == source:
                return entry
    return None


def syntax_check(case, entry, header):
    """Compiles a file holding only `#include "header"` with the command entry's include folders."""
    planted = case.path(header + ".cpp")
    with open(planted, "w", encoding="utf-8") as f:
        f.write(f'#include "{header}"\n')
    args, words = [], iter(entry["command"].split())
    for w in words:  # the command without its outputs, dependency files and source
        if w in ("-o", "-MQ", "-MF", "-c"):
            next(words, None)  # the flag's value goes with it
        elif w != "-MD":
            args.append(w)
    r = subprocess.run(args + ["-fsyntax-only", "-c", planted], cwd=entry["directory"],
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stderr


def test_the_compiler_refuses_an_include_the_layer_may_not_have(case):
    build = os.path.dirname(os.path.abspath(case.alimi))
    for file, allowed, forbidden in [("core/diff.cpp", "text.hpp", "store.hpp"),
                                     ("source/race.cpp", "config_reader.hpp", "http.hpp"),
                                     ("notify/ntfy.cpp", "opening.hpp", "http.hpp"),
                                     ("store/store.cpp", "opening.hpp", "check.hpp")]:
        entry = compile_command(build, os.path.normpath(os.path.join(ROOT, "src", file)))
        expect(entry is not None, f"no compile command for {file} in {build}")
        rc, err = syntax_check(case, entry, allowed)
        expect(rc == 0, f"{file}'s library refused {allowed}, which its layer may include: {err}")
        rc, err = syntax_check(case, entry, forbidden)
        expect(rc != 0 and "No such file" in err, f"{file}'s library compiled {forbidden}: rc {rc} {err}")
