"""Speed benchmark (issue 12): CPU time per stage, re-runs, incremental add, CLI start, peak memory.

The machine is shared (2 cores, other jobs running), so wall-clock time means little: every
figure here is CPU time (user + sys of the process and of its waited-for children, from
`resource.getrusage`), and every row is measured for the baseline (another source tree, e.g.
current main) in the same invocation.  "Projected articles/s on 2 dedicated cores" is
articles / CPU-s x 2 when the work is spread over both cores (the analyze stage's parses), and
articles / CPU-s x 1 for the single-process part; both figures are given.

Rows (each one a subprocess with PYTHONPATH set to the tree under test):
  run     `storyweave run` of the shared sets as distinct articles (news_cluster, Multi-News
          documents, PolNeAR dev+train, TimeBank: 2,180 articles, 8.6 M characters), fresh store:
          CPU per stage, render CPU, peak RSS; quality of the same output: news_cluster event and
          story F1 (score_clusters.py), PolNeAR dev quotes (score_quotes.py), TimeBank dates
          (score_dates.py) when the tree writes `articles[].dates`.
  rerun   the same `storyweave run` again, nothing changed (CLI subprocess, CPU).
  add     one new article added to a store of N articles (the shared sets + copies with shifted
          ids and dates), warm (Python API, models loaded) and cold (CLI subprocess).
  cli     `storyweave --help`, `stages`, `events` (CLI subprocesses, CPU).

Usage:
  python benchmarks/speed_bench.py [--baseline /work/main/src] [--rows run,rerun,add,cli]
                                   [--add-store 10000] [--limit N] [--out benchmarks/results/speed.md]
  python benchmarks/speed_bench.py profile --src SRC [--limit N]   # cProfile of one fresh run
  python benchmarks/speed_bench.py ner                           # spaCy NER CPU cost alone
  python benchmarks/speed_bench.py fragments [N]                 # the recogniser over every text's fragments:
                                                                 # its products through blis vs numpy's BLAS
  python benchmarks/speed_bench.py summarize PROFILE.folded      # py-spy raw profile -> tables
  python benchmarks/speed_bench.py report NAME=RESULT.json ...   # result JSON -> Markdown table
Data: ../shared/benchmarks/ from the project root, or $STORYWEAVE_BENCH_DATA.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("STORYWEAVE_BENCH_DATA", ROOT / ".." / "shared" / "benchmarks")).resolve()
SCORING = SHARED.parent / "scoring"
WORK = Path(os.environ.get("SPEED_BENCH_TMP", tempfile.gettempdir())) / "storyweave-speed"
ARTICLE_SETS = ["news_cluster/articles.jsonl", "polnear/articles.jsonl", "polnear/train.jsonl",
                "timebank/articles.jsonl"]
FIELDS = ("id", "url", "source", "title", "published", "text")


def cpu(who: int = resource.RUSAGE_SELF) -> float:
    r = resource.getrusage(who)
    return r.ru_utime + r.ru_stime


def cpu_all() -> float:
    """CPU seconds of this process and of every child it has waited for."""
    return cpu(resource.RUSAGE_SELF) + cpu(resource.RUSAGE_CHILDREN)


def peak_mb() -> float:
    """Peak RSS in MB of this process, and of the largest waited-for child, whichever is bigger."""
    return max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


# ---------------------------------------------------------------------------------------------
# data


def shared_records(limit: int | None = None) -> list[dict]:
    """Every shared article once (no gold fields): the four article sets, then each Multi-News
    document as its own bare-text article."""
    if not SHARED.exists():
        sys.exit(f"benchmark data not found: {SHARED} (set STORYWEAVE_BENCH_DATA)")
    records = []
    for name in ARTICLE_SETS:
        for line in (SHARED / name).open(encoding="utf-8"):
            row = json.loads(line)
            records.append({k: row[k] for k in FIELDS if row.get(k)})
    for line in (SHARED / "multinews_dev" / "clusters.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        records += [{"id": f"{row['id']}-{i}", "text": doc} for i, doc in enumerate(row["documents"])]
    if limit:
        random.Random(0).shuffle(records)
        records = records[:limit]
    return records


def shifted(record: dict, copy: int) -> dict:
    """A copy of `record` with a new id and its date moved by `copy` x 400 days (filler for the
    store of the `add` row: same texts, so their parses are cached; other ids and dates)."""
    out = dict(record, id=f"{record['id']}~{copy}")
    if out.get("published"):
        try:
            day = date.fromisoformat(out["published"][:10]) + timedelta(days=400 * copy)
            out["published"] = day.isoformat() + out["published"][10:]
        except ValueError:
            out.pop("published")
    return out


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return path


# ---------------------------------------------------------------------------------------------
# worker side (runs inside the tree under test)


def _timed_runner(cpu_by_stage: dict[str, float], counts: dict[str, object]):
    """A runner for `ingest` that records the CPU seconds of each stage (self + children)."""
    from storyweave.engines.local import run_pipeline
    from storyweave.pipeline import STAGES, Stage

    def wrap(stage):
        def fn(corpus, settings):
            start, children = cpu_all(), cpu(resource.RUSAGE_CHILDREN)
            result = stage.fn(corpus, settings)
            cpu_by_stage[stage.name] = round(cpu_by_stage.get(stage.name, 0.0) + cpu_all() - start, 2)
            in_children = cpu(resource.RUSAGE_CHILDREN) - children
            if in_children > 0.005:  # CPU of worker processes (runs in parallel with the other workers)
                counts.setdefault("stage_children_cpu", {})[stage.name] = round(in_children, 2)
            return result
        return Stage(stage.name, fn, stage.doc)

    def runner(corpus, settings, progress=None):
        result = run_pipeline(corpus, settings, stages=[wrap(s) for s in STAGES], progress=progress)
        work = getattr(result, "work", None)  # per-stage article counts, when the engine exposes them
        if work:
            counts["work"] = work
        return result

    return runner


def worker_run(data: Path, db: Path, out: Path) -> dict:
    """Fresh `run` through the Python API with per-stage CPU, then the CLI's report writing."""
    start = cpu_all()
    from storyweave.config import Config
    from storyweave.engines.local import ingest
    from storyweave.io import store
    from storyweave.io.readers import read_paths

    articles, errors = read_paths([str(data)])
    read_cpu = cpu_all() - start
    stages: dict[str, float] = {}
    counts: dict[str, object] = {}
    conn = store.connect(db)
    t0 = cpu_all()
    result = ingest(conn, articles, errors, Config(), command="run", inputs=[str(data)],
                    runner=_timed_runner(stages, counts))
    conn.close()
    ingest_cpu = cpu_all() - t0
    t0 = cpu_all()
    try:
        from storyweave.cli.reports import write_reports
    except ImportError:  # a tree before the cli package
        from storyweave.cli import _write_reports as write_reports

    write_reports(result.corpus, out)
    render_cpu = cpu_all() - t0
    return {"articles": len(articles), "events": len(result.corpus.events), "read_cpu": round(read_cpu, 2),
            "stage_cpu": stages, "save_cpu": round(ingest_cpu - sum(stages.values()), 2),
            "render_cpu": round(render_cpu, 2), "total_cpu": round(cpu_all(), 2),
            "self_cpu": round(cpu(resource.RUSAGE_SELF), 2), "children_cpu": round(cpu(resource.RUSAGE_CHILDREN), 2),
            "peak_mb": round(peak_mb()),
            "peak_self_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "peak_child_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
            **counts}


