"""Embedded SQLite store: articles, duplicate links, events, stories and a log of runs.

The store sits at the edge of the pipeline: `load_corpus` gives the stages every stored
article (`is_new=False`) with its events and stories; `merge_articles` folds a new batch in
(same id + same content: skipped, same id + new content: updated and recorded);
`save_corpus` writes the processed batch back in ONE transaction, so a crash leaves the
store exactly as it was before the run.  `Corpus.cache` (per-article parses, per-event
analyses and briefings keyed by content signatures) is loaded and saved here too, so that the
stages, which never touch the disk, can skip work whose inputs did not change.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyweave.faults import checkpoint
from storyweave.model import Article, Corpus, DuplicateLink, Event, ReadError, Story, to_dict
from storyweave.serialize import from_dict  # noqa: F401  (store.from_dict: its old home, used by callers)

if TYPE_CHECKING:
    import numpy as np

DEFAULT_DB = "storyweave.db"

# Each entry migrates the schema from version i to i+1; append, never edit.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        source TEXT, url TEXT, title TEXT, published TEXT, language TEXT, path TEXT,
        raw_text TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        removed TEXT NOT NULL DEFAULT '[]',          -- JSON list of noise lines
        metadata TEXT NOT NULL DEFAULT '{}',         -- JSON object of unknown input fields
        duplicate_of TEXT, duplicate_kind TEXT,
        shares_wire_with TEXT NOT NULL DEFAULT '[]', -- JSON list of article ids
        event_id TEXT,
        extra TEXT NOT NULL DEFAULT '{}',            -- JSON of model fields added later
        content_hash TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX articles_event ON articles(event_id);
    CREATE TABLE duplicate_links (
        copy TEXT NOT NULL, original TEXT NOT NULL, kind TEXT NOT NULL,
        data TEXT NOT NULL,                          -- JSON of the whole DuplicateLink
        PRIMARY KEY (copy, original, kind)
    );
    CREATE TABLE events (id TEXT PRIMARY KEY, story_id TEXT, date TEXT, data TEXT NOT NULL);
    CREATE TABLE stories (id TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started TEXT NOT NULL, finished TEXT NOT NULL,
        command TEXT NOT NULL DEFAULT '',
        inputs TEXT NOT NULL DEFAULT '[]',
        counts TEXT NOT NULL DEFAULT '{}',
        changes TEXT NOT NULL DEFAULT '[]',
        errors TEXT NOT NULL DEFAULT '[]'
    );
    """,
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(id UNINDEXED, title, text, tokenize = 'unicode61');
    INSERT INTO articles_fts (id, title, text) SELECT id, coalesce(title, ''), text FROM articles;
    """,
    """
    CREATE TABLE cache (                              -- Corpus.cache: derived results reused by later runs
        kind TEXT NOT NULL, key TEXT NOT NULL,
        data TEXT NOT NULL,                          -- JSON
        PRIMARY KEY (kind, key)
    );
    """,
    # indexes for the server's per-request queries (pages of events, one event's articles, outlets,
    # who copied an article): each request reads what it answers, never the whole store
    """
    CREATE INDEX IF NOT EXISTS events_date ON events(date DESC, id);
    CREATE INDEX IF NOT EXISTS events_story ON events(story_id);
    CREATE INDEX IF NOT EXISTS articles_event_source ON articles(event_id, source);
    CREATE INDEX IF NOT EXISTS articles_source ON articles(source, published);
    CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
    CREATE INDEX IF NOT EXISTS duplicate_links_original ON duplicate_links(original);
    """,
    # a listing row per event, kept by triggers in step with `events` (whatever writes it), so that
    # a page of events reads a few small rows instead of parsing each event's whole briefing JSON
    """
    CREATE TABLE event_summaries (
        id TEXT PRIMARY KEY, story_id TEXT, date TEXT, title TEXT NOT NULL DEFAULT '',
        articles INTEGER NOT NULL DEFAULT 0, independent_sources INTEGER NOT NULL DEFAULT 0,
        discrepancies INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX event_summaries_order ON event_summaries((date IS NULL), date DESC, id);
    CREATE INDEX event_summaries_story ON event_summaries(story_id);
    CREATE TRIGGER events_summary_insert AFTER INSERT ON events BEGIN
        INSERT OR REPLACE INTO event_summaries VALUES (new.id, new.story_id, substr(new.date, 1, 10),
            coalesce(json_extract(new.data, '$.title'), ''), coalesce(json_array_length(new.data, '$.article_ids'), 0),
            coalesce(json_extract(new.data, '$.independent_sources'), 0),
            coalesce(json_array_length(new.data, '$.discrepancies'), 0));
    END;
    CREATE TRIGGER events_summary_update AFTER UPDATE ON events BEGIN
        DELETE FROM event_summaries WHERE id = old.id;
        INSERT OR REPLACE INTO event_summaries VALUES (new.id, new.story_id, substr(new.date, 1, 10),
            coalesce(json_extract(new.data, '$.title'), ''), coalesce(json_array_length(new.data, '$.article_ids'), 0),
            coalesce(json_extract(new.data, '$.independent_sources'), 0),
            coalesce(json_array_length(new.data, '$.discrepancies'), 0));
    END;
    CREATE TRIGGER events_summary_delete AFTER DELETE ON events BEGIN
        DELETE FROM event_summaries WHERE id = old.id;
    END;
    INSERT INTO event_summaries SELECT id, story_id, substr(date, 1, 10), coalesce(json_extract(data, '$.title'), ''),
        coalesce(json_array_length(data, '$.article_ids'), 0), coalesce(json_extract(data, '$.independent_sources'), 0),
        coalesce(json_array_length(data, '$.discrepancies'), 0) FROM events;
    """,
    # the incremental `add` (engines/incremental.py): each article's static embedding of title +
    # lead (float32 bytes) and its day, so the events near a new article are found without
    # loading the store; filled lazily (a row missing or of an older content_hash is recomputed)
    """
    CREATE TABLE article_vectors (
        id TEXT PRIMARY KEY, content_hash TEXT NOT NULL,
        day INTEGER NOT NULL,                        -- date ordinal, event_index.UNDATED when none
        vector BLOB NOT NULL
    );
    """,
    # covers the incremental add's scans (which vectors are stale, which event each is in)
    # without reading the article rows and their texts
    """
    CREATE INDEX IF NOT EXISTS articles_keys ON articles(id, content_hash, event_id);
    """,
    # a kept vector is of its article's current content, whatever writes the article: a new
    # content or a removed article drops it (recomputed by the next add), so an add learns that
    # no vector is stale from two counts (`stale_vector_ids`) instead of joining every article
    """
    DELETE FROM article_vectors WHERE NOT EXISTS (SELECT 1 FROM articles a
        WHERE a.id = article_vectors.id AND a.content_hash = article_vectors.content_hash);
    CREATE TRIGGER articles_vector_insert AFTER INSERT ON articles BEGIN
        DELETE FROM article_vectors WHERE id = new.id AND content_hash != new.content_hash;
    END;
    CREATE TRIGGER articles_vector_update AFTER UPDATE OF id, content_hash ON articles BEGIN
        DELETE FROM article_vectors WHERE id = old.id AND (old.id != new.id OR content_hash != new.content_hash);
        DELETE FROM article_vectors WHERE id = new.id AND content_hash != new.content_hash;
    END;
    CREATE TRIGGER articles_vector_delete AFTER DELETE ON articles BEGIN
        DELETE FROM article_vectors WHERE id = old.id;
    END;
    """,
    # the kept vectors also as a snapshot in a few blocks plus a log of the rows changed since,
    # kept by triggers (`io/vectors.py`): a cold add reads them without a look-up per article
    """
    CREATE TABLE vector_blocks (block INTEGER PRIMARY KEY, ids TEXT NOT NULL, days BLOB NOT NULL, vectors BLOB NOT NULL);
    CREATE TABLE vector_log (id TEXT PRIMARY KEY);
    INSERT INTO vector_log SELECT id FROM article_vectors;
    CREATE TRIGGER article_vectors_logged_insert AFTER INSERT ON article_vectors BEGIN
        INSERT OR IGNORE INTO vector_log VALUES (new.id);
    END;
    CREATE TRIGGER article_vectors_logged_update AFTER UPDATE ON article_vectors BEGIN
        INSERT OR IGNORE INTO vector_log VALUES (old.id);
        INSERT OR IGNORE INTO vector_log VALUES (new.id);
    END;
    CREATE TRIGGER article_vectors_logged_delete AFTER DELETE ON article_vectors BEGIN
        INSERT OR IGNORE INTO vector_log VALUES (old.id);
    END;
    """,
    # events listed for a reader (`_EVENT_ORDER`): the ones with a summary before the ones without
    # (pages with no news text: crawl notices, video and sign-in pages), and within a day and among
    # the undated (most of a bare-text corpus) the largest first, by independent sources then
    # reports, instead of by id (a hash: no order a reader can use).  The triggers are those of the
    # event_summaries migration above plus the new column, written again: migrations are append-only
    # literal history (built from a shared helper, a later edit of it would silently change what an
    # older migration creates on a fresh store)
    """
    ALTER TABLE event_summaries ADD COLUMN summary INTEGER NOT NULL DEFAULT 0;
    UPDATE event_summaries SET summary = coalesce((SELECT json_array_length(e.data, '$.summary') FROM events e
                                                   WHERE e.id = event_summaries.id), 0);
    DROP TRIGGER events_summary_insert;
    DROP TRIGGER events_summary_update;
    CREATE TRIGGER events_summary_insert AFTER INSERT ON events BEGIN
        INSERT OR REPLACE INTO event_summaries VALUES (new.id, new.story_id, substr(new.date, 1, 10),
            coalesce(json_extract(new.data, '$.title'), ''), coalesce(json_array_length(new.data, '$.article_ids'), 0),
            coalesce(json_extract(new.data, '$.independent_sources'), 0),
            coalesce(json_array_length(new.data, '$.discrepancies'), 0),
            coalesce(json_array_length(new.data, '$.summary'), 0));
    END;
    CREATE TRIGGER events_summary_update AFTER UPDATE ON events BEGIN
        DELETE FROM event_summaries WHERE id = old.id;
        INSERT OR REPLACE INTO event_summaries VALUES (new.id, new.story_id, substr(new.date, 1, 10),
            coalesce(json_extract(new.data, '$.title'), ''), coalesce(json_array_length(new.data, '$.article_ids'), 0),
            coalesce(json_extract(new.data, '$.independent_sources'), 0),
            coalesce(json_array_length(new.data, '$.discrepancies'), 0),
            coalesce(json_array_length(new.data, '$.summary'), 0));
    END;
    DROP INDEX IF EXISTS event_summaries_order;
    CREATE INDEX event_summaries_order ON event_summaries((summary = 0), (date IS NULL), date DESC,
                                                          independent_sources DESC, articles DESC, id);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

# Article fields with their own column; every other dataclass field goes to `extra`.
_ARTICLE_COLUMNS = [
    "id", "source", "url", "title", "published", "language", "path", "raw_text", "text",
    "removed", "metadata", "duplicate_of", "duplicate_kind", "shares_wire_with", "event_id",
]
_JSON_COLUMNS = {"removed", "metadata", "shares_wire_with"}
_NOT_STORED = {"is_new"}


class StoreError(RuntimeError):
    """The database file cannot be used (not SQLite, newer schema, ...)."""


class StoreBusy(StoreError):
    """Another process kept the store's write lock longer than the caller would wait."""


@contextmanager
def write_lock(db: str | Path, timeout: float = 60.0, on_wait: Callable[[], None] | None = None,
               poll: float = 0.1) -> Iterator[None]:
    """Hold the store's write lock (an advisory `flock` on `<db>.lock`) for a whole ingest.

    SQLite serialises single transactions, but two runs that both load the store, run the
    stages and save would each replace the events/stories of the other: a run holds this lock
    from loading to saving.  A waiting caller gets `on_wait()` once, then `StoreBusy` after
    `timeout` seconds.  The OS drops the lock when its process dies (even on SIGKILL), so a
    crashed run never blocks the next one.
    """
    import fcntl

    path = Path(f"{db}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + max(0.0, timeout)
    waited = False
    while True:
        handle = path.open("a+b")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            if not waited and on_wait:
                on_wait()
            waited = True
            if time.monotonic() >= deadline:
                raise StoreBusy(f"{db}: another storyweave process is still writing this store "
                                f"after {timeout:g} s; try again later or raise --lock-timeout") from None
            time.sleep(poll)
            continue
        if _still_linked(handle.fileno(), path):
            break
        handle.close()  # the holder we waited for removed this file on release: lock the new one
    try:
        yield
    finally:
        # The lock file goes with the lock (no `<db>.lock` left beside the store).  Unlinking
        # before closing, with `_still_linked` on the taking side, is the usual flock pattern:
        # a process that opened the old file re-opens instead of locking a removed inode.
        path.unlink(missing_ok=True)
        handle.close()  # closing the file releases the lock


def _still_linked(fd: int, path: Path) -> bool:
    """Whether the open lock file `fd` is still the file at `path`."""
    try:
        before, now = os.fstat(fd), os.stat(path)
        return (before.st_dev, before.st_ino) == (now.st_dev, now.st_ino)
    except FileNotFoundError:
        return False


def check(db: str | Path) -> None:
    """Raise `StoreError` (one line) when `db` is not a usable, intact storyweave store."""
    path = Path(db)
    if not path.exists():
        raise StoreError(f"{path}: no such store")
    conn = connect(path)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: damaged database ({exc})") from exc
    finally:
        conn.close()
    if rows != ["ok"]:
        raise StoreError(f"{path}: damaged database ({'; '.join(map(str, rows[:3]))})")


def failed_articles(db: str | Path | sqlite3.Connection) -> list[Article]:
    """Articles stored as failed (a stage raised on them), oldest first."""
    with using(db) as conn:
        rows = conn.execute("SELECT * FROM articles WHERE json_extract(extra, '$.status') = 'failed' "
                            "ORDER BY rowid").fetchall()
    return [_row_to_article(r) for r in rows]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def content_hash(article: Article) -> str:
    """Identity of an article's *input* content: what a re-read of the same file reproduces."""
    parts = [article.raw_text or article.text, article.title, article.source, article.url, article.published]
    blob = json.dumps(parts, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# connection, schema, transactions


def connect(db: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the store and bring its schema up to date."""
    path = Path(db)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves; wait up to 30 s for another writer
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode = WAL")  # readers (e.g. the server) never block a run
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a usable storyweave database ({exc})") from exc
    except StoreError as exc:  # a newer schema, a broken migration: the message names the file too
        conn.close()
        raise StoreError(f"{path}: {exc}") from exc
    return conn


def results_made_by(conn: sqlite3.Connection) -> str | None:
    """The key saved with the stored results (`save_corpus(made_by=...)`); None for a store that holds
    no article, and "" for one whose results were saved without a key (by an older storyweave)."""
    if conn.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key='results_made_by'").fetchone()
    return row["value"] if row else ""


def schema_version(conn: sqlite3.Connection) -> int:
    """The store's schema version (0 for a file without the meta table)."""
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row["value"]) if row else 0


def _migrate(conn: sqlite3.Connection) -> None:
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(f"database schema v{version} is newer than this storyweave (v{SCHEMA_VERSION})")
    if version == SCHEMA_VERSION:
        return
    with transaction(conn):
        for index in range(version, SCHEMA_VERSION):
            for statement in _statements(MIGRATIONS[index]):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (str(index + 1),),
            )


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (execute() runs one at a time, inside our txn)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise StoreError(f"incomplete statement in migration: {buffer.strip()[:60]}")


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def using(db: str | Path | sqlite3.Connection) -> AbstractContextManager[sqlite3.Connection]:
    """`db` as a connection for a `with` block: an open connection as it is (its owner closes it),
    a path opened (`connect`) and closed on leaving."""
    return nullcontext(db) if isinstance(db, sqlite3.Connection) else closing(connect(db))


# ---------------------------------------------------------------------------------------------
# dataclass <-> JSON


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# ---------------------------------------------------------------------------------------------
# load


def load_corpus(db: str | Path | sqlite3.Connection, *, with_cache: bool = True) -> Corpus:
    """Everything stored, as a Corpus whose articles are all `is_new=False` (without the
    cache of derived results when `with_cache` is False: reports and queries do not need it)."""
    with using(db) as conn:
        rows = [_row_to_article(row) for row in conn.execute("SELECT * FROM articles ORDER BY rowid")]
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


def _row_to_article(row: sqlite3.Row) -> Article:
    data: dict[str, Any] = json.loads(row["extra"])
    for column in _ARTICLE_COLUMNS:
        value = row[column]
        data[column] = json.loads(value) if column in _JSON_COLUMNS else value
    article = from_dict(Article, data)
    article.is_new = False
    return article


def stored_hashes(conn: sqlite3.Connection) -> dict[str, str]:
    """Content hash of every stored article, by id."""
    return {row["id"]: row["content_hash"] for row in conn.execute("SELECT id, content_hash FROM articles")}


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
    stored_hash = {a.id: content_hash(a) for a in stored.articles}
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
        elif stored_hash[article.id] == content_hash(article):
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


@dataclass
class RunRecord:
    """One row of the run log."""

    id: int
    started: str
    finished: str
    command: str
    inputs: list[str]
    counts: dict[str, Any]
    changes: list[str]
    errors: list[str]


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
            now = _now()
            stored = _stored_rows(conn)
            for index, article in enumerate(corpus.articles):
                if stored.get(article.id) != _article_row(article):  # unchanged rows are not rewritten
                    _upsert_article(conn, article, now)
                if index == len(corpus.articles) // 2:
                    checkpoint("save:articles")
            for article in corpus.failed:
                _upsert_article(conn, replace(article, status="failed"), now)
            conn.execute("DELETE FROM duplicate_links")
            conn.executemany(
                "INSERT OR REPLACE INTO duplicate_links(copy, original, kind, data) VALUES (?,?,?,?)",
                _link_rows(corpus.duplicates),
            )
            conn.execute("DELETE FROM events")
            conn.executemany(
                "INSERT INTO events(id, story_id, date, data) VALUES (?,?,?,?)",
                _event_rows(corpus.events),
            )
            conn.execute("DELETE FROM stories")
            conn.executemany(
                "INSERT INTO stories(id, data) VALUES (?,?)", _story_rows(corpus.stories)
            )
            checkpoint("save:cache")
            _save_cache(conn, corpus.cache)
            run_id = _insert_run(conn, corpus, command, inputs, counts, started or now)
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
            return _insert_run(conn, corpus, command, inputs, counts, started or _now())


def _insert_run(conn: sqlite3.Connection, corpus: Corpus, command: str, inputs: list[str] | None,
                counts: dict[str, Any] | None, started: str, totals: dict[str, int] | None = None) -> int:
    """Add the run record of `corpus` (its changes and errors; the store's counts are `totals`,
    by default those of `corpus` itself, updated with `counts`); returns the run id."""
    base = corpus_counts(corpus) if totals is None else totals
    cursor = conn.execute(
        "INSERT INTO runs(started, finished, command, inputs, counts, changes, errors) VALUES (?,?,?,?,?,?,?)",
        (started, _now(), command, _dumps(inputs or []), _dumps({**base, **(counts or {})}),
         _dumps(list(corpus.changes)), _dumps([str(e) for e in corpus.errors])),
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
                         [(kind, k, _dumps(v)) for k, v in entries.items() if k not in stored])


def _link_rows(links: list[DuplicateLink]) -> list[tuple[str, str, str, str]]:
    """`duplicate_links` rows of `links`."""
    return [(d.copy, d.original, d.kind, _dumps(to_dict(d))) for d in links]


def _event_rows(events: list[Event]) -> list[tuple[str, str | None, str | None, str]]:
    """`events` rows of `events`."""
    return [(e.id, e.story_id, e.date, _dumps(to_dict(e))) for e in events]


def _story_rows(stories: list[Story]) -> list[tuple[str, str]]:
    """`stories` rows of `stories`."""
    return [(s.id, _dumps(to_dict(s))) for s in stories]


def _stored_rows(conn: sqlite3.Connection, ids: list[str] | None = None) -> dict[str, tuple[Any, ...]]:
    """Each stored article's row as `_article_row` makes it: what an upsert would write (only
    the articles `ids` when given, read in chunks of 500 ids)."""
    sql = f"SELECT {','.join(_ARTICLE_COLUMNS)}, extra, content_hash FROM articles"
    if ids is None:
        return {row[0]: tuple(row) for row in conn.execute(sql)}
    stored: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        stored.update((row[0], tuple(row)) for row in conn.execute(f"{sql} WHERE id IN ({_in(chunk)})", chunk))
    return stored


def _article_row(article: Article) -> tuple[Any, ...]:
    """The `articles` row of `article` (every column but first_seen/updated)."""
    data = to_dict(article)
    extra = {k: v for k, v in data.items() if k not in _ARTICLE_COLUMNS and k not in _NOT_STORED}
    values = [_dumps(data[c]) if c in _JSON_COLUMNS else data[c] for c in _ARTICLE_COLUMNS]
    return (*values, _dumps(extra), content_hash(article))


def _upsert_article(conn: sqlite3.Connection, article: Article, now: str) -> None:
    # the full-text row is rewritten only when the searchable fields changed: deleting it by
    # `id` (an UNINDEXED column) scans the whole FTS table, which grows with the store
    old = conn.execute(f"SELECT title, text, {_FAILED} AS failed FROM articles WHERE id = ?", (article.id,)).fetchone()
    searchable_same = (old is not None and not old["failed"] and article.status != "failed"
                       and (old["title"] or "") == (article.title or "") and old["text"] == article.text)
    row = _article_row(article)
    placeholders = ",".join("?" * (len(_ARTICLE_COLUMNS) + 4))
    updates = ",".join(f"{c}=excluded.{c}" for c in _ARTICLE_COLUMNS[1:])
    conn.execute(
        f"INSERT INTO articles({','.join(_ARTICLE_COLUMNS)}, extra, content_hash, first_seen, updated) "
        f"VALUES ({placeholders}) ON CONFLICT(id) DO UPDATE SET {updates}, extra=excluded.extra, "
        "content_hash=excluded.content_hash, "
        "updated=CASE WHEN articles.content_hash = excluded.content_hash THEN articles.updated ELSE excluded.updated END",
        (*row, now, now),
    )
    if searchable_same:
        return
    if old is not None:
        conn.execute("DELETE FROM articles_fts WHERE id = ?", (article.id,))
    if article.status == "failed":
        return  # not searchable: it has no results
    conn.execute(
        "INSERT INTO articles_fts(id, title, text) VALUES (?,?,?)", (article.id, article.title or "", article.text)
    )


# ---------------------------------------------------------------------------------------------
# queries


def runs(db: str | Path | sqlite3.Connection, limit: int = 20) -> list[RunRecord]:
    """Most recent runs first."""
    with using(db) as conn:
        rows = conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    return [
        RunRecord(
            r["id"], r["started"], r["finished"], r["command"], json.loads(r["inputs"]),
            json.loads(r["counts"]), json.loads(r["changes"]), json.loads(r["errors"]),
        )
        for r in rows
    ]


@dataclass
class SearchHit:
    """A full-text search hit: the article's listing fields and a snippet with the matched words."""

    id: str
    title: str
    snippet: str
    event_id: str | None
    source: str | None


def search(db: str | Path | sqlite3.Connection, query: str, limit: int = 20) -> list[SearchHit]:
    """Full-text search (SQLite FTS5) over stored article titles and cleaned text.

    A query that is not valid FTS5 syntax is searched as a plain phrase instead."""
    sql = (
        "SELECT f.id, f.title, snippet(articles_fts, 2, '[', ']', ' … ', 12) AS snip, a.event_id, a.source "
        "FROM articles_fts f JOIN articles a ON a.id = f.id WHERE articles_fts MATCH ? ORDER BY rank LIMIT ?"
    )
    with using(db) as conn:
        try:
            rows = conn.execute(sql, (query, limit)).fetchall()
        except sqlite3.OperationalError:
            phrase = '"' + query.replace('"', '""') + '"'
            rows = conn.execute(sql, (phrase, limit)).fetchall()
    return [SearchHit(r["id"], r["title"], r["snip"], r["event_id"], r["source"]) for r in rows]


# ---------------------------------------------------------------------------------------------
# per-request queries (server, CLI listings): SQL that reads what the answer needs, through the
# indexes above, instead of `load_corpus`; every function takes an open connection


@dataclass
class EventRow:
    """One line of an event listing (no briefing body)."""

    id: str
    title: str
    date: str | None
    story_id: str | None
    articles: int
    outlets: int
    unknown_outlet_articles: int  # member articles whose outlet is not known
    independent_sources: int
    discrepancies: int


@dataclass
class StoryRow:
    """One line of a story listing: title, number of events and date range."""

    id: str
    title: str
    events: int
    first_date: str | None
    last_date: str | None


# newest first, undated last, then by id: the order of every event listing
_EVENT_ORDER = "(e.summary = 0), (e.date IS NULL), e.date DESC, e.independent_sources DESC, e.articles DESC, e.id"


def _in(ids: list[str]) -> str:
    return ",".join("?" * len(ids))


def count_events(conn: sqlite3.Connection, story_id: str | None = None) -> int:
    """How many events are stored (of story `story_id` when given)."""
    if story_id is None:
        return int(conn.execute("SELECT count(*) FROM event_summaries").fetchone()[0])
    return int(conn.execute("SELECT count(*) FROM event_summaries WHERE story_id = ?", (story_id,)).fetchone()[0])


# one listing row per event: the stored summary plus its member articles' outlets, counted by two
# correlated subqueries over the covering index articles_event_source (one query per page, no N+1)
_EVENT_ROW_SQL = (
    "SELECT e.id, e.title, nullif(e.date, '') AS date, e.story_id, e.articles, "
    "(SELECT count(DISTINCT a.source) FROM articles a WHERE a.event_id = e.id) AS outlets, "
    "(SELECT count(*) FROM articles a WHERE a.event_id = e.id AND (a.source IS NULL OR a.source = '')) AS unknown, "
    "e.independent_sources, e.discrepancies FROM event_summaries e")


def _event_row_tuples(conn: sqlite3.Connection, sql: str, args: tuple[Any, ...] | list[Any]) -> list[EventRow]:
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples, in EventRow's field order
    return [EventRow(*r) for r in cursor.execute(sql, args)]


def event_rows(conn: sqlite3.Connection, ids: list[str]) -> list[EventRow]:
    """Listing rows for the given event ids (in that order; unknown ids left out)."""
    if not ids:
        return []
    unique = list(dict.fromkeys(ids))
    rows: dict[str, EventRow] = {}
    for start in range(0, len(unique), 500):  # stay under SQLite's variable limit
        chunk = unique[start:start + 500]
        rows.update((r.id, r) for r in _event_row_tuples(conn, f"{_EVENT_ROW_SQL} WHERE e.id IN ({_in(chunk)})", chunk))
    return [rows[i] for i in ids if i in rows]


def list_events(conn: sqlite3.Connection, limit: int = 50, offset: int = 0,
                story_id: str | None = None) -> list[EventRow]:
    """A page of events, newest first and undated last, the largest first among events of one
    day and among the undated (independent sources, then reports), events without a summary (pages
    with no news text) after all the others (`count_events` gives the total)."""
    where, args = ("WHERE e.story_id = ?", [story_id]) if story_id is not None else ("", [])
    # the page's ids first, from the covering order index alone (the rows OFFSET skips cost no
    # table lookups), then their listing rows
    page = f"SELECT e.id FROM event_summaries e {where} ORDER BY {_EVENT_ORDER} LIMIT ? OFFSET ?"
    return _event_row_tuples(conn, f"{_EVENT_ROW_SQL} WHERE e.id IN ({page}) ORDER BY {_EVENT_ORDER}",
                             (*args, limit, offset))


def get_event_data(conn: sqlite3.Connection, event_id: str) -> dict[str, Any] | None:
    """One event as stored (the `to_dict` of its `Event`, with defaults for fields added to the
    model since it was saved), without building the dataclasses."""
    row = conn.execute("SELECT data FROM events WHERE id = ?", (event_id,)).fetchone()
    return {**_event_defaults(), **json.loads(row["data"])} if row else None


@cache
def _event_defaults() -> dict[str, Any]:
    defaults: dict[str, Any] = to_dict(Event(id="", article_ids=[]))
    return defaults


def get_event(conn: sqlite3.Connection, event_id: str) -> Event | None:
    """The stored event `event_id`, None when unknown."""
    row = conn.execute("SELECT data FROM events WHERE id = ?", (event_id,)).fetchone()
    return from_dict(Event, json.loads(row["data"])) if row else None


def get_articles(conn: sqlite3.Connection, ids: list[str]) -> dict[str, Article]:
    """Stored articles by id (ids not stored are left out)."""
    out: dict[str, Article] = {}
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), 500):  # stay under SQLite's variable limit
        chunk = unique[start:start + 500]
        for row in conn.execute(f"SELECT * FROM articles WHERE id IN ({_in(chunk)})", chunk):
            out[row["id"]] = _row_to_article(row)
    return out


