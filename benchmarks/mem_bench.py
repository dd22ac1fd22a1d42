"""Peak memory of `storyweave run` (issue 12): the whole process tree, and the events stage alone.

    # a fresh `run` of N shared articles (seeded sample; 2180 = all): peak of the summed PSS and
    # of the summed RSS of the process tree (main + forked workers, sampled every 0.25 s), and
    # /usr/bin/time's %M (max RSS of the largest single process)
    STORYWEAVE_BENCH_DATA=../shared/benchmarks python benchmarks/mem_bench.py run --src src --sizes 250,500,1000,2180
    # the events stage alone on N shared articles (clean, limit, language, dedup first): its peak
    # RSS increase, which grows with the square of the clustered units (dense similarity matrices)
    STORYWEAVE_BENCH_DATA=../shared/benchmarks python benchmarks/mem_bench.py events --src src --sizes 1000,2180

    # the events stage alone, the whole matrix (dense) against the blocked path (events/blocks.py,
    # forced with --set-like overrides), same run; above 2,180 the shared sets' units plus copies
    # (`speed_bench.shifted` ids and dates, every content word tagged per copy: distinct units)
    STORYWEAVE_BENCH_DATA=../shared/benchmarks python benchmarks/mem_bench.py blocks --src src \
        --sizes 2180,5000,10000 --modes dense,blocked

PSS (proportional set size) counts a page shared by forked workers once in all; summed RSS counts
it in every process that maps it.  Linux only (/proc).
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
import speed_bench as sb  # noqa: E402  (shared records)

WORK = Path(os.environ.get("STORYWEAVE_MEM_WORK", "/tmp/mem_bench"))


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo += [int(x) for x in f.read().split()]
        except OSError:
            pass
    return out


def _memory(pid: int) -> tuple[int, int]:
    """(summed PSS, summed RSS) in kB of `pid` and its descendants."""
    pss = rss = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            pass
    return pss, rss


def run_size(src: str, n: int) -> dict:
    work = WORK / f"run-{n}"
    shutil.rmtree(work, ignore_errors=True)  # a fresh store: a kept x.db would make it a re-run
    work.mkdir(parents=True)
    data = sb.write_jsonl(work / "in.jsonl", sb.shared_records(n if n < 2180 else None))
    env = dict(os.environ, PYTHONPATH=src)
    cmd = ["/usr/bin/time", "-f", "%e %U %S %M", sys.executable, "-m", "storyweave.cli", "--quiet", "run", str(data),
           "--db", str(work / "x.db"), "--out", str(work / "out")]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_pss = peak_rss = 0
    while proc.poll() is None:
        pss, rss = _memory(proc.pid)
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.25)
    _, err = proc.communicate()
    wall, user, system, maxrss = err.strip().splitlines()[-1].split()
    return {"articles": n, "rc": proc.returncode, "cpu": round(float(user) + float(system), 1), "wall": float(wall),
            "peak_tree_pss_mb": round(peak_pss / 1024), "peak_tree_rss_mb": round(peak_rss / 1024),
            "max_single_rss_mb": round(int(maxrss) / 1024), "load": round(os.getloadavg()[0], 1)}


EVENTS_WORKER = """
import json, resource, sys, time
sys.path.insert(0, {bench!r})
import speed_bench as sb
from storyweave.config import Config
from storyweave.model import Article, Corpus
from storyweave.pipeline import STAGES
n = int(sys.argv[1])
corpus = Corpus(articles=[Article.from_dict(r) for r in sb.shared_records(n if n < 2180 else None)])
cfg, stages = Config(), {{s.name: s for s in STAGES}}
for name in ("clean", "limit", "language", "dedup"):
    corpus = stages[name].fn(corpus, cfg)
rss = int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
before = max(rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
cpu = time.process_time()
corpus = stages["events"].fn(corpus, cfg)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"articles": n, "events": len(corpus.events), "events_cpu": round(time.process_time() - cpu, 1),
                  "events_peak_increase_mb": round(peak - before), "peak_mb": round(peak)}}))
"""


def events_size(src: str, n: int) -> dict:
    env = dict(os.environ, PYTHONPATH=src)
    code = EVENTS_WORKER.format(bench=str(Path(__file__).resolve().parent))
    proc = subprocess.run([sys.executable, "-c", code, str(n)], env=env, capture_output=True, text=True, check=True)
    out: dict = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


BLOCKS_PREP = """
import pickle, sys
sys.path.insert(0, {bench!r})
import speed_bench as sb
from storyweave.config import Config
from storyweave.model import Article, Corpus
from storyweave.pipeline import STAGES
corpus = Corpus(articles=[Article.from_dict(r) for r in sb.shared_records()])
cfg, stages = Config(), {{s.name: s for s in STAGES}}
for name in ("clean", "limit", "language", "dedup"):
    corpus = stages[name].fn(corpus, cfg)
