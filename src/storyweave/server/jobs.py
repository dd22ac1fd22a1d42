"""Background ingest: posted batches run through the pipeline in order, off the request path.

`POST /api/v1/articles` only validates and queues (202 + job URL). One dispatcher thread hands
each batch to `run_ingest` in ONE separate worker process (shared by every app of this Python
process, started on the first job, models kept loaded between jobs): the pipeline is CPU-bound
Python, and in the server's own process it would hold the GIL against the requests being served
(measured: p99 875 ms at 50 requests/s with the ingest in a thread, see BENCHMARKS.md). Runs never
overlap (SQLite has one writer anyway); the last `keep` jobs stay queryable.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from storyweave.model import Article


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_POOL: ProcessPoolExecutor | None = None
_POOL_LOCK = threading.Lock()


def _pool() -> ProcessPoolExecutor:
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:  # spawn: never fork a process that runs threads (the server's)
            _POOL = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_yield_to_requests)
        return _POOL


def _yield_to_requests() -> None:
    """The worker runs at a lower CPU priority than the server's process (+10, the `nice`
    command's default): on a busy machine an ingest takes longer rather than delaying reads."""
    try:
        os.nice(10)
    except OSError:  # not permitted here: run at the normal priority
        pass


def in_worker_process(db: str, settings: Any, articles: list[Article]) -> dict[str, Any]:
    """`run_ingest` in the shared worker process; a crashed worker is replaced for the next job."""
    global _POOL
    try:
        return _pool().submit(_worker_job, db, settings, articles).result()
    except BrokenProcessPool:
        with _POOL_LOCK:
            _POOL = None
        raise RuntimeError("the ingest worker process died; nothing was stored") from None


def _worker_job(db: str, settings: Any, articles: list[Article]) -> dict[str, Any]:
    """`run_ingest` as the worker process runs it: then `settle_worker`."""
    try:
        return run_ingest(db, settings, articles)
    finally:
        settle_worker()


_SETTLED: list[bool] = []


def settle_worker() -> None:
    """After the worker process's first job, move everything it holds then (the spaCy pipelines,
    the static model, the derived tables, the store's kept vectors: ~10^6 objects that live as
    long as the process) out of the cyclic garbage collector's scans (`gc.freeze`).  Each full
    collection walked all of them: ~0.3 CPU-s, once every 4-5 adds at 10,000 stored
    (`benchmarks/results/add.md`, sixth session); objects made by later jobs are collected as
    before.  Only in this process, which exists to run ingest jobs; once."""
    if not _SETTLED:
        import gc

        gc.collect()  # what is already garbage is freed, not frozen
        gc.freeze()
        _SETTLED.append(True)


LOCK_TIMEOUT = 600.0  # seconds a job waits for another process writing the same store


def run_ingest(db: str, settings: Any, articles: list[Article]) -> dict[str, Any]:
    """Merge `articles` into the store at `db`, run the stages, save (like `storyweave add`)."""
    from storyweave.engines.local import StageError, ingest
    from storyweave.io import store

    try:
        # the same lock as `storyweave add`: a CLI run and this job never interleave their saves
        with store.write_lock(db, timeout=LOCK_TIMEOUT):
            with store.using(db) as conn:
                result = ingest(conn, articles, settings=settings, command="api", inputs=["api"],
                                incremental=True)  # like `storyweave add`: the events near a few new articles
    except StageError as exc:
        raise RuntimeError(f"{exc}; nothing was stored") from None
    except store.StoreBusy as exc:
        raise RuntimeError(f"{exc}; nothing was stored") from None
    by_id = result.corpus.by_id()
    return {
        "run_id": result.run_id,
        "new": result.merge.new, "updated": result.merge.updated, "unchanged": result.merge.unchanged,
        "repeated": result.merge.repeated,
        "events": {a.id: by_id[a.id].event_id for a in articles if a.id in by_id},
        "changes": result.corpus.changes,
        "failed": {a.id: a.failure for a in result.corpus.failed},
    }


JobStatus = Literal["queued", "running", "done", "failed"]


@dataclass
class JobState:
    """One submitted ingest job: its articles, where it is, and its outcome."""

    id: str
    articles: list[Article]
    count: int = 0  # articles submitted
    status: JobStatus = "queued"
    submitted: str = field(default_factory=_now)
    finished: str | None = None
    error: str | None = None
    result: dict[str, Any] | None = None


class JobQueue:
    """A FIFO of ingest jobs worked off by one daemon thread."""

    def __init__(self, work: Callable[[list[Article]], dict[str, Any]], keep: int = 1000) -> None:
        self._work = work
        self._keep = keep
        self._jobs: OrderedDict[str, JobState] = OrderedDict()
        self._lock = threading.Lock()
        self._queue: queue.Queue[JobState] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="storyweave-ingest", daemon=True)
        self._thread.start()

    def submit(self, articles: list[Article]) -> JobState:
        """Queue an ingest job of `articles` and return it (old finished jobs beyond `keep` are forgotten)."""
        job = JobState(id=uuid.uuid4().hex[:16], articles=articles, count=len(articles))
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                oldest = next(iter(self._jobs))
                if self._jobs[oldest].status in ("queued", "running"):
                    break
                del self._jobs[oldest]
        self._queue.put(job)
        return job

    def get(self, job_id: str) -> JobState | None:
        """The job with id `job_id`, None when unknown or forgotten."""
        with self._lock:
            return self._jobs.get(job_id)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every queued job is finished (tests, shutdown); False on timeout."""
        done = threading.Event()

        def waiter() -> None:
            self._queue.join()
            done.set()

        threading.Thread(target=waiter, daemon=True).start()
        return done.wait(timeout)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            job.status = "running"
            try:
                job.result = self._work(job.articles)
                job.status = "done"
            except Exception as exc:  # reported on the job; the worker goes on with the next one
                job.error = f"{type(exc).__name__}: {exc}"
                job.status = "failed"
            finally:
                job.finished = _now()
                job.articles = []  # free the texts
                self._queue.task_done()
