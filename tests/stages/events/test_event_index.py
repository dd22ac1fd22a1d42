"""The event index's centring (`stages/events/event_index.py`): the in-place arithmetic a cold
`add` uses on the store's kept vectors gives the rows of the plain numpy formula bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from storyweave.stages.events.event_index import EventIndex, _row_norms, nearest_events


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
