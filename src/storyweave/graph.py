"""Connected components: the one home for grouping items linked in pairs.

`components` is for a batch whose links are all known up front: scipy's
`connected_components` does the work (a small batch goes through `UnionFind` and skips the
import).  `UnionFind` is also for the one streaming user (`dedup._find_duplicates`), which asks
"already in one group?" between unions to skip needless verification work; scipy recomputes
from scratch on each call, so a small union-find is kept there (hand-written because it is ten
lines and needs no library).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import numpy as np

T = TypeVar("T", bound=Hashable)


def components(n: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Groups of `range(n)` linked by `pairs`, singletons included.

    Each group lists its members in ascending order; groups come in the order of their
    smallest member (so the result does not depend on the order of `pairs`)."""
    if n == 0:
        return []
    pairs = list(pairs)
    if len(pairs) <= _SMALL:
        return _components_small(n, pairs)
    import numpy as np

    edges = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
    groups: dict[int, list[int]] = {}
    for i, label in enumerate(component_labels(n, edges[:, 0], edges[:, 1]).tolist()):
        groups.setdefault(label, []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def component_labels(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The component label (0..k-1, scipy's `connected_components`) of each of `n` items linked by
    the pairs (`a[i]`, `b[i]`): the numpy form of `components`, for large batches."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    labels: np.ndarray = connected_components(graph, directed=False)[1]
    return labels


# Up to this many pairs the union-find below does the work: importing scipy.sparse.csgraph costs
# ~0.07 CPU-s, more than a small batch's grouping (a cold `storyweave add` groups a few sentences).
_SMALL = 2000


def _components_small(n: int, pairs: list[tuple[int, int]]) -> list[list[int]]:
    """`components` by `UnionFind`: the same groups, in the same order (defined by their members)."""
    sets = UnionFind(n)
    for a, b in pairs:
        sets.union(int(a), int(b))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(sets.find(i), []).append(i)
    return sorted(groups.values(), key=lambda g: g[0])


def components_of(pairs: Iterable[tuple[T, T]]) -> list[list[T]]:
    """Groups of the items named in `pairs` (hashable ids), linked by them.

    Items are numbered in order of first appearance; groups come in the order of their first
    item, and each lists its items in that order."""
    index: dict[T, int] = {}
    numbered = [(index.setdefault(a, len(index)), index.setdefault(b, len(index))) for a, b in pairs]
    items: Sequence[T] = list(index)
    return [[items[i] for i in group] for group in components(len(items), numbered)]


class UnionFind:
    """Disjoint sets over `range(n)` for streaming use; the root of a set is its smallest member."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        """The root (smallest member) of the set holding `x`."""
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        """Join the sets of `a` and `b`."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def same(self, a: int, b: int) -> bool:
        """True when `a` and `b` are in one set."""
        return self.find(a) == self.find(b)
