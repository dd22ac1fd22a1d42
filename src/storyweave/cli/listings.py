"""The read-only commands, data on stdout: `stages`, `schema`, `search`, `events`, `show` and `runs`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from storyweave.cli.messages import fail, fail_store, message, plural
from storyweave.cli.options import DEFAULT_DB, DbOption, FormatOption, JsonOption
from storyweave.cli.output import emit, output_format
from storyweave.io import store

if TYPE_CHECKING:
    from storyweave.model import Corpus


def stages(fmt: FormatOption = "table", as_json: JsonOption = False) -> None:
    """List the pipeline stages in the order they run."""
    from storyweave.pipeline import STAGES

    fmt = output_format(fmt, as_json)
    rows = [{"index": i, "name": stage.name, "doc": stage.doc} for i, stage in enumerate(STAGES, 1)]
    emit(rows, ["index", "name", "doc"], fmt, headers=["#", "stage", "what it does"])


def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of briefings.json."""
    from storyweave.io.render.contract import schema as contract_schema

    typer.echo(json.dumps(contract_schema(), indent=2, ensure_ascii=False))


def search(
    query: Annotated[str, typer.Argument(help="Words or an FTS5 query (\"exact phrase\", a OR b, prefix*).")],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 20,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
) -> None:
    """Full-text search over the stored articles (matched words in [brackets]); exit 1 when nothing matches."""
    fmt = output_format(fmt, as_json)
    if not db.exists():
        fail(f"{db}: no such store")
    try:
        hits = store.search(db, query, limit)
    except (store.StoreError, sqlite3.Error) as exc:
        fail_store(db, exc)
        raise  # unreachable
    rows = [{"id": h.id, "event_id": h.event_id, "source": h.source, "title": h.title, "snippet": h.snippet}
            for h in hits]
    if not hits and fmt == "table":
        message("no matches")
        raise typer.Exit(1)
    emit(rows, ["id", "event_id", "source", "title", "snippet"], fmt,
         headers=["article", "event", "outlet", "title", "match"], truncate={"title": 40})
    if not hits:
        raise typer.Exit(1)


def _load_store(db: Path) -> Corpus:
    if not db.exists():
        fail(f"{db}: no such store")
    try:
        return store.load_corpus(db, with_cache=False)
    except (store.StoreError, sqlite3.Error) as exc:
        fail_store(db, exc)
        raise  # unreachable


def list_events(
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many events.")] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many events first.")] = 0,
) -> None:
    """List the stored events, newest first, undated last (date, title, story, articles, known
    outlets, articles of unknown outlet, independent sources)."""
    fmt = output_format(fmt, as_json)
    if not db.exists():
        fail(f"{db}: no such store")
    try:
        with store.using(db) as conn:
            total = store.count_events(conn)
            rows = store.list_events(conn, limit or max(total, 1), offset)
    except (store.StoreError, sqlite3.Error) as exc:
        fail_store(db, exc)
    data = [{"id": r.id, "date": r.date, "title": r.title, "story_id": r.story_id, "articles": r.articles,
             "outlets": r.outlets, "unknown_outlet_articles": r.unknown_outlet_articles,
             "independent_sources": r.independent_sources, "discrepancies": r.discrepancies} for r in rows]
    emit(data, ["id", "date", "title", "story_id", "articles", "outlets", "unknown_outlet_articles",
                "independent_sources"], fmt,
         headers=["event", "date", "title", "story", "arts", "outl", "unkn", "indep"], truncate={"title": 60})


def show(
    event_id: Annotated[str, typer.Argument(help="Event id (see `storyweave events`).")],
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print the event as contract JSON instead of Markdown.")] = False,
) -> None:
    """Print one event's briefing (Markdown, or JSON with --json)."""
    from storyweave.io.render.contract import event_dict
    from storyweave.io.render.markdown import render_event_markdown

    corpus = _load_store(db)
    if as_json:
        event = next((e for e in corpus.events if e.id == event_id), None)
        text = json.dumps(event_dict(event, corpus.by_id()), ensure_ascii=False, indent=2) if event else None
    else:
        text = render_event_markdown(corpus, event_id)
    if text is None:
        fail(f"no event {event_id!r} in {db} (see `storyweave events`)")
    typer.echo(text)


def list_runs(db: DbOption = DEFAULT_DB, limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 10,
              fmt: FormatOption = "table", as_json: JsonOption = False) -> None:
    """Show the most recent runs recorded in the store (counts and changes)."""
    fmt = output_format(fmt, as_json)
    if not db.exists():
        fail(f"{db}: no such store")
    try:
        records = store.runs(db, limit)
    except (store.StoreError, sqlite3.Error) as exc:
        fail_store(db, exc)
        raise  # unreachable
    if fmt in ("json", "jsonl"):
        emit([r.__dict__ for r in records], [], fmt)
        return
    rows = [{"id": r.id, "finished": r.finished if fmt != "table" else r.finished[:16].replace("T", " "),
             "command": r.command, **{k: r.counts.get(k, "") for k in ("read", "new", "updated", "failed", "events", "stories")},
             "changes": len(r.changes)} for r in records]
    emit(rows, ["id", "finished", "command", "read", "new", "updated", "failed", "events", "stories", "changes"], fmt,
         headers=["run", "finished", "command", "read", "new", "updated", "failed", "events", "stories", "changes"])
    failed = store.failed_articles(db)
    if failed and fmt == "table":  # still failed now (a later run that read them again may have fixed others)
        typer.echo(f"{plural(len(failed), 'article')} stored as failed (retried when read again):")
        for article in failed:
            typer.echo(f"  {article.path or article.id}: {article.id}: {article.failure}")
