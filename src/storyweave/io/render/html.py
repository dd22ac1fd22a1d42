"""Corpus -> the static HTML report: a folder of pages with the web UI's structure and templates.

    index.html                 stories and events (`store.list_events` order), charts, a filter box
    stories.html, outlets.html all stories; all outlets
    run.html                   the last run's changes and unreadable inputs
    style.css                  the pages' style sheet (the server inlines the same file)
    stories/<name>.html        one page per story, event, article, entity and outlet, from the
    events/<name>.html         same page functions (`render/web.py`) and templates
    articles/<name>.html       (`templates/web/`) the server uses
    entities/<name>.html
    outlets/<name>.html

Links are relative (`../events/x.html`), so the folder works from file:// offline; nothing is
fetched (one local style sheet, the filter script inline, charts inline SVG). There is no full-text
search page: the home page's filter box hides the stories and events whose text lacks the words.
The page data is read with the server's SQL queries from an in-memory store of the corpus.
All source text goes through jinja2 autoescaping; the only unescaped markup is the SVG that
`plots.py` draws itself.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from storyweave.io import store
from storyweave.io.render import web
from storyweave.io.render.plots import all_plots
from storyweave.io.render.view import build
from storyweave.model import Corpus

KINDS = ("stories", "events", "articles", "entities", "outlets")  # one folder of pages each
TOP = {"home": "index.html", "stories": "stories.html", "outlets": "outlets.html", "run": "run.html",
       "css": "style.css"}
_PLAIN = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,78}[a-z0-9])?")
_RESERVED = re.compile(r"(con|prn|aux|nul|com\d|lpt\d)(\..*)?")  # Windows device names


@lru_cache(maxsize=65536)  # a page links each object from many pages: ~250,000 calls for 22,000 names
def file_name(ident: str) -> str:
    """A safe, stable file name (without `.html`) for any id or name.

    Ids that are already short lowercase names (`a-1`, `e12`) stay as they are; any other id
    (slashes, `..`, capitals, spaces, long or non-ASCII) becomes a readable slug plus a hash of the
    whole id (`../../x` -> `x_3f2a...`): never a path separator, never `..`, no two ids on one
    name (plain names have no `_`, hashed ones always do), no clash on case-insensitive disks."""
    if _PLAIN.fullmatch(ident) and ".." not in ident and not _RESERVED.fullmatch(ident):
        return ident
    slug = "-".join(re.findall(r"[a-z0-9]+", ident.lower()))[:60].strip("-")
    return f"{slug}_{hashlib.sha1(ident.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


class _Links:
    """The static renderer's `url`/`nav`: relative links from the page being written, and the
    record of every object page linked (each is written, so no link is dead)."""

    def __init__(self) -> None:
        self.prefix = ""  # "" on top-level pages, "../" inside a kind's folder
        self.wanted: dict[tuple[str, str], None] = {}
        self.linked: dict[tuple[str, str], None] = {}  # linked by the page being rendered, in order

    def url(self, kind: str, ident: str) -> str:
        self.wanted.setdefault((kind, ident))
        self.linked.setdefault((kind, ident))
        return f"{self.prefix}{kind}/{file_name(ident)}.html"

    def nav(self, name: str) -> str:
        return self.prefix + TOP[name]


def memory_store(corpus: Corpus) -> sqlite3.Connection:
    """The corpus in an in-memory store, so the pages are read with the server's queries."""
    from dataclasses import replace

    conn = store.connect(":memory:")
    store.save_corpus(conn, replace(corpus, cache={}, changes=[], errors=[]))  # what pages show only
    return conn


def write_site(corpus: Corpus, out: Path, write: Callable[[Path, str], None], *, plots: bool = True,
               svgs: dict[str, str] | None = None, drawn: dict[str, str] | None = None,
               processes: int = 0) -> list[str]:
    """Write every page into `out` with `write(path, text)`; returns the pages written (paths
    relative to `out`). `svgs`: charts drawn earlier for the same content (not redrawn);
    `drawn` receives the charts drawn now. Pages of an earlier report that are not written
    again (objects gone) are removed from the kinds' folders.  The object pages are written by
    `processes` forked workers when there are many (`storyweave.parallel`; 0: every usable core),
    the same files in any case."""
    links = _Links()
    env = web.make_environment(links.url, links.nav, static=True)
    written: list[str] = []

    def emit(rel: str, template: str, context: dict[str, Any]) -> None:
        links.prefix = "../" if "/" in rel else ""
        html = env.get_template(f"web/{template}.html.j2").render(query=None, **context)
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path, html)

    def page(rel: str, template: str, context: dict[str, Any]) -> None:
        emit(rel, template, context)
        written.append(rel)

    loader = env.loader
    assert loader is not None  # make_environment gives it the package's template loader
    write(out / TOP["css"], loader.get_source(env, "web/style.css")[0])
    written.append(TOP["css"])
    if plots and svgs is None:
        svgs = all_plots(build(corpus))
        if drawn is not None:
            drawn.update(svgs)
    conn = memory_store(corpus)
    try:
        total = store.count_events(conn)
        page(TOP["home"], "home", {"page_title": "Events", "totals": web.totals(conn),
                                   "stories": store.list_stories(conn, 8, 0), "events": store.list_events(conn, total, 0),
                                   "page": web.whole(total), "plots": svgs if plots else {}})
        stories = store.count_stories(conn)
        page(TOP["stories"], "stories", {"page_title": "Stories", "stories": store.list_stories(conn, stories, 0),
                                         "page": web.whole(stories)})
        page(TOP["outlets"], "outlets", web.outlets_page(conn))
        page(TOP["run"], "run", run_context(corpus))
        for name in ("story", "event", "article", "outlet", "entity", "error"):  # compiled once, before any fork
            env.get_template(f"web/{name}.html.j2")
        written += _object_pages(conn, links, emit, processes)
    finally:
        conn.close()
    _remove_stale(out, set(written))
    return written


