"""Average-linkage clustering of a similarity matrix, for the events and stories stages.

`agglomerate` reads similarities as distances (a vetoed pair, -1, is `1 + veto_penalty` apart;
must-link groups 0) and cuts the average-linkage tree at one threshold or, where some rows are
undated, links with a threshold per merge (`_link_by_size`).  Up to `_OWN_LINKAGE_ROWS` rows the
tree and its cut are this module's `average_linkage` and `cut_at_distance`: scipy's
`linkage(..., method="average")` and `fcluster(..., criterion="distance")`, reproduced exactly
(same tree, same labels); above, scipy's own.

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

from collections.abc import Sequence

import numpy as np

from storyweave.config import EventsConfig
from storyweave.graph import UnionFind


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


def agglomerate(sim: np.ndarray, threshold: float, groups: Sequence[int] | None = None,
                veto_penalty: float = EventsConfig.veto_penalty, group_threshold: float | None = None,
                strict_rows: np.ndarray | None = None, single_threshold: float | None = None,
                size_cut_rows: int = EventsConfig.size_cut_rows, batch: tuple[int, bool] | None = None) -> list[int]:
    """Average-linkage labels: groups whose mean pairwise similarity exceeds `threshold` merge.

    `groups` (one label per row) are must-links: rows of one group join first, so the linkage
    then runs over whole groups with every row weighing the same (the stories stage passes the
    events, so a large event counts by its reports, not as one point).  A vetoed pair (-1) is
    `1 + veto_penalty` apart.  With `group_threshold` above `threshold` and some `strict_rows`
    (undated reports), each merge needs its own threshold (`_link_by_size`).  `batch`: (rows, any
    strict row) of the whole batch when `sim` is one part of it (`blocks.py`), so that each part
    is linked the way the whole batch would be."""
    n = sim.shape[0]
    if n <= 1:
        return [0] * n
    dist = 1.0 - sim.astype(np.float64)
    dist[sim <= -1.0] = 1.0 + veto_penalty  # veto: pulls the group average below any threshold
    if groups is not None:
        g = np.asarray(groups)
        dist[g[:, None] == g[None, :]] = 0.0
    np.fill_diagonal(dist, 0.0)
    dist = np.clip((dist + dist.T) / 2, 0.0, None)
    tree = _average_linkage(dist)
    rows_in_batch, any_strict = batch or (n, strict_rows is None or bool(np.any(strict_rows)))
    if group_threshold is not None and group_threshold > threshold and any_strict:
        # with must-link groups (the stories stage) the tree is cut: the greedy form measured lower
        # there (Multi-News half A story F1 0.741 -> 0.735, benchmarks/results/bare.md "bare4")
        rows = (size_cut_rows if rows_in_batch <= size_cut_rows else -1) if groups is None else -1
        return _link_by_size(dist, tree, threshold, group_threshold, strict_rows, single_threshold, rows)
    labels = _cut_at_distance(tree, 1.0 - threshold)
    return [int(x) - 1 for x in labels]


# Up to this many rows the linkage is this module's (`average_linkage`, `cut_at_distance`: scipy's,
# reproduced exactly: importing scipy.cluster costs ~0.18 CPU-s, more than clustering an incremental
# add's working set); above it scipy's compiled loop is faster than the import.
_OWN_LINKAGE_ROWS = 1000


def _average_linkage(dist: np.ndarray) -> np.ndarray:
    if dist.shape[0] <= _OWN_LINKAGE_ROWS:
        return average_linkage(dist)
    from scipy.cluster.hierarchy import linkage as scipy_linkage
    from scipy.spatial.distance import squareform

    tree: np.ndarray = scipy_linkage(squareform(dist, checks=False), method="average")
    return tree


def _cut_at_distance(tree: np.ndarray, cutoff: float) -> list[int]:
    if tree.shape[0] + 1 <= _OWN_LINKAGE_ROWS:
        return cut_at_distance(tree, cutoff)
    from scipy.cluster.hierarchy import fcluster

    labels: list[int] = fcluster(tree, t=cutoff, criterion="distance").tolist()
    return labels


def _link_by_size(dist: np.ndarray, tree: np.ndarray, threshold: float, group_threshold: float,
                  strict_rows: np.ndarray | None, single_threshold: float | None, max_rows: int) -> list[int]:
    """Average linkage with a threshold per merge (`_merge_needs`): the two groups with the highest
    mean similarity merge while some pair clears its own threshold (a pair refused may still merge
    with others, unlike a cut of the plain tree).  Above `max_rows` rows the plain tree is cut
    instead (`_cut_by_size`: a merge refused refuses every merge above it)."""
    n = dist.shape[0]
    single = threshold if single_threshold is None else single_threshold
    strict = np.ones(n, dtype=bool) if strict_rows is None else np.asarray(strict_rows, dtype=bool)
    if n > max_rows:
        return _cut_by_size(tree, n, threshold, group_threshold, strict, single)
    return _greedy_by_size(1.0 - dist, threshold, group_threshold, strict, single)


def _greedy_by_size(sim: np.ndarray, threshold: float, group_threshold: float, strict: np.ndarray,
                    single: float) -> list[int]:
    """Greedy average linkage of `sim` (float64, symmetric) where each merge needs its own threshold
    (`_merge_needs`); each row keeps its best partner, so a merge updates two rows and the rows
    that pointed at them."""
    n = sim.shape[0]
    total = sim.copy()  # summed similarity between the current groups
    np.fill_diagonal(total, 0.0)
    size = np.ones(n)
    count = strict.astype(np.int64)
    alive = np.ones(n, dtype=bool)
    owner = np.arange(n)

    def row(r: int) -> np.ndarray:
        mean = total[r] / (size[r] * size)
        need = _merge_needs(count[r], count, threshold, group_threshold, single)
        value: np.ndarray = np.where(alive & (mean > need), mean, -np.inf)
        value[r] = -np.inf
        return value

    best = np.full(n, -1)
    score = np.full(n, -np.inf)
    for r in range(n):
        value = row(r)
        best[r] = int(np.argmax(value))
        score[r] = value[best[r]]
    while True:
        i = int(np.argmax(np.where(alive, score, -np.inf)))
        if not alive[i] or score[i] == -np.inf:
            break
        j = int(best[i])
        i, j = min(i, j), max(i, j)
        total[i] += total[j]
        total[:, i] += total[:, j]
        total[i, i] = 0.0
        total[j] = 0.0
        total[:, j] = 0.0
        size[i] += size[j]
        count[i] += count[j]
        alive[j] = False
        score[j] = -np.inf
        owner[owner == j] = i
        value = row(i)
        best[i], score[i] = int(np.argmax(value)), value[int(np.argmax(value))]
        column = total[:, i] / (size * size[i])
        column_need = _merge_needs(count, count[i], threshold, group_threshold, single)
        others = alive.copy()
        others[i] = False
        stale = others & ((best == i) | (best == j))  # their best partner changed: look again
        better = others & ~stale & (column > column_need) & (column > score)
        best[better], score[better] = i, column[better]
        for stale_row in np.flatnonzero(stale).tolist():
            value = row(stale_row)
            best[stale_row] = int(np.argmax(value))
            score[stale_row] = value[best[stale_row]]
    codes = {o: k for k, o in enumerate(dict.fromkeys(owner.tolist()))}
    return [codes[o] for o in owner.tolist()]


def _merge_needs(a: np.ndarray | np.integer | int, b: np.ndarray | np.integer | int, threshold: float, group_threshold: float,
                 single: float) -> np.ndarray:
    """The mean similarity two groups holding `a` and `b` strict (undated) rows must exceed to merge:
    `group_threshold` when both hold two or more, `single` when they hold any, else `threshold`."""
    a, b = np.asarray(a), np.asarray(b)
    out: np.ndarray = np.where((a >= 2) & (b >= 2), group_threshold, np.where(a + b > 0, single, threshold))
    return out


def _cut_by_size(tree: np.ndarray, n: int, threshold: float, group_threshold: float,
                 strict_rows: np.ndarray | None, single_threshold: float | None = None) -> list[int]:
    """Cut an average-linkage `tree` of `n` rows: a merge of two groups that each hold two or
    more `strict_rows` (default: every row) needs a mean similarity above `group_threshold`;
    another merge involving a strict row above `single_threshold` (default `threshold`); any
    other merge above `threshold`.  A merge refused refuses every merge above it."""
    single = threshold if single_threshold is None else single_threshold
    strict = np.ones(n, dtype=bool) if strict_rows is None else np.asarray(strict_rows, dtype=bool)
    sets = UnionFind(n)
    formed = [True] * (2 * n - 1)  # node id -> every merge below it was accepted
    strict_count = [int(v) for v in strict] + [0] * (n - 1)
    member = list(range(n)) + [0] * (n - 1)  # a leaf under each node
    for k, (a, b, d, _) in enumerate(tree):
        a, b, node = int(a), int(b), n + k
        strict_count[node] = strict_count[a] + strict_count[b]
        member[node] = member[a]
        needed = float(_merge_needs(strict_count[a], strict_count[b], threshold, group_threshold, single))
        formed[node] = formed[a] and formed[b] and d <= 1.0 - needed  # as `fcluster(criterion="distance")`
        if formed[node]:
            sets.union(member[a], member[b])
    roots = {r: i for i, r in enumerate(dict.fromkeys(sets.find(x) for x in range(n)))}
    return [roots[sets.find(x)] for x in range(n)]