def get_article(conn: sqlite3.Connection, article_id: str) -> Article | None:
    """The stored article `article_id`, None when unknown."""
    return get_articles(conn, [article_id]).get(article_id)


def duplicate_links_of(conn: sqlite3.Connection, ids: list[str]) -> list[DuplicateLink]:
    """Links where one of `ids` is the copy or the original."""
    if not ids:
        return []
    rows = conn.execute(
        f"SELECT data FROM duplicate_links WHERE copy IN ({_in(ids)}) "
        f"UNION SELECT data FROM duplicate_links WHERE original IN ({_in(ids)})", [*ids, *ids])
    return [from_dict(DuplicateLink, json.loads(r["data"])) for r in rows]


def count_stories(conn: sqlite3.Connection) -> int:
    """How many stories are stored."""
    return int(conn.execute("SELECT count(*) FROM stories").fetchone()[0])


def list_stories(conn: sqlite3.Connection, limit: int = 50, offset: int = 0) -> list[StoryRow]:
    """A page of stories, latest event first (stories without dated events last).  Ties stay in id
    order: ordering by the number of events would read every story's JSON (10,000-article store:
    the page 22 -> 35 ms), where now only the page's rows are read."""
    rows = conn.execute(
        "SELECT s.id, coalesce(json_extract(s.data, '$.title'), '') AS title, "
        "json_array_length(s.data, '$.event_ids') AS n_events, "
        "(SELECT min(e.date) FROM event_summaries e WHERE e.story_id = s.id) AS first, "
        "(SELECT max(e.date) FROM event_summaries e WHERE e.story_id = s.id) AS last "
        "FROM stories s ORDER BY (last IS NULL), last DESC, s.id LIMIT ? OFFSET ?", (limit, offset))
    return [StoryRow(r["id"], r["title"], int(r["n_events"] or 0), r["first"], r["last"]) for r in rows]


