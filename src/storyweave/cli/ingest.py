"""The ingest of `run` and `add`: read the inputs (files, folders, JSON Lines on stdin) -> merge
them with the store -> pipeline -> save (one transaction, under the store's write lock); and
`summary_line`, the one-line account of it that both commands print."""

from __future__ import annotations

import json
import re
import sqlite3
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from storyweave import progress as item_progress
from storyweave.cli.messages import EXIT_FAILED, EXIT_USAGE, console, error_line, fail, fail_store, plural
from storyweave.cli.progress import StageProgress, progress_bar
from storyweave.faults import checkpoint
from storyweave.io import store
from storyweave.model import ReadError

if TYPE_CHECKING:
    from storyweave.config import Config
    from storyweave.engines.local import IngestResult, Runner
    from storyweave.model import Article


def _runner(engine: str, ray_address: str | None) -> Runner | None:
    if engine == "local":
        return None
    if engine != "ray":
        fail(f"--engine: unknown engine '{engine}' (choose local or ray)", 2)
    try:
        import ray  # noqa: F401
    except ImportError:
        fail("--engine ray: Ray is not installed (pip install 'storyweave[ray]')", 2)
    from storyweave.engines.ray import make_runner

    return make_runner(ray_address)


def ingest_inputs(paths: list[Path], db: Path, settings: Config, command: str, force: bool = False,
                  verbose: bool = False, fresh: bool = False, engine: str = "local",
                  ray_address: str | None = None, lock_timeout: float = 60.0,
                  incremental: bool = False) -> IngestResult:
    """Read `paths` (`-`: stdin), then merge, process and save them under the store's write lock;
    each unreadable input is a line on stderr, nothing readable at all is exit 1."""
    from storyweave.nlp import regex_cache

    regex_cache.install()  # storyweave's rule patterns from the kept table, not compiled again (~0.08 CPU-s of a cold add)
    from storyweave.io.readers import read_paths  # imported here: `--help` stays fast

    runner = _runner(engine, ray_address)
    with console.status("reading inputs…"):
        files = [str(p) for p in paths if str(p) != "-"]
        articles, errors = read_paths(files, max_bytes=settings.readers.max_file_mb * 2**20) if files else ([], [])
    if len(files) < len(paths):  # `-`: JSON Lines articles on stdin
        more, bad = _read_stdin_jsonl()
        articles, errors = articles + more, errors + bad
    checkpoint("read")
    for error in errors:
        error_line(str(error))
    if not articles:
        fail(f"nothing could be read from {', '.join(str(p) for p in paths)} ({len(errors)} unreadable input(s))")
    on_wait = lambda: error_line(  # noqa: E731
        f"waiting for another storyweave process writing {db} (up to {lock_timeout:g} s, --lock-timeout)…")
    try:
        with store.write_lock(db, lock_timeout, on_wait=on_wait):
            result = _ingest_locked(db, articles, errors, settings, command, paths, force, fresh, runner, incremental)
    except store.StoreBusy as exc:
        fail(str(exc), EXIT_FAILED)
    except store.StoreError as exc:  # its folder or lock file cannot be made
        fail_store(db, exc)
    for error in result.corpus.errors[len(errors):]:  # e.g. the same id twice in the batch
        error_line(str(error))
    if verbose:
        if not result.processed:
            error_line("nothing new or changed: stages not run (use --force to re-run them)")
        for name, seconds in result.seconds.items():
            error_line(f"stage {name}: {seconds:.2f}s")
    return result


def _ingest_locked(db: Path, articles: list[Article], errors: list[ReadError], settings: Config, command: str,
                   paths: list[Path], force: bool, fresh: bool, runner: Runner | None, incremental: bool = False) -> IngestResult:
    """Open the store and fold the batch in (the caller holds the store's write lock)."""
    from storyweave.engines.local import StageError, ingest
    from storyweave.pipeline import STAGES

    try:
        conn = store.connect(db)
    except store.StoreError as exc:
        fail_store(db, exc)
    try:
        with progress_bar() as bar:
            shown = StageProgress(bar, len(STAGES))
            with item_progress.reporting(shown.items):
                return ingest(conn, articles, errors, settings, command=command,
                              inputs=[str(p) for p in paths], force=force, fresh=fresh, progress=shown.stage,
                              runner=runner, incremental=incremental,
                              pause_collector=incremental)  # one bounded add, then the process ends
    except StageError as exc:
        fail(f"{exc} (the store was not changed)")
    except sqlite3.Error as exc:
        fail(f"{db}: {exc} (the store was not changed)", EXIT_USAGE)
    finally:
        conn.close()
    raise AssertionError("unreachable")


def _read_stdin_jsonl() -> tuple[list[Article], list[ReadError]]:
    """Articles from JSON Lines on stdin (one object a line, the fields of a .jsonl file); bad
    lines are reported as `-:LINE: reason` and skipped."""
    from storyweave.io.readers._common import BadInput
    from storyweave.io.readers.jsonl import article_from_object

    articles: list[Article] = []
    errors: list[ReadError] = []
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            articles.append(article_from_object(json.loads(line), Path("-"), default_id=f"stdin-{number}"))
        except json.JSONDecodeError as exc:
            errors.append(ReadError("-", f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})"))
        except BadInput as exc:
            errors.append(ReadError("-", f"line {number}: {exc}"))
    return articles, errors


def _reason(error: ReadError) -> str:
    """The kind of a reason without its specifics (line numbers, labels, details in brackets), so
    that alike errors are counted together: 'entry 3 (guid): invalid JSON (...)' -> 'invalid JSON'."""
    reason = error.reason.strip()
    if re.match(r"^article '.*' failed: ", reason):
        stage = re.search(r"stage '([^']+)'", reason)
        return f"failed in stage {stage.group(1)}" if stage else "failed"
    reason = re.sub(r"^(line|row|item|entry) \d+(?: \([^)]*\))?:\s*", "", reason, flags=re.IGNORECASE)
    reason = re.sub(r"\s*[(\[].*$", "", reason).split(";", 1)[0].split(":", 1)[0].strip()
    reason = re.sub(r"(?<=\w) '[^']*'", "", reason)  # "duplicate article id 'x'" -> "duplicate article id"
    return reason or "unreadable"


def summary_line(outcome: IngestResult) -> str:
    """The one-line account of an ingest: articles read (new, updated, unchanged, retried), skipped (by
    reason), duplicates, events, stories and the articles now in the store."""
    m, c = outcome.merge, outcome.corpus
    reasons = Counter(_reason(e) for e in c.errors)
    skipped = f"skipped {len(c.errors)}"
    if reasons:
        kinds = [f"{n} {r}" for r, n in reasons.most_common(5)]
        if len(reasons) > 5:
            kinds.append(f"{sum(n for _, n in reasons.most_common()[5:])} other")
        skipped += " (" + ", ".join(kinds) + "; each listed above)"
    duplicates = sum(1 for a in c.articles if a.duplicate_of)
    totals = outcome.totals or {"events": len(c.events), "stories": len(c.stories), "articles": len(c.articles),
                                "duplicates": duplicates}  # an incremental add holds a part of the store
    duplicates = totals["duplicates"]
    return (
        f"read {plural(m.read, 'article')} ({len(m.new)} new, {len(m.updated)} updated, "
        f"{len(m.unchanged)} unchanged{f', {len(m.retried)} retried' if m.retried else ''}); {skipped}; {plural(duplicates, 'duplicate')}; "
        f"{plural(totals['events'], 'event')}; {plural(totals['stories'], 'story', 'stories')}; "
        f"{plural(totals['articles'], 'article')} in store"
    )
