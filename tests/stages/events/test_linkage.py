"""stages/events/linkage.py: scipy's average linkage and distance cut, reproduced exactly (kept off
the add path for its import cost), checked against scipy itself; `agglomerate`'s must-link groups,
and its linkage by size (greedy, or the tree cut by size) against scipy's plain cut."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from storyweave.stages.events.linkage import (
    _cut_by_size,
    _greedy_by_size,
    agglomerate,
    average_linkage,
    cut_at_distance,
)


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


def test_agglomerate_keeps_must_link_groups_whole_and_weighs_rows():
    # rows 0-2: one group whose members barely resemble each other; row 3 resembles row 0 only
    sim = np.array([
        [1.0, 0.0, 0.0, 0.9],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.9, 0.0, 0.0, 1.0],
    ])
    free = agglomerate(sim, 0.5)
    assert free[0] == free[3] and len(set(free)) == 3
    grouped = agglomerate(sim, 0.5, groups=[0, 0, 0, 1])
    assert grouped[0] == grouped[1] == grouped[2] != grouped[3]  # mean 0.3 over the group's rows < 0.5
    assert len(set(agglomerate(sim, 0.25, groups=[0, 0, 0, 1]))) == 1  # 0.3 > 0.25


def test_the_size_rule_leaves_dated_batches_as_they_were():
    """A batch with every report dated is cut at the plain threshold (metadata runs unchanged);
    the cut by size needs undated reports.  Checked against scipy's own cut on a random matrix."""
    rng = np.random.default_rng(7)
    sim = rng.uniform(0.0, 0.3, size=(40, 40)).astype(np.float32)
    sim = (sim + sim.T) / 2
    np.fill_diagonal(sim, 1.0)
    dated = agglomerate(sim, 0.11, group_threshold=0.13, strict_rows=np.zeros(40, dtype=bool),
                        single_threshold=0.10)
    dist = np.clip(1.0 - sim.astype(np.float64), 0.0, None)
    np.fill_diagonal(dist, 0.0)
    ref = fcluster(linkage(squareform(dist, checks=False), method="average"), t=1.0 - 0.11, criterion="distance")
    assert _partition(dated) == _partition(list(ref))
    # every row undated and the thresholds equal: the same cut as scipy's
    same = _cut_by_size(linkage(squareform(dist, checks=False), method="average"), 40, 0.11, 0.11,
                        None, 0.11)
    assert _partition(same) == _partition(list(ref))


def _partition(labels) -> set[frozenset[int]]:
    groups: dict = {}
    for i, label in enumerate(labels):
        groups.setdefault(label, set()).add(i)
    return {frozenset(g) for g in groups.values()}


def test_greedy_linkage_by_size_equals_average_linkage_with_one_threshold():
    """With every threshold equal the greedy linkage is plain average linkage (scipy's cut)."""
    rng = np.random.default_rng(11)
    sim = rng.uniform(0.0, 0.4, size=(30, 30))
    sim = (sim + sim.T) / 2
    np.fill_diagonal(sim, 1.0)
    greedy = _greedy_by_size(sim, 0.2, 0.2, np.ones(30, dtype=bool), 0.2)
    dist = 1.0 - sim
    np.fill_diagonal(dist, 0.0)
    ref = fcluster(linkage(squareform(dist, checks=False), method="average"), t=0.8, criterion="distance")
    assert _partition(greedy) == _partition(list(ref))
