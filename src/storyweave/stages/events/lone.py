"""Lone reports: a report the linkage left on its own joins the event it is clearly closest to.

Average linkage asks every merge to clear one threshold, so a short or one-angle report whose
similarity to its event's reports is low but far above its similarity to anything else stays
alone (bare Multi-News: 129 single-report events whose cluster holds other reports; their mean
similarity to their own event 0.07–0.099, to the next one often half of that).  The linkage
cannot read that margin; this pass does, once, on the clusters as the linkage left them: a lone
report whose mean similarity to one cluster is at least `threshold` and `ratio` times its mean
similarity to any other cluster joins it (2-fold, benchmarks/results/bare.md "Tenth session").
A vetoed pair (-1) counts as such in the mean, so a cluster with a member vetoed against the
report is out of reach.

The choice reads only the lone reports' rows of the similarity matrix, a block of rows at a time
(`choose`), so the events stage gives the same answer from the whole matrix and from a large
batch's blocks of rows (`events._attach_lone`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse

from storyweave.graph import UnionFind


def lone_rows(labels: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Indices of the eligible rows that are alone in their cluster."""
    size = np.bincount(labels)
    return np.flatnonzero(np.asarray(eligible, dtype=bool) & (size[labels] == 1))


def membership(labels: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
    """(rows x clusters one-hot, cluster sizes): the means of a block of rows are one sparse
    product, the same per row whatever the block (no BLAS blocking in the sum)."""
    n, k = len(labels), int(labels.max()) + 1
    members = sparse.csr_matrix((np.ones(n), (np.arange(n), labels)), shape=(n, k))
    return members, np.bincount(labels, minlength=k).astype(np.float64)


def choose(rows_sim: np.ndarray, own: np.ndarray, members: sparse.csr_matrix, size: np.ndarray,
           threshold: float, ratio: float) -> np.ndarray:
    """The cluster each lone row joins, or -1: `rows_sim` is their rows of the similarity matrix
    (vetoes -1), `own` their own cluster labels."""
    if members.shape[1] < 2:
        return np.full(len(own), -1)
    mean = np.asarray(rows_sim.astype(np.float64) @ members) / size
    mean[np.arange(len(own)), own] = -np.inf  # not its own
    order = np.argsort(-mean, axis=1, kind="stable")
    top = mean[np.arange(len(own)), order[:, 0]]
    second = mean[np.arange(len(own)), order[:, 1]] if members.shape[1] > 2 else np.full(len(own), -np.inf)
    joins = (top >= threshold) & (top >= ratio * np.maximum(second, 0.0))
    return np.where(joins, order[:, 0], -1)


def join(labels: np.ndarray, rows: np.ndarray, targets: np.ndarray) -> list[int]:
    """`labels` with each row's cluster joined to its target's (-1: none), renumbered in order of
    first appearance; every choice was made against the clusters as given (two lone reports that
    choose each other form one event)."""
    sets = UnionFind(int(labels.max()) + 1)
    for row, target in zip(rows.tolist(), targets.tolist(), strict=True):
        if target >= 0:
            sets.union(int(labels[row]), int(target))
    roots = {r: i for i, r in enumerate(dict.fromkeys(sets.find(int(c)) for c in labels))}
    return [roots[sets.find(int(c))] for c in labels]


def attach(labels: list[int], eligible: np.ndarray, rows_sim: Callable[[np.ndarray], np.ndarray], threshold: float,
           ratio: float, rows_per_block: int) -> list[int]:
    """`labels` with each eligible single-row cluster joined to its clearly nearest cluster.

    `rows_sim(rows)`: those rows of the similarity (vetoes -1), read `rows_per_block` lone rows at
    a time (the events stage: from the whole matrix or from a large batch's blocks, the same
    values); `eligible`: rows that may move (a placeholder or a stored report may not).  `labels`
    come back as given when nothing joins."""
    codes = np.asarray(labels, dtype=np.int64)
    if threshold <= 0 or len(codes) < 2:
        return list(labels)
    rows = lone_rows(codes, eligible)
    if not rows.size:
        return list(labels)
    members, size = membership(codes)
    step = max(1, rows_per_block)
    targets = np.concatenate([choose(rows_sim(rows[k:k + step]), codes[rows[k:k + step]], members, size, threshold,
                                     ratio) for k in range(0, rows.size, step)])
    return list(labels) if (targets < 0).all() else join(codes, rows, targets)
