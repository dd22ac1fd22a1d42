"""The incremental add (`engines/incremental.py`): read and write only what a few new articles
touch.  The kept title + lead vectors of the stored articles (`article_vectors`, their snapshot
in `io/vectors.py`), the stored events near the new articles with their stories and articles
(`load_neighbourhood`), and the working set written back in one transaction (`save_part`) with
the store's counts moved by what changed (`store_totals` counts them in SQL)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from storyweave.faults import checkpoint
from storyweave.io.store import tables  # through the module: tests replace its writers
from storyweave.io.store.connection import transaction
from storyweave.io.store.corpus import corpus_counts, insert_run
from storyweave.io.store.queries import duplicate_links_of, get_articles
from storyweave.model import Article, Corpus, DuplicateLink, Event, Story
from storyweave.serialize import from_dict

if TYPE_CHECKING:
    import numpy as np


def stale_vector_ids(conn: sqlite3.Connection) -> list[str]:
    """Ids of stored articles without an `article_vectors` row of their content (failed ones
    included: they are in no event, so no search reaches them).  The schema's triggers drop a
    vector whose article changed or went, so as many vectors as articles means none is stale:
    two counts, not a join over the store, in the usual case."""
    counts = conn.execute("SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM article_vectors)").fetchone()
    if counts[0] == counts[1]:
        return []
    return [r[0] for r in conn.execute(
        "SELECT a.id FROM articles a INDEXED BY articles_keys LEFT JOIN article_vectors v ON v.id = a.id "
        "WHERE v.id IS NULL OR v.content_hash != a.content_hash")]


def save_vectors(conn: sqlite3.Connection, rows: list[tuple[Article, int, bytes]]) -> None:
    """Store (article, day ordinal, float32 vector bytes) rows (replacing older ones), under the
    content hash of the article's stored row (none: not stored yet, left out)."""
    conn.executemany("INSERT OR REPLACE INTO article_vectors(id, content_hash, day, vector) "
                     "SELECT id, content_hash, ?, ? FROM articles WHERE id = ?",
                     [(day, blob, a.id) for a, day, blob in rows])


def load_vectors(conn: sqlite3.Connection) -> tuple[list[str], list[str], list[int], np.ndarray]:
    """(article ids, their event ids, day ordinals, float32 rows) of every stored article in an
    event that has a kept vector, in id order: the kept vectors' snapshot blocks (`io/vectors.py`)
    and each article's event, read in one transaction (a few blocks and one index scan instead of
    a look-up per article)."""
    from storyweave.io import vectors

    cursor = conn.cursor()
    cursor.row_factory = None
    with nullcontext() if conn.in_transaction else _read_transaction(conn):
        ids, days, matrix = vectors.read(conn)
        rows = cursor.execute("SELECT id, event_id FROM articles INDEXED BY articles_keys ORDER BY id").fetchall()
    stored, events = (list(c) for c in zip(*rows, strict=True)) if rows else ([], [])
    if stored != ids:  # an article without a vector (not refreshed yet): matched by id
        event_of = dict(rows)
        ids, days, matrix = _rows_of(ids, days, matrix, [k for k, i in enumerate(ids) if i in event_of])
        events = [event_of[i] for i in ids]
    if None in events:  # articles in no event (failed ones) are no part of any search
        ids, days, matrix = _rows_of(ids, days, matrix, [k for k, e in enumerate(events) if e is not None])
        events = [e for e in events if e is not None]
    return ids, events, days.tolist(), matrix


def _rows_of(ids: list[str], days: np.ndarray, matrix: np.ndarray, keep: list[int]) -> tuple[list[str], np.ndarray, np.ndarray]:
    return [ids[k] for k in keep], days[keep], matrix[keep]


@contextmanager
def _read_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN")
    try:
        yield
    finally:
        conn.execute("COMMIT")


