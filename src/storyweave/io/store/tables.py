"""The store's tables as the model sees them: the row of an article, a duplicate link, an event
or a story and back, the upsert of an article, and the SQL helpers the other modules share."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from storyweave.model import Article, DuplicateLink, Event, Story, to_dict
from storyweave.serialize import from_dict

# Article fields with their own column; every other dataclass field goes to `extra`.
_ARTICLE_COLUMNS = [
    "id", "source", "url", "title", "published", "language", "path", "raw_text", "text",
    "removed", "metadata", "duplicate_of", "duplicate_kind", "shares_wire_with", "event_id",
]
_JSON_COLUMNS = {"removed", "metadata", "shares_wire_with"}
_NOT_STORED = {"is_new"}

# a failed article's row (`status` is kept in `extra`, written by `dumps`): a substring test, not
# json_extract, which parses every row's JSON (~0.1 s per query at 2,000 articles)
FAILED = """instr(extra, '"status": "failed"') > 0"""


def dumps(value: Any) -> str:
    """`value` as stored JSON (keys sorted, non-ASCII kept)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def timestamp() -> str:
    """The current UTC time as stored (ISO 8601, whole seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def qmarks(ids: list[str]) -> str:
    """One `?` per id, comma-separated: the inside of an `IN (...)`."""
    return ",".join("?" * len(ids))


def content_hash(article: Article) -> str:
    """Identity of an article's *input* content: what a re-read of the same file reproduces."""
    parts = [article.raw_text or article.text, article.title, article.source, article.url, article.published]
    blob = json.dumps(parts, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def row_to_article(row: sqlite3.Row) -> Article:
    """The article of an `articles` row (`is_new=False`)."""
    data: dict[str, Any] = json.loads(row["extra"])
    for column in _ARTICLE_COLUMNS:
        value = row[column]
        data[column] = json.loads(value) if column in _JSON_COLUMNS else value
    article = from_dict(Article, data)
    article.is_new = False
    return article


def article_row(article: Article) -> tuple[Any, ...]:
    """The `articles` row of `article` (every column but first_seen/updated)."""
    data = to_dict(article)
    extra = {k: v for k, v in data.items() if k not in _ARTICLE_COLUMNS and k not in _NOT_STORED}
    values = [dumps(data[c]) if c in _JSON_COLUMNS else data[c] for c in _ARTICLE_COLUMNS]
    return (*values, dumps(extra), content_hash(article))


def stored_rows(conn: sqlite3.Connection, ids: list[str] | None = None) -> dict[str, tuple[Any, ...]]:
    """Each stored article's row as `article_row` makes it: what an upsert would write (only
    the articles `ids` when given, read in chunks of 500 ids)."""
    sql = f"SELECT {','.join(_ARTICLE_COLUMNS)}, extra, content_hash FROM articles"
    if ids is None:
        return {row[0]: tuple(row) for row in conn.execute(sql)}
    stored: dict[str, tuple[Any, ...]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        stored.update((row[0], tuple(row)) for row in conn.execute(f"{sql} WHERE id IN ({qmarks(chunk)})", chunk))
    return stored


def upsert_article(conn: sqlite3.Connection, article: Article, now: str) -> None:
    """Insert or update the row of `article` (first_seen kept; `updated` set to `now` when its content
    changed) and its full-text row."""
    # the full-text row is rewritten only when the searchable fields changed: deleting it by
    # `id` (an UNINDEXED column) scans the whole FTS table, which grows with the store
    old = conn.execute(f"SELECT title, text, {FAILED} AS failed FROM articles WHERE id = ?", (article.id,)).fetchone()
    searchable_same = (old is not None and not old["failed"] and article.status != "failed"
                       and (old["title"] or "") == (article.title or "") and old["text"] == article.text)
    row = article_row(article)
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


def link_values(links: list[DuplicateLink]) -> list[tuple[str, str, str, str]]:
    """The `duplicate_links` rows of `links` (the values an INSERT takes)."""
    return [(d.copy, d.original, d.kind, dumps(to_dict(d))) for d in links]


def event_values(events: list[Event]) -> list[tuple[str, str | None, str | None, str]]:
    """The `events` rows of `events` (the values an INSERT takes)."""
    return [(e.id, e.story_id, e.date, dumps(to_dict(e))) for e in events]


def story_values(stories: list[Story]) -> list[tuple[str, str]]:
    """The `stories` rows of `stories` (the values an INSERT takes)."""
    return [(s.id, dumps(to_dict(s))) for s in stories]
