"""Wall, CPU and a timeline of busy cores of one `storyweave run` (issue 12: where is a core idle?).

    # writes the 2,180 shared articles (or a seeded sample) to WORK/in.jsonl once, runs
    # `storyweave run -v` on it with PYTHONPATH=SRC into a fresh store, samples every 0.5 s the
    # CPU of the main process and of its workers (live ones + those already waited for); prints a
    # JSON line (wall, CPU, load) and, per --step seconds, the cores used by main and by workers
    STORYWEAVE_BENCH_DATA=../shared/benchmarks python benchmarks/timeline_bench.py --src src --tag branch --step 10

The run's stage seconds (`-v`) are in WORK/r_TAG/stderr, the outputs in WORK/r_TAG/out.  Linux
only (/proc).  Alternate the trees being compared (main, branch, main, branch).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mem_bench  # noqa: E402  (the process tree)
import speed_bench as sb  # noqa: E402  (shared records)

TICK = os.sysconf("SC_CLK_TCK")


def _cpu(pid: int) -> tuple[float, float]:
    """(own user+sys, waited-for children's user+sys) seconds of `pid`."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK, (int(fields[13]) + int(fields[14])) / TICK


def run(src: str, tag: str, work: Path, limit: int | None) -> dict:
    data = work / "in.jsonl"
    if not data.exists():
        sb.write_jsonl(data, sb.shared_records(limit))
    out = work / f"r_{tag}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cmd = ["/usr/bin/time", "-f", "%e %U %S %M", sys.executable, "-m", "storyweave.cli", "run", "-v", str(data),
           "--db", str(out / "x.db"), "--out", str(out / "out")]
    start, load = time.time(), os.getloadavg()[0]
    proc = subprocess.Popen(cmd, env=dict(os.environ, PYTHONPATH=src), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    samples = []
    while proc.poll() is None:
        time.sleep(0.5)
        try:
            tree = mem_bench._tree(proc.pid)[1:]  # [python (the run), its workers...]
            own, waited = _cpu(tree[0])
            live = sum(sum(_cpu(p)) for p in tree[1:])
            samples.append((time.time() - start, own, waited + live))
        except (OSError, IndexError):  # a process ended between listing and reading
            pass
    _, err = proc.communicate()
    (out / "stderr").write_text(err)
    wall, user, system, maxrss = err.strip().splitlines()[-1].split()
    return {"tag": tag, "wall": float(wall), "cpu": round(float(user) + float(system), 1),
            "max_single_rss_mb": round(int(maxrss) / 1024), "load_before": round(load, 1),
            "load_after": round(os.getloadavg()[0], 1), "started": time.strftime("%H:%M:%S", time.gmtime(start)),
            "samples": samples}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", default=str(Path(__file__).resolve().parents[1] / "src"))
    ap.add_argument("--tag", default="run")
    ap.add_argument("--work", default="/tmp/timeline_bench")
    ap.add_argument("--limit", type=int, default=None, help="a seeded sample of the shared articles")
    ap.add_argument("--step", type=float, default=10.0)
    a = ap.parse_args()
    result = run(a.src, a.tag, Path(a.work), a.limit)
    samples = result.pop("samples")
    print(json.dumps(result), flush=True)
    last = (0.0, 0.0, 0.0)
    for t, own, workers in samples:
        if t - last[0] >= a.step:
            span = t - last[0]
            print(f"{last[0]:6.0f}-{t:4.0f} s  main {(own - last[1]) / span:4.2f} cores  "
                  f"workers {(workers - last[2]) / span:4.2f} cores")
            last = (t, own, workers)


if __name__ == "__main__":
    main()
