"""The web UI: server-rendered pages (jinja2, autoescaped), one stable URL per object.

    /                       events (paginated, `store.list_events` order) and latest stories
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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import jinja2
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from storyweave.io import store
from storyweave.io.render.web import (  # the pages' data, shared with the static report (render/html.py)
    MARKS,
    Pager,
    article_page,
    entity_page,
    event_page,
    make_environment,
    outlet_page,
    outlets_page,
    story_page,
    timeline_plot,  # noqa: F401 - still importable from here
    totals,
)

if TYPE_CHECKING:
    from storyweave.server import Readers

PAGE = 50


def url(kind: str, ident: str) -> str:
    """The page of an object: `/events/<id>` with the id percent-encoded (any character is safe)."""
    return f"/{kind}/{quote(ident, safe='')}"


_NAV = {"home": "/", "stories": "/stories", "outlets": "/outlets", "search": "/search", "docs": "/docs"}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The pages' jinja2 environment (shared templates with the static report), built once."""
    return make_environment(url, _NAV.__getitem__, static=False)


_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'; script-src 'nonce-{nonce}'")


def render(template: str, *, code: int = 200, **context: Any) -> HTMLResponse:
    """The page `template` rendered with `context`, with a fresh CSP nonce for its inline script."""
    nonce = secrets.token_urlsafe(12)
    context.setdefault("query", None)
    html = environment().get_template(f"web/{template}.html.j2").render(nonce=nonce, **context)
    return HTMLResponse(html, status_code=code, headers={
        "Content-Security-Policy": _CSP.format(nonce=nonce), "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer"})


def pager(request: Request, total: int, offset: int, limit: int = PAGE, key: str = "offset") -> Pager:
    """The pager of a listing page: links to the previous and next pages, other query parameters kept."""
    params = dict(request.query_params)

    def link(to: int) -> str:
        return request.url.path + "?" + urlencode({**params, key: to})

    return Pager(total, limit, offset, link(max(0, offset - limit)) if offset > 0 else None,
                 link(offset + limit) if offset + limit < total else None)


def install(app: FastAPI) -> None:
    """Add the pages, the offline API docs and the HTML error page to `app`."""

    def conn(request: Request) -> sqlite3.Connection:
        readers: Readers = request.app.state.readers  # set by create_app (Starlette's state is untyped)
        return readers.get()

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request, offset: int = Query(0, ge=0)) -> HTMLResponse:
        c = conn(request)
        total = store.count_events(c)
        return render("home", page_title="Events", totals=totals(c), stories=store.list_stories(c, 8, 0),
                      events=store.list_events(c, PAGE, offset), page=pager(request, total, offset),
                      writes_enabled=request.app.state.token.enabled)

    @app.get("/stories", response_class=HTMLResponse, include_in_schema=False)
    def stories(request: Request, offset: int = Query(0, ge=0)) -> HTMLResponse:
        c = conn(request)
        return render("stories", page_title="Stories", stories=store.list_stories(c, PAGE, offset),
                      page=pager(request, store.count_stories(c), offset))

    def page(template: str, context: dict[str, Any] | None, missing: str) -> HTMLResponse:
        if context is None:
            raise HTTPException(404, missing)
        return render(template, **context)

    @app.get("/stories/{story_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def story(request: Request, story_id: str) -> HTMLResponse:
        return page("story", story_page(conn(request), story_id), f"no story {story_id!r}")

    @app.get("/events/{event_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def event(request: Request, event_id: str) -> HTMLResponse:
        return page("event", event_page(conn(request), event_id), f"no event {event_id!r}")

    @app.get("/articles/{article_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def article(request: Request, article_id: str) -> HTMLResponse:
        return page("article", article_page(conn(request), article_id), f"no article {article_id!r}")

    @app.get("/entities/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def entity(request: Request, name: str) -> HTMLResponse:
        return page("entity", entity_page(conn(request), name), f"no entity {name!r}")

    @app.get("/outlets", response_class=HTMLResponse, include_in_schema=False)
    def outlets(request: Request) -> HTMLResponse:
        return render("outlets", **outlets_page(conn(request)))

    @app.get("/outlets/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def outlet(request: Request, name: str, offset: int = Query(0, ge=0)) -> HTMLResponse:
        return page("outlet", outlet_page(conn(request), name, PAGE, offset,
                                          lambda total: pager(request, total, offset)), f"no outlet {name!r}")

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(request: Request, q: str = "", offset: int = Query(0, ge=0),
               outlet: str = "", language: str = "", entity: str = "",
               date_from: str = Query("", alias="from"), date_to: str = Query("", alias="to")) -> HTMLResponse:
        return render("search", **_search_context(conn(request), request, q, offset, outlet, language, entity,
                                                  date_from, date_to))

    _install_docs(app)
    _install_error_page(app)


def _search_context(c: sqlite3.Connection, request: Request, q: str, offset: int, outlet: str, language: str,
                    entity: str, date_from: str, date_to: str) -> dict[str, Any]:
    """The search page's template context: full-text hits for `q`, or the filtered article list
    when only filters are given; a malformed date is reported and filters nothing."""
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
    hits: list[store.SearchHit] | None = None
    rows: list[store.ArticleRow] = []
    total = 0
    if searched and q.strip():
        total, hits = store.search_articles(c, q.strip(), f, PAGE, offset, marks=MARKS)
    elif searched:
        total, rows = store.list_articles(c, f, PAGE, offset)
    languages = [r[0] for r in c.execute("SELECT DISTINCT language FROM articles WHERE language IS NOT NULL "
                                         "ORDER BY language")]
    return {"page_title": f"Search: {q}" if q else "Search", "query": q, "f": f, "entity": entity,
            "outlets": [o.source for o in store.list_outlets(c)], "languages": languages, "error": error,
            "searched": searched, "hits": hits, "rows": rows, "page": pager(request, total, offset)}


def _install_error_page(app: FastAPI) -> None:
    """HTTP errors outside the API (and its docs) as an HTML page; the API keeps FastAPI's JSON."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        from fastapi.exception_handlers import http_exception_handler

        if request.url.path.startswith("/api/") or request.url.path in ("/openapi.json", "/docs"):
            return await http_exception_handler(request, exc)
        return render("error", code=exc.status_code, page_title=str(exc.status_code),
                      status=exc.status_code, detail=exc.detail)


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
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="storyweave API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css",
                                   swagger_favicon_url="/static/swagger/favicon-32x32.png")
