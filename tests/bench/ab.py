"""scripts/bench ab OLD NEW: the same warm check (1, 10 and 50 whole-screen CGV targets, sweep,
nothing new) by two binaries on the bench's fake servers, 30 hyperfine runs each, one after the
other: whether a change moved the figures. Run it twice, the binaries swapped the second time:
the machine drifts by a few percent within one call."""
import os
import shutil
import sys
import tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import bench
old, new = sys.argv[1], sys.argv[2]
work = tempfile.mkdtemp(prefix="ab-")
srv = bench.Servers()
try:
    for n in (1, 10, 50):
        cmds = [bench.warm_sweep(srv, binary, work, f"{tag}{n}", n) for tag, binary in (("old", old), ("new", new))]
        (a, asd, acpu), (b, bsd, bcpu) = bench.hyperfine(cmds, 30)
        print(f"{n} targets: old {a:.1f} ± {asd:.1f} ms ({acpu:.1f} CPU), new {b:.1f} ± {bsd:.1f} ms ({bcpu:.1f} CPU): {(b / a - 1) * 100:+.1f}% wall, {(bcpu / acpu - 1) * 100:+.1f}% CPU", flush=True)
finally:
    srv.close()
    shutil.rmtree(work, ignore_errors=True)
