"""ASGI middleware of the server: request body limit (413) and ETags (304).

Both are hand-written pure ASGI middleware because Starlette has neither: the body limit must
act before the body is read (a `Content-Length` over the limit is refused at once; a chunked
body is counted as it streams and refused as soon as it passes the limit), and the ETag is a
hash of the response body, so any change to the stored results changes it.
"""

from __future__ import annotations

import hashlib
import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY = 20 * 1024 * 1024


class BodyTooLarge(Exception):
    """Raised from `receive` once the streamed body passes the limit."""


async def _send_413(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"request body larger than {limit} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    """413 for request bodies over `max_bytes`, without reading them into memory."""

    def __init__(self, app: ASGIApp, max_bytes: int = DEFAULT_MAX_BODY) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; 413 as soon as its declared or received body exceeds `max_bytes`."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = True
                if too_big:
                    await _send_413(send, self.max_bytes)
                    return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await _send_413(send, self.max_bytes)


def etag(body: bytes) -> str:
    """The weak ETag of a response body (a hash of it: any change to the stored results changes it)."""
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def etag_matches(wanted: str | None, tag: str) -> bool:
    """Whether an `If-None-Match` header value names `tag`."""
    return wanted is not None and tag in [t.strip() for t in wanted.split(",")]


class ETagMiddleware:
    """Weak ETag on successful GET responses; `If-None-Match` with the same tag gets 304.

    Bodies are buffered to hash them; the API's answers are one page or one object, and the
    streaming static assets are left alone (they carry Starlette's own ETag)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; tag a 200 answer to GET or HEAD with a weak ETag, or answer 304 when
        the client already has that tag."""
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith("/static/"):
            await self.app(scope, receive, send)
            return
        wanted = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"if-none-match"), None)
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffering_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            assert start is not None
            body = b"".join(chunks)
            headers = list(start.get("headers", []))
            if start["status"] == 200 and not any(k == b"etag" for k, _ in headers):
                tag = etag(body)
                headers.append((b"etag", tag.encode()))
                headers.append((b"cache-control", b"no-cache"))  # always revalidate: cheap with the ETag
                if etag_matches(wanted, tag):
                    headers = [(k, v) for k, v in headers if k not in (b"content-length", b"content-type")]
                    await send({"type": "http.response.start", "status": 304, "headers": headers})
                    await send({"type": "http.response.body", "body": b""})
                    return
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffering_send)
