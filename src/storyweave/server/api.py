"""The JSON API under /api/v1: every response has a model (so /openapi.json documents it),
listings are pages (`limit`, `offset`, `total`), and each request runs only the SQL its
answer needs."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Annotated, Any

import orjson
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import TypeAdapter, ValidationError

from storyweave.io import store
from storyweave.io.render.contract import article_dict, story_dict
from storyweave.model import Article as ArticleModel
from storyweave.server import models as m

if TYPE_CHECKING:
    from storyweave.server import Readers
    from storyweave.server.jobs import JobState

PREFIX = "/api/v1"
router = APIRouter(prefix=PREFIX, tags=["api"])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": m.Error, "description": "No such object."}}


def db(request: Request) -> sqlite3.Connection:
    """This thread's read connection (called inside each endpoint, on the thread that uses it)."""
    readers: Readers = request.app.state.readers  # set by create_app (Starlette's state is untyped)
    return readers.get()

MAX_LIMIT = 500  # largest page a list endpoint serves
PAGE_SIZE = 50  # default page size of the list endpoints
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]


def event_summary(row: store.EventRow) -> dict[str, Any]:
    """An events-listing item: the row's fields plus the event's API URL."""
    return {**row.__dict__, "url": f"{PREFIX}/events/{row.id}"}


def fast_json(body: bytes) -> Response:
    """The hot GET endpoints answer with their JSON bytes directly (orjson: compact UTF-8, like
    json.dumps(ensure_ascii=False)): the data is the contract's own (contract.event_dict /
    article_dict, whose models tests/server check against the schema), so re-validating it through
    pydantic on every request would only cost time. The declared `response_model` still documents
    the response in /openapi.json."""
    return Response(body, media_type="application/json")


def article_summary(row: store.ArticleRow) -> m.ArticleSummary:
    """An articles-listing item from its row."""
    return m.ArticleSummary(**row.__dict__)


def filters(
    outlet: Annotated[str | None, Query(description="Outlet (article source), exactly.")] = None,
    language: Annotated[str | None, Query(description="Language code, e.g. en.")] = None,
    date_from: Annotated[str | None, Query(alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$",
                                           description="Published on or after (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=r"^\d{4}-\d{2}-\d{2}$",
                                         description="Published on or before (YYYY-MM-DD).")] = None,
    entity: Annotated[str | None, Query(description="Only articles that mention this entity.")] = None,
) -> tuple[store.ArticleFilter, str | None]:
    """The article filter of a request's query (outlet, language, date range) and the entity asked for."""
    return store.ArticleFilter(date_from, date_to, outlet or None, language or None), entity or None


def resolve(conn: sqlite3.Connection, flt: tuple[store.ArticleFilter, str | None]) -> store.ArticleFilter:
    """The filter with the entity turned into the ids of the articles that mention it."""
    article_filter, entity = flt
    if entity:
        article_filter.article_ids = sorted({i for m in store.entity_mentions(conn, entity) for i in m.article_ids})
    return article_filter


Filters = Annotated[tuple[store.ArticleFilter, str | None], Depends(filters)]


def events_page_body(conn: sqlite3.Connection, limit: int, offset: int, story_id: str | None) -> bytes:
    """The JSON of a page of events (GET /events; also served by `server.fast`)."""
    rows = store.list_events(conn, limit, offset, story_id)
    return orjson.dumps({"total": store.count_events(conn, story_id), "limit": limit, "offset": offset,
                         "items": [event_summary(r) for r in rows]})


def event_body(conn: sqlite3.Connection, event_id: str) -> bytes | None:
    """The JSON of one event with its articles' listing rows, None if there is no such event
    (GET /events/{id}; also served by `server.fast`)."""
    data = store.get_event_data(conn, event_id)
    if data is None:
        return None
    rows = store.article_rows(conn, data["article_ids"])  # no article text: the listing fields only
    data = contract_event_data(data)
    data["sources"] = sorted({r.source for r in rows.values() if r.source})
    data["unknown_outlets"] = sum(1 for i in data["article_ids"] if i in rows and not rows[i].source)
    data["articles"] = [rows[i].__dict__ for i in data["article_ids"] if i in rows]
    return orjson.dumps(data)


def article_body(conn: sqlite3.Connection, article_id: str) -> bytes | None:
    """The JSON of one article, None if there is none (GET /articles/{id}; also `server.fast`)."""
    article = store.get_article(conn, article_id)
    return None if article is None else orjson.dumps(article_dict(article))