def compact_vectors(conn: sqlite3.Connection) -> bool:
    """Write the kept vectors' snapshot again when enough of them changed since (`vectors.due`);
    True when it did."""
    from storyweave.io import vectors

    if not vectors.due(conn):
        return False
    with transaction(conn):
        vectors.compact(conn)
    return True


def load_neighbourhood(conn: sqlite3.Connection, event_ids: list[str]) -> Corpus:
    """The stored events `event_ids`, every event of their stories, the stories themselves,
    the articles of all those events (`is_new=False`) and the duplicate links among them."""
    events = _events_by_id(conn, event_ids)
    story_ids = sorted({e.story_id for e in events.values() if e.story_id})
    stories = [from_dict(Story, json.loads(r["data"])) for r in
               conn.execute(f"SELECT data FROM stories WHERE id IN ({tables.qmarks(story_ids)})", story_ids)]
    more = [i for s in stories for i in s.event_ids if i not in events]
    events.update(_events_by_id(conn, more))
    article_ids = [i for e in events.values() for i in e.article_ids]
    by_id = get_articles(conn, article_ids)
    articles = [by_id[i] for i in dict.fromkeys(article_ids) if i in by_id and by_id[i].status != "failed"]
    present = {a.id for a in articles}
    links = [d for d in duplicate_links_of(conn, sorted(present)) if d.copy in present and d.original in present]
    return Corpus(articles=articles, duplicates=links, events=list(events.values()), stories=stories)


def _events_by_id(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Event]:
    out: dict[str, Event] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        for r in conn.execute(f"SELECT id, data FROM events WHERE id IN ({tables.qmarks(chunk)})", chunk):
            out[r["id"]] = from_dict(Event, json.loads(r["data"]))
    return {i: out[i] for i in unique if i in out}


def load_cache_entries(conn: sqlite3.Connection, kind: str, keys: list[str]) -> dict[str, Any]:
    """The stored cache entries of `kind` under `keys` (keys not stored are left out)."""
    out: dict[str, Any] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        for r in conn.execute(f"SELECT key, data FROM cache WHERE kind = ? AND key IN ({tables.qmarks(chunk)})", [kind, *chunk]):
            out[r["key"]] = json.loads(r["data"])
    return out


