"""Read-only queries of the store for the CLI's listings and the REST server: the run log,
full-text search, and the per-request rows (events, stories, articles, outlets, entity mentions)
read through the schema's indexes instead of `load_corpus`."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from storyweave.io.store.connection import using
from storyweave.io.store.tables import qmarks, row_to_article
from storyweave.model import Article, DuplicateLink, Event, Story, to_dict
from storyweave.serialize import from_dict


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
# schema's indexes, instead of `load_corpus`; every function takes an open connection


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
        rows.update((r.id, r) for r in _event_row_tuples(conn, f"{_EVENT_ROW_SQL} WHERE e.id IN ({qmarks(chunk)})", chunk))
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
        for row in conn.execute(f"SELECT * FROM articles WHERE id IN ({qmarks(chunk)})", chunk):
            out[row["id"]] = row_to_article(row)
    return out


def get_article(conn: sqlite3.Connection, article_id: str) -> Article | None:
    """The stored article `article_id`, None when unknown."""
    return get_articles(conn, [article_id]).get(article_id)


def duplicate_links_of(conn: sqlite3.Connection, ids: list[str]) -> list[DuplicateLink]:
    """Links where one of `ids` is the copy or the original."""
    if not ids:
        return []
    rows = conn.execute(
        f"SELECT data FROM duplicate_links WHERE copy IN ({qmarks(ids)}) "
        f"UNION SELECT data FROM duplicate_links WHERE original IN ({qmarks(ids)})", [*ids, *ids])
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
            clauses.append(f"a.id IN ({qmarks(self.article_ids)})")
            args.extend(self.article_ids)
        return (" AND ".join(clauses) or "1"), args


def article_rows(conn: sqlite3.Connection, ids: list[str]) -> dict[str, ArticleRow]:
    """Listing rows (no text) of the given article ids, by id."""
    unique = list(dict.fromkeys(ids))
    out: dict[str, ArticleRow] = {}
    for start in range(0, len(unique), 500):
        chunk = unique[start:start + 500]
        for r in conn.execute(f"SELECT {_ARTICLE_ROW} FROM articles a WHERE a.id IN ({qmarks(chunk)})", chunk):
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
