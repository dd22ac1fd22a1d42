"""Background ingest: one worker thread runs posted batches through the pipeline, in order.

`POST /api/v1/articles` only validates and queues (202 + job URL); the worker merges the batch
into the store, runs the stages and saves, exactly like `storyweave add`. One thread, so runs
never overlap (SQLite has one writer anyway); the last `keep` jobs stay queryable.
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from storyweave.model import Article


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class JobState:
    id: str
    articles: list[Article]
    count: int = 0  # articles submitted
    status: str = "queued"  # queued | running | done | failed
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
