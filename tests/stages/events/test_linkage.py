"""stages/events/linkage.py: scipy's average linkage and distance cut, reproduced exactly (kept off
the add path for its import cost), checked against scipy itself."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from storyweave.stages.events.linkage import average_linkage, cut_at_distance


def _distances(rng: np.random.Generator, n: int, kind: str) -> np.ndarray:
    """Symmetric distances as `agglomerate` builds them: 1 - cosine of random vectors, or values
    on a coarse grid (many exact ties), with must-link blocks at 0 and vetoes above 1."""
    if kind == "cosine":
        v = rng.normal(size=(n, 8)) + rng.normal(size=(1, 8)) * 2
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        dist = 1.0 - (v @ v.T).astype(np.float32).astype(np.float64)
    else:
        dist = rng.integers(0, 6, size=(n, n)) / 5.0
    if kind == "blocks":
        groups = rng.integers(0, max(1, n // 3), size=n)
        dist[groups[:, None] == groups[None, :]] = 0.0
        dist[rng.random((n, n)) < 0.05] = 1.0 + 0.5  # vetoes
    np.fill_diagonal(dist, 0.0)
    return np.clip((dist + dist.T) / 2, 0.0, None)


@pytest.mark.parametrize("kind", ["cosine", "grid", "blocks"])
def test_tree_and_labels_equal_scipy(kind):
    rng = np.random.default_rng({"cosine": 1, "grid": 2, "blocks": 3}[kind])
    for n in [2, 3, 4, 5, 8, 13, 30, 61, 120] * 3:
        dist = _distances(rng, n, kind)
        theirs = linkage(squareform(dist, checks=False), method="average")
        ours = average_linkage(dist)
        assert ours.tobytes() == theirs.tobytes()  # every merge, height and size, bit for bit
        for t in (0.0, 0.2, 0.45, 0.6, 0.8, 1.0, 1.3):
            assert cut_at_distance(ours, t) == fcluster(theirs, t=t, criterion="distance").tolist()
