"""REST API and a small web UI over the store (FastAPI).

GET  /                 the HTML report of everything stored, with a form to add an article
GET  /events           event list (id, title, date, story, counts); ?story_id= ?q= filter
GET  /events/{id}      one event's full briefing (contract fields) and its articles
GET  /stories          stories with their event ids and timeline
GET  /articles/{id}    one article (contract fields)
GET  /search?q=        full-text search over stored articles
GET  /briefings.json   the whole store as the briefings.json output contract
GET  /runs             the run log (counts and changes of each run)
POST /articles         add one article or a list: merged by id, stages run, store saved

Writes are serialised with a lock (one pipeline run at a time); reads open their own
SQLite connection per request.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from fastapi import Body, FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from storyweave import __version__, store
from storyweave.model import Article, Corpus
from storyweave.render.contract import article_dict, event_dict, story_dict
from storyweave.settings import Settings


class ArticleIn(BaseModel):
    """An article posted to the API (the same fields a JSON input file may carry)."""

    id: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1)
    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}")
    language: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    def to_article(self) -> Article:
        return Article(id=self.id, text=self.text, raw_text=self.text, source=self.source, url=self.url,
                       title=self.title, published=self.published, language=self.language,
                       metadata=dict(self.metadata), path="api")


def create_app(db: str | Path = store.DEFAULT_DB, settings: Settings | None = None) -> FastAPI:
    db_path = Path(db)
    store.connect(db_path).close()  # create / migrate once, fail early on a bad file
    write_lock = threading.Lock()
    app = FastAPI(title="storyweave", version=__version__,
                  description="Events, stories and cited briefings from news reports.")

    def load() -> Corpus:
        return store.load_corpus(db_path)

    def event_summary(e, by_id) -> dict[str, Any]:
        members = [by_id[i] for i in e.article_ids if i in by_id]
        return {"id": e.id, "title": e.title, "date": e.date, "story_id": e.story_id,
                "articles": len(e.article_ids), "independent_sources": e.independent_sources,
                "sources": sorted({a.source for a in members if a.source})}

    @app.get("/", response_class=HTMLResponse, summary="HTML report of the store")
    def index() -> str:
        from storyweave.render.html import render_html

        return render_html(load(), title="storyweave: stored events", add_form=True)

    @app.get("/events", summary="List events")
    def list_events(story_id: str | None = None, q: str | None = Query(None, description="text in the title")):
        corpus = load()
        by_id = corpus.by_id()
        events = [e for e in corpus.events
                  if (story_id is None or e.story_id == story_id) and (not q or q.lower() in (e.title or "").lower())]
        return [event_summary(e, by_id) for e in events]

    @app.get("/events/{event_id}", summary="One event's briefing")
    def get_event(event_id: str):
        corpus = load()
        by_id = corpus.by_id()
        for e in corpus.events:
            if e.id == event_id:
                data = event_dict(e, by_id)
                data["articles"] = [
                    {k: v for k, v in article_dict(by_id[i]).items() if k != "text"} for i in e.article_ids if i in by_id
                ]
                return data
        raise HTTPException(404, f"no event {event_id!r}")

    @app.get("/stories", summary="List stories")
    def list_stories():
        return [story_dict(s) for s in load().stories]

    @app.get("/articles/{article_id}", summary="One article")
    def get_article(article_id: str):
        article = load().by_id().get(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id!r}")
        return article_dict(article)

    @app.get("/search", summary="Full-text search")
    def search(q: str = Query(..., min_length=1), limit: int = Query(20, ge=1, le=200)):
        return [hit.__dict__ for hit in store.search(db_path, q, limit)]

    @app.get("/briefings.json", summary="Everything, as the briefings.json contract")
    def briefings():
        from storyweave.render.contract import to_briefings

        return to_briefings(load())

    @app.get("/runs", summary="Run log, most recent first")
    def runs(limit: int = Query(20, ge=1, le=500)):
        return [r.__dict__ for r in store.runs(db_path, limit)]

    @app.post("/articles", status_code=200, summary="Add articles (one object or a list)")
    def add_articles(payload: ArticleIn | list[ArticleIn] = Body(...)):
        from storyweave.engines.local import StageError, ingest

        items = payload if isinstance(payload, list) else [payload]
        if not items:
            raise HTTPException(422, "no articles given")
        with write_lock:
            conn = store.connect(db_path)
            try:
                result = ingest(conn, [i.to_article() for i in items], settings=settings or Settings(),
                                command="api", inputs=["api"])
            except StageError as exc:
                raise HTTPException(500, f"{exc}; nothing was stored") from exc
            finally:
                conn.close()
        by_id = result.corpus.by_id()
        return {
            "run_id": result.run_id,
            "new": result.merge.new, "updated": result.merge.updated, "unchanged": result.merge.unchanged,
            "repeated": result.merge.repeated,
            "events": {i.id: by_id[i.id].event_id for i in items if i.id in by_id},
            "changes": result.corpus.changes,
        }

    return app
