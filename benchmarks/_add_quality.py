"""Worker of `add_bench.py quality` (runs inside the tree under test; see that file).

news_cluster with its metadata, in date order: the first articles in one run, then the last
`count` added one article at a time (a) through the incremental path (`storyweave add`) and
(b) through the full path; (c) all in one run.  Event and story pairwise F1 (and B³) against
`gold_event`, as `cluster_bench.py` scores them.  Parses are seeded from the 2k store's cache
(same texts), so only analyses and briefs are recomputed.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cluster_bench as cb  # noqa: E402
import speed_bench as sb  # noqa: E402

from storyweave.config import Config  # noqa: E402
from storyweave.engines.local import ingest  # noqa: E402
from storyweave.io import store  # noqa: E402
from storyweave.model import Article  # noqa: E402


def seeded(db: Path, seed: Path) -> sqlite3.Connection:
    conn = store.connect(db)
    if seed.exists():
        with store.transaction(conn):
            conn.execute("ATTACH DATABASE ? AS seed", (str(seed),))
            conn.execute("INSERT OR IGNORE INTO cache SELECT * FROM seed.cache WHERE kind IN ('article', 'language')")
        conn.execute("DETACH DATABASE seed")
    return conn


def scored(conn: sqlite3.Connection, gold: dict[str, str]) -> dict:
    corpus = store.load_corpus(conn, with_cache=False)
    ids = sorted(gold)
    by_id = corpus.by_id()
    story_of = {e.id: e.story_id for e in corpus.events}
    events = [by_id[i].event_id for i in ids]
    stories = [story_of[by_id[i].event_id] for i in ids]
    truth = [gold[i] for i in ids]
    return {"event_F1": round(cb.pairwise(events, truth)[2], 4), "event_B3": round(cb.bcubed(events, truth), 4),
            "story_F1": round(cb.pairwise(stories, truth)[2], 4), "story_B3": round(cb.bcubed(stories, truth), 4),
            "events": len(set(events)), "stories": len(set(stories))}


def main() -> None:
    work, count = Path(sys.argv[1]), int(sys.argv[2])
    modes = sys.argv[3].split(",") if len(sys.argv) > 3 else ["incremental", "full-path"]
    work.mkdir(parents=True, exist_ok=True)
    rows = [json.loads(x) for x in (sb.SHARED / "news_cluster" / "articles.jsonl").open(encoding="utf-8")]
    gold = {r["id"]: r["gold_event"] for r in rows}
    fields = ("id", "text", "title", "source", "url", "published")
    records = sorted(({k: r[k] for k in fields if r.get(k)} for r in rows), key=lambda r: (r.get("published") or "9999", r["id"]))
    base, held = records[:-count], records[-count:]
    seed = work.parent / "s2k.db"
    out: dict = {"articles": len(records), "added_one_by_one": count}
    conn = seeded(work / "all.db", seed)
    ingest(conn, [Article.from_dict(r) for r in records], [], Config(), command="run")
    out["one run"] = scored(conn, gold)
    conn.close()
    conn = seeded(work / "base.db", seed)
    ingest(conn, [Article.from_dict(r) for r in base], [], Config(), command="run")
    conn.close()
    for label, incremental in (("incremental add", True), ("full-path add", False)):
        if label.split()[0] not in modes:
            continue
        db = work / f"{label.split()[0]}.db"
        shutil.copy(work / "base.db", db)
        conn = store.connect(db)
        touched = []
        for r in held:
            result = ingest(conn, [Article.from_dict(r)], [], Config(), command="add", incremental=incremental)
            touched.append(result.work.get("touched_events", result.work.get("analyze", 0)))
        out[label] = {**scored(conn, gold), "events analysed per add": round(sum(touched) / len(touched), 2)}
        conn.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
