"""Quote attribution on PolNeAR (real US political news, independently annotated), end to end.

Runs `storyweave run` on the PolNeAR dev split (84 articles) and train split (840) and scores
`briefings.json` with the shared scorer (`../shared/scoring/score_quotes.py`): quotations found,
speaker right on those found (named sources), end to end (found and right / all named gold).
The rules were tuned on dev and on the even-numbered half of train ("train A", articles 0, 2, 4, ...);
the odd-numbered half ("train B") is the held-out check, scored from the same train run.  The baseline is another source tree
(by default a checkout of main at /work/main) run the same way in the same run.  Also measured:
dev as bare text (each article's text alone in a .txt file, no title/date/outlet), and CPU
seconds (user+sys of the `storyweave run` process) per 100 articles.

    python benchmarks/quotes_bench.py [--splits dev,train] [--baseline /work/main/src] \
        [--work /tmp/quotes_bench] [--out benchmarks/results/quotes.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
if not SHARED.exists():
    SHARED = Path("/work/shared")
POLNEAR = SHARED / "benchmarks" / "polnear"
SCORER = SHARED / "scoring" / "score_quotes.py"
SPLITS = {"dev": POLNEAR / "articles.jsonl", "train": POLNEAR / "train.jsonl"}


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_storyweave(src: Path, inputs: Path, out: Path) -> float:
    """`storyweave run` with the package from `src`; returns its CPU seconds (user+sys)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(src)}
    before = _cpu_children()
    subprocess.run([sys.executable, "-m", "storyweave.cli", "run", str(inputs), "--out", str(out / "out"),
                    "--db", str(out / "run.db")], env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return _cpu_children() - before


def score(gold: Path, briefings: Path) -> dict:
    """The shared scorer's last line, parsed into its figures."""
    res = subprocess.run([sys.executable, str(SCORER), str(gold), str(briefings)], capture_output=True, text=True)
    line = res.stdout.strip().splitlines()[-1]
    found = line.split("found ")[1].split(" ")[0]
    figures = {"line": line, "found": found}
    for key, label in (("named_found", "named sources: found "), ("right_on_found", "speaker right on found "),
                       ("end_to_end", "end-to-end ")):
        figures[key] = float(line.split(label)[1].split()[0].rstrip(","))
    return figures


def half(gold: Path, parity: int, folder: Path) -> Path:
    """Train A (parity 0: articles 0, 2, 4, ...) or train B (parity 1) as a gold file of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"train_{'AB'[parity]}.jsonl"
    with gold.open() as f, out.open("w") as g:
        for i, line in enumerate(f):
            if i % 2 == parity:
                g.write(line)
    return out


def bare_copy(gold: Path, folder: Path) -> Path:
    """Each article's text alone in `<id>.txt` (what users feed in: no title, date or outlet)."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for line in gold.open():
        doc = json.loads(line)
        (folder / f"{doc['id']}.txt").write_text(doc["text"])
    return folder


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--splits", default="dev,train")
    ap.add_argument("--baseline", default="/work/main/src", help="source tree of the baseline (main)")
    ap.add_argument("--work", default="/tmp/quotes_bench")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "quotes.md"))
    a = ap.parse_args()
    if not POLNEAR.exists():
        print(f"{POLNEAR} not found: nothing to measure")
        return 1
    work = Path(a.work)
    systems = {"this branch": ROOT / "src"}
    if a.baseline and Path(a.baseline).exists():
        systems["baseline (main)"] = Path(a.baseline)
    rows = []
    for split in a.splits.split(","):
        gold = SPLITS[split]
        n = sum(1 for _ in gold.open())
        variants = [(split, gold)]
        if split == "dev":
            variants.append(("dev, bare text", bare_copy(gold, work / "bare_dev")))
        for label, inputs in variants:
            for name, src in systems.items():
                t0 = time.time()
                out = work / f"{label.replace(', ', '_').replace(' ', '_')}_{name.split()[0]}"
                cpu = run_storyweave(src, inputs, out)
                fig = score(gold, out / "out" / "briefings.json")
                rows.append((label, name, n, fig, cpu, time.time() - t0))
                print(f"{label:16s} {name:16s} {fig['line']}  cpu {cpu:.0f}s", flush=True)
                if split == "train":  # the same run scored on each half
                    for parity, tag in ((0, "train A (tuned on)"), (1, "train B (held out)")):
                        sub = half(gold, parity, work)
                        fig_h = score(sub, out / "out" / "briefings.json")
                        rows.append((tag, name, sum(1 for _ in sub.open()), fig_h, None, 0.0))
                        print(f"{tag:16s} {name:16s} {fig_h['line']}", flush=True)
    lines = [
        "# Quotes on PolNeAR (end to end through briefings.json)",
        "",
        f"Command: `python benchmarks/quotes_bench.py --splits {a.splits}` "
        f"(machine: {os.cpu_count()} cores shared with other jobs, {platform.python_version()}).",
        "Scorer: `../shared/scoring/score_quotes.py GOLD briefings.json` (a gold quotation is found when a quote "
        "of an event citing its article shares >= 60 % of content words; speaker right when the surnames agree; "
        "`speaker: null` is wrong). Rules tuned on dev and train A (even-numbered train articles); train B "
        "(odd-numbered) is held out. Baseline: main's code, same run.",
        "",
        "| split | code | articles | quotations found | named: found | named: speaker right on found | "
        "named: end to end | CPU s / 100 articles (whole run) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, name, n, fig, cpu, _ in rows:
        lines.append(f"| {label} | {name} | {n} | {fig['found']} | {fig['named_found']:.3f} | "
                     f"{fig['right_on_found']:.3f} | {fig['end_to_end']:.3f} | "
                     f"{'' if cpu is None else f'{100 * cpu / n:.1f}'} |")
    Path(a.out).write_text("\n".join(lines) + "\n")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
