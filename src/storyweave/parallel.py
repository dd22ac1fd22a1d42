"""Spread independent per-item work of a stage over forked worker processes.

Stages stay pure functions over the batch; this only decides *where* a map over independent
items runs.  Workers are forked after the parent has loaded its models and built the batch, so
both are shared copy-on-write and only the (small, picklable) results travel back.  Where
`fork` is not available (Windows, macOS default) or there is too little work, the map runs in
this process.  Results are in input order and do not depend on how they were computed.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_JOB: list[Any] = [None]  # (fn, items) of the running map, inherited by the forked workers


def _run_chunk(indices: list[int]) -> list[Any]:
    from storyweave import progress

    progress.silence()  # the parent reports the items as their results come back
    _one_blas_thread_here()
    fn, items = _JOB[0]
    return [fn(items[i]) for i in indices]


_LIMITED: list[int | None] = [None]  # the pid of the worker whose BLAS already runs on one thread


def _one_blas_thread_here() -> None:
    """In a forked worker: numpy's BLAS uses one thread for the worker's life (the limit the models
    run under, `spacy_model.one_blas_thread`, entered and never left).  The workers are already
    one per core, so a BLAS thread pool in each only oversubscribes the cores (joblib's process
    workers limit their inner thread pools the same way)."""
    import os

    if _LIMITED[0] != os.getpid():
        from storyweave.nlp.spacy_model import one_blas_thread

        one_blas_thread().__enter__()  # threadpoolctl sets the limit here; nothing restores it in this worker
        _LIMITED[0] = os.getpid()


def fork_map(fn: Callable[[T], R], items: Sequence[T], processes: int, *, min_items: int = 16,
             chunk: int = 8, weight: Callable[[T], float] | None = None,
             done: Callable[[T], None] | None = None) -> list[R]:
    """`[fn(x) for x in items]`, over `processes` forked workers when there are at least
    `min_items` items per worker; chunks of `chunk` items, heaviest first (`weight`), so that
    the workers finish together. `done(x)` is called here (in this process) as each item's
    result is in: for progress reports."""
    if not forks(len(items), processes, min_items):
        results = []
        for x in items:
            results.append(fn(x))
            if done:
                done(x)
        return results
    processes = _workers(len(items), processes, min_items)
    order = sorted(range(len(items)), key=lambda i: -weight(items[i])) if weight else list(range(len(items)))
    chunks = [order[i:i + chunk] for i in range(0, len(order), chunk)]
    out: list[Any] = [None] * len(items)
    _JOB[0] = (fn, items)
    try:
        with mp.get_context("fork").Pool(processes) as pool:
            for indices, results in zip(chunks, pool.imap(_run_chunk, chunks), strict=False):
                for i, result in zip(indices, results, strict=False):
                    out[i] = result
                    if done:
                        done(items[i])
    finally:
        _JOB[0] = None
    return out


def forks(items: int, processes: int, min_items: int = 16) -> bool:
    """True when `fork_map` over `items` items with these settings runs in forked workers (so
    models it reads are best loaded before, once, in this process)."""
    return _workers(items, processes, min_items) > 1 and "fork" in mp.get_all_start_methods()


def _workers(items: int, processes: int, min_items: int) -> int:
    """At most `processes` workers, each with at least `min_items` items."""
    return min(processes, items // max(1, min_items))


def default_processes(configured: int = 0) -> int:
    """Worker processes: `configured` (`Config.run.processes`) when > 0, else
    $STORYWEAVE_PROCESSES, else every core this process may use."""
    import os

    value = configured or os.environ.get("STORYWEAVE_PROCESSES")
    if value:
        return max(1, int(value))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
