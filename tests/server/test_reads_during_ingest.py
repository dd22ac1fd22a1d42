"""The server keeps answering readers while a posted batch is ingested (issue 9, concurrency):
a real uvicorn server on loopback, the example corpus posted as one job, and reads of pages,
one event and one article issued until the job is done: every read answers 200 and several
of them are answered while the job is running."""

from __future__ import annotations

from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")

from serverdata import ARTICLES, TOKEN, live_server, wait_job  # noqa: E402

from storyweave.io.readers import read_paths  # noqa: E402
from storyweave.server import create_app  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"


@pytest.fixture
def server(tmp_path):
    """(base url, client) of a live server over a store that already holds ARTICLES."""
    app = create_app(tmp_path / "live.db", token=TOKEN, create=True)
    with live_server(app) as base, httpx.Client(
            base_url=base, timeout=30, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        first = client.post("/api/v1/articles", json=ARTICLES)
        assert first.status_code == 202
        wait_job(client, first.json()["url"], timeout=300)
        yield base, client


def test_readers_are_answered_while_a_batch_is_ingested(server):
    base, client = server
    articles, errors = read_paths([str(EXAMPLES)])
    assert articles and not errors
    batch = [{"id": f"live-{a.id}", "text": a.text, "title": a.title, "source": a.source, "published": a.published}
             for a in articles]
    event_id = client.get("/api/v1/events", params={"limit": 1}).json()["items"][0]["id"]

    posted = client.post("/api/v1/articles", json=batch)
    assert posted.status_code == 202
    job_url = posted.json()["url"]
    statuses: list[int] = []
    read_while_running = 0
    with httpx.Client(base_url=base, timeout=10) as reader:  # a reader with no token
        while True:
            status = client.get(job_url).json()["status"]
            if status in ("done", "failed"):
                break
            for path in ("/api/v1/events?limit=5", f"/api/v1/events/{event_id}", "/api/v1/articles/p1", "/"):
                statuses.append(reader.get(path).status_code)
            if status == "running":
                read_while_running += 1
    assert status == "done"
    assert statuses and set(statuses) == {200}, statuses
    assert read_while_running >= 3, read_while_running
    total = client.get("/api/v1/articles", params={"limit": 1}).json()["total"]
    assert total == len(ARTICLES) + len(batch)  # the batch landed, nothing stored twice
