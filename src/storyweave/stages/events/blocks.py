"""The parts of a large batch that an average-linkage clustering can join, found without an n x n matrix.

Average linkage joins two groups only when their mean similarity clears a merge threshold, and
a mean clears it only if at least one pair does.  So no cluster spans two connected components of
the graph "similarity >= the lowest threshold the clustering merges at": clustering each
component alone gives the labels of the whole batch.  `components` computes the similarity in
blocks of rows (`events.block_cells` pairs at a time, with the same per-pair function as the whole
matrix) and keeps only the components.  Used by the events stage (`events.linked_parts`: there
the lowest threshold is the least of `threshold`, `single_threshold` and `group_threshold`; the
vetoes, the date decay and the undated and weekday factors only lower a pair, a placeholder kept
alone is -1, and the pairs stored events raise, `stickiness` and `keep_stored`, are linked
outright) and by the stories stage's one-document-per-event linkage (`stories.story_block`:
nothing raises a pair there).

Exact up to ties: the linkage of a part is the linkage of the whole restricted to it, except that
merges at exactly equal distances may be taken in another order (the tests check the similarity
blocks bit for bit and the labels, events and stories identical on the example corpus and
news_cluster; benchmarks/results/speed.md gives the same check on Multi-News bare).
A component larger than `events.dense_max_units` (a chain of similar reports across a topic) is
still clustered as one dense matrix: a warning gives its size.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import numpy as np

from storyweave.config import EventsConfig
from storyweave.graph import component_labels

# Below the lowest threshold by more than float32 rounding of a similarity: a pair that the
# linkage's float64 distances (1 - s) could still see at the threshold is linked too.
MARGIN = 1e-6


class LargeComponentWarning(UserWarning):
    """A part of a large batch is itself larger than `events.dense_max_units`."""


def merge_bound(cfg: EventsConfig) -> float:
    """The lowest similarity at which two groups can merge, on any linkage path."""
    return min(cfg.threshold, cfg.single_threshold, cfg.group_threshold) - MARGIN


def components(n: int, block: Callable[[np.ndarray, np.ndarray], np.ndarray], bound: float, cells: int, limit: int,
               linked: tuple[np.ndarray, np.ndarray] | None = None, what: str = "reports") -> list[np.ndarray]:
    """The connected components (ascending indices, ordered by their first) of `n` items linked by
    the pairs whose similarity `block(rows, cols)` is at or above `bound`, computed `cells` pairs at
    a time, and by the pairs `linked`; a warning when one is larger than `limit`."""
    every = np.arange(n)
    label = every.copy()  # the component of each item so far
    step = max(1, cells // max(n, 1))
    for start in range(0, n, step):
        rows = every[start:start + step]
        r, c = np.nonzero(block(rows, every) >= bound)
        label = _join(label, label[rows[r]], label[c])
    if linked is not None and len(linked[0]):
        label = _join(label, label[linked[0]], label[linked[1]])
    order = np.argsort(label, kind="stable")
    cuts = np.flatnonzero(np.diff(label[order])) + 1
    parts = sorted(np.split(order, cuts), key=lambda p: int(p[0]))
    largest = max((len(p) for p in parts), default=0)
    if largest > limit:
        warnings.warn(f"{largest} of {n} {what} are linked into one part by similar pairs; it is clustered as one "
                      f"{largest} x {largest} matrix (events.dense_max_units = {limit})", LargeComponentWarning, stacklevel=3)
    return parts


def same_group(group_of: Sequence[object | None] | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Pairs (first item of its group, item) tying the items of each group (None: no group)."""
    if group_of is None:
        return None
    first: dict[object, int] = {}
    pairs = [(first.setdefault(g, i), i) for i, g in enumerate(group_of) if g is not None]
    a, b = (np.array(x, dtype=np.int64) for x in zip(*pairs, strict=True)) if pairs else (np.zeros(0, np.int64),) * 2
    return a, b


def _join(label: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """`label` with the components of each pair (`a[k]`, `b[k]`) joined, relabelled 0..k-1."""
    out: np.ndarray = component_labels(len(label), a, b)[label]
    return out
