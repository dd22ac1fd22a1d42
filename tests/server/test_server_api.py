"""REST API under /api/v1: pages, one object, search, jobs, ETags, gzip, OpenAPI, offline docs."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi", reason="server extra (fastapi) not installed")
from serverdata import ARTICLES, QUAKE, TOKEN  # noqa: E402

from storyweave import store  # noqa: E402
from storyweave.render.contract import validate  # noqa: E402
from storyweave.server import create_app  # noqa: E402

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_job_result_and_read_back(served):
    client, _ = served
    article = client.get("/api/v1/articles/p1").json()
    assert article["text"] == QUAKE and article["source"] == "Post" and article["published"] == "2024-03-04"
    runs = client.get("/api/v1/runs").json()
    assert runs[0]["command"] == "api" and runs[0]["counts"]["new"] == len(ARTICLES)
    validate(client.get("/api/v1/briefings.json").json())


def test_event_pages_total_and_order(served):
    client, _ = served
    everything = client.get("/api/v1/events", params={"limit": 500}).json()
    assert everything["total"] == len(everything["items"]) >= 2
    assert sum(e["articles"] for e in everything["items"]) == len(ARTICLES)
    dates = [e["date"] for e in everything["items"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and dates[: len(dated)] == dated  # newest first, undated last
    page = client.get("/api/v1/events", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == everything["total"] and page["limit"] == 1 and page["offset"] == 1
    assert [e["id"] for e in page["items"]] == [everything["items"][1]["id"]]
    assert client.get("/api/v1/events", params={"limit": 0}).status_code == 422


def test_one_event_with_articles_and_unknown_outlets(served):
    client, _ = served
    quake = client.get("/api/v1/articles/p1").json()["event_id"]
    event = client.get(f"/api/v1/events/{quake}").json()
    assert {"summary", "facts", "timeline", "entities", "articles"} <= set(event)
    members = {a["id"] for a in event["articles"]}
    assert "p1" in members and all("text" not in a for a in event["articles"])
    listed = next(e for e in client.get("/api/v1/events").json()["items"] if e["id"] == quake)
    assert listed["unknown_outlet_articles"] == sum(1 for i in members if i == "u1")
    assert listed["outlets"] == len({a["source"] for a in event["articles"] if a["source"]})


def test_ids_with_slashes_and_dots_are_ids_not_paths(served):
    client, _ = served
    assert client.get("/api/v1/articles/evil%2F..%2F1").json()["id"] == "evil/../1"
    for probe in ("/api/v1/articles/..%2F..%2Fetc%2Fpasswd", "/api/v1/events/../../etc/passwd",
                  "/static/swagger/..%2F..%2F..%2F..%2Fetc%2Fpasswd", "/static/swagger/../../../etc/passwd"):
        response = client.get(probe)
        assert response.status_code == 404 and "root:" not in response.text, probe


def test_search_with_filters(served):
    client, _ = served
    hits = client.get("/api/v1/search", params={"q": "Valdoria"}).json()
    assert hits["total"] == 3 and all("[Valdoria]" in h["snippet"] for h in hits["items"])
    assert {h["id"] for h in client.get("/api/v1/search", params={"q": "Valdoria", "outlet": "Wire"}).json()["items"]} \
        == {"w1"}
    late = client.get("/api/v1/search", params={"q": "Valdoria", "from": "2024-03-05"}).json()
    assert [h["id"] for h in late["items"]] == ["u1"]
    assert client.get("/api/v1/search", params={"q": "Valdoria", "to": "March"}).status_code == 422
    assert client.get("/api/v1/search", params={"q": '"unbalanced'}).status_code == 200  # bad FTS syntax: a phrase


def test_etag_and_gzip(served):
    client, _ = served
    first = client.get("/api/v1/events")
    tag = first.headers["etag"]
    assert client.get("/api/v1/events", headers={"If-None-Match": tag}).status_code == 304
    assert client.get("/api/v1/events", params={"limit": 1}, headers={"If-None-Match": tag}).status_code == 200
    big = client.get("/api/v1/briefings.json", headers={"Accept-Encoding": "gzip"})
    assert big.headers.get("content-encoding") == "gzip"


def test_every_response_is_documented(served):
    client, _ = served
    spec = client.get("/openapi.json").json()
    paths = {p: ops for p, ops in spec["paths"].items() if p.startswith("/api/v1")}
    assert len(paths) >= 10
    for path, ops in paths.items():
        for method, op in ops.items():
            ok = op["responses"].get("200") or op["responses"].get("202")
            schema = ok["content"]["application/json"]["schema"]
            assert schema and schema != {}, (method, path)
    assert "ArticleIn" in str(spec["paths"]["/api/v1/articles"]["post"]["requestBody"]) or \
        "text" in str(spec["paths"]["/api/v1/articles"]["post"]["requestBody"])


def test_docs_are_served_from_local_files(served):
    client, _ = served
    page = client.get("/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in page and "cdn" not in page.lower()
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


def test_get_one_event_reads_only_what_it_answers(served):
    """Counting work, not time: the statements run for one event never scan the whole store."""
    client, app = served
    event_id = client.get("/api/v1/articles/p1").json()["event_id"]
    statements: list[str] = []
    app.state.readers.on_statement = statements.append
    try:
        for path in (f"/api/v1/events/{event_id}", "/api/v1/articles/p1", "/api/v1/events?limit=50"):
            assert client.get(path).status_code == 200
    finally:
        app.state.readers.on_statement = None
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert reads and all(" WHERE " in s.upper() or "count(*)" in s or "LIMIT" in s.upper() for s in reads), reads
    assert not any("ORDER BY rowid" in s for s in reads)


def test_store_must_exist_and_be_a_store(tmp_path):
    with pytest.raises(FileNotFoundError):
        create_app(tmp_path / "typo" / "store.db")
    assert not (tmp_path / "typo").exists()
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 100)
    with pytest.raises(store.StoreError):
        create_app(bad)


def test_event_fast_path_equals_the_contract_function(served):
    """The API builds an event from its stored JSON; it must equal contract.event_dict (the
    fields counted over the members, sources and unknown_outlets, are added from article rows)."""
    client, app = served
    from storyweave.render.contract import event_dict
    from storyweave.server.api import contract_event_data

    conn = app.state.readers.get()
    for row in store.list_events(conn, 50, 0):
        event = store.get_event(conn, row.id)
        members = store.get_articles(conn, event.article_ids)
        expected = event_dict(event, members)
        got = client.get(f"/api/v1/events/{row.id}").json()
        assert {k: v for k, v in got.items() if k != "articles"} == expected
        fast = contract_event_data(store.get_event_data(conn, row.id))
        assert fast == {k: v for k, v in expected.items() if k not in ("sources", "unknown_outlets")}  # from the members


def test_event_summaries_follow_the_events_table(served):
    _, app = served
    conn = app.state.readers.get()
    stored = {r["id"]: json.loads(r["data"]) for r in conn.execute("SELECT id, data FROM events")}
    rows = store.list_events(conn, 500, 0)
    assert {r.id for r in rows} == set(stored)
    for r in rows:
        assert (r.title, r.articles) == (stored[r.id]["title"], len(stored[r.id]["article_ids"]))


def test_event_pages_are_slices_of_the_whole_listing(served):
    """Pages (limit/offset, with and without story_id) are consecutive slices of one order, and
    event_rows gives the same rows as the listing, in the order asked."""
    _, app = served
    conn = app.state.readers.get()
    everything = store.list_events(conn, 500, 0)
    assert [r for k in range(len(everything)) for r in store.list_events(conn, 1, k)] == everything
    assert store.event_rows(conn, [r.id for r in reversed(everything)] + ["nope"]) == everything[::-1]
    for story in {r.story_id for r in everything if r.story_id}:
        assert store.list_events(conn, 500, 0, story) == [r for r in everything if r.story_id == story]
        assert store.count_events(conn, story) == sum(1 for r in everything if r.story_id == story)
