"""The event index's centring (`stages/events/event_index.py`): the in-place arithmetic a cold
`add` uses on the store's kept vectors gives the rows of the plain numpy formula bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from storyweave.stages.events.event_index import (
    UNDATED,
    EventIndex,
    _centroid_sums,
    _row_norms,
    nearest_events,
    segment_sums,
)


def _plain_centre(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """The formula the index used before (np.linalg.norm, a division and a float32 copy)."""
    centred = vectors - mean
    norms = np.linalg.norm(centred, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (centred / norms).astype(np.float32)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_centre_and_norms_equal_numpy_bit_for_bit(dtype):
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(500, 64)).astype(dtype)
    vectors[7] = 0.0  # a zero row, and a row equal to the mean (norm 0 after centring)
    mean = vectors.mean(axis=0).astype(np.float32)
    vectors[11] = mean
    index = EventIndex(64, mean=mean)
    got, want = index._centre(vectors.copy()), _plain_centre(vectors, index.mean)
    assert got.dtype == want.dtype == np.float32
    assert got.tobytes() == want.tobytes()
    assert _row_norms(vectors).tobytes() == np.linalg.norm(vectors, axis=1, keepdims=True).tobytes()


def test_nearest_events_leaves_its_input_unchanged():
    rng = np.random.default_rng(5)
    vectors = rng.normal(size=(60, 16)).astype(np.float32)
    kept = vectors.copy()
    events = [f"e{i % 20}" for i in range(60)]
    near = nearest_events(vectors, [0] * 60, events, vectors[:2], [0, 0], 7, 0.2, 10, 0.99)
    assert vectors.tobytes() == kept.tobytes()
    assert near[0] == "e0" and "e1" in near  # each query's own event first among its neighbours



def _nearest_over_all_events(vectors, days, event_ids, queries, query_days, window_days, min_similarity, limit,
                             copy_similarity):
    """The formula before `_centroid_sums`: every event's centroid sum by one `reduceat` over all rows."""
    index = EventIndex(vectors.shape[1], window_days, min_similarity, vectors.mean(axis=0))
    names, codes = np.unique(np.asarray(event_ids, dtype=str), return_inverse=True)
    order = np.argsort(codes, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])
    sums = np.add.reduceat(index._centre(vectors)[order], starts, axis=0)
    dated = np.where(np.asarray(days) == UNDATED, np.iinfo(np.int64).min, np.asarray(days, dtype=np.int64))
    last = np.maximum.reduceat(dated[order], starts)
    last[last == np.iinfo(np.int64).min] = UNDATED
    norms = np.linalg.norm(sums, axis=1)
    norms[norms == 0] = 1.0
    out: list[str] = []
    for vector, qday in zip(index._centre(queries), query_days, strict=True):
        cos = (sums @ vector) / norms
        near = np.ones(len(names), dtype=bool) if qday == UNDATED else (np.abs(last - qday) <= window_days) | (last == UNDATED)
        rows = np.flatnonzero(near & (cos >= min_similarity))
        rows = rows[np.argsort(-cos[rows], kind="stable")][:limit]
        out += [str(names[r]) for r in rows if str(names[r]) not in out]
    plain = vectors / np.maximum(_row_norms(vectors), 1e-12)
    for query in queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12):
        rows = np.unique(codes[np.flatnonzero(plain @ query >= copy_similarity)])
        out += [str(names[r]) for r in rows if str(names[r]) not in out]
    return out, sums


def _random_store(seed: int):
    """Events of 1 to 150 reports (`reduceat` sums more than 8 and than 128 rows pairwise) in a
    shuffled row order, 5 % of reports undated, days spread over ~5 years."""
    rng = np.random.default_rng(seed)
    sizes = np.r_[rng.integers(1, 12, 300), [9, 17, 130, 150]]
    event_ids = [f"ev{k:04d}" for k, size in enumerate(sizes) for _ in range(size)]
    event_ids = [event_ids[i] for i in rng.permutation(len(event_ids))]
    vectors = (rng.normal(size=(len(event_ids), 24)) + rng.normal(size=24) * 3).astype(np.float32)
    days = [UNDATED if rng.random() < 0.05 else 700_000 + int(rng.integers(0, 2000)) for _ in event_ids]
    queries = vectors[rng.integers(0, len(event_ids), 3)] + rng.normal(scale=0.1, size=(3, 24)).astype(np.float32)
    return vectors, days, event_ids, queries


@pytest.mark.parametrize("seed", range(6))
def test_nearest_events_sums_only_the_events_in_a_query_window_with_the_same_results(seed, monkeypatch):
    """Dated and undated queries: the same events in the same order as summing every event;
    with dated queries only the rows of the events within their windows are centred; the sums
    of those events are `reduceat`'s over all rows bit for bit, the others zero."""
    vectors, days, event_ids, queries = _random_store(seed)
    query_days = [700_100 + 300 * seed, 701_500, UNDATED if seed % 2 else 701_900]
    args = (vectors, days, event_ids, queries, query_days, 45, 0.1, 40, 0.95)
    centred: list[int] = []
    real = EventIndex._centre
    monkeypatch.setattr(EventIndex, "_centre", lambda self, rows, **kw: centred.append(len(rows)) or real(self, rows, **kw))
    got = nearest_events(*args)
    monkeypatch.setattr(EventIndex, "_centre", real)
    want, sums = _nearest_over_all_events(*args)
    assert got == want and len(got) > 3
    assert (centred[0] < len(vectors) / 2) == (seed % 2 == 0)  # an undated query compares every event
    names, codes = np.unique(np.asarray(event_ids, dtype=str), return_inverse=True)
    order = np.argsort(codes, kind="stable")
    wanted = np.random.default_rng(seed).random(len(names)) < 0.3
    part = _centroid_sums(EventIndex(24, mean=vectors.mean(axis=0)), vectors, codes, order, wanted, len(names))
    assert part[wanted].tobytes() == sums[wanted].tobytes() and not part[~wanted].any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_segment_sums_equal_reduceat_bit_for_bit(dtype):
    """Segments of 1 to 300 rows and one of 9,000 (numpy sums more than 8 and than 128 values
    pairwise), values of very different sizes and signed zeros: `np.add.reduceat`'s bytes."""
    rng = np.random.default_rng(11)
    sizes = np.r_[rng.integers(1, 12, 400), np.arange(1, 301), [9000]]
    rng.shuffle(sizes)
    rows = (rng.normal(size=(sizes.sum(), 6)) * 10.0 ** rng.uniform(-4, 4, (sizes.sum(), 1))).astype(dtype)
    rows[::17] = -0.0
    starts = np.r_[0, np.cumsum(sizes)[:-1]]
    assert segment_sums(rows, starts).tobytes() == np.add.reduceat(rows, starts, axis=0).tobytes()
