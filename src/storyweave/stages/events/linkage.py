"""Average linkage and its cut at a distance: scipy's `linkage(..., method="average")` and
`fcluster(..., criterion="distance")`, reproduced exactly (same tree, same labels).

Why hand-written: importing `scipy.cluster.hierarchy` imports `scipy.cluster.vq`,
`scipy.spatial` and `scipy.linalg` (~0.18 CPU-s after spaCy is loaded), a sixth of what a cold
`storyweave add` may spend besides model loading (issue 12), for two functions that are a
nearest-neighbour chain and a tree walk.  The steps follow scipy's `_hierarchy.pyx` (`nn_chain`,
`label`, `get_max_dist_for_each_cluster`, `cluster_monocrit`) one for one, ties included (the
first index of a minimum wins, the chain's previous element is preferred on a tie), with the
row scans done by numpy.  `tests/stages/events/test_linkage.py` checks the tree and the labels
against scipy on random matrices with ties, zero blocks and vetoes.
"""

from __future__ import annotations

import numpy as np


def average_linkage(dist: np.ndarray) -> np.ndarray:
    """The (n - 1) x 4 linkage matrix of a symmetric distance matrix with a zero diagonal, as
    `scipy.cluster.hierarchy.linkage(squareform(dist), method="average")`."""
    n = dist.shape[0]
    d = np.array(dist, dtype=np.float64)  # a copy: updated in place as clusters merge
    size = np.ones(n, dtype=np.int64)
    out = np.empty((n - 1, 4))
    chain: list[int] = []
    for k in range(n - 1):
        if not chain:
            chain = [int(np.flatnonzero(size > 0)[0])]
        while True:  # follow nearest neighbours until two are each other's
            x = chain[-1]
            row = np.where(size > 0, d[x], np.inf)
            row[x] = np.inf
            y, current = (chain[-2], d[x, chain[-2]]) if len(chain) > 1 else (-1, np.inf)
            nearest = int(np.argmin(row))  # the first index of the minimum
            if row[nearest] < current:  # strictly: on a tie the chain's previous element stays
                y, current = nearest, row[nearest]
            if len(chain) > 1 and y == chain[-2]:
                break
            chain.append(y)
        del chain[-2:]
        x, y = min(x, y), max(x, y)
        nx, ny = int(size[x]), int(size[y])
        out[k] = (x, y, current, nx + ny)
        size[x] = 0
        size[y] = nx + ny
        others = np.flatnonzero(size > 0)
        others = others[others != y]
        merged = (nx * d[others, x] + ny * d[others, y]) / (nx + ny)
        d[others, y] = merged
        d[y, others] = merged
    out = out[np.argsort(out[:, 2], kind="mergesort")]
    _label(out, n)
    return out


def _label(tree: np.ndarray, n: int) -> None:
    """Cluster ids of the sorted merges (scipy's `label`: a union-find numbering new clusters n, n+1, ...)."""
    parent = list(range(2 * n - 1))
    sizes = [1] * n + [0] * (n - 1)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for i in range(n - 1):
        a, b = find(int(tree[i, 0])), find(int(tree[i, 1]))
        tree[i, 0], tree[i, 1] = min(a, b), max(a, b)
        new = n + i
        parent[a] = parent[b] = new
        sizes[new] = sizes[a] + sizes[b]
        tree[i, 3] = sizes[new]


def cut_at_distance(tree: np.ndarray, cutoff: float) -> list[int]:
    """Flat cluster labels (1-based) of the leaves, as `fcluster(tree, t=cutoff, criterion="distance")`:
    each subtree whose largest merge distance is <= cutoff is one cluster, numbered in the order
    a depth-first walk from the root (left child first) meets them."""
    n = tree.shape[0] + 1
    children = tree[:, :2].astype(np.int64).tolist()
    heights = tree[:, 2].tolist()
    highest = [0.0] * (n - 1)  # the largest merge distance inside each subtree
    for i in range(n - 1):  # merges come sorted: children before parents
        left, right = children[i]
        top = heights[i]
        if left >= n:
            top = max(top, highest[left - n])
        if right >= n:
            top = max(top, highest[right - n])
        highest[i] = top
    labels = [0] * n
    count = 0
    leader = -1
    visited = [False] * (2 * n - 1)
    stack = [2 * n - 2]
    while stack:
        root = stack[-1] - n
        left, right = children[root]
        if leader == -1 and highest[root] <= cutoff:  # a cluster starts here
            leader = root
            count += 1
        if left >= n and not visited[left]:
            visited[left] = True
            stack.append(left)
            continue
        if right >= n and not visited[right]:
            visited[right] = True
            stack.append(right)
            continue
        for leaf in (left, right):
            if leaf < n:
                if leader == -1:  # a singleton cluster
                    count += 1
                labels[leaf] = count
        if leader == root:
            leader = -1
        stack.pop()
    return labels
