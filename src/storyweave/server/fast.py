"""The three hot reads (one event, one article, a page of events) answered before FastAPI's
routing, dependency solving and middleware chain.

Hand-written because that machinery, not the answer, was most of a request's cost: measured in
process on the 10,000-article store, 0.13 ms of work for one event's JSON took 0.46 ms through
the FastAPI app (BENCHMARKS.md, server row). The answers are the very bytes the FastAPI endpoints
send (`api.event_body`, `api.article_body`, `api.events_page_body`), with the same headers: the
ETag of `middleware.etag` (304 on `If-None-Match`), and gzip above the same size when the client
accepts it. Anything else (another path or method, an unknown or malformed query parameter, an id
that is not stored) goes on to the FastAPI app, which documents these routes in /openapi.json and
answers errors (422, 404) in its usual format.
"""

from __future__ import annotations

import gzip
import re
import sqlite3
from collections.abc import Callable
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from storyweave.server import api
from storyweave.server.middleware import etag, etag_matches

_NUMBER = re.compile(r"[0-9]{1,9}")


class FastReads:
    """Pure ASGI middleware: GET /api/v1/events/{id}, /api/v1/articles/{id}, /api/v1/events?limit&offset&story_id."""

    def __init__(self, app: ASGIApp, readers: Callable[[], sqlite3.Connection], gzip_minimum: int = 1000, compresslevel: int = 6) -> None:
        self.app = app
        self.readers = readers  # () -> this thread's read connection
        self.gzip_minimum = gzip_minimum
        self.compresslevel = compresslevel

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer the three hot reads directly; pass everything else to the app."""
        body = None
        if scope["type"] == "http" and scope["method"] == "GET" and not scope.get("root_path"):
            body = self._answer(scope["path"], scope["query_string"])
        if body is None:
            await self.app(scope, receive, send)
            return
        await self._send(scope, send, body)

    def _answer(self, path: str, query: bytes) -> bytes | None:
        prefix = api.PREFIX
        if not path.startswith(prefix):
            return None
        rest = path[len(prefix):]
        if rest.startswith("/events/"):
            return api.event_body(self.readers(), rest[len("/events/"):]) if not query else None
        if rest.startswith("/articles/"):
            return api.article_body(self.readers(), rest[len("/articles/"):]) if not query else None
        if rest == "/events":
            params = page_params(query)
            return api.events_page_body(self.readers(), *params) if params else None
        return None

    async def _send(self, scope: Scope, send: Send, body: bytes) -> None:
        tag = etag(body)
        headers = [(b"content-type", b"application/json"), (b"etag", tag.encode()), (b"cache-control", b"no-cache")]
        request = {k: v for k, v in scope["headers"] if k in (b"if-none-match", b"accept-encoding")}
        wanted = request.get(b"if-none-match")
        if etag_matches(wanted.decode("latin-1") if wanted else None, tag):
            await send({"type": "http.response.start", "status": 304,
                        "headers": [h for h in headers if h[0] != b"content-type"]})
            await send({"type": "http.response.body", "body": b""})
            return
        if len(body) >= self.gzip_minimum:
            headers.append((b"vary", b"Accept-Encoding"))
            if b"gzip" in request.get(b"accept-encoding", b""):
                body = gzip.compress(body, compresslevel=self.compresslevel, mtime=0)
                headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def page_params(query: bytes) -> tuple[int, int, str | None] | None:
    """(limit, offset, story_id) of a page query that the FastAPI endpoint would accept as is;
    None for anything else (unknown or repeated names, a number out of range or not plain digits),
    which FastAPI then answers itself."""
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    given = dict(pairs)
    if len(given) != len(pairs) or not set(given) <= {"limit", "offset", "story_id"}:
        return None
    limit, offset = given.get("limit", str(api.PAGE_SIZE)), given.get("offset", "0")
    if not (_NUMBER.fullmatch(limit) and _NUMBER.fullmatch(offset)) or not 1 <= int(limit) <= api.MAX_LIMIT:
        return None
    return int(limit), int(offset), given.get("story_id")
