"""REST API (`/api/v1`) and web UI (`/`) over the store (FastAPI).

Every request opens (per worker thread, once) its own SQLite connection and runs the SQL its
answer needs (`store.list_events`, `store.get_event`, ...): nothing loads the whole store,
except the explicit export `GET /api/v1/briefings.json`. The three hot reads (one event, one
article, a page of events) are answered by `server.fast` before FastAPI's routing, with the same
bytes and headers as the FastAPI endpoints, which document them.

    GET  /api/v1/events?limit&offset&story_id   page of events (`store.list_events` order)
    GET  /api/v1/events/{id}                    one event's briefing and its articles
    GET  /api/v1/stories, /stories/{id}         stories
    GET  /api/v1/articles?..., /articles/{id}   articles (filters: outlet, language, date range)
    GET  /api/v1/search?q=...                   full-text search (FTS5) with the same filters
    GET  /api/v1/outlets, /entities/{name}      outlets; the events an entity appears in
    GET  /api/v1/runs                           the run log
    POST /api/v1/articles                       token; 202 and a job URL, processed in the background
    GET  /api/v1/jobs/{id}                      job status and result
    GET  /docs, /openapi.json                   API docs (Swagger UI from locally installed files)

Security: writes need the token (`STORYWEAVE_TOKEN` or `--token-file`, compared in constant
time) and answer 403 when none is configured; request bodies over `max_body` bytes get 413
before they are read; all article text is escaped by jinja2's autoescaping; ids only ever
reach SQL as bound parameters, never a file path.
"""

from __future__ import annotations

import hmac
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyweave.config import Config
from storyweave.io import store
from storyweave.server.middleware import DEFAULT_MAX_BODY

if TYPE_CHECKING:
    from fastapi import FastAPI

    from storyweave.model import Article

TOKEN_ENV = "STORYWEAVE_TOKEN"
_FROM_ENV: Any = object()


class TokenCheck:
    """The write token, compared in constant time (hmac.compare_digest)."""

    def __init__(self, token: str | None) -> None:
        self.token = token.strip() if token and token.strip() else None

    @property
    def enabled(self) -> bool:
        """True when a write token is set (writes then need it)."""
        return self.token is not None

    def matches(self, given: str | None) -> bool:
        """True when `given` (surrounding spaces ignored) is the token; always False without one."""
        if self.token is None or not given:
            return False
        return hmac.compare_digest(given.strip().encode("utf-8"), self.token.encode("utf-8"))


def read_token_file(path: str | Path) -> str:
    """The token in `path` (first line); ValueError with a one-line reason if unusable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read the token file ({getattr(exc, 'strerror', None) or exc})") from exc
    token = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not token:
        raise ValueError(f"{path}: the token file is empty")
    return token


class Readers:
    """One read connection per worker thread, opened on first use.

    `on_statement`, when set, is called with every SQL statement the readers run (tests count
    the work a request does with it)."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._local = threading.local()
        self.on_statement: Callable[[str], None] | None = None

    def get(self) -> sqlite3.Connection:
        """This thread's read-only connection to the store, opened on first use."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = store.connect(self.db)
            conn.execute("PRAGMA query_only = 1")  # readers never write
            conn.execute("PRAGMA cache_size = -65536")  # 64 MB page cache per reader
            conn.execute("PRAGMA mmap_size = 268435456")  # read through the OS page cache
            conn.set_trace_callback(self._trace)
            self._local.conn = conn
        return conn

    def _trace(self, statement: str) -> None:
        if self.on_statement is not None:
            self.on_statement(statement)


def create_app(
    db: str | Path = store.DEFAULT_DB,
    settings: Config | None = None,
    *,
    token: str | None = _FROM_ENV,
    create: bool = False,
    max_body: int = DEFAULT_MAX_BODY,
    fast_reads: bool = True,
) -> FastAPI:
    """The FastAPI app over the store at `db`.

    `create=False` refuses a store that does not exist (FileNotFoundError) instead of making
    an empty one; a file that is not a usable store raises `store.StoreError`. `token`
    defaults to $STORYWEAVE_TOKEN; without one, write endpoints answer 403. `fast_reads=False`
    sends the three hot reads through FastAPI too (`server.fast`; tests compare the two).
    """
    from fastapi import FastAPI
    from fastapi.middleware.gzip import GZipMiddleware

    from storyweave import __version__
    from storyweave.server import api, pages
    from storyweave.server.jobs import JobQueue, in_worker_process
    from storyweave.server.middleware import BodyLimitMiddleware, ETagMiddleware

    db_path = Path(db)
    if not create and not db_path.exists():
        raise FileNotFoundError(f"{db_path}: no such store (use --create to make an empty one)")
    store.connect(db_path).close()  # create / migrate once, fail early on a bad file
    check = TokenCheck(os.environ.get(TOKEN_ENV) if token is _FROM_ENV else token)
    settings = settings or Config()

    def work(articles: list[Article]) -> dict[str, Any]:
        return in_worker_process(str(db_path), settings, articles)

    app = FastAPI(title="storyweave", version=__version__, docs_url=None, redoc_url=None,
                  description="Events, stories and cited briefings from news reports. JSON API under `/api/v1`; "
                              "web pages at `/`.")
    app.state.readers = Readers(db_path)
    app.state.token = check
    app.state.jobs = JobQueue(work)
    app.state.db = db_path
    app.include_router(api.router)
    pages.install(app)
    # outermost first: the body limit acts before anything reads the body; ETags are computed
    # on the uncompressed body, then gzip compresses it
    app.add_middleware(ETagMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=6)
    app.add_middleware(BodyLimitMiddleware, max_bytes=max_body)
    if fast_reads:  # outermost: the hot GETs skip the rest of the stack (same bytes and headers)
        from storyweave.server.fast import FastReads

        app.add_middleware(FastReads, readers=app.state.readers.get, gzip_minimum=1000,
                           compresslevel=6)  # as GZipMiddleware above
    return app


__all__ = ["TOKEN_ENV", "create_app", "read_token_file"]
