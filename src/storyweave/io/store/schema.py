"""The store's schema: its migrations (append-only SQL history), their version, and the reading
of both (the migrations are run by `connection.connect`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from storyweave.io.store.errors import StoreError

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
    # events listed for a reader (`queries._EVENT_ORDER`): the ones with a summary before the ones without
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


def schema_version(conn: sqlite3.Connection) -> int:
    """The store's schema version (0 for a file without the meta table)."""
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    return int(row["value"]) if row else 0


def statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (execute() runs one at a time, inside our txn)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            yield buffer.strip()
            buffer = ""
    if buffer.strip():
        raise StoreError(f"incomplete statement in migration: {buffer.strip()[:60]}")
