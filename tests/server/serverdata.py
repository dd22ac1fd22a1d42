"""Inputs and helpers shared by the server tests (a module of its own: `conftest` is a name
every test folder uses)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

TOKEN = "s3cret-token"
QUAKE = ("A magnitude 6.1 earthquake struck the mountain town of Valdoria on Monday, officials said. "
         "At least 1.7 million people lost power across the region, said Mayor Ana Petrova.")
QUAKE_2 = ("An earthquake of magnitude 6.1 hit the mountain town of Valdoria on Monday. "
           "Officials said 1.5 million people lost power across the region.")
# one long paragraph (over the clean stage's 80-word bound for markup lines, so it stays in the
# text) carrying a script tag and event handlers
EVIL = ("Protesters gathered in Norhaven <script>window.__pwned = 1</script> on Tuesday as the city council "
        'met to debate the budget. <svg onload="window.__pwned = 2"></svg> The council said the budget vote was '
        "delayed by a week because members wanted more time to read the proposals on housing, transport and "
        "schools. Several hundred people stood outside the hall through the afternoon, and organisers said "
        "they would return next week when the council meets again to vote on the plan, which would raise "
        "spending on buses and trams and cut the cost of school meals for families across the city.\n")
ARTICLES = [
    {"id": "p1", "text": QUAKE, "source": "Post", "published": "2024-03-04", "title": "Quake <b>hits</b> Valdoria"},
    {"id": "w1", "text": QUAKE_2, "source": "Wire", "published": "2024-03-04"},
    {"id": "u1", "text": QUAKE_2 + " Schools stayed closed.", "published": "2024-03-05"},
    {"id": "evil/../1", "text": EVIL, "source": "Gazette <i>x</i>", "published": "2024-02-01",
     "title": '<script>window.__pwned = 3</script>Council "vote"', "language": "en"},
]


def wait_job(client, url: str, timeout: float = 120) -> dict:  # client: a fastapi TestClient
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(url).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {url} not finished")


@contextmanager
def live_server(app) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port in a thread; yields its base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
