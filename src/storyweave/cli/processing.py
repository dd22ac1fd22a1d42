"""The commands that process and write: `run` and `add` (inputs into the store; `run` also writes
the reports), `report` (the reports from the store) and `brief` (clusters of documents, one
JSON object a line, into briefings).

The modules only these commands use (`ingest`, `reports`, `progress`) are imported when one of
them runs, so that `--help` and the listings do not load them."""

from __future__ import annotations

import gc
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from storyweave.cli.messages import EXIT_FAILED, EXIT_PARTIAL, error_line, fail, fail_store
from storyweave.cli.options import (
    DEFAULT_DB,
    DEFAULT_OUT,
    ConfigOption,
    DbOption,
    EngineOption,
    ForceOption,
    FreshOption,
    LlmEndpointOption,
    LlmModelOption,
    LockTimeoutOption,
    MaxCharsOption,
    OutOption,
    PathsArgument,
    RayAddressOption,
    SetOption,
    VerboseOption,
    WordsOption,
    load_config,
)
from storyweave.config import BriefConfig
from storyweave.io import store

if TYPE_CHECKING:
    from storyweave.engines.local import IngestResult


def run(
    paths: PathsArgument,
    out: OutOption = DEFAULT_OUT,
    db: DbOption = DEFAULT_DB,
    words: WordsOption = None,
    force: ForceOption = False,
    verbose: VerboseOption = False,
    fresh: FreshOption = False,
    llm_endpoint: LlmEndpointOption = None,
    llm_model: LlmModelOption = "default",
    engine: EngineOption = "local",
    ray_address: RayAddressOption = None,
    lock_timeout: LockTimeoutOption = 60.0,
    max_article_chars: MaxCharsOption = None,
    config_file: ConfigOption = None,
    sets: SetOption = None,
) -> None:
    """Read PATHS, merge them with the store, run the pipeline, save, and write the reports."""
    from storyweave.cli.ingest import ingest_inputs, summary_line
    from storyweave.cli.reports import write_reports

    config = load_config(config_file, sets, words, max_article_chars)
    outcome = ingest_inputs(paths, db, config, command="run", force=force, verbose=verbose, fresh=fresh,
                            engine=engine, ray_address=ray_address, lock_timeout=lock_timeout)
    write_reports(outcome.corpus, out, llm_endpoint, llm_model, config.brief.summary_words,
                  config.brief.min_content_recall, config.run.processes)
    typer.echo(summary_line(outcome))
    _exit_for(outcome)


def add(
    paths: PathsArgument,
    db: DbOption = DEFAULT_DB,
    words: WordsOption = None,
    force: ForceOption = False,
    verbose: VerboseOption = False,
    fresh: FreshOption = False,
    engine: EngineOption = "local",
    ray_address: RayAddressOption = None,
    lock_timeout: LockTimeoutOption = 60.0,
    max_article_chars: MaxCharsOption = None,
    config_file: ConfigOption = None,
    sets: SetOption = None,
) -> None:
    """Read PATHS and process them into the store, without writing reports."""
    from storyweave.cli.ingest import ingest_inputs, summary_line

    _fewer_collections()
    config = load_config(config_file, sets, words, max_article_chars)
    outcome = ingest_inputs(paths, db, config, command="add", force=force, verbose=verbose, fresh=fresh,
                            engine=engine, ray_address=ray_address, lock_timeout=lock_timeout,
                            incremental=True)  # a few new articles: only the events near them (engines/incremental.py)
    gc.freeze()  # the process ends: its exit does not scan the ~10^6 objects of the models (~0.3 CPU-s)
    typer.echo(summary_line(outcome))
    if outcome.stale_results:
        typer.echo(f"note: {db}: other settings or another storyweave version made the stored results; the events "
                   "this add did not touch keep them (add with --force, or run, to redo every event)", err=True)
    _exit_for(outcome)


def _fewer_collections() -> None:
    """Run the cyclic garbage collector less often in this process (its first threshold 700 ->
    50,000 new objects).  A cold `add` imports and loads ~10^6 long-lived objects (spaCy, the
    models, the gazetteer), and every full collection walks all of them: ~0.9 of its ~5 CPU-s
    went to the collector, ~0.2 with this (no full pass left).  Memory freed by reference counting is unaffected;
    only unreachable cycles wait longer."""
    gc.set_threshold(50_000, 10, 10)


def _exit_for(outcome: IngestResult) -> None:
    """Exit 3 when some input was skipped or some article failed (each was named on stderr)."""
    if outcome.corpus.errors:
        raise typer.Exit(EXIT_PARTIAL)


def report(
    out: OutOption = DEFAULT_OUT,
    db: DbOption = DEFAULT_DB,
    words: WordsOption = None,
    llm_endpoint: LlmEndpointOption = None,
    llm_model: LlmModelOption = "default",
    config_file: ConfigOption = None,
    sets: SetOption = None,
) -> None:
    """Write the reports from what the store holds (no reading, no processing)."""
    from storyweave.cli.reports import write_reports

    config = load_config(config_file, sets, words)
    if not db.exists():
        fail(f"{db}: no such store (run `storyweave add` or `storyweave run` first)")
    try:
        conn = store.connect(db)
    except store.StoreError as exc:
        fail_store(db, exc)
    try:
        corpus = store.load_corpus(conn, with_cache=False)
        last = store.runs(conn, limit=1)
    finally:
        conn.close()
    if last:
        corpus.changes = last[0].changes
    write_reports(corpus, out, llm_endpoint, llm_model, config.brief.summary_words, config.brief.min_content_recall,
                  config.run.processes)
    typer.echo(f"{len(corpus.articles)} articles; {len(corpus.events)} events; {len(corpus.stories)} stories")


def brief(
    clusters: Annotated[Path, typer.Argument(help='JSONL, one cluster a line: {"id", "documents": [text, ...], "max_words"?}')],
    out: Annotated[Path, typer.Option("--out", "-o", help="JSONL output, one briefing a line.")],
    words: WordsOption = None,
) -> None:
    """Brief each cluster of documents (one JSON object a line) into OUT; bad lines are reported and skipped."""
    from storyweave.cli.progress import progress_bar
    from storyweave.stages.brief import brief_cluster
    try:
        lines = clusters.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{clusters}: cannot read ({getattr(exc, 'strerror', None) or exc})")
    done = bad = 0
    try:
        sink = out.open("w", encoding="utf-8")
    except OSError as exc:
        fail(f"{out}: cannot write ({exc.strerror or exc})")
    with sink, progress_bar() as progress:
        task = progress.add_task("briefing clusters", total=len(lines))
        for number, line in enumerate(lines, 1):
            progress.advance(task)
            if not line.strip():
                continue
            record, problem = _cluster_record(line)
            if problem is None:
                try:
                    result = brief_cluster(record, words or BriefConfig.summary_words)
                    sink.write(json.dumps(result, ensure_ascii=False, default=_jsonable) + "\n")
                    done += 1
                    continue
                except Exception as exc:  # one bad cluster must not stop the batch
                    problem = f"{type(exc).__name__}: {exc}"
            bad += 1
            error_line(f"{clusters}:{number}: {problem}")
    typer.echo(f"briefed {done} clusters; skipped {bad} bad lines; wrote {out}")
    if done == 0:
        raise typer.Exit(EXIT_FAILED)
    if bad:
        raise typer.Exit(EXIT_PARTIAL)


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
