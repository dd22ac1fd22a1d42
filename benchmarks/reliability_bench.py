"""One oversized article next to good ones: does the batch survive, and at what cost?

Builds, under a scratch folder, 22 bare-text articles of news_cluster (text only, first 22
by file order) plus one long single-line `.txt` made of other news_cluster texts joined
(default sizes 1.05 MB and 5.2 MB, the sizes of issue 9), then runs `storyweave add` once per
size with the code under test (`--src`, default this checkout) and once with a baseline
checkout (`--baseline-src`), each in a fresh store, and reports exit code, articles stored,
CPU seconds (user+sys) and peak RSS (`/usr/bin/time -v`).

    python benchmarks/reliability_bench.py --baseline-src ../main/src --out benchmarks/results/reliability.md
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "benchmarks" / "news_cluster" / "articles.jsonl"


def build(folder: Path, size: int) -> None:
    texts = [json.loads(line)["text"] for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    folder.mkdir(parents=True)
    for i, text in enumerate(texts[:22]):
        (folder / f"good-{i:02d}.txt").write_text(text, encoding="utf-8")
    pool = " ".join(" ".join(t.split()) for t in texts[22:])
    line = (pool * (size // len(pool) + 1))[:size]
    (folder / "huge.txt").write_text(line, encoding="utf-8")


def measure(src: Path, folder: Path, db: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "storyweave.cli", "add", str(folder), "--db", str(db)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    err = proc.stderr
    user = float(re.search(r"User time \(seconds\): ([\d.]+)", err).group(1))
    system = float(re.search(r"System time \(seconds\): ([\d.]+)", err).group(1))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1)) / 1024
    stored = 0
    if db.exists():
        with sqlite3.connect(db) as conn:
            try:
                stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            except sqlite3.Error:
                stored = 0
    last_error = next((ln for ln in reversed(err.splitlines()) if ln.startswith("error:")), "")
    return {"exit": proc.returncode, "stored": stored, "cpu_s": round(user + system, 1), "rss_mb": round(rss),
            "error": last_error[:120]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--baseline-src", type=Path, default=None)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.05, 5.2], help="sizes in MB (10^6 chars)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} not found (needs ../shared/benchmarks)")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            folder = Path(tmp) / f"in-{size}"
            build(folder, int(size * 1_000_000))
            for name, src in (("this branch", args.src), ("baseline", args.baseline_src)):
                if src is None:
                    continue
                result = measure(src.resolve(), folder, Path(tmp) / f"{name.replace(' ', '-')}-{size}.db")
                rows.append({"size_mb": size, "code": name, **result})
                print(rows[-1], flush=True)
    lines = ["| long article | code | exit | articles stored (of 23) | CPU s (user+sys) | peak RSS MB | error |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['size_mb']} MB one line | {r['code']} | {r['exit']} | {r['stored']} | {r['cpu_s']} | "
              f"{r['rss_mb']} | {r['error'] or '-'} |" for r in rows]
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text("# Reliability: one oversized article in a batch of 23\n\n"
                            f"`python benchmarks/reliability_bench.py --baseline-src {args.baseline_src}`\n\n"
                            + table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