def get_story(conn: sqlite3.Connection, story_id: str) -> Story | None:
    """The stored story `story_id`, None when unknown."""
    row = conn.execute("SELECT data FROM stories WHERE id = ?", (story_id,)).fetchone()
    return from_dict(Story, json.loads(row["data"])) if row else None


@dataclass
class ArticleRow:
    """One line of an article listing (no text)."""

    id: str
    title: str | None
    source: str | None
    published: str | None
    language: str | None
    event_id: str | None
    duplicate_of: str | None


_ARTICLE_ROW = "a.id, a.title, a.source, substr(a.published, 1, 10) AS published, a.language, a.event_id, a.duplicate_of"


def _article_listing_row(r: sqlite3.Row) -> ArticleRow:
    return ArticleRow(r["id"], r["title"], r["source"], r["published"], r["language"], r["event_id"], r["duplicate_of"])


@dataclass
class ArticleFilter:
    """Filters of article listings and search; empty fields filter nothing."""

    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None
    outlet: str | None = None
    language: str | None = None
    article_ids: list[str] | None = None  # e.g. the articles that mention an entity

    def sql(self) -> tuple[str, list[Any]]:
        """The filter as an SQL condition over the alias `a` (`1` when nothing filters) and its arguments."""
        clauses, args = [], []
        if self.date_from:
            clauses.append("substr(a.published, 1, 10) >= ?")
            args.append(self.date_from)
        if self.date_to:
            clauses.append("substr(a.published, 1, 10) <= ?")
            args.append(self.date_to)
        if self.outlet:
            clauses.append("a.source = ?")
            args.append(self.outlet)
        if self.language:
            clauses.append("a.language = ?")
            args.append(self.language)
        if self.article_ids is not None:
            clauses.append(f"a.id IN ({_in(self.article_ids)})")
            args.extend(self.article_ids)
        return (" AND ".join(clauses) or "1"), args