@router.get("/events", response_model=m.Page[m.EventSummary], summary="List events, newest first")
async def list_events(request: Request, limit: Limit = PAGE_SIZE, offset: Offset = 0, story_id: str | None = None) -> Response:
    """A page of events, newest first (optionally one story's): undated ones after the dated, the
    largest first within a day and among the undated, events with no summary (pages with no news
    text) at the end."""
    # async: a few ms of SQLite on the event loop beats a thread-pool hop per request
    return fast_json(events_page_body(db(request), limit, offset, story_id))


@router.get("/events/{event_id:path}", response_model=m.EventDetail, responses=NOT_FOUND,
            summary="One event's briefing with its articles")
async def get_event(event_id: str, request: Request) -> Response:
    """One event's briefing with its member articles (without their text); 404 when unknown."""
    body = event_body(db(request), event_id)
    if body is None:
        raise HTTPException(404, f"no event {event_id!r}")
    return fast_json(body)


def contract_event_data(data: dict[str, Any]) -> dict[str, Any]:
    """`contract.event_dict` on the stored JSON of an event (same output, without rebuilding the
    dataclasses): ISO date, undated timeline entries as null."""
    from storyweave.io.render.contract import _iso_date, _timeline

    return {**data, "date": _iso_date(data.get("date")), "timeline": _timeline(data.get("timeline") or [])}


@router.get("/stories", response_model=m.Page[m.StorySummary], summary="List stories, latest first")
def list_stories(request: Request, limit: Limit = PAGE_SIZE, offset: Offset = 0) -> m.Page[m.StorySummary]:
    """A page of stories, latest first."""
    conn = db(request)
    rows = store.list_stories(conn, limit, offset)
    return m.Page[m.StorySummary](total=store.count_stories(conn), limit=limit, offset=offset,
                                  items=[m.StorySummary(**r.__dict__) for r in rows])


@router.get("/stories/{story_id:path}", response_model=m.Story, responses=NOT_FOUND, summary="One story")
def get_story(story_id: str, request: Request) -> dict[str, Any]:
    """One story; 404 when unknown."""
    conn = db(request)
    story = store.get_story(conn, story_id)
    if story is None:
        raise HTTPException(404, f"no story {story_id!r}")
    return story_dict(story)


@router.get("/articles", response_model=m.Page[m.ArticleSummary], summary="List articles, newest first")
def list_articles(request: Request, flt: Filters, limit: Limit = PAGE_SIZE, offset: Offset = 0) -> m.Page[m.ArticleSummary]:
    """A page of articles matching the filters, newest first."""
    conn = db(request)
    total, rows = store.list_articles(conn, resolve(conn, flt), limit, offset)
    return m.Page[m.ArticleSummary](total=total, limit=limit, offset=offset, items=[article_summary(r) for r in rows])


@router.get("/articles/{article_id:path}", response_model=m.Article, responses=NOT_FOUND, summary="One article")
async def get_article(article_id: str, request: Request) -> Response:
    """One article as in briefings.json; 404 when unknown."""
    body = article_body(db(request), article_id)
    if body is None:
        raise HTTPException(404, f"no article {article_id!r}")
    return fast_json(body)


@router.get("/search", response_model=m.Page[m.SearchHit], summary="Full-text search (FTS5) with filters")
def search(request: Request, flt: Filters, q: Annotated[str, Query(min_length=1, description="Words or an FTS5 query.")],
           limit: Limit = 20, offset: Offset = 0) -> m.Page[m.SearchHit]:
    """A page of full-text search hits matching `q` and the filters."""
    conn = db(request)
    total, hits = store.search_articles(conn, q, resolve(conn, flt), limit, offset)
    return m.Page[m.SearchHit](total=total, limit=limit, offset=offset, items=[m.SearchHit(**h.__dict__) for h in hits])


@router.get("/outlets", response_model=list[dict[str, Any]], summary="Known outlets, most articles first")
def outlets(request: Request) -> list[dict[str, Any]]:
    """Known outlets with their article and event counts, most articles first."""
    conn = db(request)
    return [o.__dict__ for o in store.list_outlets(conn)]


@router.get("/entities/{name:path}", response_model=list[dict[str, Any]], responses=NOT_FOUND,
            summary="The events an entity (name or alias) appears in")
def entity(name: str, request: Request) -> list[dict[str, Any]]:
    """The events an entity (name or alias) appears in; 404 when it appears in none."""
    conn = db(request)
    mentions = store.entity_mentions(conn, name)
    if not mentions:
        raise HTTPException(404, f"no entity {name!r}")
    return [x.__dict__ for x in mentions]


@router.get("/runs", response_model=list[m.Run], summary="Run log, most recent first")
def runs(request: Request, limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 20) -> list[dict[str, Any]]:
    """The run log, most recent first."""
    conn = db(request)
    return [r.__dict__ for r in store.runs(conn, limit)]