pickle.dump(corpus, open(sys.argv[1], "wb"))
"""

BLOCKS_WORKER = """
import hashlib, json, pickle, re, resource, sys, time, warnings
from dataclasses import replace
sys.path.insert(0, {bench!r})
import speed_bench as sb
from storyweave.config import Config
from storyweave.nlp import stop_words
from storyweave.pipeline import STAGES
try:
    from storyweave.stages.events import blocks
except ImportError:  # a tree before the blocked path (the baseline): its only path is the whole matrix
    blocks = None
base, n, mode = pickle.load(open(sys.argv[1], "rb")), int(sys.argv[2]), sys.argv[3]
keep = stop_words.english() | {{m.lower() for m in ("January February March April May June July August September "
                                                   "October November December Monday Tuesday Wednesday Thursday "
                                                   "Friday Saturday Sunday").split()}}
def tag(text, k):
    # every content word gets a tag of its copy: copy k shares no content word with another copy,
    # so its reports are distinct units (dedup would otherwise fold them) of the same structure
    if not text:
        return text
    return re.sub(r"[A-Za-z]{{3,}}", lambda m: m.group(0) if m.group(0).lower() in keep else m.group(0) + "q" + "abcdefghij"[k % 10] * (1 + k // 10), text)
def copy(a, k):
    moved = sb.shifted({{"id": a.id, "published": a.published}} if a.published else {{"id": a.id}}, k)
    return replace(a, id=moved["id"], published=moved.get("published"), text=tag(a.text, k), raw_text=tag(a.raw_text, k),
                   title=tag(a.title, k), duplicate_of=a.duplicate_of and sb.shifted({{"id": a.duplicate_of}}, k)["id"],
                   shares_wire_with=[sb.shifted({{"id": x}}, k)["id"] for x in a.shares_wire_with], metadata=dict(a.metadata))
articles, k = list(base.articles), 1
while len(articles) < n:
    articles += [copy(a, k) for a in base.articles[: n - len(articles)]]
    k += 1
corpus = replace(base, articles=articles)
cfg = Config()
if mode == "baseline":
    pass
elif mode == "blocked":
    cfg = cfg.replace("events.dense_max_units", 1)
elif mode == "dense":
    cfg = cfg.replace("events.dense_max_units", 10**9)
sizes = []
if blocks is not None:
    linked = blocks.components
    def recording(*args, **kw):
        parts = linked(*args, **kw)
        sizes.extend(sorted((len(p) for p in parts), reverse=True))
        return parts
    blocks.components = recording
stage = {{s.name: s for s in STAGES}}["events"]
rss = int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20
before = max(rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
cpu = time.process_time()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # blocks.LargeComponentWarning: the sizes are recorded above
    out = stage.fn(corpus, cfg)
used = time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
digest = hashlib.sha256(json.dumps([(e.id, e.title, e.date, e.article_ids) for e in out.events]).encode()).hexdigest()[:12]
units = sum(1 for a in corpus.articles if a.duplicate_of is None)
print(json.dumps({{"articles": n, "mode": mode, "units_no_copy_of": units, "events": len(out.events), "events_cpu": round(used, 1),
                  "events_peak_increase_mb": round(peak - before), "peak_mb": round(peak), "events_sha": digest,
                  "parts": len(sizes), "largest_parts": sizes[:5]}}))
"""


def blocks_size(src: str, n: int, mode: str) -> dict:
    env = dict(os.environ, PYTHONPATH=src)
    bench = str(Path(__file__).resolve().parent)
    base = WORK / "blocks-base.pkl"
    if not base.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-c", BLOCKS_PREP.format(bench=bench), str(base)], env=env, check=True)
    proc = subprocess.run([sys.executable, "-c", BLOCKS_WORKER.format(bench=bench), str(base), str(n), mode], env=env,
                          capture_output=True, text=True)
    if proc.returncode:
        return {"articles": n, "mode": mode, "rc": proc.returncode, "stderr": proc.stderr[-500:]}
    out: dict = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["run", "events", "blocks"])
    ap.add_argument("--src", default=str(Path(__file__).resolve().parents[1] / "src"))
    ap.add_argument("--sizes", default="250,500,1000,2180")
    ap.add_argument("--modes", default="dense,blocked", help="blocks: dense, blocked and/or default")
    a = ap.parse_args()
    for n in (int(x) for x in a.sizes.split(",")):
        if a.mode == "blocks":
            for mode in a.modes.split(","):
                print(json.dumps(blocks_size(a.src, n, mode)), flush=True)
            continue
        print(json.dumps(run_size(a.src, n) if a.mode == "run" else events_size(a.src, n)), flush=True)


if __name__ == "__main__":
    main()
