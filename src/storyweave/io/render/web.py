"""The pages of the web UI as data: one function per page that reads what the page shows from
a store connection and returns its template context (templates in `templates/web/`).

Two renderers use them: the server (`server/pages.py`, one page per request, absolute URLs)
and the static report (`render/html.py`, a folder of pages with relative links). Only the
jinja2 environment differs: `url`, `nav` and `static` are its globals (macros imported by the
templates see globals only, not the render context).
"""

from __future__ import annotations

import re
import sqlite3
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jinja2

from storyweave import __version__
from storyweave.io import store
from storyweave.io.render.view import event_view
from storyweave.model import Article, Quote, describe_inferred

_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$")
_HASH_LIKE = re.compile(r"[0-9a-fA-F-]{20,}")
MARKS = ("\x02", "\x03")  # snippet highlight marks: never in cleaned text, split out before rendering


def cite_label(ident: str, tips: dict[str, str] | None = None) -> str:
    """Readable ids as they are; hash-like or very long ones cut (the full id is in the title)."""
    if len(ident) <= 40 and not _HASH_LIKE.fullmatch(ident):
        return ident
    return f"{ident[:10]}…"


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """'a \x02b\x03 c' -> [('a ', False), ('b', True), (' c', False)] for <mark> rendering."""
    parts, rest = [], snippet or ""
    while MARKS[0] in rest:
        before, _, after = rest.partition(MARKS[0])
        hit, _, rest = after.partition(MARKS[1])
        parts += [(before, False), (hit, True)]
    parts.append((rest, False))
    return [p for p in parts if p[0]]


def make_environment(url: Callable[[str, str], str], nav: Callable[[str], str], static: bool) -> jinja2.Environment:
    """The templates with the link functions of one renderer: `url(kind, id)` is an object's
    page, `nav(name)` a top-level page (home, stories, outlets, search, docs, run)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("storyweave.io.render", "templates"),
        autoescape=True,  # every article-derived string is escaped; only our own SVG is marked |safe
        undefined=jinja2.StrictUndefined,
        # the static report renders ~20,000 pages from one environment: without this every
        # get_template (the page's, its `extends` and `import`s) stats the template file again
        auto_reload=not static,
    )
    env.globals.update(url=url, nav=nav, static=static, cite_label=cite_label,
                       safe_url=lambda u: bool(_SAFE_URL.match(u or "")), snippet_parts=snippet_parts,
                       version=__version__, describe_inferred=describe_inferred)
    return env


@dataclass
class Pager:
    """One page of a listing; `prev`/`next` are links or None (the static report has one page)."""

    total: int
    limit: int
    offset: int
    prev: str | None
    next: str | None

    @property
    def first(self) -> int:
        """1-based position of the page's first item (0 for an empty listing)."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        """1-based position of the page's last item."""
        return min(self.offset + self.limit, self.total)


def whole(total: int) -> Pager:
    """A listing shown whole (no pager links)."""
    return Pager(total, max(total, 1), 0, None, None)


def totals(conn: sqlite3.Connection) -> dict[str, int]:
    """Counts for the page header: articles, outlets, articles of unknown outlet, events, stories."""
    row = conn.execute(
        "SELECT count(*) AS articles, count(DISTINCT nullif(source, '')) AS outlets, "
        "sum(source IS NULL OR source = '') AS unknown FROM articles").fetchone()
    return {"articles": row["articles"], "outlets": row["outlets"], "unknown_outlet": row["unknown"] or 0,
            "events": store.count_events(conn), "stories": store.count_stories(conn)}


def quotes_by_speaker(quotes: list[Quote]) -> list[tuple[str | None, list[Quote]]]:
    """The quotes grouped by speaker, the most quoted first; unattributed quotes last."""
    groups: OrderedDict[str | None, list[Quote]] = OrderedDict()
    for q in quotes:
        groups.setdefault(q.speaker or None, []).append(q)
    named = [(k, v) for k, v in groups.items() if k]
    return sorted(named, key=lambda kv: -len(kv[1])) + [(k, v) for k, v in groups.items() if not k]


def timeline_plot(rows: list[store.EventRow], width: int = 900, height: int = 150) -> dict[str, Any] | None:
    """Positions for the story page's inline SVG: one bar per dated event on a date axis, its
    height the event's article count. Hand-written (a few rectangles): matplotlib would cost
    more to import per request than the page itself."""
    from datetime import date

    dated = []
    for r in rows:
        if r.date is None:
            continue
        try:
            dated.append((date.fromisoformat(r.date[:10]), r))
        except (TypeError, ValueError):
            continue
    if len(dated) < 2:
        return None
    low, high = min(d for d, _ in dated), max(d for d, _ in dated)
    span, most, pad, base = max(1, (high - low).days), max(r.articles for _, r in dated) or 1, 40, height - 28
    bars: list[dict[str, Any]] = [{"x": round(pad + (d - low).days / span * (width - 2 * pad) - 4, 1), "w": 8,
                                   "h": round(8 + (base - 20) * r.articles / most, 1), "row": r} for d, r in dated]
    for bar in bars:
        bar["y"] = round(base - bar["h"], 1)
    return {"width": width, "height": height, "base": base, "bars": bars, "low": low.isoformat(),
            "high": high.isoformat(), "pad": pad}


def _tip(a: Article) -> str:
    return " — ".join(x for x in (a.source, a.date, a.title) if x)


def neg(date: str) -> str:
    """Sort key that puts later ISO dates first."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in date)


