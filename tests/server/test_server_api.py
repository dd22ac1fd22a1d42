"""REST API under /api/v1: pages, one object, search, jobs, ETags, gzip, OpenAPI, offline docs; the
fast path of the hot reads (server.fast) equal to FastAPI's answers."""

from __future__ import annotations

import asyncio
import gzip
import json
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi", reason="server extra (fastapi) not installed")
from fastapi.testclient import TestClient  # noqa: E402
from serverdata import ARTICLES, QUAKE, TOKEN  # noqa: E402

from storyweave.io import store  # noqa: E402
from storyweave.io.render.contract import validate  # noqa: E402
from storyweave.server import create_app  # noqa: E402
from storyweave.server.fast import FastReads, page_params  # noqa: E402

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
    from storyweave.io.render.contract import event_dict
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


# server.fast: the three hot reads answered before FastAPI must be exactly FastAPI's answers
# (body, status, headers, ETag/304, gzip), and everything else must go on to FastAPI
@pytest.fixture(scope="module")
def both(served):
    """(fast client, FastAPI-only client) over the same store."""
    client, app = served
    slow = TestClient(create_app(app.state.db, fast_reads=False))
    return client, slow, app


def _urls(app) -> list[str]:
    conn = app.state.readers.get()
    events = [r.id for r in store.list_events(conn, 500, 0)]
    articles = [r[0] for r in conn.execute("SELECT id FROM articles")]
    story = next(r.story_id for r in store.list_events(conn, 500, 0) if r.story_id)
    return ([f"/api/v1/events/{quote(e, safe='')}" for e in events]
            + [f"/api/v1/articles/{quote(a, safe='')}" for a in articles]
            + ["/api/v1/events", "/api/v1/events?limit=1&offset=1", "/api/v1/events?offset=2&limit=3",
               f"/api/v1/events?story_id={quote(story)}", "/api/v1/events?story_id=", "/api/v1/events?limit=0050",
               "/api/v1/events?limit=501", "/api/v1/events?limit=0", "/api/v1/events?limit=-1", "/api/v1/events?limit=x",
               "/api/v1/events?limit=1&limit=2", "/api/v1/events?other=1", "/api/v1/events?offset=99999",
               "/api/v1/events/nope", "/api/v1/events/", "/api/v1/articles/nope", "/api/v1/articles/evil%2F..%2F1",
               f"/api/v1/events/{quote(events[0], safe='')}?x=1", "/api/v1/stories", "/api/v1/outlets"])


def _headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in ("content-length", "date", "server")}


@pytest.mark.parametrize("encoding", ["identity", "gzip"])
def test_fast_answers_equal_fastapi_answers(both, encoding):
    fast, slow, app = both
    for url in _urls(app):
        a = fast.get(url, headers={"accept-encoding": encoding})
        b = slow.get(url, headers={"accept-encoding": encoding})
        assert (a.status_code, a.content) == (b.status_code, b.content), url
        assert _headers(a) == _headers(b), url
        if a.status_code == 200 and "etag" in a.headers:  # the same tag revalidates on both
            for client in (fast, slow):
                again = client.get(url, headers={"if-none-match": a.headers["etag"], "accept-encoding": encoding})
                assert again.status_code == 304 and again.content == b"", url
                assert _headers(again) == {k: v for k, v in _headers(a).items()
                                           if k not in ("content-type", "content-encoding", "vary")}, url


def _call(middleware: FastReads, path: str, query: bytes = b"", method: str = "GET",
          headers: list | None = None) -> tuple[list[dict], bool]:
    sent: list[dict] = []
    passed = []

    async def inner(scope, receive, send):
        passed.append(scope["path"])

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b""}

    scope = {"type": "http", "method": method, "path": path, "query_string": query, "headers": headers or [],
             "root_path": ""}
    middleware.app = inner
    asyncio.run(middleware(scope, receive, send))
    return sent, bool(passed)


def test_fast_path_answers_the_hot_reads_itself_and_passes_the_rest_on(served):
    _, app = served
    conn = app.state.readers.get()
    event = store.list_events(conn, 1, 0)[0].id
    article = conn.execute("SELECT id FROM articles").fetchone()[0]
    middleware = FastReads(None, app.state.readers.get)
    for path, query in ((f"/api/v1/events/{event}", b""), (f"/api/v1/articles/{article}", b""),
                        ("/api/v1/events", b"limit=5&offset=1")):
        sent, passed = _call(middleware, path, query)
        assert not passed and sent[0]["status"] == 200, path
    big = _call(middleware, f"/api/v1/events/{event}", headers=[(b"accept-encoding", b"gzip, br")])[0]
    body = big[1]["body"]
    if (b"content-encoding", b"gzip") in big[0]["headers"]:
        body = gzip.decompress(body)
    assert body == _call(middleware, f"/api/v1/events/{event}")[0][1]["body"]
    for path, query, method in (("/api/v1/events/nope", b"", "GET"), (f"/api/v1/events/{event}", b"", "HEAD"),
                                ("/api/v1/events", b"limit=0", "GET"), ("/api/v1/stories", b"", "GET"),
                                ("/api/v1/events", b"", "POST"), (f"/api/v1/articles/{article}", b"a=1", "GET")):
        sent, passed = _call(middleware, path, query, method)
        assert passed and not sent, (path, query, method)


def test_page_params_accepts_only_what_fastapi_would_take_as_is():
    assert page_params(b"") == (50, 0, None)
    assert page_params(b"limit=7&offset=3&story_id=s%201") == (7, 3, "s 1")
    for query in (b"limit=0", b"limit=501", b"limit=-1", b"limit=+1", b"offset=1.0", b"limit=1&limit=1", b"q=1",
                  b"limit=%EF%BC%91"):  # the last: a full-width digit, left to FastAPI
        assert page_params(query) is None, query
