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
"""

from __future__ import annotations

import numpy as np

from storyweave.graph import UnionFind


def attach_lone(sim: np.ndarray, labels: list[int], eligible: np.ndarray, threshold: float,
                ratio: float) -> list[int]:
    """`labels` with each eligible single-row cluster joined to its clearly nearest cluster.

    `sim`: the similarity the linkage clustered (rows x rows, vetoes -1); `eligible`: rows that may
    move (a placeholder or a stored report may not).  Every choice is made against the clusters as
    given, then applied at once (two lone reports that choose each other form one event)."""
    n = len(labels)
    if threshold <= 0 or n < 2:
        return list(labels)
    codes = np.asarray(labels)
    k = int(codes.max()) + 1
    members = np.zeros((n, k))
    members[np.arange(n), codes] = 1.0
    size = members.sum(axis=0)
    lone = np.flatnonzero(np.asarray(eligible, dtype=bool) & (size[codes] == 1))
    if not lone.size or k < 2:
        return list(labels)
    mean = (sim[lone].astype(np.float64) @ members) / size  # lone rows x clusters
    mean[np.arange(lone.size), codes[lone]] = -np.inf  # not its own
    order = np.argsort(-mean, axis=1, kind="stable")
    best = order[:, 0]
    top = mean[np.arange(lone.size), best]
    second = mean[np.arange(lone.size), order[:, 1]] if k > 2 else np.full(lone.size, -np.inf)
    joins = (top >= threshold) & (top >= ratio * np.maximum(second, 0.0))
    if not joins.any():
        return list(labels)
    sets = UnionFind(k)
    for row, target in zip(lone[joins].tolist(), best[joins].tolist(), strict=True):
        sets.union(int(codes[row]), int(target))
    roots = {r: i for i, r in enumerate(dict.fromkeys(sets.find(int(c)) for c in codes))}
    return [roots[sets.find(int(c))] for c in codes]