@router.get("/briefings.json", response_model=m.Briefings,
            summary="Everything, as the briefings.json contract (reads the whole store)")
def briefings(request: Request) -> dict[str, Any]:
    """The whole store as the briefings.json document."""
    conn = db(request)
    from storyweave.io.render.contract import to_briefings

    return to_briefings(store.load_corpus(conn, with_cache=False))


# ---------------------------------------------------------------------------------------------
# writes


def require_token(request: Request) -> None:
    """403 when the server has no token configured, 401 when the request's token is wrong."""
    check = request.app.state.token
    if not check.enabled:
        raise HTTPException(403, "writes are disabled: start the server with STORYWEAVE_TOKEN set "
                                 "or with --token-file FILE")
    auth = request.headers.get("authorization", "")
    given = auth[7:] if auth.lower().startswith("bearer ") else request.headers.get("x-storyweave-token")
    if not check.matches(given):
        raise HTTPException(401, "missing or wrong token (send 'Authorization: Bearer TOKEN')",
                            headers={"WWW-Authenticate": "Bearer"})


_ARTICLES_IN = TypeAdapter(list[m.ArticleIn])
_ARTICLE_IN_SCHEMA = m.ArticleIn.model_json_schema()
_BODY_SCHEMA = {"anyOf": [_ARTICLE_IN_SCHEMA, {"type": "array", "items": _ARTICLE_IN_SCHEMA, "minItems": 1}]}


def to_article(item: m.ArticleIn) -> ArticleModel:
    """The Article of a posted item (unknown keys kept in metadata, like the readers do)."""
    metadata = dict(item.metadata)
    metadata.update(item.model_extra or {})
    from storyweave.io.readers._common import record_article

    return record_article(ArticleModel(id=item.id, text=item.text, raw_text=item.text, source=item.source,
                                       url=item.url, title=item.title, published=item.published,
                                       language=item.language, metadata=metadata, path="api"))


def parse_articles(body: bytes) -> list[ArticleModel]:
    """The posted JSON (one article or a list) as articles; 422 names each problem once."""
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HTTPException(422, [{"loc": ["body"], "msg": f"invalid JSON: {exc}", "type": "json_invalid"}]) from exc
    items = [payload] if isinstance(payload, dict) else payload
    if not isinstance(items, list):
        raise HTTPException(422, [{"loc": ["body"], "msg": "expected an article object or a list of them",
                                   "type": "type_error"}])
    if not items:
        raise HTTPException(422, [{"loc": ["body"], "msg": "no articles given", "type": "too_short"}])
    try:
        parsed = _ARTICLES_IN.validate_python(items)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        if isinstance(payload, dict):  # one object posted: report it as `body.field`, not `body.0.field`
            errors = [{**e, "loc": e["loc"][1:]} for e in errors]
        raise HTTPException(422, [{**e, "loc": ["body", *e["loc"]]} for e in errors]) from exc
    from storyweave.errors import InputError

    articles = []
    for index, item in enumerate(parsed):
        try:
            articles.append(to_article(item))
        except InputError as exc:  # nothing but control characters
            loc = ["body", "text"] if isinstance(payload, dict) else ["body", index, "text"]
            raise HTTPException(422, [{"loc": loc, "msg": str(exc), "type": "value_error"}]) from exc
    return articles


@router.post("/articles", status_code=202, response_model=m.Job, dependencies=[Depends(require_token)],
             responses={401: {"model": m.Error}, 403: {"model": m.Error}, 413: {"model": m.Error},
                        422: {"model": m.Error}},
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": _BODY_SCHEMA}}}},
             summary="Add articles (one object or a list); processed in the background")
async def add_articles(request: Request) -> JSONResponse:
    """Queue the posted articles for ingest; 202 with the job and its URL in `Location`."""
    articles = parse_articles(await request.body())
    job = request.app.state.jobs.submit(articles)
    data = job_model(job).model_dump()
    return JSONResponse(data, status_code=202, headers={"Location": data["url"]})


def job_model(job: JobState) -> m.Job:
    """The API form of an ingest job."""
    return m.Job(id=job.id, status=job.status, url=f"{PREFIX}/jobs/{job.id}", articles=job.count, submitted=job.submitted, finished=job.finished,
                 error=job.error, result=job.result)


@router.get("/jobs/{job_id}", response_model=m.Job, responses=NOT_FOUND, summary="An ingest job's status")
def get_job(job_id: str, request: Request) -> m.Job:
    """An ingest job's status (and result once done); 404 when unknown."""
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise HTTPException(404, f"no job {job_id!r}")
    return job_model(job)
