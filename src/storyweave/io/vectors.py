"""The store's kept vectors (`article_vectors`) read in a few contiguous blocks.

The incremental add compares a new article with every kept vector (`engines/incremental.py`).
Read row by row, joined with each article's event, that was the one part of a cold add that grew
with the store (~27 CPU-ms at 10,000 stored: 10,000 index look-ups and ~3,300 pages).  Here the
rows are also kept as a *snapshot*: `vector_blocks` holds them in id order, `BLOCK_ROWS` to a row
(ids as a JSON list, days as int64 bytes, vectors as float32 bytes), and `vector_log` the ids of
every row inserted, changed or deleted since, written by triggers on `article_vectors` (whatever
writes it, in the writer's transaction).  So, always:

    article_vectors = (snapshot - logged ids) + the logged ids' current rows

which is what `read` returns, in id order; `compact` (when the log is long) writes the snapshot
again and empties the log in one transaction.  A crash leaves either the old snapshot with its
log or the new one: never a snapshot used without the changes after it.
"""

from __future__ import annotations

import bisect
import json
import sqlite3

import numpy as np

BLOCK_ROWS = 1 << 18  # rows per snapshot block: 256 MB of 256-float vectors (SQLite allows 1 GB); one block,
# read without a copy, up to that many stored (two blocks of 50,000 rows cost a 50 MB join, ~35 ms)


def read(conn: sqlite3.Connection) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(ids, int64 day ordinals, float32 rows) of every kept vector, in id order (SQLite's BINARY
    order: UTF-8 bytes, the same as Python's order of the strings).  Call it inside one read
    transaction: the blocks, the log and the rows are then of one state of the store."""
    cursor = conn.cursor()
    cursor.row_factory = None
    blocks = cursor.execute("SELECT ids, days, vectors FROM vector_blocks ORDER BY block").fetchall()
    logged = {r[0] for r in cursor.execute("SELECT id FROM vector_log")}
    fresh = cursor.execute("SELECT v.id, v.day, v.vector FROM vector_log l JOIN article_vectors v ON v.id = l.id "
                           "ORDER BY v.id").fetchall()
    ids: list[str] = [i for b in blocks for i in json.loads(b[0])]
    days = np.frombuffer(_joined([b[1] for b in blocks]), dtype=np.int64)
    matrix = np.frombuffer(_joined([b[2] for b in blocks]), dtype=np.float32)
    matrix = matrix.reshape(len(ids), len(matrix) // len(ids) if ids else 0)
    if logged:
        keep = np.array([i not in logged for i in ids], dtype=bool)
        if not keep.all():
            ids, days, matrix = [i for i, k in zip(ids, keep, strict=True) if k], days[keep], matrix[keep]
    if fresh:  # each logged row inserted at its place in the id order (np.insert: one copy)
        at = [bisect.bisect_left(ids, r[0]) for r in fresh]
        rows = np.frombuffer(b"".join(r[2] for r in fresh), dtype=np.float32).reshape(len(fresh), -1)
        if not ids:
            matrix = matrix.reshape(0, rows.shape[1])
        matrix = np.insert(matrix, at, rows, axis=0)
        days = np.insert(days, at, np.array([r[1] for r in fresh], dtype=np.int64))
        merged: list[str] = []
        for k, (position, row) in enumerate(zip(at, fresh, strict=True)):
            merged += ids[at[k - 1] if k else 0:position] + [row[0]]
        ids = merged + ids[at[-1]:]
    return ids, days, matrix


def _joined(parts: list[bytes]) -> bytes:
    return parts[0] if len(parts) == 1 else b"".join(parts)  # one block: not copied (~6 ms of page faults at 10 MB)


def log_size(conn: sqlite3.Connection) -> int:
    """How many ids changed since the snapshot (each is read row by row)."""
    return int(conn.execute("SELECT count(*) FROM vector_log").fetchone()[0])


def due(conn: sqlite3.Connection) -> bool:
    """Is the log long enough to write the snapshot again (more than 256 rows or 1/16 of them)?"""
    logged = log_size(conn)
    return logged > 256 and logged * 16 > int(conn.execute("SELECT count(*) FROM article_vectors").fetchone()[0])


def compact(conn: sqlite3.Connection) -> None:
    """Write the snapshot of every kept vector again and empty the log (the caller's transaction)."""
    conn.execute("DELETE FROM vector_blocks")
    cursor = conn.cursor()
    cursor.row_factory = None
    rows = cursor.execute("SELECT id, day, vector FROM article_vectors ORDER BY id").fetchall()
    for block, start in enumerate(range(0, len(rows), BLOCK_ROWS)):
        part = rows[start:start + BLOCK_ROWS]
        conn.execute("INSERT INTO vector_blocks VALUES (?,?,?,?)",
                     (block, json.dumps([r[0] for r in part], ensure_ascii=False),
                      np.array([r[1] for r in part], dtype=np.int64).tobytes(), b"".join(r[2] for r in part)))
    conn.execute("DELETE FROM vector_log")
