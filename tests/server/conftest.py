"""A small store built through the API itself (token, 202, background job), shared by the
server tests of one module."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="server extra (fastapi) not installed")
from fastapi.testclient import TestClient  # noqa: E402
from serverdata import ARTICLES, TOKEN, wait_job  # noqa: E402

from storyweave.server import create_app  # noqa: E402


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(client, app) over a store holding ARTICLES, written through POST /api/v1/articles."""
    db = tmp_path_factory.mktemp("server") / "api.db"
    app = create_app(db, token=TOKEN, create=True)
    client = TestClient(app)
    posted = client.post("/api/v1/articles", json=ARTICLES, headers={"Authorization": f"Bearer {TOKEN}"})
    assert posted.status_code == 202, posted.text
    job = wait_job(client, posted.json()["url"])
    assert job["status"] == "done", job
    return client, app
