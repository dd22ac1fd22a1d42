"""The kept vectors' snapshot (`io/vectors.py`): whatever writes `article_vectors` or the
articles, `store.load_vectors` (snapshot + log) gives what the row-by-row join over the store
gives, and a rolled-back write or compaction leaves it so."""

from __future__ import annotations

import numpy as np
import pytest

from storyweave.io import store, vectors
from storyweave.model import Article, Corpus


def _joined(conn) -> tuple:
    """The read before the snapshot: every kept vector of an article in an event, one look-up each."""
    rows = conn.execute("SELECT a.id, a.event_id, v.day, v.vector FROM article_vectors v JOIN articles a "
                        "INDEXED BY articles_keys ON a.id = v.id WHERE a.event_id IS NOT NULL").fetchall()
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], b"".join(r[3] for r in rows)


def _loaded(conn) -> tuple:
    ids, events, days, matrix = store.load_vectors(conn)
    return ids, events, days, np.ascontiguousarray(matrix, dtype=np.float32).tobytes()


def _vector(k: int) -> bytes:
    return np.random.default_rng(k).normal(size=8).astype(np.float32).tobytes()


def _store(tmp_path, count: int = 40):
    """A store of `count` articles in events (ids not in insertion order), one failed (no event)."""
    conn = store.connect(tmp_path / "s.db")
    articles = [Article(id=f"a{(k * 7) % count:03d}", text=f"Report {k}.", raw_text=f"Report {k}.",
                        event_id=f"e{k % 9}") for k in range(count)]
    store.save_corpus(conn, Corpus(articles=articles))
    with store.transaction(conn):
        store.tables.upsert_article(conn, Article(id="failed", text="x", raw_text="x", status="failed"), "t")
        store.save_vectors(conn, [(a, 700_000 + k, _vector(k)) for k, a in enumerate(articles)])
        store.save_vectors(conn, [(Article(id="failed", text="x"), 1, _vector(99))])
    return conn, articles


@pytest.mark.parametrize("block_rows", [7, 32768])
def test_snapshot_and_log_read_as_the_join_after_every_kind_of_write(tmp_path, monkeypatch, block_rows):
    monkeypatch.setattr(vectors, "BLOCK_ROWS", block_rows)  # several blocks, and one
    conn, articles = _store(tmp_path)
    assert vectors.log_size(conn) == 41 and _loaded(conn) == _joined(conn)  # nothing in the snapshot yet
    with store.transaction(conn):
        vectors.compact(conn)
    assert vectors.log_size(conn) == 0 and _loaded(conn) == _joined(conn)
    assert conn.execute("SELECT count(*) FROM vector_blocks").fetchone()[0] == -(-41 // block_rows)
    more = [Article(id=i, text=i, raw_text=i, event_id="e1") for i in ("a0005x", "zz", "0first")]
    store.save_corpus(conn, Corpus(articles=more))  # new articles (ids between, after, before), no vector yet
    assert _loaded(conn) == _joined(conn)
    with store.transaction(conn):
        store.save_vectors(conn, [(a, 1, _vector(50 + k)) for k, a in enumerate(more)])  # logged inserts
        store.save_vectors(conn, [(articles[3], 5, _vector(60))])  # a replaced row (INSERT OR REPLACE)
        conn.execute("UPDATE article_vectors SET day = day + 1 WHERE id = ?", (articles[4].id,))  # changed in place
        conn.execute("DELETE FROM articles WHERE id = ?", (articles[5].id,))  # its vector goes by trigger
        conn.execute("UPDATE articles SET event_id = NULL WHERE id = ?", (articles[6].id,))  # in no event now
    assert vectors.log_size(conn) == 6 and _loaded(conn) == _joined(conn)
    changed = Article(**{**articles[7].__dict__, "raw_text": "A new text."})
    with store.transaction(conn):
        store.tables.upsert_article(conn, changed, "t")  # a new content: its vector dropped, stale
    assert store.stale_vector_ids(conn) == [changed.id] and _loaded(conn) == _joined(conn)
    ids = _loaded(conn)[0]
    assert ids == sorted(ids) and len(ids) == 40  # 44 articles less the deleted, no-event, stale and failed ones
    conn.close()


def test_a_rolled_back_write_or_compaction_leaves_the_snapshot_right(tmp_path):
    conn, articles = _store(tmp_path)
    with store.transaction(conn):
        vectors.compact(conn)
    before = _loaded(conn)
    with pytest.raises(RuntimeError), store.transaction(conn):
        store.save_vectors(conn, [(articles[0], 9, _vector(70))])
        conn.execute("DELETE FROM articles WHERE id = ?", (articles[1].id,))
        raise RuntimeError("crash before the commit")
    assert vectors.log_size(conn) == 0 and _loaded(conn) == before == _joined(conn)
    with store.transaction(conn):
        store.save_vectors(conn, [(articles[0], 9, _vector(70))])
    with pytest.raises(RuntimeError), store.transaction(conn):
        vectors.compact(conn)
        raise RuntimeError("crash while the snapshot is written")
    assert vectors.log_size(conn) == 1 and _loaded(conn) == _joined(conn) != before
    conn.close()


def test_the_snapshot_is_written_again_once_enough_rows_changed(tmp_path):
    """`compact_vectors` waits for more than 256 logged rows and 1/16 of the kept ones."""
    conn, _ = _store(tmp_path, count=300)
    assert store.compact_vectors(conn) and vectors.log_size(conn) == 0
    extra = [Article(id=f"n{k:03d}", text=f"New {k}.", raw_text=f"New {k}.", event_id="e2") for k in range(257)]
    store.save_corpus(conn, Corpus(articles=extra))
    with store.transaction(conn):
        store.save_vectors(conn, [(a, 3, _vector(k)) for k, a in enumerate(extra[:256])])
    assert not store.compact_vectors(conn) and vectors.log_size(conn) == 256
    with store.transaction(conn):
        store.save_vectors(conn, [(extra[256], 3, _vector(1))])
    assert store.compact_vectors(conn) and vectors.log_size(conn) == 0 and _loaded(conn) == _joined(conn)
    conn.close()


def test_an_incremental_add_logs_its_vector_and_reads_as_the_join(tmp_path):
    from pathlib import Path

    from storyweave.engines.local import ingest
    from storyweave.io.readers import read_paths

    corpus = Path(__file__).resolve().parents[2] / "examples" / "corpus" / "jsonl"
    articles = sorted(read_paths([corpus])[0], key=lambda a: a.id)
    conn = store.connect(tmp_path / "s.db")
    ingest(conn, articles[2:])
    ingest(conn, [articles[1]], command="add", incremental=True)  # fills the kept vectors, then the add
    assert vectors.log_size(conn) == len(articles) - 1  # a small store: no snapshot yet, all read as rows
    with store.transaction(conn):
        vectors.compact(conn)
    ingest(conn, [articles[0]], command="add", incremental=True)
    assert [r[0] for r in conn.execute("SELECT id FROM vector_log")] == [articles[0].id]
    assert _loaded(conn) == _joined(conn) and articles[0].id in _loaded(conn)[0]
    conn.close()
