#!/usr/bin/env python3
"""Runs every integration test: python3 run.py BUILD/alimi [SUBSTRING...]

Each test_* function in test_*.py beside this file gets a fresh Case (temp dir, real binary).
Tests run a few at a time: they mostly wait on sockets and child processes.
A test may return a short note (figures it measured); it is printed as "note NAME: ...".
Ends with "integration: N passed, N failed"; exits 1 when any failed."""
import concurrent.futures
import importlib.util
import os
import shutil
import sys
import tempfile
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import Case  # noqa: E402


def discover():
    tests = []
    for name in sorted(os.listdir(HERE)):
        if name.startswith("test_") and name.endswith(".py"):
            spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(HERE, name))
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            for attr in sorted(vars(mod)):
                if attr.startswith("test_") and callable(getattr(mod, attr)):
                    tests.append((f"{name[:-3]}.{attr}", getattr(mod, attr)))
    return tests


def run_one(alimi, name, fn):
    tmp = tempfile.mkdtemp(prefix="alimi-it-")
    case = Case(alimi, tmp)
    try:
        note = fn(case)
        return name, None, note
    except Exception:
        return name, traceback.format_exc(), None
    finally:
        case.close()
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    alimi = os.path.abspath(sys.argv[1])
    only = sys.argv[2:]
    tests = [(n, f) for n, f in discover() if not only or any(o in n for o in only)]
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for name, error, note in pool.map(lambda t: run_one(alimi, *t), tests):
            if error:
                failed += 1
                print(f"FAIL {name}\n{error}", flush=True)
            else:
                passed += 1
                print(f"ok {name}", flush=True)
                if note:  # figures a test measured, e.g. how many repeats a crash test saw
                    print(f"note {name}: {note}", flush=True)
    print(f"integration: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