def article_rows(conn: sqlite3.Connection, ids: list[str]) -> dict[str, ArticleRow]:
    """Listing rows (no text) of the given article ids, by id."""
    unique = list(dict.fromkeys(ids))
    out: dict[str, ArticleRow] = {}
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        for r in conn.execute(f"SELECT {_ARTICLE_ROW} FROM articles a WHERE a.id IN ({_in(chunk)})", chunk):
            out[r["id"]] = _article_listing_row(r)
    return out


def list_articles(conn: sqlite3.Connection, filters: ArticleFilter | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[int, list[ArticleRow]]:
    """(total, a page of articles) matching `filters`, newest first, undated last."""
    where, args = (filters or ArticleFilter()).sql()
    total = conn.execute(f"SELECT count(*) FROM articles a WHERE {where}", args).fetchone()[0]
    rows = conn.execute(
        f"SELECT {_ARTICLE_ROW} FROM articles a WHERE {where} "
        "ORDER BY (a.published IS NULL), a.published DESC, a.id LIMIT ? OFFSET ?", (*args, limit, offset))
    return int(total), [_article_listing_row(r) for r in rows]


@dataclass
class OutletRow:
    """One line of the outlet listing: an outlet and how many articles and events it has."""

    source: str
    articles: int
    events: int


def list_outlets(conn: sqlite3.Connection) -> list[OutletRow]:
    """Known outlets, most articles first."""
    rows = conn.execute(
        "SELECT source, count(*) AS n, count(DISTINCT event_id) AS ev FROM articles "
        "WHERE source IS NOT NULL AND source != '' GROUP BY source ORDER BY n DESC, source")
    return [OutletRow(r["source"], int(r["n"]), int(r["ev"])) for r in rows]


def outlet_events(conn: sqlite3.Connection, source: str, limit: int = 50, offset: int = 0) -> tuple[int, list[EventRow]]:
    """(total, a page of) the events an outlet reported, newest first."""
    base = ("FROM event_summaries e WHERE e.id IN (SELECT DISTINCT event_id FROM articles WHERE source = ? "
            "AND event_id IS NOT NULL)")
    total = conn.execute(f"SELECT count(*) {base}", (source,)).fetchone()[0]
    ids = [r[0] for r in conn.execute(f"SELECT e.id {base} ORDER BY {_EVENT_ORDER} LIMIT ? OFFSET ?",
                                      (source, limit, offset))]
    return int(total), event_rows(conn, ids)


@dataclass
class EntityMention:
    """An entity as one event reports it."""

    event_id: str
    name: str
    type: str
    aliases: list[str]
    article_ids: list[str]
    role: str | None


def entity_mentions(conn: sqlite3.Connection, name: str, limit: int = 500) -> list[EntityMention]:
    """Every event whose entities include `name` (as its name or one of its aliases).

    Entities live inside each event's briefing, so this scans the events table in SQL
    (json_each), without building Python objects for events that do not match."""
    rows = conn.execute(
        "SELECT e.id AS event_id, j.value AS ent FROM events e, json_each(e.data, '$.entities') j "
        "WHERE json_extract(j.value, '$.name') = ?1 OR EXISTS (SELECT 1 FROM json_each(j.value, '$.aliases') "
        "WHERE value = ?1) ORDER BY (e.date IS NULL), e.date DESC, e.id LIMIT ?2", (name, limit))
    out = []
    for r in rows:
        ent = json.loads(r["ent"])
        out.append(EntityMention(r["event_id"], ent.get("name", name), ent.get("type", ""), ent.get("aliases", []),
                                 ent.get("article_ids", []), ent.get("role")))
    return out


def entity_index(conn: sqlite3.Connection) -> dict[str, list[EntityMention]]:
    """`entity_mentions` of every name and alias at once (one scan of the events, in the same
    order): what the static report needs to write a page per entity."""
    index: dict[str, list[EntityMention]] = {}
    rows = conn.execute("SELECT e.id AS event_id, j.value AS ent FROM events e, json_each(e.data, '$.entities') j "
                        "ORDER BY (e.date IS NULL), e.date DESC, e.id")
    for r in rows:
        ent = json.loads(r["ent"])
        name = ent.get("name", "")
        aliases = ent.get("aliases", [])
        for key in dict.fromkeys([name, *aliases]):
            index.setdefault(key, []).append(EntityMention(r["event_id"], name or key, ent.get("type", ""), aliases,
                                                           ent.get("article_ids", []), ent.get("role")))
    return index


def search_articles(conn: sqlite3.Connection, query: str, filters: ArticleFilter | None = None,
                    limit: int = 20, offset: int = 0, marks: tuple[str, str] = ("[", "]"),
                    ) -> tuple[int, list[SearchHit]]:
    """(total, a page of) full-text matches (FTS5) restricted by `filters`, best first; the
    matched words in each snippet are wrapped in `marks`.

    A query that is not valid FTS5 syntax is searched as a plain phrase instead."""
    where, args = (filters or ArticleFilter()).sql()
    base = f"FROM articles_fts f JOIN articles a ON a.id = f.id WHERE articles_fts MATCH ? AND {where}"
    sql = ("SELECT f.id, f.title, snippet(articles_fts, 2, ?, ?, ' … ', 12) AS snip, a.event_id, a.source "
           f"{base} ORDER BY rank LIMIT ? OFFSET ?")
    for attempt in (query, '"' + query.replace('"', '""') + '"'):
        try:
            total = conn.execute(f"SELECT count(*) {base}", (attempt, *args)).fetchone()[0]
            rows = conn.execute(sql, (*marks, attempt, *args, limit, offset)).fetchall()
            break
        except sqlite3.OperationalError:
            continue
    else:
        return 0, []
    return int(total), [SearchHit(r["id"], r["title"], r["snip"], r["event_id"], r["source"]) for r in rows]


def store_version(conn: sqlite3.Connection) -> int:
    """Id of the last run saved: changes whenever the stored results change."""
    row = conn.execute("SELECT max(id) FROM runs").fetchone()
    return int(row[0] or 0)


# ---------------------------------------------------------------------------------------------
# the incremental add (engines/incremental.py): read and write only what a few new articles touch


# a failed article's row (`status` is kept in `extra`, written by `_dumps`): a substring test, not
# json_extract, which parses every row's JSON (~0.1 s per query at 2,000 articles)
_FAILED = """instr(extra, '"status": "failed"') > 0"""


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
               conn.execute(f"SELECT data FROM stories WHERE id IN ({_in(story_ids)})", story_ids)]
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
        for r in conn.execute(f"SELECT id, data FROM events WHERE id IN ({_in(chunk)})", chunk):
            out[r["id"]] = from_dict(Event, json.loads(r["data"]))
    return {i: out[i] for i in unique if i in out}


