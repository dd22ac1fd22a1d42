"""Command line: `storyweave run|add|report|brief|stages|search|runs|serve`.

Errors about single inputs are printed as one plain line `path: reason` on stderr and the
batch goes on; long work shows a rich progress bar (on a terminal only).
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyweave import __version__, store
from storyweave.model import Corpus, ReadError
from storyweave.settings import Settings

if TYPE_CHECKING:
    from storyweave.engines.local import IngestResult

app = typer.Typer(
    name="storyweave",
    help="News event intelligence: many reports from many outlets -> one verified, cited briefing per event.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)
_console = Console(stderr=True)

DB_OPTION = typer.Option(Path(store.DEFAULT_DB), "--db", help="SQLite store (created if missing).")
WORDS_OPTION = typer.Option(Settings().summary_words, "--words", "-w", min=10, help="Words per event summary.")
PATHS_ARGUMENT = typer.Argument(..., help="Files or folders (searched recursively): .txt, .html, .json/.jsonl, RSS/Atom.")


def _error(line: str) -> None:
    """One plain line on stderr (never wrapped, so each error stays on one line)."""
    typer.echo(line, err=True)


def _fail(message: str, code: int = 1) -> None:
    _error(f"error: {message}")
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"storyweave {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """storyweave: duplicates, events, stories and a cited briefing per event, from news reports."""


# ---------------------------------------------------------------------------------------------
# ingest: read -> merge with the store -> pipeline -> save (one transaction)


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=_console, transient=True,
    )


VERBOSE_OPTION = typer.Option(False, "--verbose", "-v", help="Show the time each stage took.")
FRESH_OPTION = typer.Option(False, "--fresh", help="Re-run every stage without the stored cache of per-article "
                            "parses and per-event results (implies --force).")


ENGINE_OPTION = typer.Option("local", "--engine", help="Where the stages run: 'local' (this process) or 'ray' "
                             "(per-article parsing spread over Ray workers; needs `pip install storyweave[ray]`).")
RAY_ADDRESS_OPTION = typer.Option(None, "--ray-address", help="Ray cluster to join (default: start a local one).")


def _runner(engine: str, ray_address: str | None):
    if engine == "local":
        return None
    if engine != "ray":
        _fail(f"--engine: unknown engine '{engine}' (choose local or ray)", 2)
    try:
        import ray  # noqa: F401
    except ImportError:
        _fail("--engine ray: Ray is not installed (pip install 'storyweave[ray]')", 2)
    from storyweave.engines.ray import make_runner

    return make_runner(ray_address)


def _ingest(paths: list[Path], db: Path, words: int, command: str, force: bool = False,
            verbose: bool = False, fresh: bool = False, engine: str = "local",
            ray_address: str | None = None) -> IngestResult:
    from storyweave.engines.local import StageError, ingest  # imported here: `--help` stays fast
    from storyweave.pipeline import STAGES
    from storyweave.readers import read_paths

    runner = _runner(engine, ray_address)
    with _console.status("reading inputs…"):
        articles, errors = read_paths([str(p) for p in paths])
    for error in errors:
        _error(str(error))
    if not articles:
        _fail(f"nothing could be read from {', '.join(str(p) for p in paths)} ({len(errors)} unreadable input(s))")
    try:
        conn = store.connect(db)
    except store.StoreError as exc:
        _fail(str(exc), 2)
    try:
        with _progress() as progress:
            task = progress.add_task("pipeline", total=len(STAGES))

            def report(name: str, index: int, total: int, finished: bool) -> None:
                progress.update(task, description=f"stage {name}", total=total, completed=index + finished)

            result = ingest(conn, articles, errors, Settings(summary_words=words), command=command,
                            inputs=[str(p) for p in paths], force=force, fresh=fresh, progress=report,
                            runner=runner)
    except StageError as exc:
        _fail(f"{exc} (the store was not changed)")
    except sqlite3.Error as exc:
        _fail(f"{db}: {exc} (the store was not changed)", 2)
    finally:
        conn.close()
    for error in result.corpus.errors[len(errors):]:  # e.g. the same id twice in the batch
        _error(str(error))
    if verbose:
        if not result.processed:
            _error("nothing new or changed: stages not run (use --force to re-run them)")
        for name, seconds in result.seconds.items():
            _error(f"stage {name}: {seconds:.2f}s")
    return result


def _reason(error: ReadError) -> str:
    """The kind of a reason without its specifics (line numbers, details in brackets), so that
    alike errors are counted together: 'line 2: invalid JSON (...)' -> 'invalid JSON'."""
    reason = re.sub(r"^(line|row|item|entry) \d+:\s*", "", error.reason.strip(), flags=re.IGNORECASE)
    reason = re.sub(r"\s*[(\[].*$", "", reason).split(":", 1)[0].strip()
    return reason or "unreadable"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def summary_line(outcome: IngestResult) -> str:
    m, c = outcome.merge, outcome.corpus
    reasons = Counter(_reason(e) for e in c.errors)
    skipped = f"skipped {len(c.errors)}"
    if reasons:
        skipped += " (" + ", ".join(f"{n} {r}" for r, n in reasons.most_common()) + ")"
    duplicates = sum(1 for a in c.articles if a.duplicate_of)
    return (
        f"read {_plural(m.read, 'article')} ({len(m.new)} new, {len(m.updated)} updated, "
        f"{len(m.unchanged)} unchanged); {skipped}; {_plural(duplicates, 'duplicate')}; "
        f"{_plural(len(c.events), 'event')}; {_plural(len(c.stories), 'story', 'stories')}; "
        f"{_plural(len(c.articles), 'article')} in store"
    )


LLM_ENDPOINT_OPTION = typer.Option(
    None, "--llm-endpoint", envvar="STORYWEAVE_LLM_ENDPOINT",
    help="Optional OpenAI-compatible endpoint (e.g. http://localhost:8080/v1) to reword each event summary; "
         "sentences the sources do not support are dropped. API key from $OPENAI_API_KEY. Off by default.")
LLM_MODEL_OPTION = typer.Option("default", "--llm-model", envvar="STORYWEAVE_LLM_MODEL",
                                help="Model name sent to --llm-endpoint.")


def _reword(corpus: Corpus, endpoint: str, model: str, words: int) -> None:
    """Optional abstractive pass at the edge: stops at the first endpoint failure, extractive stays."""
    from storyweave.brief.abstractive import abstractive_summary, openai_compatible

    complete = openai_compatible(endpoint, model)
    done = 0
    for event in corpus.events:
        try:
            event.reworded_summary = abstractive_summary(event, complete, max_words=words)
        except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            _error(f"{endpoint}: rewording stopped ({type(exc).__name__}: {exc}); extractive summaries kept")
            return
        done += 1
    _console.print(f"reworded {done} event summaries via {endpoint}", highlight=False)


def _write_reports(corpus: Corpus, out: Path, llm_endpoint: str | None = None, llm_model: str = "default",
                   words: int = 120) -> None:
    from storyweave.render import check_document, write_reports
    from storyweave.render.contract import to_briefings

    if llm_endpoint:
        _reword(corpus, llm_endpoint, llm_model, words)

    document = to_briefings(corpus)
    problems = check_document(document, out)  # not re-validated when `out` holds the same content
    for problem in problems:
        _error(f"warning: briefings.json breaks the output schema at {problem}")
    try:
        paths = write_reports(corpus, out, document=document)
    except OSError as exc:
        _fail(f"{out}: cannot write reports ({exc.strerror or exc})")
    _console.print(f"wrote {paths['json']}, {paths['markdown']}, {paths['html']}", highlight=False, soft_wrap=True)


@app.command()
def run(
    paths: list[Path] = PATHS_ARGUMENT,
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Folder for briefings.json, briefings.md, index.html."),
    db: Path = DB_OPTION,
    words: int = WORDS_OPTION,
    force: bool = typer.Option(False, "--force", help="Re-run the stages even if no article is new or changed."),
    verbose: bool = VERBOSE_OPTION,
    fresh: bool = FRESH_OPTION,
    llm_endpoint: str | None = LLM_ENDPOINT_OPTION,
    llm_model: str = LLM_MODEL_OPTION,
    engine: str = ENGINE_OPTION,
    ray_address: str | None = RAY_ADDRESS_OPTION,
) -> None:
    """Read PATHS, merge them with the store, run the pipeline, save, and write the reports."""
    outcome = _ingest(paths, db, words, command="run", force=force, verbose=verbose, fresh=fresh,
                      engine=engine, ray_address=ray_address)
    _write_reports(outcome.corpus, out, llm_endpoint, llm_model, words)
    typer.echo(summary_line(outcome))


@app.command()
def add(
    paths: list[Path] = PATHS_ARGUMENT,
    db: Path = DB_OPTION,
    words: int = WORDS_OPTION,
    force: bool = typer.Option(False, "--force", help="Re-run the stages even if no article is new or changed."),
    verbose: bool = VERBOSE_OPTION,
    fresh: bool = FRESH_OPTION,
    engine: str = ENGINE_OPTION,
    ray_address: str | None = RAY_ADDRESS_OPTION,
) -> None:
    """Read PATHS and process them into the store, without writing reports."""
    outcome = _ingest(paths, db, words, command="add", force=force, verbose=verbose, fresh=fresh,
                      engine=engine, ray_address=ray_address)
    typer.echo(summary_line(outcome))


@app.command()
def report(
    out: Path = typer.Option(Path("out"), "--out", "-o", help="Folder for briefings.json, briefings.md, index.html."),
    db: Path = DB_OPTION,
    words: int = WORDS_OPTION,
    llm_endpoint: str | None = LLM_ENDPOINT_OPTION,
    llm_model: str = LLM_MODEL_OPTION,
) -> None:
    """Write the reports from what the store holds (no reading, no processing)."""
    if not db.exists():
        _fail(f"{db}: no such store (run `storyweave add` or `storyweave run` first)")
    try:
        conn = store.connect(db)
    except store.StoreError as exc:
        _fail(str(exc), 2)
    try:
        corpus = store.load_corpus(conn, with_cache=False)
        last = store.runs(conn, limit=1)
    finally:
        conn.close()
    if last:
        corpus.changes = last[0].changes
    _write_reports(corpus, out, llm_endpoint, llm_model, words)
    typer.echo(f"{len(corpus.articles)} articles; {len(corpus.events)} events; {len(corpus.stories)} stories")


@app.command()
def brief(
    clusters: Path = typer.Argument(..., help='JSONL, one cluster a line: {"id", "documents": [text, ...], "max_words"?}'),
    out: Path = typer.Option(..., "--out", "-o", help="JSONL output, one briefing a line."),
    words: int = WORDS_OPTION,
) -> None:
    """Brief each cluster of documents (one JSON object a line) into OUT; bad lines are reported and skipped."""
    try:
        from storyweave.brief import brief_cluster
    except ImportError as exc:
        _fail(f"storyweave.brief.brief_cluster is not available in this build ({exc})", 2)
    try:
        lines = clusters.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"{clusters}: cannot read ({getattr(exc, 'strerror', None) or exc})")
    done = bad = 0
    try:
        sink = out.open("w", encoding="utf-8")
    except OSError as exc:
        _fail(f"{out}: cannot write ({exc.strerror or exc})")
    with sink, _progress() as progress:
        task = progress.add_task("briefing clusters", total=len(lines))
        for number, line in enumerate(lines, 1):
            progress.advance(task)
            if not line.strip():
                continue
            record, problem = _cluster_record(line)
            if problem is None:
                try:
                    result = brief_cluster(record, words)
                    sink.write(json.dumps(result, ensure_ascii=False, default=_jsonable) + "\n")
                    done += 1
                    continue
                except Exception as exc:  # one bad cluster must not stop the batch
                    problem = f"{type(exc).__name__}: {exc}"
            bad += 1
            _error(f"{clusters}:{number}: {problem}")
    typer.echo(f"briefed {done} clusters; skipped {bad} bad lines; wrote {out}")
    if done == 0:
        raise typer.Exit(1)


def _cluster_record(line: str) -> tuple[dict[str, Any], str | None]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {}, f"invalid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(record, dict):
        return {}, "expected a JSON object"
    if "id" not in record:
        return record, "missing field 'id'"
    documents = record.get("documents")
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        return record, "'documents' must be a list of strings"
    if not documents:
        return record, "'documents' is empty"
    if "max_words" in record and not (isinstance(record["max_words"], int) and record["max_words"] > 0):
        return record, "'max_words' must be a positive integer"
    return record, None


def _jsonable(obj: Any) -> Any:
    from dataclasses import asdict, is_dataclass

    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


@app.command()
def stages() -> None:
    """List the pipeline stages in the order they run."""
    from storyweave.pipeline import STAGES

    table = Table("#", "stage", "what it does", box=None, header_style="bold")
    for index, stage in enumerate(STAGES, 1):
        table.add_row(str(index), stage.name, stage.doc)
    Console().print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of briefings.json."""
    from storyweave.render.contract import schema as contract_schema

    typer.echo(json.dumps(contract_schema(), indent=2, ensure_ascii=False))


