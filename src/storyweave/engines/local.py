"""Run the pipeline stages in this process, one after the other, reporting progress.

The engine decides *where* a stage runs (here: in-process), never *what* it does; the
stages themselves come from `storyweave.pipeline.STAGES`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC

from storyweave.model import Corpus
from storyweave.pipeline import STAGES, Stage
from storyweave.settings import Settings
from storyweave.store import MergeReport

# progress(stage_name, index_of_stage, number_of_stages, finished)
ProgressFn = Callable[[str, int, int, bool], None]


class StageError(RuntimeError):
    """A stage raised: carries the stage name so the CLI can say which one failed."""

    def __init__(self, stage: str, cause: BaseException):
        super().__init__(f"stage '{stage}' failed: {type(cause).__name__}: {cause}")
        self.stage = stage
        self.cause = cause


@dataclass
class RunResult:
    corpus: Corpus
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage
    # per-article work of this run (`Corpus.work`: articles language-detected, texts parsed, events
    # analysed/briefed) plus "<stage>_input": how many articles each stage was given
    work: dict[str, int] = field(default_factory=dict)


def run_pipeline(
    corpus: Corpus,
    settings: Settings | None = None,
    *,
    stages: Sequence[Stage] | None = None,
    progress: ProgressFn | None = None,
    before_stage: Callable[[Stage, Corpus, Settings], None] | None = None,
) -> RunResult:
    """Apply every stage in order; a failing stage raises `StageError` (nothing is saved).

    `before_stage` lets another engine do work ahead of a stage (e.g. `engines/ray.py` parses
    the texts of the analyze stage in parallel into `corpus.cache`); the stages stay the same.
    """
    settings = settings or Settings()
    stages = list(STAGES if stages is None else stages)
    seconds: dict[str, float] = {}
    inputs: dict[str, int] = {}
    corpus.work = {}
    for index, stage in enumerate(stages):
        inputs[f"{stage.name}_input"] = len(corpus.articles)
        if progress:
            progress(stage.name, index, len(stages), False)
        start = time.perf_counter()
        try:
            if before_stage:
                before_stage(stage, corpus, settings)
            result = stage.fn(corpus, settings)
        except Exception as exc:  # re-raised with the stage name for a clear message
            raise StageError(stage.name, exc) from exc
        if not isinstance(result, Corpus):
            raise StageError(stage.name, TypeError(f"returned {type(result).__name__}, expected Corpus"))
        corpus = result
        seconds[stage.name] = time.perf_counter() - start
        if progress:
            progress(stage.name, index, len(stages), True)
    return RunResult(corpus, seconds, {**inputs, **corpus.work})


@dataclass
class IngestResult:
    """A batch folded into the store: the processed corpus and what happened to each article."""

    corpus: Corpus
    merge: MergeReport
    processed: bool  # False when nothing was new or changed (stored results reused, stages not run)
    run_id: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage
    work: dict[str, int] = field(default_factory=dict)  # RunResult.work (empty when the stages did not run)


def ingest(
    conn,
    articles: list,
    errors: list | None = None,
    settings: Settings | None = None,
    *,
    command: str = "",
    inputs: list[str] | None = None,
    force: bool = False,
    fresh: bool = False,
    progress: ProgressFn | None = None,
    runner: Callable[..., RunResult] | None = None,
) -> IngestResult:
    """Merge `articles` into the store behind `conn`, run the stages, save: one transaction.

    When no article is new or changed the stages are skipped (unless `force`): the stored
    events and stories are the result, so a re-run on the same input changes nothing.
    Stages reuse the stored cache of per-article parses and per-event results whose inputs did
    not change; `fresh` drops it first (everything recomputed, implies `force`).
    A failing stage raises `StageError` before anything is written.
    """
    from datetime import datetime

    from storyweave import store

    started = datetime.now(UTC).isoformat(timespec="seconds")
    stored = store.load_corpus(conn, with_cache=False)
    corpus, merge = store.merge_articles(stored, articles)
    corpus.errors = list(errors or []) + corpus.errors
    processed = bool(merge.new or merge.updated) or force or fresh
    if processed and not fresh:
        corpus.cache = store.load_cache(conn)  # only when the stages run (a kind left out is kept as stored)
    seconds: dict[str, float] = {}
    work: dict[str, int] = {}
    if processed:
        run = (runner or run_pipeline)(corpus, settings, progress=progress)
        corpus, seconds, work = run.corpus, run.seconds, getattr(run, "work", {})
    counts = {"read": merge.read, "new": len(merge.new), "updated": len(merge.updated),
              "unchanged": len(merge.unchanged), "skipped": len(corpus.errors),
              "seconds": {name: round(t, 3) for name, t in seconds.items()}}
    save = store.save_corpus if processed else store.save_run  # nothing changed: only the run is recorded
    run_id = save(conn, corpus, command=command, inputs=inputs or [], counts=counts, started=started)
    return IngestResult(corpus, merge, processed, run_id, seconds, work)
