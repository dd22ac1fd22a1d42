"""Opening the store: `connect` (which brings the schema up to date), transactions, a path or an
open connection for a `with` block (`using`), the integrity check, and the write lock an ingest
holds from loading to saving."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing, contextmanager, nullcontext
from pathlib import Path

from storyweave.io.store.errors import StoreBusy, StoreError
from storyweave.io.store.schema import MIGRATIONS, SCHEMA_VERSION, schema_version, statements

DEFAULT_DB = "storyweave.db"


def connect(db: str | Path) -> sqlite3.Connection:
    """Open (creating if needed) the store and bring its schema up to date."""
    path = Path(db)
    make_folder(path)
    try:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves; wait up to 30 s for another writer
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=30.0)  # fails for a folder in its place
        try:
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode = WAL")  # readers (e.g. the server) never block a run
            conn.execute("PRAGMA foreign_keys = ON")
            _migrate(conn)
        except BaseException:
            conn.close()
            raise
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a usable storyweave database ({exc})") from exc
    except StoreError as exc:  # a newer schema, a broken migration: the message names the file too
        raise StoreError(f"{path}: {exc}") from exc
    return conn


def make_folder(db: Path) -> None:
    """Create the folder the store `db` (or its lock file) goes in; a folder that cannot be made (a
    file in its place, no permission) is a `StoreError` naming the store and the reason."""
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{db}: cannot make its folder {db.parent} ({exc.strerror or exc})") from exc


def _migrate(conn: sqlite3.Connection) -> None:
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise StoreError(f"database schema v{version} is newer than this storyweave (v{SCHEMA_VERSION})")
    if version == SCHEMA_VERSION:
        return
    with transaction(conn):
        for index in range(version, SCHEMA_VERSION):
            for statement in statements(MIGRATIONS[index]):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO meta(key, value) VALUES('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (str(index + 1),),
            )


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def using(db: str | Path | sqlite3.Connection) -> AbstractContextManager[sqlite3.Connection]:
    """`db` as a connection for a `with` block: an open connection as it is (its owner closes it),
    a path opened (`connect`) and closed on leaving."""
    return nullcontext(db) if isinstance(db, sqlite3.Connection) else closing(connect(db))


def check(db: str | Path) -> None:
    """Raise `StoreError` (one line) when `db` is not a usable, intact storyweave store."""
    path = Path(db)
    if not path.exists():
        raise StoreError(f"{path}: no such store")
    conn = connect(path)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: damaged database ({exc})") from exc
    finally:
        conn.close()
    if rows != ["ok"]:
        raise StoreError(f"{path}: damaged database ({'; '.join(map(str, rows[:3]))})")


@contextmanager
def write_lock(db: str | Path, timeout: float = 60.0, on_wait: Callable[[], None] | None = None,
               poll: float = 0.1) -> Iterator[None]:
    """Hold the store's write lock (an advisory `flock` on `<db>.lock`) for a whole ingest.

    SQLite serialises single transactions, but two runs that both load the store, run the
    stages and save would each replace the events/stories of the other: a run holds this lock
    from loading to saving.  A waiting caller gets `on_wait()` once, then `StoreBusy` after
    `timeout` seconds.  The OS drops the lock when its process dies (even on SIGKILL), so a
    crashed run never blocks the next one.
    """
    import fcntl

    path = Path(f"{db}.lock")
    make_folder(Path(db))
    deadline = time.monotonic() + max(0.0, timeout)
    waited = False
    while True:
        try:
            handle = path.open("a+b")
        except OSError as exc:
            raise StoreError(f"{db}: cannot write its lock file {path} ({exc.strerror or exc})") from exc
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            if not waited and on_wait:
                on_wait()
            waited = True
            if time.monotonic() >= deadline:
                raise StoreBusy(f"{db}: another storyweave process is still writing this store "
                                f"after {timeout:g} s; try again later or raise --lock-timeout") from None
            time.sleep(poll)
            continue
        if _still_linked(handle.fileno(), path):
            break
        handle.close()  # the holder we waited for removed this file on release: lock the new one
    try:
        yield
    finally:
        # The lock file goes with the lock (no `<db>.lock` left beside the store).  Unlinking
        # before closing, with `_still_linked` on the taking side, is the usual flock pattern:
        # a process that opened the old file re-opens instead of locking a removed inode.
        path.unlink(missing_ok=True)
        handle.close()  # closing the file releases the lock


def _still_linked(fd: int, path: Path) -> bool:
    """Whether the open lock file `fd` is still the file at `path`."""
    try:
        before, now = os.fstat(fd), os.stat(path)
        return (before.st_dev, before.st_ino) == (now.st_dev, now.st_ino)
    except FileNotFoundError:
        return False
