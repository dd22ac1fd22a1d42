"""server.jobs: the ingest worker process settles once after its first job (gc.freeze)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import gc
from storyweave.server import jobs
before = gc.get_freeze_count()
jobs.settle_worker()
first = gc.get_freeze_count()
held = [object() for _ in range(1000)]
jobs.settle_worker()  # once per process: later objects stay collectable
print(before, first > 1000, gc.get_freeze_count() == first)
"""


def test_settle_worker_freezes_once():
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == ["0", "True", "True"]


def test_the_worker_runs_jobs_through_settle(monkeypatch):
    from storyweave.server import jobs

    calls = []
    monkeypatch.setattr(jobs, "run_ingest", lambda db, settings, articles: calls.append(db) or {"ok": db})
    monkeypatch.setattr(jobs, "settle_worker", lambda: calls.append("settled"))
    assert jobs._worker_job("x.db", None, []) == {"ok": "x.db"}
    assert calls == ["x.db", "settled"]
