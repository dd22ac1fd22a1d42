"""Edges benchmark: store, streaming re-runs and report rendering on the news_cluster articles.

Measures (one process, one temporary store):
  1. read + first ingest of all articles: time per stage and time to save;
  2. rendering: briefings.json (+ schema validation), briefings.md, the HTML pages;
  3. a second run on the same input (nothing new: stages skipped), a forced re-run (stages run,
     cached per-article parses and per-event results reused) and the baseline of a forced re-run
     without the cache (`--fresh`: what re-processing everything costs), with store row counts
     and the share of event ids kept;
  4. streaming: the last 10% of the articles added to a store holding the first 90%, with the
     cache (only new texts parsed, unchanged events reused) and, as the baseline, without it;
  5. persistence: SQLite save+load vs. the naive baseline of dumping/loading briefings.json.

Usage:  python benchmarks/edges_bench.py [--limit N] [--out benchmarks/results/edges.md]
Data:   ../shared/benchmarks/news_cluster/articles.jsonl from the project root, or $STORYWEAVE_BENCH_DATA.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from storyweave import store
from storyweave.config import Config
from storyweave.engines.local import ingest
from storyweave.model import to_dict
from storyweave.readers import read_paths
from storyweave.render.contract import to_briefings, validation_errors
from storyweave.render.html import write_site
from storyweave.render.markdown import render_markdown

ROOT = Path(__file__).resolve().parents[1]


def data_file() -> Path:
    base = Path(os.environ.get("STORYWEAVE_BENCH_DATA", ROOT / ".." / "shared" / "benchmarks"))
    path = base / "news_cluster" / "articles.jsonl"
    if not path.exists():
        sys.exit(f"benchmark data not found: {path} (set STORYWEAVE_BENCH_DATA)")
    return path


CPU: dict[str, float] = {}  # CPU seconds of the last timed() call, by label


def timed(fn, *args, **kw):
    start, cpu = time.perf_counter(), time.process_time()
    result = fn(*args, **kw)
    CPU["last"] = time.process_time() - cpu
    return result, time.perf_counter() - start


def cache_keys(conn, kind: str = "article") -> set[str]:
    return {r[0] for r in conn.execute("SELECT key FROM cache WHERE kind = ?", (kind,))}


def rows(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "events", "stories", "duplicate_links")}


def _results(corpus) -> tuple:
    """Events and stories as plain data, in id order (to compare two runs)."""
    events = sorted((to_dict(e) for e in corpus.events), key=lambda e: e["id"])
    return events, sorted((to_dict(s) for s in corpus.stories), key=lambda s: s["id"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="use only the first N articles (0: all)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "edges.md")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="storyweave-edges-"))
    lines = data_file().read_text(encoding="utf-8").splitlines()
    if args.limit:
        lines = lines[: args.limit]
    source = work / "articles.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = Config()

    (articles, errors), t_read = timed(read_paths, [source])
    n = len(articles)

    # 1. first ingest
    db = work / "bench.db"
    conn = store.connect(db)
    first, t_first = timed(ingest, conn, articles, errors, settings, command="bench")
    c_first = CPU["last"]
    t_stages = sum(first.seconds.values())
    rows_first = rows(db)

    # 2. rendering
    corpus = first.corpus
    doc, t_contract = timed(to_briefings, corpus)
    problems, t_validate = timed(validation_errors, doc)
    md, t_md = timed(render_markdown, corpus)
    site = Path(tempfile.mkdtemp(prefix="edges-site-"))
    sizes: list[int] = []

    def _write(path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        sizes.append(len(text))

    pages, t_html = timed(write_site, corpus, site, _write)

    # 3. unchanged re-run vs forced re-run (baseline)
    again_articles, _ = read_paths([source])
    again, t_again = timed(ingest, conn, again_articles, [], settings, command="bench-again")
    rows_again = rows(db)
    forced_articles, _ = read_paths([source])
    forced, t_forced = timed(ingest, conn, forced_articles, [], settings, command="bench-forced", force=True)
    c_forced = CPU["last"]
    rows_forced = rows(db)
    fresh_articles, _ = read_paths([source])
    fresh, t_fresh = timed(ingest, conn, fresh_articles, [], settings, command="bench-fresh", fresh=True)
    c_fresh = CPU["last"]
    before_ids = {e.id for e in first.corpus.events}
    after_ids = {e.id for e in forced.corpus.events}
    kept = len(before_ids & after_ids) / max(1, len(before_ids))
    fresh_ids = {e.id for e in fresh.corpus.events}
    same_as_fresh = _results(forced.corpus) == _results(fresh.corpus)
    conn.close()

    # 4. streaming: 90% then 10%
    split = int(n * 0.9)
    sdb = work / "stream.db"
    sconn = store.connect(sdb)
    batch1, _ = read_paths([source])
    _, t_s1 = timed(ingest, sconn, batch1[:split], [], settings, command="stream-90")
    c_s1 = CPU["last"]
    kinds = ("article", "event_analysis", "event_brief")
    keys_before = {k: cache_keys(sconn, k) for k in kinds}
    batch2, _ = read_paths([source])
    stream, t_s2 = timed(ingest, sconn, batch2[split:], [], settings, command="stream-10")
    c_s2 = CPU["last"]
    redone = {k: len(cache_keys(sconn, k) - keys_before[k]) for k in kinds}
    parsed_now = redone["article"]
    sconn.close()
    # baseline: the same two batches, the second one without the cache (everything recomputed)
    bdb = work / "stream-baseline.db"
    bconn = store.connect(bdb)
    batch1, _ = read_paths([source])
    ingest(bconn, batch1[:split], [], settings, command="stream-90")
    batch2, _ = read_paths([source])
    stream_base, t_b2 = timed(ingest, bconn, batch2[split:], [], settings, command="stream-10-fresh", fresh=True)
    c_b2 = CPU["last"]
    bconn.close()
    stream_same = _results(stream.corpus) == _results(stream_base.corpus)

    # 5. persistence vs json baseline
    copy_db = work / "copy.db"
    _, t_save = timed(store.save_corpus, copy_db, corpus)
    _, t_load = timed(store.load_corpus, copy_db)
    jpath = work / "briefings.json"
    _, t_jdump = timed(lambda: jpath.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8"))
    _, t_jload = timed(lambda: json.loads(jpath.read_text(encoding="utf-8")))

    stage_rows = "\n".join(f"| stage `{k}` | {v:.2f} |" for k, v in first.seconds.items())
    stream_stages = " · ".join(f"{k} {v:.2f}" for k, v in stream.seconds.items())
    base_stages = " · ".join(f"{k} {v:.2f}" for k, v in stream_base.seconds.items())
    forced_stages = " · ".join(f"{k} {v:.2f}" for k, v in forced.seconds.items())
    report = f"""# Edges: store, re-runs, reports