def worker_add(data: Path, extra: Path, db: Path) -> dict:
    """Warm `add`: the store is already filled; load models with one add, then time the second."""
    from storyweave.config import Config
    from storyweave.engines.local import ingest
    from storyweave.io import store
    from storyweave.io.readers import read_paths

    rows = [json.loads(x) for x in extra.read_text(encoding="utf-8").splitlines()]
    figures = []
    for i, row in enumerate(rows):
        path = write_jsonl(db.parent / f"add-{i}.jsonl", [row])
        articles, errors = read_paths([str(path)])
        conn = store.connect(db)
        stages: dict[str, float] = {}
        start = cpu_all()
        result = ingest(conn, articles, errors, Config(), command="add", runner=_timed_runner(stages, {}))
        used = cpu_all() - start
        figures.append({"cpu": round(used, 3), "articles": len(result.corpus.articles),
                        "stages": {**stages, "load, merge, save": round(used - sum(stages.values()), 2)},
                        "work": getattr(result, "work", None)})
        conn.close()
    return {"warmup": figures[0], "warm": figures[1:], "peak_mb": round(peak_mb())}


def worker_fill(data: Path, db: Path) -> dict:
    """Fill a store from `data` (used to build the add row's large store)."""
    from storyweave.config import Config
    from storyweave.engines.local import ingest
    from storyweave.io import store
    from storyweave.io.readers import read_paths

    start = cpu_all()
    articles, errors = read_paths([str(data)])
    conn = store.connect(db)
    result = ingest(conn, articles, errors, Config(), command="add")
    conn.close()
    return {"articles": len(result.corpus.articles), "cpu": round(cpu_all() - start, 2), "peak_mb": round(peak_mb())}


