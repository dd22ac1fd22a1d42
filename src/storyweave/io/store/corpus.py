"""The whole corpus in and out of the store.

`load_corpus` gives the stages every stored article (`is_new=False`) with its events and
stories; `merge_articles` folds a new batch in (same id + same content: skipped, same id + new
content: updated and recorded); `save_corpus` writes the processed batch back in ONE
transaction, so a crash leaves the store exactly as it was before the run.  `Corpus.cache`
(per-article parses, per-event analyses and briefings keyed by content signatures) is loaded and
saved here too, so that the stages, which never touch the disk, can skip work whose inputs did
not change.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from storyweave.faults import checkpoint
from storyweave.io.store import tables  # through the module: tests replace its writers
from storyweave.io.store.connection import transaction, using
from storyweave.model import Article, Corpus, DuplicateLink, Event, ReadError, Story
from storyweave.serialize import from_dict

# ---------------------------------------------------------------------------------------------
# load


def load_corpus(db: str | Path | sqlite3.Connection, *, with_cache: bool = True) -> Corpus:
    """Everything stored, as a Corpus whose articles are all `is_new=False` (without the
    cache of derived results when `with_cache` is False: reports and queries do not need it)."""
    with using(db) as conn:
        rows = [tables.row_to_article(row) for row in conn.execute("SELECT * FROM articles ORDER BY rowid")]
        articles = [a for a in rows if a.status != "failed"]
        failed = [a for a in rows if a.status == "failed"]  # kept out of the batch; retried when read again
        duplicates = [
            from_dict(DuplicateLink, json.loads(row["data"]))
            for row in conn.execute("SELECT data FROM duplicate_links ORDER BY rowid")
        ]
        events = [from_dict(Event, json.loads(r["data"])) for r in conn.execute("SELECT data FROM events ORDER BY rowid")]
        stories = [from_dict(Story, json.loads(r["data"])) for r in conn.execute("SELECT data FROM stories ORDER BY rowid")]
        cache = load_cache(conn) if with_cache else {}
    return Corpus(articles=articles, duplicates=duplicates, events=events, stories=stories, cache=cache,
                  failed=failed)


def load_cache(conn: sqlite3.Connection) -> dict[str, dict[str, Any]]:
    """The stored `Corpus.cache`: derived results by kind, then key."""
    cache: dict[str, dict[str, Any]] = {}
    for row in conn.execute("SELECT kind, key, data FROM cache"):
        cache.setdefault(row["kind"], {})[row["key"]] = json.loads(row["data"])
    return cache


def stored_hashes(conn: sqlite3.Connection) -> dict[str, str]:
    """Content hash of every stored article, by id."""
    return {row["id"]: row["content_hash"] for row in conn.execute("SELECT id, content_hash FROM articles")}


def failed_articles(db: str | Path | sqlite3.Connection) -> list[Article]:
    """Articles stored as failed (a stage raised on them), oldest first."""
    with using(db) as conn:
        rows = conn.execute("SELECT * FROM articles WHERE json_extract(extra, '$.status') = 'failed' "
                            "ORDER BY rowid").fetchall()
    return [tables.row_to_article(r) for r in rows]


def results_made_by(conn: sqlite3.Connection) -> str | None:
    """The key saved with the stored results (`save_corpus(made_by=...)`); None for a store that holds
    no article, and "" for one whose results were saved without a key (by an older storyweave)."""
    if conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key='results_made_by'").fetchone()
    return row["value"] if row else ""


# ---------------------------------------------------------------------------------------------
# merge a new batch into the stored corpus


@dataclass
class MergeReport:
    """What happened to each article read in this run."""

    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    repeated: list[str] = field(default_factory=list)  # same id seen twice in this batch
    retried: list[str] = field(default_factory=list)  # stored as failed by an earlier run, tried again

    @property
    def read(self) -> int:
        """How many articles this run read."""
        return len(self.new) + len(self.updated) + len(self.unchanged) + len(self.repeated) + len(self.retried)


def _normalized(article: Article) -> Article:
    """Every article entering the store has its strings normalised (no lone surrogates or control
    characters), whichever way it came in (readers, REST, Python API)."""
    from storyweave.io.readers._common import normalize_article

    return normalize_article(article)


def merge_articles(stored: Corpus, batch: list[Article]) -> tuple[Corpus, MergeReport]:
    """Fold `batch` into `stored` by article id.

    same id + same content -> kept as stored (nothing added twice); same id + different
    content -> replaced by the new version (its stored event id is kept as a hint for the
    events stage) and recorded in `corpus.changes`; a new id -> appended with `is_new=True`.
    Within one batch, the first article with an id wins; later ones are reported.
    """
    corpus = Corpus(
        articles=list(stored.articles), duplicates=list(stored.duplicates),
        events=list(stored.events), stories=list(stored.stories),
        errors=list(stored.errors), changes=list(stored.changes),
        cache={kind: dict(entries) for kind, entries in stored.cache.items()},
        failed=list(stored.failed),
    )
    failed_ids = {a.id for a in corpus.failed}
    index = {a.id: i for i, a in enumerate(corpus.articles)}
    stored_hash = {a.id: tables.content_hash(a) for a in stored.articles}
    seen: set[str] = set()
    report = MergeReport()
    for article in map(_normalized, batch):
        if article.id in seen:
            report.repeated.append(article.id)
            corpus.errors.append(ReadError(article.path or article.id, f"duplicate id in input: {article.id}"))
            continue
        seen.add(article.id)
        article.is_new = True
        if not article.raw_text:
            article.raw_text = article.text
        if article.id in failed_ids:  # failed in an earlier run: retried with the batch
            corpus.failed = [a for a in corpus.failed if a.id != article.id]
            article.status, article.failure = "ok", None
            index[article.id] = len(corpus.articles)
            corpus.articles.append(article)
            report.retried.append(article.id)
        elif article.id not in index:
            index[article.id] = len(corpus.articles)
            corpus.articles.append(article)
            report.new.append(article.id)
        elif stored_hash[article.id] == tables.content_hash(article):
            report.unchanged.append(article.id)
        else:
            old = corpus.articles[index[article.id]]
            article.event_id = article.event_id or old.event_id
            corpus.articles[index[article.id]] = article
            report.updated.append(article.id)
            corpus.changes.append(f"article {article.id} updated: content changed since it was stored")
    return corpus, report


# ---------------------------------------------------------------------------------------------
# save


def corpus_counts(corpus: Corpus) -> dict[str, int]:
    """Counts of a run's record: articles, duplicates (in all and by kind), events, stories."""
    kinds = Counter(a.duplicate_kind for a in corpus.articles if a.duplicate_of)
    return {
        "articles": len(corpus.articles),
        "duplicates": sum(kinds.values()),
        **{f"duplicates_{k}": n for k, n in sorted(kinds.items())},
        "events": len(corpus.events),
        "stories": len(corpus.stories),
    }


