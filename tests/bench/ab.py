"""scripts/bench ab OLD NEW: the same warm check (1, 10 and 50 whole-screen CGV targets, sweep,
nothing new) by two binaries on the bench's fake servers, 30 hyperfine runs each, one after the
other: whether a change moved the figures. Run it twice, the binaries swapped the second time:
the machine drifts by a few percent within one call."""
import os
import subprocess
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
        cmds = []
        for tag, binary in (("old", old), ("new", new)):
            out = [f'[http]\nmin_gap = 0\nmax_per_host = 8\n[cgv]\napi = "{srv.api_url}"\nstrategy = "sweep"\n',
                   f'[[notifier]]\nname = "phone"\nserver = "{srv.ntfy_url}"\ntopic = "bench"\n']
            out += [f'[[target]]\nname = "t{i}"\ntheater = "{i:04d}"\nscreen = "imax"\n' for i in range(n)]
            cfg, db = os.path.join(work, f"{tag}{n}.toml"), os.path.join(work, f"{tag}{n}.db")
            open(cfg, "w").write("".join(out))
            subprocess.run([binary, "-q", "check", "-c", cfg, "--state", db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            cmds.append(f"{binary} -q check -c {cfg} --state {db}")
        (a, asd, acpu), (b, bsd, bcpu) = bench.hyperfine(cmds, 30)
        print(f"{n} targets: old {a:.1f} ± {asd:.1f} ms ({acpu:.1f} CPU), new {b:.1f} ± {bsd:.1f} ms ({bcpu:.1f} CPU): {(b / a - 1) * 100:+.1f}% wall, {(bcpu / acpu - 1) * 100:+.1f}% CPU", flush=True)
finally:
    srv.close()
    subprocess.run(["rm", "-rf", work])