def worker_profile(data: Path, db: Path, out: Path, top: int = 40) -> dict:
    import cProfile
    import io
    import pstats
    import time

    profiler = cProfile.Profile(time.process_time)
    result = profiler.runcall(worker_run, data, db, out)
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    result["profile"] = stream.getvalue()
    return result


# ---------------------------------------------------------------------------------------------
# driver side


def child(src: str, *args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run a subprocess with PYTHONPATH=src; returns it, its CPU seconds and its peak RSS (MB)."""
    environ = {**os.environ, "PYTHONPATH": src, **(env or {})}
    before = cpu(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(args, env=environ, capture_output=True, text=True)
    used = cpu(resource.RUSAGE_CHILDREN) - before
    return proc, used, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def call_worker(src: str, *args: str) -> dict:
    proc, used, _ = child(src, "nice", "-n", "10", sys.executable, __file__, "worker", *args)
    if proc.returncode:
        sys.exit(f"worker {args[0]} failed under {src}:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["process_cpu"] = round(used, 2)
    return result


def cli_cpu(src: str, *args: str, repeat: int = 3) -> float:
    """Median CPU seconds of `python -m storyweave.cli ARGS` (the console script minus its shim)."""
    times = []
    for _ in range(repeat):
        proc, used, _ = child(src, sys.executable, "-m", "storyweave.cli", *args)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"storyweave {' '.join(args)} failed: {proc.stderr[-500:]}")
        times.append(used)
    return round(sorted(times)[len(times) // 2], 3)


def score(script: str, gold: Path, briefings: Path, *extra: str) -> str:
    if not (SCORING / script).exists() or not briefings.exists():
        return "n/a"
    proc = subprocess.run([sys.executable, str(SCORING / script), str(gold), str(briefings), *extra],
                          capture_output=True, text=True)
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[-1] if lines else "n/a"


def quality(out: Path) -> dict[str, str]:
    briefings = out / "briefings.json"
    return {
        "news_cluster events": score("score_clusters.py", SHARED / "news_cluster/articles.jsonl", briefings),
        "news_cluster stories": score("score_clusters.py", SHARED / "news_cluster/articles.jsonl", briefings,
                                      "--level", "story"),
        "PolNeAR dev quotes": score("score_quotes.py", SHARED / "polnear/articles.jsonl", briefings),
        "TimeBank dates": score("score_dates.py", SHARED / "timebank/articles.jsonl", briefings),
    }


def bench_tree(label: str, src: str, rows: set[str], data: Path, add_store: int, tmp: Path) -> dict:
    res: dict[str, object] = {"src": src}
    tmp = tmp / label
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    if "run" in rows or "rerun" in rows:
        db, out = tmp / "run.db", tmp / "out"
        run = call_worker(src, "run", str(data), str(db), str(out))
        run["quality"] = quality(out)
        res["run"] = run
        print(f"[{label}] run: {json.dumps(run)}", file=sys.stderr)
        if "rerun" in rows:
            proc, used, _ = child(src, sys.executable, "-m", "storyweave.cli", "run", str(data), "--db", str(db),
                                  "--out", str(out))  # same folder, as a user re-running would
            res["rerun_cpu"] = round(used, 2) if proc.returncode == 0 else f"failed: {proc.stderr[-300:]}"
            print(f"[{label}] rerun: {res['rerun_cpu']}", file=sys.stderr)
    if "cli" in rows:
        db = tmp / "run.db"
        res["cli"] = {"--help": cli_cpu(src, "--help"), "stages": cli_cpu(src, "stages"),
                      "events": cli_cpu(src, "events", "--db", str(db)) if db.exists() else "n/a",
                      "python -c pass": round(child(src, sys.executable, "-c", "pass")[1], 3)}
        print(f"[{label}] cli: {res['cli']}", file=sys.stderr)
    if "add" in rows:
        records = shared_records()
        filler: list[dict] = []
        copy = 1
        while len(records) + len(filler) < add_store:  # the shared sets (run row's store) + shifted copies
            filler += [shifted(r, copy) for r in records[: add_store - len(records) - len(filler)]]
            copy += 1
        big = write_jsonl(tmp / "store.jsonl", filler)
        new = [{"id": f"speed-add-{i}", "text": records[i]["text"] + f"\n\nUpdate {i}."} for i in range(2)]
        extra = write_jsonl(tmp / "extra.jsonl", new)
        db = tmp / "add.db"
        if (tmp / "run.db").exists():  # start from the run row's store (its parses cached): add the copies
            shutil.copy(tmp / "run.db", db)
        else:
            big = write_jsonl(tmp / "store.jsonl", records + filler)
        res["add_fill"] = call_worker(src, "fill", str(big), str(db))
        shutil.copy(db, tmp / "add-cold.db")
        res["add"] = call_worker(src, "add", str(big), str(extra), str(db))
        one = write_jsonl(tmp / "cold.jsonl", [{"id": "speed-add-cold", "text": records[5]["text"] + "\n\nCold."}])
        proc, used, _ = child(src, sys.executable, "-m", "storyweave.cli", "add", str(one), "--db", str(tmp / "add-cold.db"))
        res["add_cold_cli_cpu"] = round(used, 2) if proc.returncode == 0 else f"failed: {proc.stderr[-300:]}"
        print(f"[{label}] add: {res['add_fill']} {res['add']} cold {res['add_cold_cli_cpu']}", file=sys.stderr)
    return res


# ---------------------------------------------------------------------------------------------
# py-spy profile summary (`py-spy record -f raw --subprocesses -- python benchmarks/speed_bench.py ...`)

_STAGE_OF = {"clean_corpus": "clean", "detect_languages": "language", "find_duplicates": "dedup",
             "cluster_events": "events", "link_stories": "stories", "analyze_events": "analyze",
             "build_briefings": "brief", "_story_timelines": "timelines", "read_paths": "read",
             "save_corpus": "save", "save_run": "save", "load_corpus": "load", "_write_reports": "render",
             "_parse_records": "analyze (parse workers)"}


def summarize_profile(path: Path, process: str = "worker run", top: int = 25) -> str:
    """Markdown summary of a py-spy raw (collapsed) profile: samples per stage, top functions by
    own samples and top storyweave functions by inclusive samples (processes whose command line
    contains `process`, forked parse workers included)."""
    from collections import Counter

    stages: Counter = Counter()
    own: Counter = Counter()
    inclusive: Counter = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        parts = stack.split(";")
        procs = [f for f in parts if f.startswith("process ")]  # parent processes first, then the sampled one
        if not count.isdigit() or not any(process in f for f in procs):
            continue
        n = int(count)
        frames = [f for f in parts if not f.startswith("process ")]
        total += n
        names = [f.split(" (", 1)[0] for f in frames]
        stage = next((_STAGE_OF[x] for x in reversed(names) if x in _STAGE_OF), "other (imports, setup)")
        stages[stage] += n
        if frames:
            own[frames[-1]] += n
        for frame in set(frames):
            if "storyweave/" in frame:
                inclusive[frame] += n
    if not total:
        return f"(no samples for '{process}' in {path})"
    pct = lambda n: f"{100 * n / total:.1f} %"  # noqa: E731
    out = [f"{total} samples (10 Hz, all processes of the run)", "", "| part | share |", "|---|---|"]
    out += [f"| {k} | {pct(v)} |" for k, v in stages.most_common()]
    out += ["", "| top own time | share |", "|---|---|"]
    out += [f"| `{k}` | {pct(v)} |" for k, v in own.most_common(top)]
    out += ["", "| top storyweave functions (inclusive) | share |", "|---|---|"]
    out += [f"| `{k}` | {pct(v)} |" for k, v in inclusive.most_common(top)]
    return "\n".join(out)


def _fmt_tree(label: str, res: dict) -> list[str]:
    run = res.get("run", {})
    n = run.get("articles", 0)
    rows = []
    if run:
        total = run["total_cpu"]
        self_cpu, children = run.get("self_cpu", total), run.get("children_cpu", 0.0)
        projected = n / (self_cpu + children / 2) if self_cpu else 0
        rows.append(f"| {label} | run, fresh store, {n} articles | {total:.0f} CPU-s: **{n / total:.1f} articles/CPU-s**; "
                    f"projected on 2 dedicated cores **{projected:.1f} articles/s** "
                    f"({self_cpu:.0f} CPU-s in the main process + {children:.0f} CPU-s in parse workers / 2) | "
                    f"{run.get('peak_self_mb', run.get('peak_mb'))} MB main process"
                    + (f" + {run['peak_child_mb']} MB largest worker" if run.get("peak_child_mb") else "") + " |")
        stages = ", ".join(f"{k} {v:.1f}" for k, v in run["stage_cpu"].items())
        rows.append(f"| {label} | CPU-s per part | read {run['read_cpu']:.1f}, {stages}, save {run['save_cpu']:.1f}, "
                    f"render {run['render_cpu']:.1f}"
                    + (f" (of which in workers: {run['stage_children_cpu']})" if run.get("stage_children_cpu") else "")
                    + " | |")
        q = run.get("quality", {})
        rows.append(f"| {label} | quality of that output | " + "; ".join(f"{k}: {v}" for k, v in q.items()) + " | |")
    if "rerun_cpu" in res:
        rows.append(f"| {label} | unchanged re-run (`storyweave run` again, same input and store) | {res['rerun_cpu']} CPU-s | |")
    if "cli" in res:
        rows.append(f"| {label} | CLI start | " + ", ".join(f"`{k}` {v} CPU-s" for k, v in res["cli"].items()) + " | |")
    if "add" in res:
        warm = res["add"]["warm"]
        rows.append(f"| {label} | `add` of 1 article to a store of {warm[0]['articles'] - 1} (warm, Python API) | "
                    + ", ".join(f"{w['cpu']} CPU-s" for w in warm) + f"; cold CLI call {res.get('add_cold_cli_cpu')} CPU-s | "
                    f"{res['add'].get('peak_mb')} MB |")
        rows.append(f"| {label} | CPU-s per stage of that add | " + ", ".join(
            f"{k} {v}" for k, v in (warm[0].get("stages") or {}).items()) + " | |")
        rows.append(f"| {label} | work of that add | {warm[0].get('work')} | |")
        rows.append(f"| {label} | filling that store (copies added to the run's store) | {res['add_fill']} | |")
    return rows


def report(results: list[tuple[str, dict]]) -> str:
    out = ["| tree | row | figure | peak RSS |", "|---|---|---|---|"]
    for label, res in results:
        out += _fmt_tree(label, res)
    return "\n".join(out)


def ner_rate(n: int = 120) -> dict:
    """CPU cost of the analyze stage's spaCy pipeline alone on `n` shared articles (seeded sample)."""
    from storyweave.nlp.spacy_model import get_nlp

    records = shared_records()
    random.Random(1).shuffle(records)
    texts = [r["text"] for r in records[:n]]
    nlp = get_nlp()
    list(nlp.pipe(texts[:5]))
    start = cpu()
    docs = list(nlp.pipe(texts, batch_size=64))
    used = cpu() - start
    chars = sum(map(len, texts))
    return {"pipes": nlp.pipe_names, "texts": n, "chars": chars, "cpu": round(used, 2),
            "kchars_per_cpu_s": round(chars / used / 1000, 1), "tokens": sum(map(len, docs)),
            "shared_sets_chars": sum(len(r["text"]) for r in records),
            "projected_cpu_s_all_shared": round(sum(len(r["text"]) for r in records) / (chars / used))}


def fragment_ner(n: int | None = None) -> dict:
    """The recogniser over the fragments the analyze stage gives it (`parsed._fragments`) of the
    shared texts (all, or a seeded sample of `n`), on one BLAS thread: CPU with the loaded
    pipeline (products through numpy's BLAS, `spacy_model`) and with thinc's default blis ops on
    every layer, and how many fragments get different entities."""
    import importlib

    from thinc.api import NumpyOps

    from storyweave.nlp.spacy_model import get_nlp, one_blas_thread

    parsed = importlib.import_module("storyweave.stages.analysis.parsed")
    texts = list(dict.fromkeys(r["text"] for r in shared_records()))
    if n:
        random.Random(2).shuffle(texts)
        texts = texts[:n]
    nlp = get_nlp()
    fragments = [text[s:e] for text in texts for s, e in parsed._fragments(nlp.make_doc(text))]

    def entities() -> tuple[float, list[list[tuple[int, int, str]]]]:
        start = cpu()
        with one_blas_thread():
            found = [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in nlp.pipe(fragments, batch_size=64)]
        return cpu() - start, found

    numpy_cpu, numpy_ents = entities()
    layers = [node for _, pipe in nlp.pipeline for node in pipe.model.walk()]
    kept = [node.ops for node in layers]
    for node in layers:
        node.ops = NumpyOps(use_blis=True)
    try:
        blis_cpu, blis_ents = entities()
    finally:
        for node, ops in zip(layers, kept, strict=True):
            node.ops = ops
    return {"texts": len(texts), "fragments": len(fragments), "chars": sum(map(len, fragments)),
            "cpu_blis": round(blis_cpu, 2), "cpu_numpy_blas": round(numpy_cpu, 2),
            "fragments_with_other_entities": sum(a != b for a, b in zip(numpy_ents, blis_ents, strict=True))}


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "report":  # report LABEL=RESULT.json ... (tree "candidate" of each)
        pairs = [arg.split("=", 1) for arg in sys.argv[2:]]
        print(report([(label, json.loads(Path(f).read_text())["candidate"]) for label, f in pairs]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "ner":  # NER throughput alone
        print(json.dumps(ner_rate()))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "fragments":  # the recogniser's fragments: blis vs numpy's BLAS
        print(json.dumps(fragment_ner(int(sys.argv[2]) if len(sys.argv) > 2 else None)))
        return
    if len(sys.argv) > 2 and sys.argv[1] == "summarize":  # summarize PROFILE.folded
        print(summarize_profile(Path(sys.argv[2])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "worker":
        kind, args = sys.argv[2], [Path(a) for a in sys.argv[3:]]
        fn = {"run": worker_run, "add": worker_add, "fill": worker_fill, "profile": worker_profile}[kind]
        result = fn(*args)
        print(json.dumps(result))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", nargs="?", default="bench", choices=["bench", "profile"])
    ap.add_argument("--src", default=str(ROOT / "src"), help="tree under test")
    ap.add_argument("--baseline", default=None, help="baseline tree (e.g. /work/main/src), measured in the same run")
    ap.add_argument("--rows", default="run,rerun,add,cli")
    ap.add_argument("--add-store", type=int, default=10000)
    ap.add_argument("--limit", type=int, default=None, help="only N of the shared articles (seeded sample)")
    ap.add_argument("--out", type=Path, default=None, help="write the JSON result here")
    a = ap.parse_args()
    data = write_jsonl(WORK / f"shared-{a.limit or 'all'}.jsonl", shared_records(a.limit))
    if a.mode == "profile":
        tmp = WORK / "profile"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        result = call_worker(a.src, "profile", str(data), str(tmp / "p.db"), str(tmp / "out"))
        print(result.pop("profile"))
        print(json.dumps(result, indent=1))
        return
    rows = set(a.rows.split(","))
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores (shared), Python {platform.python_version()}",
               "data": f"{data} ({sum(1 for _ in data.open())} articles)"}
    trees = [("candidate", a.src)] + ([("baseline", a.baseline)] if a.baseline else [])
    for label, src in trees:
        results[label] = bench_tree(label, src, rows, data, a.add_store, WORK)
    text = json.dumps(results, indent=1)
    print(text)
    if a.out:
        a.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
