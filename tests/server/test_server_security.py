"""Issue 9's security bullet: token for writes, 413 before reading, escaping, validation once."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="server extra (fastapi) not installed")
from fastapi.testclient import TestClient  # noqa: E402
from serverdata import TOKEN, wait_job  # noqa: E402

from storyweave.server import TOKEN_ENV, create_app, read_token_file  # noqa: E402

ONE = {"id": "a1", "text": "A bridge opened in Kestrel on Friday, the city said."}


@pytest.fixture
def locked(tmp_path, monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    return TestClient(create_app(tmp_path / "s.db", create=True))


@pytest.fixture
def small(tmp_path):
    return TestClient(create_app(tmp_path / "s.db", token=TOKEN, create=True, max_body=2000))


def test_no_token_configured_means_403_and_no_form(locked):
    response = locked.post("/api/v1/articles", json=ONE, headers={"Authorization": "Bearer anything"})
    assert response.status_code == 403 and "STORYWEAVE_TOKEN" in response.json()["detail"]
    home = locked.get("/").text
    assert 'id="add-form"' not in home and "STORYWEAVE_TOKEN" in home and "--token-file" in home


def test_token_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    client = TestClient(create_app(tmp_path / "s.db", create=True))
    assert client.post("/api/v1/articles", json=ONE, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert 'id="add-form"' in client.get("/").text


def test_wrong_or_missing_token_is_401(small):
    assert small.post("/api/v1/articles", json=ONE).status_code == 401
    assert small.post("/api/v1/articles", json=ONE, headers={"Authorization": f"Bearer {TOKEN}x"}).status_code == 401
    accepted = small.post("/api/v1/articles", json=ONE, headers={"X-Storyweave-Token": TOKEN})
    assert accepted.status_code == 202 and accepted.headers["location"] == accepted.json()["url"]
    job = wait_job(small, accepted.json()["url"])
    assert job["status"] == "done" and job["result"]["new"] == ["a1"] and job["articles"] == 1
    assert small.get("/api/v1/jobs/nope").status_code == 404


def test_token_file(tmp_path):
    path = tmp_path / "token"
    path.write_text("abc123\n")
    assert read_token_file(path) == "abc123"
    path.write_text("  \n")
    with pytest.raises(ValueError, match="empty"):
        read_token_file(path)
    with pytest.raises(ValueError, match="cannot read"):
        read_token_file(tmp_path / "missing")


def test_body_over_limit_is_413_by_header_and_by_stream(small):
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    big = b'{"id": "x", "text": "' + b"a" * 5000 + b'"}'
    assert small.post("/api/v1/articles", content=big, headers=headers).status_code == 413

    def chunks():  # no Content-Length: counted as it streams
        yield b'{"id": "x", "text": "'
        for _ in range(100):
            yield b"a" * 100
        yield b'"}'

    response = small.post("/api/v1/articles", content=chunks(), headers=headers)
    assert response.status_code == 413 and "2000" in response.json()["detail"]


def test_validation_errors_are_reported_once(small):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    one = small.post("/api/v1/articles", json={"id": "x"}, headers=auth)
    assert one.status_code == 422
    assert [e["loc"] for e in one.json()["detail"]] == [["body", "text"]]
    many = small.post("/api/v1/articles", json=[ONE, {"id": "y", "text": "t", "published": "yesterday"}], headers=auth)
    assert [e["loc"] for e in many.json()["detail"]] == [["body", 1, "published"]]
    assert small.post("/api/v1/articles", json=[], headers=auth).status_code == 422
    assert small.post("/api/v1/articles", json="text", headers=auth).status_code == 422
    bad_json = small.post("/api/v1/articles", content=b"{nope", headers={**auth, "Content-Type": "application/json"})
    assert bad_json.status_code == 422 and "invalid JSON" in bad_json.text


def test_unknown_keys_go_to_metadata(small):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    job = wait_job(small, small.post("/api/v1/articles", json={**ONE, "section": "city"}, headers=auth).json()["url"])
    assert job["status"] == "done"
    from storyweave.io import store

    conn = small.app.state.readers.get()
    assert store.get_article(conn, "a1").metadata == {"section": "city"}


def test_impossible_dates_are_refused_like_malformed_ones(small):
    """`published` must be a date the readers accept: "2024-13-45" matches the field's pattern but is
    no date (it was stored as the article's date, and read as the event's)."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    posted = [ONE, {"id": "y", "text": "t", "published": "2024-13-45"}, {"id": "z", "text": "t", "published": "2024-02-30"},
              {"id": "ok", "text": "t", "published": "2024-02-29T10:00:00Z"}]
    response = small.post("/api/v1/articles", json=posted, headers=auth)
    assert response.status_code == 422, response.text
    assert [e["loc"] for e in response.json()["detail"]] == [["body", 1, "published"], ["body", 2, "published"]]


def test_posted_text_is_normalised_as_the_readers_do(small):
    """Control characters go as they go from files; a text of nothing else is a 422 naming the field."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    empty = small.post("/api/v1/articles", json=[ONE, {"id": "c", "text": "\u0000\u0007"}], headers=auth)
    assert empty.status_code == 422 and [e["loc"] for e in empty.json()["detail"]] == [["body", 1, "text"]]
    job = wait_job(small, small.post("/api/v1/articles", json={**ONE, "text": ONE["text"] + "\u0007\u0000"},
                                     headers=auth).json()["url"])
    assert job["status"] == "done"
    from storyweave.io import store

    stored = store.get_article(small.app.state.readers.get(), "a1")
    assert stored.raw_text == ONE["text"]