def stored_states(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    """id -> "failed" or "ok" for the stored ones among `ids`."""
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for r in conn.execute(f"SELECT id, {tables.FAILED} FROM articles WHERE id IN ({tables.qmarks(chunk)})", chunk):
            out[r[0]] = "failed" if r[1] else "ok"
    return out


def store_totals(conn: sqlite3.Connection) -> dict[str, int]:
    """What `corpus_counts` gives for the whole store, from SQL (the incremental add holds a part)."""
    kinds = dict(conn.execute(f"SELECT duplicate_kind, count(*) FROM articles WHERE duplicate_of IS NOT NULL "
                              f"AND NOT {tables.FAILED} GROUP BY duplicate_kind").fetchall())
    return {
        "articles": int(conn.execute(f"SELECT count(*) FROM articles WHERE NOT {tables.FAILED}").fetchone()[0]),
        "duplicates": sum(kinds.values()),
        **{f"duplicates_{k}": n for k, n in sorted(kinds.items(), key=lambda kv: str(kv[0]))},
        "events": int(conn.execute("SELECT count(*) FROM events").fetchone()[0]),
        "stories": int(conn.execute("SELECT count(*) FROM stories").fetchone()[0]),
    }


def _totals_after(conn: sqlite3.Connection, before: Corpus | None, part: Corpus,
                  replaced_events: set[str], replaced_stories: set[str]) -> dict[str, int]:
    """The store's `corpus_counts` after an incremental save: the last run's counts moved by the
    working set's change (no scan of the store); `store_totals` when that is not known."""
    row = conn.execute("SELECT counts FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    last = json.loads(row["counts"]) if row else {}
    if before is None or not all(isinstance(last.get(k), int) for k in ("articles", "duplicates", "events", "stories")):
        return store_totals(conn)
    old, new = corpus_counts(replace(before, events=[], stories=[])), corpus_counts(replace(part, events=[], stories=[]))
    keys = {k for k in (*old, *new, *last) if k == "articles" or k.startswith("duplicates")}
    totals = {k: last.get(k, 0) + new.get(k, 0) - old.get(k, 0) for k in keys}
    totals = {k: v for k, v in totals.items() if v or not k.startswith("duplicates_")}
    totals["events"] = last["events"] + len(part.events) - len(replaced_events)
    totals["stories"] = last["stories"] + len(part.stories) - len(replaced_stories)
    return dict(sorted(totals.items()))


def save_part(
    conn: sqlite3.Connection,
    part: Corpus,
    *,
    replaced_events: set[str],
    replaced_stories: set[str],
    new_links: list[DuplicateLink],
    vectors: list[tuple[Article, int, bytes]],
    command: str = "",
    inputs: list[str] | None = None,
    counts: dict[str, Any] | None = None,
    started: str | None = None,
    before: Corpus | None = None,
    unchanged: frozenset[str] = frozenset(),
) -> tuple[int, dict[str, int]]:
    """Write what an incremental add changed, in one transaction; returns the run id and the
    store's counts (`store_totals`).  Articles equal to their copy in `before` and the events
    and stories named in `unchanged` (as loaded) are not written again.

    `part` holds the working set after the stages: its articles are upserted where their row
    changed; the stored events `replaced_events` and stories `replaced_stories` (those loaded
    into the working set) are replaced by `part`'s events and stories; `new_links` (the links
    involving a new article) replace the stored links of their copies; cache entries are added (none dropped: the rest of the
    store still uses them).  Everything outside the working set stays as it was.
    The store's counts are the last run's plus what changed from `before` (the working set as
    loaded) to `part`, or counted in SQL when there is no earlier run."""
    with transaction(conn):
        checkpoint("save:begin")
        now = tables.timestamp()
        loaded = {a.id: a for a in before.articles} if before is not None else {}
        maybe = [a for a in part.articles if loaded.get(a.id) != a]  # equal to its loaded copy: row unchanged
        stored = tables.stored_rows(conn, [a.id for a in maybe])
        for article in maybe:
            if stored.get(article.id) != tables.article_row(article):
                tables.upsert_article(conn, article, now)
        for article in part.failed:
            tables.upsert_article(conn, replace(article, status="failed"), now)
        conn.executemany("DELETE FROM duplicate_links WHERE copy = ?", sorted({(d.copy,) for d in new_links}))
        conn.executemany("INSERT OR REPLACE INTO duplicate_links(copy, original, kind, data) VALUES (?,?,?,?)",
                         tables.link_values(new_links))
        gone_events = sorted(replaced_events - {e.id for e in part.events})
        conn.executemany("DELETE FROM events WHERE id = ?", [(i,) for i in gone_events])
        conn.executemany("INSERT OR REPLACE INTO events(id, story_id, date, data) VALUES (?,?,?,?)",
                         tables.event_values([e for e in part.events if e.id not in unchanged]))
        gone_stories = sorted(replaced_stories - {s.id for s in part.stories})
        conn.executemany("DELETE FROM stories WHERE id = ?", [(i,) for i in gone_stories])
        conn.executemany("INSERT OR REPLACE INTO stories(id, data) VALUES (?,?)",
                         tables.story_values([x for x in part.stories if x.id not in unchanged]))
        save_vectors(conn, vectors)
        checkpoint("save:cache")
        for kind, entries in part.cache.items():
            conn.executemany("INSERT OR IGNORE INTO cache(kind, key, data) VALUES (?,?,?)",
                             [(kind, k, tables.dumps(v)) for k, v in entries.items()])
        totals = _totals_after(conn, before, part, replaced_events, replaced_stories)
        run_id = insert_run(conn, part, command, inputs, counts, started or now, totals)
        checkpoint("save:commit")
    checkpoint("save:done")
    return run_id, totals
