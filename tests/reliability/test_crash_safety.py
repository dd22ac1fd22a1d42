"""Crash safety: a seeded run SIGKILLs `storyweave run` processes at 23 points spread over
reading, loading, every stage, the save transaction and the reports (named crash points, see
`storyweave.faults`, plus random timer kills that land inside stages).  After every kill the
store passes `PRAGMA integrity_check` and holds either the whole previous state or the whole
new one; a rerun then completes and every article is stored exactly once.

The runs are forked from this (warm) test process so each costs well under a second of CPU
instead of a fresh interpreter loading spaCy; the kill is a real SIGKILL of that process.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from badcorpus import prose
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.faults import ENV
from storyweave.pipeline import STAGES

POINTS = ["read", "ingest:loaded", *(f"stage:{s.name}" for s in STAGES), "save:begin", "save:articles",
          "save:cache", "save:commit", "save:done", "reports"]
TIMER_KILLS = 6


def _fork_run(args: list[str], log: Path, kill_at: str | None = None, kill_after: float | None = None) -> int | str:
    """Run the CLI in a forked child; returns its exit code, or "killed" when SIGKILL ended it."""
    pid = os.fork()
    if pid == 0:  # child: never returns into pytest
        code = 1
        try:
            fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
            os.dup2(fd, 1)
            os.dup2(fd, 2)
            if kill_at:
                os.environ[ENV] = kill_at
            else:
                os.environ.pop(ENV, None)
            app(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)
    if kill_after is not None:
        deadline = time.monotonic() + kill_after
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.005)
        else:
            os.kill(pid, signal.SIGKILL)
            done, status = os.waitpid(pid, 0)
    else:
        _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        assert os.WTERMSIG(status) == signal.SIGKILL
        return "killed"
    return os.WEXITSTATUS(status)


def _state(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
        fts = [r[0] for r in conn.execute("SELECT id FROM articles_fts")]
        members = [i for (data,) in conn.execute("SELECT data FROM events")
                   for i in __import__("json").loads(data)["article_ids"]]
        hashes = dict(conn.execute("SELECT id, content_hash FROM articles"))
    assert len(ids) == len(set(ids)) and sorted(fts) == sorted(ids)  # nothing stored twice
    assert len(members) == len(set(members)) and set(members) == set(ids)  # each article in one event
    return hashes


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_sigkill_anywhere_never_corrupts_loses_or_duplicates(tmp_path):
    rng = random.Random(20261203)
    folder, db, out, log = tmp_path / "in", tmp_path / "s.db", tmp_path / "out", tmp_path / "child.log"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.txt").write_text(prose(i), encoding="utf-8")
    args = ["run", str(folder), "--db", str(db), "--out", str(out), "--lock-timeout", "10"]
    warm = CliRunner().invoke(app, args)  # loads spaCy & co. once, in the parent the children fork from
    assert warm.exit_code == 0, warm.output
    previous = _state(db)
    (folder / "warm.txt").write_text(prose(99), encoding="utf-8")
    start = time.monotonic()
    assert _fork_run(args, log) == 0
    duration = time.monotonic() - start  # a warm forked run with one new article: the timer kills' range
    previous = _state(db)

    plan = [("point", p) for p in POINTS] + [("timer", None)] * TIMER_KILLS
    rng.shuffle(plan)
    kills = 0
    for step, (mode, point) in enumerate(plan):
        # each step brings new work: one new article, and every third step one changed article
        (folder / f"n{step}.txt").write_text(prose(100 + step), encoding="utf-8")
        if step % 3 == 2:
            (folder / "a0.txt").write_text(prose(500 + step), encoding="utf-8")
        if mode == "point":
            outcome = _fork_run(args, log, kill_at=point)
            assert outcome == "killed", f"crash point {point} was not reached ({outcome})"
        else:
            outcome = _fork_run(args, log, kill_after=rng.uniform(0.05, 0.9) * duration)
        kills += outcome == "killed"
        after_kill = _state(db)
        # the save is one transaction: the kill leaves the old state or (after COMMIT) the new one
        assert after_kill == previous or set(after_kill) == {p.stem for p in folder.iterdir()}, (mode, point)
        rerun = _fork_run(args, log)
        assert rerun == 0, f"rerun after kill at {mode}:{point} failed: {log.read_text()[-2000:]}"
        previous = _state(db)
        expected = {p.stem for p in folder.iterdir()}
        assert set(previous) == expected, (mode, point)
        assert (out / "briefings.json").exists() and not list(out.glob(".*.tmp"))
    assert kills >= 20