# ---------------------------------------------------------------------------------------------
# one function per page: the template's context, or None when the object is not stored


def story_page(conn: sqlite3.Connection, story_id: str) -> dict[str, Any] | None:
    """The story page's context (events latest first, timeline plot), None for an unknown id."""
    s = store.get_story(conn, story_id)
    if s is None:
        return None
    rows = store.event_rows(conn, s.event_ids)
    rows.sort(key=lambda r: (r.date is None, "" if r.date is None else neg(r.date), r.id))
    return {"page_title": s.title or s.id, "story": s, "events": rows, "plot": timeline_plot(rows)}


def event_page(conn: sqlite3.Connection, event_id: str) -> dict[str, Any] | None:
    """The event page's context (briefing view, copy links, tooltips, quotes by speaker), None for an
    unknown id."""
    e = store.get_event(conn, event_id)
    if e is None:
        return None
    members = store.get_articles(conn, e.article_ids)
    links = store.duplicate_links_of(conn, list(members))
    referenced = {x for link in links for x in (link.copy, link.original)}
    referenced |= {o for a in members.values() for o in a.shares_wire_with}
    by_id = {**store.get_articles(conn, sorted(referenced - members.keys())), **members}
    ev = event_view(e, by_id, links)
    return {"page_title": ev.heading, "ev": ev, "row": store.event_rows(conn, [e.id])[0],
            "tips": {i: _tip(a) for i, a in by_id.items()},
            "story": store.get_story(conn, e.story_id) if e.story_id else None,
            "quotes_by_speaker": quotes_by_speaker(e.quotes)}


def article_page(conn: sqlite3.Connection, article_id: str) -> dict[str, Any] | None:
    """The article page's context (its copies and its event's title), None for an unknown id."""
    a = store.get_article(conn, article_id)
    if a is None:
        return None
    copies = [link for link in store.duplicate_links_of(conn, [a.id]) if link.original == a.id and link.kind != "wire"]
    rows = store.event_rows(conn, [a.event_id]) if a.event_id else []
    return {"page_title": a.title or a.id, "a": a, "copies": copies, "event_title": rows[0].title if rows else None}


def entity_page(conn: sqlite3.Connection, name: str,
                mentions: list[store.EntityMention] | None = None) -> dict[str, Any] | None:
    """`mentions`: `store.entity_mentions(conn, name)` if already known (the static report reads
    every entity's mentions in one pass)."""
    mentions = store.entity_mentions(conn, name) if mentions is None else mentions
    if not mentions:
        return None
    rows = {r.id: r for r in store.event_rows(conn, [m.event_id for m in mentions])}
    return {"page_title": name, "name": name,
            "rows": [(rows[m.event_id], m) for m in mentions if m.event_id in rows],
            "types": sorted({m.type for m in mentions if m.type}),
            "aliases": sorted({x for m in mentions for x in m.aliases} - {name}),
            "roles": sorted({m.role for m in mentions if m.role})}


def outlets_page(conn: sqlite3.Connection) -> dict[str, Any]:
    """The outlets page's context: every known outlet and the count of articles without one."""
    return {"page_title": "Outlets", "outlets": store.list_outlets(conn), "unknown": totals(conn)["unknown_outlet"]}


def outlet_page(conn: sqlite3.Connection, name: str, limit: int | None = None, offset: int = 0,
                pager: Callable[[int], Pager] = whole) -> dict[str, Any] | None:
    """One outlet: its events (latest 50) and a page of its articles (`limit` None: all)."""
    f = store.ArticleFilter(outlet=name)
    if limit is None:
        limit = store.list_articles(conn, f, 0, 0)[0]
    total, rows = store.list_articles(conn, f, limit, offset)
    if not total:
        return None
    events_total, events = store.outlet_events(conn, name, 50, 0)
    return {"page_title": name, "name": name, "articles": rows, "page": pager(total),
            "events": events, "events_total": events_total}


__all__ = ["MARKS", "Pager", "article_page", "cite_label", "entity_page", "event_page", "make_environment",
           "outlet_page", "outlets_page", "quotes_by_speaker", "snippet_parts", "story_page", "timeline_plot",
           "totals", "whole"]