Command: `python benchmarks/edges_bench.py{' --limit ' + str(args.limit) if args.limit else ''}`  
Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared with other jobs: wall times vary with their load,
CPU seconds of this process are given beside them), Python {platform.python_version()}  
Data: news_cluster, {n} articles read ({len(errors)} unreadable) from one JSONL file.

## First run (all new, empty store)

| step | seconds |
|---|---:|
| read (readers) | {t_read:.2f} |
{stage_rows}
| save to SQLite (one transaction) | {t_first - t_stages:.2f} |
| **ingest total** | **{t_first:.2f}** wall, {c_first:.2f} CPU |

Throughput: {n / t_first:.1f} articles/s wall ({n / c_first:.1f} articles per CPU second).
Result: {rows_first['articles']} articles, {rows_first['events']} events, {rows_first['stories']} stories,
{rows_first['duplicate_links']} duplicate links.

## Reports

| output | seconds | size |
|---|---:|---:|
| briefings.json (contract) | {t_contract:.2f} | {len(json.dumps(doc, ensure_ascii=False)) / 1e6:.1f} MB |
| JSON Schema validation | {t_validate:.2f} | {len(problems)} violations |
| briefings.md | {t_md:.2f} | {len(md) / 1e6:.1f} MB |
| HTML pages ({len(pages)}, 3 SVG charts on the home page) | {t_html:.2f} | {sum(sizes) / 1e6:.1f} MB |

## Re-running on the same input

| run | seconds (wall) | CPU | new | updated | unchanged | store rows after (articles/events/stories/links) |
|---|---:|---:|---:|---:|---:|---|
| first run | {t_first:.2f} | {c_first:.2f} | {len(first.merge.new)} | {len(first.merge.updated)} | {len(first.merge.unchanged)} | {'/'.join(str(v) for v in rows_first.values())} |
| second run (nothing new: stages skipped) | {t_again:.2f} | | {len(again.merge.new)} | {len(again.merge.updated)} | {len(again.merge.unchanged)} | {'/'.join(str(v) for v in rows_again.values())} |
| forced re-run (`--force`: stages run, cache reused) | {t_forced:.2f} | {c_forced:.2f} | {len(forced.merge.new)} | {len(forced.merge.updated)} | {len(forced.merge.unchanged)} | {'/'.join(str(v) for v in rows_forced.values())} |
| baseline: forced re-run without cache (`--fresh`) | {t_fresh:.2f} | {c_fresh:.2f} | {len(fresh.merge.new)} | {len(fresh.merge.updated)} | {len(fresh.merge.unchanged)} | {'/'.join(str(v) for v in rows(db).values())} |

Forced re-run stages: {forced_stages} s. It keeps {kept:.1%} of event ids ({len(before_ids & after_ids)}/{len(before_ids)})
and reports {len(forced.corpus.changes)} change lines; the `--fresh` re-run keeps
{len(before_ids & fresh_ids)}/{len(before_ids)}. Cached and fresh re-runs give identical events and stories: {same_as_fresh}.

## Streaming

| batch | articles | seconds (wall) | CPU |
|---|---:|---:|---:|
| first 90% into an empty store | {split} | {t_s1:.2f} | {c_s1:.2f} |
| last 10% into that store (cache: new texts parsed, unchanged events reused) | {n - split} | {t_s2:.2f} | {c_s2:.2f} |
| baseline: the same last 10% with the cache dropped (`--fresh`) | {n - split} | {t_b2:.2f} | {c_b2:.2f} |

Last 10% with cache, per stage: {stream_stages} s; {parsed_now} texts parsed (new articles, and stored
articles whose cleaned text changed); {redone['event_analysis']} of {len(stream.corpus.events)} events analysed
and {redone['event_brief']} briefed again (new events, events that gained or lost reports or whose reports'
cleaned text changed), the others taken from the cache. Without cache: {base_stages} s.
The 10% batch produced {len(stream.corpus.changes)} change lines; the store then holds
{len(stream.corpus.articles)} articles and {len(stream.corpus.events)} events. Cached and uncached results
identical: {stream_same}.

## Persistence vs. a JSON file (baseline)

| | save | load |
|---|---:|---:|
| SQLite store (articles incl. raw text, FTS index, events, stories, links, cache, run log) | {t_save:.2f} | {t_load:.2f} |
| baseline: briefings.json dump/parse (no raw text, no index, not queryable) | {t_jdump:.2f} | {t_jload:.2f} |
"""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
