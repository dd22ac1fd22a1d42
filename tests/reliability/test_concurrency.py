"""Two processes on one store: the second waits for the first's write lock (saying so), up to
--lock-timeout, then fails with one line; a damaged store gives one line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from badcorpus import prose
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.io import store

HOLD = textwrap.dedent("""
    import sys, time
    from storyweave.io import store
    with store.write_lock(sys.argv[1], timeout=5):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
""")


def _holder(db, seconds: float) -> subprocess.Popen:
    """Another process holding the store's write lock for `seconds`."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def _inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(prose(1), encoding="utf-8")
    return folder


def test_second_process_waits_then_fails_with_one_line(tmp_path):
    db = tmp_path / "s.db"
    holder = _holder(db, 30)
    try:
        result = CliRunner().invoke(app, ["add", str(_inputs(tmp_path)), "--db", str(db), "--lock-timeout", "0.5"])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"waiting for another storyweave process writing {db}")
    assert len(lines) == 2 and lines[1].startswith("error: ") and "--lock-timeout" in lines[1]
    assert "Traceback" not in result.output
    assert not db.exists() or store.load_corpus(db).articles == []


def test_second_process_goes_on_once_the_first_is_done(tmp_path):
    db = tmp_path / "s.db"
    holder = _holder(db, 1.0)
    try:
        result = CliRunner().invoke(app, ["add", str(_inputs(tmp_path)), "--db", str(db), "--lock-timeout", "60"])
    finally:
        holder.wait()
    assert result.exit_code == 0, result.output
    assert "waiting for another storyweave process" in result.stderr
    assert [a.id for a in store.load_corpus(db).articles] == ["a"]


def test_a_killed_lock_holder_never_blocks(tmp_path):
    db = tmp_path / "s.db"
    holder = _holder(db, 30)
    holder.kill()  # SIGKILL: the OS releases its lock
    holder.wait()
    start = time.monotonic()
    with store.write_lock(db, timeout=0):
        pass
    assert time.monotonic() - start < 5


def test_damaged_store_is_one_line_for_every_command(tmp_path):
    db = tmp_path / "broken.db"
    db.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)  # a header, then garbage
    runner = CliRunner()
    for args in (["serve", "--db", str(db)], ["report", "--db", str(db), "--out", str(tmp_path / "o")],
                 ["add", str(_inputs(tmp_path)), "--db", str(db)]):
        result = runner.invoke(app, args)
        assert result.exit_code in (1, 2), (args, result.output)
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        lines = [line for line in result.stderr.strip().splitlines() if line.startswith("error:")]
        assert len(lines) == 1 and str(db) in lines[0], (args, result.stderr)
        if args[0] == "add":
            (tmp_path / "in").rename(tmp_path / f"in-{time.monotonic_ns()}")


COUNT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from storyweave.io import store
    counter = Path(sys.argv[2])
    for _ in range(int(sys.argv[3])):
        with store.write_lock(sys.argv[1], timeout=60, poll=0.001):
            value = int(counter.read_text())
            counter.write_text(str(value + 1))
""")


def test_the_lock_file_goes_with_the_lock_and_still_excludes(tmp_path):
    """The quick start left `storyweave.db.lock` beside the store.  It is removed on release; four
    processes counting under the lock (read, then write the count) must lose no increment, which
    they would if one of them locked a lock file another had already removed."""
    db, counter = tmp_path / "s.db", tmp_path / "count"
    with store.write_lock(db, timeout=0):
        assert (tmp_path / "s.db.lock").exists()
    assert not (tmp_path / "s.db.lock").exists()
    counter.write_text("0")
    procs = [subprocess.Popen([sys.executable, "-c", COUNT, str(db), str(counter), "40"]) for _ in range(4)]
    assert [proc.wait(timeout=120) for proc in procs] == [0, 0, 0, 0]
    assert counter.read_text() == "160"
    assert not (tmp_path / "s.db.lock").exists()
