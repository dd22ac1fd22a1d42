"""The web UI: server-rendered pages (jinja2, autoescaped), one stable URL per object.

    /                       events (paginated, newest first, undated last) and latest stories
    /stories, /stories/ID   stories; one story with its events and timeline
    /events/ID              one event: summary with citations, facts, discrepancies side by side,
                            quotes by speaker, entities, outlet comparison, duplicates, articles
    /articles/ID            cleaned text, removed lines, relations
    /entities/NAME          the events an entity appears in
    /outlets, /outlets/NAME outlets; one outlet's events and articles
    /search                 full-text search (FTS5) with date range, outlet, entity, language

No external asset: CSS is inline, the only script (the add form) is inline with a CSP nonce.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyweave import __version__, store
from storyweave.render.view import event_view

_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$")
_HASH_LIKE = re.compile(r"[0-9a-fA-F-]{20,}")
_MARKS = ("\x02", "\x03")  # snippet highlight marks: never in cleaned text, split out before rendering
PAGE = 50


def url(kind: str, ident: str) -> str:
    """The page of an object: `/events/<id>` with the id percent-encoded (any character is safe)."""
    return f"/{kind}/{quote(ident, safe='')}"


def _cite_label(ident: str, tips: dict[str, str] | None = None) -> str:
    if len(ident) <= 40 and not _HASH_LIKE.fullmatch(ident):
        return ident
    return f"{ident[:10]}…"


def _snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """'a \x02b\x03 c' -> [('a ', False), ('b', True), (' c', False)] for <mark> rendering."""
    parts, rest = [], snippet or ""
    while _MARKS[0] in rest:
        before, _, after = rest.partition(_MARKS[0])
        hit, _, rest = after.partition(_MARKS[1])
        parts += [(before, False), (hit, True)]
    parts.append((rest, False))
    return [p for p in parts if p[0]]


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("storyweave.render", "templates"),
        autoescape=True,  # every article-derived string is escaped; nothing is marked |safe
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(url=url, cite_label=_cite_label, safe_url=lambda u: bool(_SAFE_URL.match(u or "")),
                       snippet_parts=_snippet_parts, version=__version__)
    return env


_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; script-src 'nonce-{nonce}'")


def render(template: str, *, code: int = 200, **context: Any) -> HTMLResponse:
    nonce = secrets.token_urlsafe(12)
    context.setdefault("query", None)
    html = environment().get_template(f"web/{template}.html.j2").render(nonce=nonce, **context)
    return HTMLResponse(html, status_code=code, headers={
        "Content-Security-Policy": _CSP.format(nonce=nonce), "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer"})


@dataclass
class Pager:
    total: int
    limit: int
    offset: int
    prev: str | None
    next: str | None

    @property
    def first(self) -> int:
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.limit, self.total)


def pager(request: Request, total: int, offset: int, limit: int = PAGE, key: str = "offset") -> Pager:
    params = dict(request.query_params)

    def link(to: int) -> str:
        return request.url.path + "?" + urlencode({**params, key: to})

    return Pager(total, limit, offset, link(max(0, offset - limit)) if offset > 0 else None,
                 link(offset + limit) if offset + limit < total else None)


def _totals(conn: sqlite3.Connection) -> dict[str, int]:
    row = conn.execute(
        "SELECT count(*) AS articles, count(DISTINCT nullif(source, '')) AS outlets, "
        "sum(source IS NULL OR source = '') AS unknown FROM articles").fetchone()
    return {"articles": row["articles"], "outlets": row["outlets"], "unknown_outlet": row["unknown"] or 0,
            "events": store.count_events(conn), "stories": store.count_stories(conn)}


def _quotes_by_speaker(quotes) -> list[tuple[str | None, list]]:
    groups: OrderedDict[str | None, list] = OrderedDict()
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
        try:
            dated.append((date.fromisoformat(r.date[:10]), r))
        except (TypeError, ValueError):
            continue
    if len(dated) < 2:
        return None
    low, high = min(d for d, _ in dated), max(d for d, _ in dated)
    span, most, pad, base = max(1, (high - low).days), max(r.articles for _, r in dated) or 1, 40, height - 28
    bars = [{"x": round(pad + (d - low).days / span * (width - 2 * pad) - 4, 1), "w": 8,
             "h": round(8 + (base - 20) * r.articles / most, 1), "row": r} for d, r in dated]
    for bar in bars:
        bar["y"] = round(base - bar["h"], 1)
    return {"width": width, "height": height, "base": base, "bars": bars, "low": low.isoformat(),
            "high": high.isoformat(), "pad": pad}


def _tip(a) -> str:
    return " — ".join(x for x in (a.source, a.date, a.title) if x)


def install(app: FastAPI) -> None:
    """Add the pages, the offline API docs and the HTML error page to `app`."""

    def conn(request: Request) -> sqlite3.Connection:
        return request.app.state.readers.get()

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, offset: int = Query(0, ge=0)):
        c = conn(request)
        total = store.count_events(c)
        return render("home", page_title="Events", totals=_totals(c), stories=store.list_stories(c, 8, 0),
                      events=store.list_events(c, PAGE, offset), page=pager(request, total, offset),
                      writes_enabled=request.app.state.token.enabled)

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories(request: Request, offset: int = Query(0, ge=0)):
        c = conn(request)
        return render("stories", page_title="Stories", stories=store.list_stories(c, PAGE, offset),
                      page=pager(request, store.count_stories(c), offset))

    @app.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story(request: Request, story_id: str):
        c = conn(request)
        s = store.get_story(c, story_id)
        if s is None:
            raise HTTPException(404, f"no story {story_id!r}")
        rows = store.event_rows(c, s.event_ids)
        rows.sort(key=lambda r: (r.date is None, "" if r.date is None else _neg(r.date), r.id))
        return render("story", page_title=s.title or s.id, story=s, events=rows, plot=timeline_plot(rows))

    @app.get("/events/{event_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def event(request: Request, event_id: str):
        c = conn(request)
        e = store.get_event(c, event_id)
        if e is None:
            raise HTTPException(404, f"no event {event_id!r}")
        members = store.get_articles(c, e.article_ids)
        links = store.duplicate_links_of(c, list(members))
        referenced = {x for link in links for x in (link.copy, link.original)}
        referenced |= {o for a in members.values() for o in a.shares_wire_with}
        by_id = {**store.get_articles(c, sorted(referenced - members.keys())), **members}
        ev = event_view(e, by_id, links)
        row = store.event_rows(c, [e.id])[0]
        tips = {i: _tip(a) for i, a in by_id.items()}
        return render("event", page_title=ev.heading, ev=ev, row=row, tips=tips,
                      story=store.get_story(c, e.story_id) if e.story_id else None,
                      quotes_by_speaker=_quotes_by_speaker(e.quotes))

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article(request: Request, article_id: str):
        c = conn(request)
        a = store.get_article(c, article_id)
        if a is None:
            raise HTTPException(404, f"no article {article_id!r}")
        copies = [link for link in store.duplicate_links_of(c, [a.id]) if link.original == a.id and link.kind != "wire"]
        rows = store.event_rows(c, [a.event_id]) if a.event_id else []
        return render("article", page_title=a.title or a.id, a=a, copies=copies,
                      event_title=rows[0].title if rows else None)

    @app.get("/entities/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def entity(request: Request, name: str):
        c = conn(request)
        mentions = store.entity_mentions(c, name)
        if not mentions:
            raise HTTPException(404, f"no entity {name!r}")
        rows = {r.id: r for r in store.event_rows(c, [m.event_id for m in mentions])}
        aliases = sorted({x for m in mentions for x in m.aliases} - {name})
        return render("entity", page_title=name, name=name, rows=[(rows[m.event_id], m) for m in mentions
                                                                  if m.event_id in rows],
                      types=sorted({m.type for m in mentions if m.type}), aliases=aliases,
                      roles=sorted({m.role for m in mentions if m.role}))

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets(request: Request):
        c = conn(request)
        return render("outlets", page_title="Outlets", outlets=store.list_outlets(c),
                      unknown=_totals(c)["unknown_outlet"])

    @app.get("/outlets/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def outlet(request: Request, name: str, offset: int = Query(0, ge=0)):
        c = conn(request)
        total, rows = store.list_articles(c, store.ArticleFilter(outlet=name), PAGE, offset)
        if not total:
            raise HTTPException(404, f"no outlet {name!r}")
        events_total, events = store.outlet_events(c, name, PAGE, 0)
        return render("outlet", page_title=name, name=name, articles=rows, page=pager(request, total, offset),
                      events=events, events_total=events_total)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(request: Request, q: str = "", offset: int = Query(0, ge=0),
               outlet: str = "", language: str = "", entity: str = "",
               date_from: str = Query("", alias="from"), date_to: str = Query("", alias="to")):
        c = conn(request)
        error = None
        for label, value in (("from", date_from), ("to", date_to)):
            if value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                error = f"'{label}' must be a date YYYY-MM-DD"
        ids = None
        if entity.strip():
            ids = sorted({i for m in store.entity_mentions(c, entity.strip()) for i in m.article_ids})
        f = store.ArticleFilter(None if error else date_from or None, None if error else date_to or None,
                                outlet or None, language or None, ids)
        searched = bool(q.strip() or outlet or language or entity.strip() or date_from or date_to) and not error
        hits, rows, total = None, [], 0
        if searched and q.strip():
            total, hits = store.search_articles(c, q.strip(), f, PAGE, offset, marks=_MARKS)
        elif searched:
            total, rows = store.list_articles(c, f, PAGE, offset)
        languages = [r[0] for r in c.execute("SELECT DISTINCT language FROM articles WHERE language IS NOT NULL "
                                             "ORDER BY language")]
        return render("search", page_title=f"Search: {q}" if q else "Search", query=q, f=f, entity=entity,
                      outlets=[o.source for o in store.list_outlets(c)], languages=languages, error=error,
                      searched=searched, hits=hits, rows=rows, page=pager(request, total, offset))

    _install_docs(app)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        from fastapi.exception_handlers import http_exception_handler

        if request.url.path.startswith("/api/") or request.url.path in ("/openapi.json", "/docs"):
            return await http_exception_handler(request, exc)
        return render("error", code=exc.status_code, page_title=str(exc.status_code),
                      status=exc.status_code, detail=exc.detail)


def _neg(date: str) -> str:
    """Sort key that puts later ISO dates first."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in date)


def _install_docs(app: FastAPI) -> None:
    """Swagger UI from the installed `swagger-ui-bundle` package (FastAPI's self-hosted docs
    pattern): /docs works offline."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles

    try:
        import swagger_ui_bundle

        assets = Path(swagger_ui_bundle.swagger_ui_path)
    except ImportError:  # pragma: no cover - a declared dependency
        return
    app.mount("/static/swagger", StaticFiles(directory=assets), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs():
        return get_swagger_ui_html(openapi_url="/openapi.json", title="storyweave API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/swagger/favicon-32x32.png")
