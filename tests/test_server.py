"""REST API over the store: add articles, list and fetch events, stories, articles."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="server extra (fastapi) not installed")
from fastapi.testclient import TestClient

from storyweave.server import create_app

QUAKE = ("A magnitude 6.1 earthquake struck the mountain town of Valdoria on Monday, officials said. "
         "At least 1.7 million people lost power across the region.")
QUAKE_2 = ("An earthquake of magnitude 6.1 hit the mountain town of Valdoria on Monday. "
           "Officials said 1.5 million people lost power across the region.")


@pytest.fixture
def client(tmp_path):
    return TestClient(create_app(tmp_path / "api.db"))


def test_add_then_read_back(client):
    posted = client.post("/articles", json=[
        {"id": "p1", "text": QUAKE, "source": "Post", "published": "2024-03-04", "title": "Quake <b>hits</b>"},
        {"id": "w1", "text": QUAKE_2, "source": "Wire", "published": "2024-03-04"},
    ])
    assert posted.status_code == 200, posted.text
    body = posted.json()
    assert body["new"] == ["p1", "w1"] and body["updated"] == []

    article = client.get("/articles/p1").json()
    assert article["text"] == QUAKE and article["source"] == "Post" and article["published"] == "2024-03-04"

    events = client.get("/events").json()
    assert sum(e["articles"] for e in events) == 2
    event = client.get(f"/events/{events[0]['id']}").json()
    assert {"summary", "facts", "timeline", "articles"} <= set(event)
    assert isinstance(client.get("/stories").json(), list)
    assert [h["id"] for h in client.get("/search", params={"q": "Valdoria"}).json()] != []

    from storyweave.render.contract import validate

    validate(client.get("/briefings.json").json())
    assert client.get("/runs").json()[0]["counts"]["new"] == 2

    page = client.get("/")
    assert page.status_code == 200 and 'id="add-form"' in page.text
    assert "Quake <b>hits</b>" not in page.text and "Quake &lt;b&gt;hits&lt;/b&gt;" in page.text


def test_same_article_twice_is_unchanged_and_new_text_updates(client):
    article = {"id": "p1", "text": QUAKE, "source": "Post"}
    assert client.post("/articles", json=article).json()["new"] == ["p1"]
    assert client.post("/articles", json=article).json()["unchanged"] == ["p1"]
    changed = client.post("/articles", json={**article, "text": QUAKE + " Schools were closed."}).json()
    assert changed["updated"] == ["p1"]
    assert client.get("/articles/p1").json()["text"].endswith("Schools were closed.")


def test_errors(client):
    assert client.get("/events/nope").status_code == 404
    assert client.get("/articles/nope").status_code == 404
    assert client.post("/articles", json={"id": "x"}).status_code == 422  # no text
    assert client.post("/articles", json={"id": "x", "text": "t", "published": "yesterday"}).status_code == 422
    assert client.post("/articles", json=[]).status_code == 422