def save_corpus(
    db: str | Path | sqlite3.Connection,
    corpus: Corpus,
    *,
    command: str = "",
    inputs: list[str] | None = None,
    counts: dict[str, Any] | None = None,
    started: str | None = None,
    made_by: str | None = None,
) -> int:
    """Write the processed corpus and a run record in one transaction; returns the run id.

    Articles are upserted (first_seen kept); duplicate links, events and stories are
    recomputed over the whole corpus by every run, so they are replaced as a whole; cached
    derived results (`corpus.cache`) are synced per kind (unused entries dropped, new added).
    `made_by`: the key of what made these results besides the articles (`results_made_by`).
    """
    with using(db) as conn:
        with transaction(conn):
            checkpoint("save:begin")
            if made_by is not None:
                conn.execute("INSERT INTO meta(key, value) VALUES('results_made_by', ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (made_by,))
            now = tables.timestamp()
            stored = tables.stored_rows(conn)
            for index, article in enumerate(corpus.articles):
                if stored.get(article.id) != tables.article_row(article):  # unchanged rows are not rewritten
                    tables.upsert_article(conn, article, now)
                if index == len(corpus.articles) // 2:
                    checkpoint("save:articles")
            for article in corpus.failed:
                tables.upsert_article(conn, replace(article, status="failed"), now)
            conn.execute("DELETE FROM duplicate_links")
            conn.executemany(
                "INSERT OR REPLACE INTO duplicate_links(copy, original, kind, data) VALUES (?,?,?,?)",
                tables.link_values(corpus.duplicates),
            )
            conn.execute("DELETE FROM events")
            conn.executemany(
                "INSERT INTO events(id, story_id, date, data) VALUES (?,?,?,?)",
                tables.event_values(corpus.events),
            )
            conn.execute("DELETE FROM stories")
            conn.executemany(
                "INSERT INTO stories(id, data) VALUES (?,?)", tables.story_values(corpus.stories)
            )
            checkpoint("save:cache")
            _save_cache(conn, corpus.cache)
            run_id = insert_run(conn, corpus, command, inputs, counts, started or now)
            checkpoint("save:commit")
        checkpoint("save:done")
        return run_id


def save_run(
    db: str | Path | sqlite3.Connection,
    corpus: Corpus,
    *,
    command: str = "",
    inputs: list[str] | None = None,
    counts: dict[str, Any] | None = None,
    started: str | None = None,
) -> int:
    """Record a run that changed nothing (every article read was stored unchanged): only the run
    record is written, the stored articles, links, events, stories and cache stay as they are
    (`save_corpus` would rewrite every article and its full-text row)."""
    with using(db) as conn:
        with transaction(conn):
            return insert_run(conn, corpus, command, inputs, counts, started or tables.timestamp())


def insert_run(conn: sqlite3.Connection, corpus: Corpus, command: str, inputs: list[str] | None,
               counts: dict[str, Any] | None, started: str, totals: dict[str, int] | None = None) -> int:
    """Add the run record of `corpus` (its changes and errors; the store's counts are `totals`,
    by default those of `corpus` itself, updated with `counts`); returns the run id."""
    base = corpus_counts(corpus) if totals is None else totals
    cursor = conn.execute(
        "INSERT INTO runs(started, finished, command, inputs, counts, changes, errors) VALUES (?,?,?,?,?,?,?)",
        (started, tables.timestamp(), command, tables.dumps(inputs or []), tables.dumps({**base, **(counts or {})}),
         tables.dumps(list(corpus.changes)), tables.dumps([str(e) for e in corpus.errors])),
    )
    run_id = cursor.lastrowid
    assert run_id is not None  # set by the INSERT above
    return run_id


def _save_cache(conn: sqlite3.Connection, cache: dict[str, dict[str, Any]]) -> None:
    """Make the stored entries of each kind in `cache` equal to it: entries the run no longer
    uses are dropped, new ones added (an entry's data never changes under its key)."""
    for kind, entries in cache.items():
        stored = {row["key"] for row in conn.execute("SELECT key FROM cache WHERE kind = ?", (kind,))}
        conn.executemany("DELETE FROM cache WHERE kind = ? AND key = ?", [(kind, k) for k in stored - entries.keys()])
        conn.executemany("INSERT OR REPLACE INTO cache(kind, key, data) VALUES (?,?,?)",
                         [(kind, k, tables.dumps(v)) for k, v in entries.items() if k not in stored])
