"""Edges benchmark: store, streaming re-runs and report rendering on the news_cluster articles.

Measures (one process, one temporary store):
  1. read + first ingest of all articles: time per stage and time to save;
  2. rendering: briefings.json (+ schema validation), briefings.md, index.html;
  3. a second run on the same input (nothing new: stages skipped) vs. a forced re-run (the
     baseline: what re-processing everything costs), with store row counts before/after and the
     share of event ids kept by the forced re-run;
  4. streaming: the last 10% of the articles added to a store holding the first 90%;
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
from storyweave.engines.local import ingest
from storyweave.readers import read_paths
from storyweave.render.contract import to_briefings, validation_errors
from storyweave.render.html import render_html
from storyweave.render.markdown import render_markdown
from storyweave.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def data_file() -> Path:
    base = Path(os.environ.get("STORYWEAVE_BENCH_DATA", ROOT / ".." / "shared" / "benchmarks"))
    path = base / "news_cluster" / "articles.jsonl"
    if not path.exists():
        sys.exit(f"benchmark data not found: {path} (set STORYWEAVE_BENCH_DATA)")
    return path


def timed(fn, *args, **kw):
    start = time.perf_counter()
    result = fn(*args, **kw)
    return result, time.perf_counter() - start


def rows(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "events", "stories", "duplicate_links")}


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
    settings = Settings()

    (articles, errors), t_read = timed(read_paths, [source])
    n = len(articles)

    # 1. first ingest
    db = work / "bench.db"
    conn = store.connect(db)
    first, t_first = timed(ingest, conn, articles, errors, settings, command="bench")
    t_stages = sum(first.seconds.values())
    rows_first = rows(db)

    # 2. rendering
    corpus = first.corpus
    doc, t_contract = timed(to_briefings, corpus)
    problems, t_validate = timed(validation_errors, doc)
    md, t_md = timed(render_markdown, corpus)
    html, t_html = timed(render_html, corpus)

    # 3. unchanged re-run vs forced re-run (baseline)
    again_articles, _ = read_paths([source])
    again, t_again = timed(ingest, conn, again_articles, [], settings, command="bench-again")
    rows_again = rows(db)
    forced_articles, _ = read_paths([source])
    forced, t_forced = timed(ingest, conn, forced_articles, [], settings, command="bench-forced", force=True)
    before_ids = {e.id for e in first.corpus.events}
    after_ids = {e.id for e in forced.corpus.events}
    kept = len(before_ids & after_ids) / max(1, len(before_ids))
    conn.close()

    # 4. streaming: 90% then 10%
    split = int(n * 0.9)
    sdb = work / "stream.db"
    sconn = store.connect(sdb)
    batch1, _ = read_paths([source])
    _, t_s1 = timed(ingest, sconn, batch1[:split], [], settings, command="stream-90")
    batch2, _ = read_paths([source])
    stream, t_s2 = timed(ingest, sconn, batch2[split:], [], settings, command="stream-10")
    sconn.close()

    # 5. persistence vs json baseline
    copy_db = work / "copy.db"
    _, t_save = timed(store.save_corpus, copy_db, corpus)
    _, t_load = timed(store.load_corpus, copy_db)
    jpath = work / "briefings.json"
    _, t_jdump = timed(lambda: jpath.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8"))
    _, t_jload = timed(lambda: json.loads(jpath.read_text(encoding="utf-8")))

    stage_rows = "\n".join(f"| stage `{k}` | {v:.2f} |" for k, v in first.seconds.items())
    report = f"""# Edges: store, re-runs, reports

Command: `python benchmarks/edges_bench.py{' --limit ' + str(args.limit) if args.limit else ''}`  
Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared with other jobs), Python {platform.python_version()}  
Data: news_cluster, {n} articles read ({len(errors)} unreadable) from one JSONL file.

## First run (all new)

| step | seconds |
|---|---:|
| read (readers) | {t_read:.2f} |
{stage_rows}
| save to SQLite (one transaction) | {t_first - t_stages:.2f} |
| **ingest total** | **{t_first:.2f}** |

Result: {rows_first['articles']} articles, {rows_first['events']} events, {rows_first['stories']} stories,
{rows_first['duplicate_links']} duplicate links.

## Reports

| output | seconds | size |
|---|---:|---:|
| briefings.json (contract) | {t_contract:.2f} | {len(json.dumps(doc, ensure_ascii=False)) / 1e6:.1f} MB |
| JSON Schema validation | {t_validate:.2f} | {len(problems)} violations |
| briefings.md | {t_md:.2f} | {len(md) / 1e6:.1f} MB |
| index.html (3 SVG charts) | {t_html:.2f} | {len(html) / 1e6:.1f} MB |

## Re-running on the same input

| run | seconds | new | updated | unchanged | store rows after (articles/events/stories/links) |
|---|---:|---:|---:|---:|---|
| first run | {t_first:.2f} | {len(first.merge.new)} | {len(first.merge.updated)} | {len(first.merge.unchanged)} | {'/'.join(str(v) for v in rows_first.values())} |
| second run (stages skipped) | {t_again:.2f} | {len(again.merge.new)} | {len(again.merge.updated)} | {len(again.merge.unchanged)} | {'/'.join(str(v) for v in rows_again.values())} |
| baseline: forced re-run | {t_forced:.2f} | {len(forced.merge.new)} | {len(forced.merge.updated)} | {len(forced.merge.unchanged)} | {'/'.join(str(v) for v in rows(db).values())} |

Forced re-run keeps {kept:.1%} of event ids ({len(before_ids & after_ids)}/{len(before_ids)}); it reports
{len(forced.corpus.changes)} change lines.

## Streaming

| batch | articles | seconds |
|---|---:|---:|
| first 90% into an empty store | {split} | {t_s1:.2f} |
| last 10% into that store | {n - split} | {t_s2:.2f} |

The 10% batch produced {len(stream.corpus.changes)} change lines; the store then holds
{len(stream.corpus.articles)} articles and {len(stream.corpus.events)} events.

## Persistence vs. a JSON file (baseline)

| | save | load |
|---|---:|---:|
| SQLite store (articles incl. raw text, FTS index, events, stories, links, run log) | {t_save:.2f} | {t_load:.2f} |
| baseline: briefings.json dump/parse (no raw text, no index, not queryable) | {t_jdump:.2f} | {t_jload:.2f} |
"""
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