def load_cache_entries(conn: sqlite3.Connection, kind: str, keys: list[str]) -> dict[str, Any]:
    """The stored cache entries of `kind` under `keys` (keys not stored are left out)."""
    out: dict[str, Any] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        for r in conn.execute(f"SELECT key, data FROM cache WHERE kind = ? AND key IN ({_in(chunk)})", [kind, *chunk]):
            out[r["key"]] = json.loads(r["data"])
    return out


def stored_states(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
    """id -> "failed" or "ok" for the stored ones among `ids`."""
    out: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for r in conn.execute(f"SELECT id, {_FAILED} FROM articles WHERE id IN ({_in(chunk)})", chunk):
            out[r[0]] = "failed" if r[1] else "ok"
    return out


def store_totals(conn: sqlite3.Connection) -> dict[str, int]:
    """What `corpus_counts` gives for the whole store, from SQL (the incremental add holds a part)."""
    kinds = dict(conn.execute(f"SELECT duplicate_kind, count(*) FROM articles WHERE duplicate_of IS NOT NULL "
                              f"AND NOT {_FAILED} GROUP BY duplicate_kind").fetchall())
    return {
        "articles": int(conn.execute(f"SELECT count(*) FROM articles WHERE NOT {_FAILED}").fetchone()[0]),
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
        now = _now()
        loaded = {a.id: a for a in before.articles} if before is not None else {}
        maybe = [a for a in part.articles if loaded.get(a.id) != a]  # equal to its loaded copy: row unchanged
        stored = _stored_rows(conn, [a.id for a in maybe])
        for article in maybe:
            if stored.get(article.id) != _article_row(article):
                _upsert_article(conn, article, now)
        for article in part.failed:
            _upsert_article(conn, replace(article, status="failed"), now)
        conn.executemany("DELETE FROM duplicate_links WHERE copy = ?", sorted({(d.copy,) for d in new_links}))
        conn.executemany("INSERT OR REPLACE INTO duplicate_links(copy, original, kind, data) VALUES (?,?,?,?)",
                         _link_rows(new_links))
        gone_events = sorted(replaced_events - {e.id for e in part.events})
        conn.executemany("DELETE FROM events WHERE id = ?", [(i,) for i in gone_events])
        conn.executemany("INSERT OR REPLACE INTO events(id, story_id, date, data) VALUES (?,?,?,?)",
                         _event_rows([e for e in part.events if e.id not in unchanged]))
        gone_stories = sorted(replaced_stories - {s.id for s in part.stories})
        conn.executemany("DELETE FROM stories WHERE id = ?", [(i,) for i in gone_stories])
        conn.executemany("INSERT OR REPLACE INTO stories(id, data) VALUES (?,?)",
                         _story_rows([x for x in part.stories if x.id not in unchanged]))
        save_vectors(conn, vectors)
        checkpoint("save:cache")
        for kind, entries in part.cache.items():
            conn.executemany("INSERT OR IGNORE INTO cache(kind, key, data) VALUES (?,?,?)",
                             [(kind, k, _dumps(v)) for k, v in entries.items()])
        totals = _totals_after(conn, before, part, replaced_events, replaced_stories)
        run_id = _insert_run(conn, part, command, inputs, counts, started or now, totals)
        checkpoint("save:commit")
    checkpoint("save:done")
    return run_id, totals