def run_context(corpus: Corpus) -> dict[str, Any]:
    """Template context of the run page: the run log (merges, splits) and the read errors."""
    return {"page_title": "Last run", "changes": list(corpus.changes), "errors": [str(e) for e in corpus.errors]}


def run_page(corpus: Corpus) -> str:
    """run.html alone (a re-run with unchanged content rewrites only this page)."""
    links = _Links()
    env = web.make_environment(links.url, links.nav, static=True)
    return env.get_template("web/run.html.j2").render(query=None, **run_context(corpus))


def _object_pages(conn: sqlite3.Connection, links: _Links, emit: Callable[[str, str, dict[str, Any]], None],
                  processes: int = 1) -> list[str]:
    """A page per story, event, article, outlet and entity, then one for every other object a
    page links to (e.g. a quote's speaker who is no entity, an article cited but not stored);
    `emit(rel, template, context)` writes one; returns the pages written, in order.

    Each round's pages are independent: with `processes` > 1 they are rendered and written by
    forked workers, each reading its own copy of the in-memory store (`sqlite3` connections are
    not carried across a fork), and every page's links come back to be added in page order, so
    the pages, their order and the objects linked are those of one process."""
    from storyweave.parallel import default_processes, fork_map

    entities = store.entity_index(conn)
    processes = default_processes(processes)
    image = conn.serialize() if processes > 1 else b""  # the workers' copy (one process reads `conn`)
    own: dict[int, sqlite3.Connection] = {}

    def reader() -> sqlite3.Connection:
        pid = os.getpid()
        if pid == parent:
            return conn
        if pid not in own:  # a forked worker: its own connection to a copy of the store
            own[pid] = sqlite3.connect(":memory:")
            own[pid].deserialize(image)
            own[pid].row_factory = sqlite3.Row
        return own[pid]

    def render(key: tuple[str, str]) -> list[tuple[str, str]]:
        kind, ident = key
        links.linked = {}
        template, context = _object_page(reader(), kind, ident, entities)
        emit(f"{kind}/{file_name(ident)}.html", template, context)
        return list(links.linked)

    parent = os.getpid()
    for ident in [r[0] for r in conn.execute("SELECT id FROM stories ORDER BY id")]:
        links.wanted.setdefault(("stories", ident))
    for ident in [r[0] for r in conn.execute("SELECT id FROM events ORDER BY id")]:
        links.wanted.setdefault(("events", ident))
    for ident in [r[0] for r in conn.execute("SELECT id FROM articles ORDER BY id")]:
        links.wanted.setdefault(("articles", ident))
    for outlet in store.list_outlets(conn):
        links.wanted.setdefault(("outlets", outlet.source))
    for mentions in entities.values():
        links.wanted.setdefault(("entities", mentions[0].name))
    done: set[tuple[str, str]] = set()
    written: list[str] = []
    while len(done) < len(links.wanted):
        todo = [k for k in links.wanted if k not in done]
        done.update(todo)
        for (kind, ident), linked in zip(todo, fork_map(render, todo, processes, min_items=64, chunk=16), strict=True):
            written.append(f"{kind}/{file_name(ident)}.html")
            for key in linked:
                links.wanted.setdefault(key)
    return written


def _object_page(conn: sqlite3.Connection, kind: str, ident: str,
                 entities: dict[str, list[store.EntityMention]]) -> tuple[str, dict[str, Any]]:
    if kind == "entities":
        context = web.entity_page(conn, ident, entities.get(ident, []))
        if context is None:  # linked (a quote's speaker) but listed by no event: a page saying so
            context = {"page_title": ident, "name": ident, "rows": [], "types": [], "aliases": [], "roles": []}
        return "entity", context
    make = {"stories": web.story_page, "events": web.event_page, "articles": web.article_page,
            "outlets": web.outlet_page}[kind]
    context = make(conn, ident)
    if context is None:
        singular = {"stories": "story", "entities": "entity"}.get(kind, kind[:-1])
        return "error", {"page_title": "Not in this report", "status": "Not in this report",
                         "detail": f"no {singular} {ident!r} in this report"}
    template = {"stories": "story", "events": "event", "articles": "article", "outlets": "outlet"}[kind]
    return template, context


def _remove_stale(out: Path, written: set[str]) -> None:
    """Remove the pages of objects that are gone (only `*.html` inside the kinds' folders)."""
    for kind in KINDS:
        folder = out / kind
        if folder.is_dir():
            for path in folder.glob("*.html"):
                if f"{kind}/{path.name}" not in written:
                    path.unlink(missing_ok=True)


__all__ = ["file_name", "run_page", "write_site"]