@app.command()
def search(
    query: str = typer.Argument(..., help="Words or an FTS5 query (\"exact phrase\", a OR b, prefix*)."),
    db: Path = DB_OPTION,
    limit: int = typer.Option(20, "--limit", "-n", min=1),
) -> None:
    """Full-text search over the stored articles."""
    _load_store(db) if not db.exists() else None
    hits = store.search(db, query, limit)
    if not hits:
        typer.echo("no matches")
        raise typer.Exit(1)
    table = Table("article", "event", "outlet", "title", "match", box=None, header_style="bold")
    for hit in hits:
        table.add_row(hit.id, hit.event_id or "", hit.source or "", hit.title or "", hit.snippet)
    Console().print(table)


def _load_store(db: Path) -> Corpus:
    if not db.exists():
        _fail(f"{db}: no such store")
    try:
        return store.load_corpus(db, with_cache=False)
    except (store.StoreError, sqlite3.Error) as exc:
        _fail(f"{db}: {exc}", 2)
        raise  # unreachable


@app.command(name="events")
def list_events(db: Path = DB_OPTION) -> None:
    """List the stored events (date, title, story, articles, outlets, independent sources)."""
    corpus = _load_store(db)
    by_id = corpus.by_id()
    console = Console()
    id_w = max((len(e.id) for e in corpus.events), default=5)
    story_w = max((len(e.story_id or "") for e in corpus.events), default=5)
    title_w = max(12, console.width - (id_w + 10 + story_w + 4 + 4 + 5) - 2 * 7)
    table = Table(box=None, header_style="bold")
    table.add_column("event", no_wrap=True)
    table.add_column("date", no_wrap=True)
    table.add_column("title", no_wrap=True, max_width=title_w, overflow="ellipsis")
    table.add_column("story", no_wrap=True)
    for name in ("arts", "outl", "indep"):
        table.add_column(name, justify="right", no_wrap=True)
    for e in sorted(corpus.events, key=lambda e: (e.date or "9999", e.id)):
        outlets = {by_id[i].source for i in e.article_ids if i in by_id and by_id[i].source}
        title = e.title if len(e.title) <= title_w else e.title[: title_w - 1] + "…"
        table.add_row(e.id, e.date or "", title, e.story_id or "", str(len(e.article_ids)), str(len(outlets)),
                      str(e.independent_sources or ""))
    console.print(table)


@app.command()
def show(
    event_id: str = typer.Argument(..., help="Event id (see `storyweave events`)."),
    db: Path = DB_OPTION,
    as_json: bool = typer.Option(False, "--json", help="Print the event as contract JSON instead of Markdown."),
) -> None:
    """Print one event's briefing (Markdown, or JSON with --json)."""
    from storyweave.render.contract import event_dict
    from storyweave.render.markdown import render_event_markdown

    corpus = _load_store(db)
    if as_json:
        event = next((e for e in corpus.events if e.id == event_id), None)
        text = json.dumps(event_dict(event, corpus.by_id()), ensure_ascii=False, indent=2) if event else None
    else:
        text = render_event_markdown(corpus, event_id)
    if text is None:
        _fail(f"no event {event_id!r} in {db} (see `storyweave events`)")
    typer.echo(text)


@app.command(name="runs")
def list_runs(db: Path = DB_OPTION, limit: int = typer.Option(10, "--limit", "-n", min=1)) -> None:
    """Show the most recent runs recorded in the store (counts and changes)."""
    if not db.exists():
        _fail(f"{db}: no such store")
    table = Table("run", "finished", "command", "read", "new", "updated", "events", "stories", "changes",
                  box=None, header_style="bold")
    for r in store.runs(db, limit):
        c = r.counts
        table.add_row(str(r.id), r.finished[:16].replace("T", " "), r.command, *(str(c.get(k, "")) for k in
                      ("read", "new", "updated", "events", "stories")), str(len(r.changes)))
    Console().print(table)


@app.command()
def serve(
    db: Path = DB_OPTION,
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port."),
) -> None:
    """Serve the store over a REST API and a small web page (needs fastapi + uvicorn)."""
    try:
        import uvicorn

        from storyweave.server import create_app
    except ImportError as exc:
        _fail(f"the server needs fastapi and uvicorn ({exc})", 2)
    uvicorn.run(create_app(db), host=host, port=port)


def entry() -> None:  # pragma: no cover - console script convenience
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
