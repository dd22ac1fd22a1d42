"""Fast incremental event assignment: an index of event centroids with a date filter.

For adding one article to a large store (100k articles) without re-clustering: the article's
static embedding (title + lead) is compared with the centroids of the events whose last
report falls within `window_days`; it joins the best one above `threshold` or opens a new
event.  A numpy matrix of centroid sums grows by doubling; no corpus-dependent fitting, so a
vector never changes once computed.  The batch/streaming stage (`events.cluster_events`) stays
the reference for quality and repairs these quick decisions on its next run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from storyweave.model import Article
from storyweave.nlp import represent

UNDATED = -(10**9)  # ordinal used for undated events/articles: matched with every date


class EventIndex:
    """Events as running sums of their articles' centred embeddings, for assigning new articles by cosine
    within a date window."""

    def __init__(self, dims: int, window_days: int = 7, threshold: float = 0.6, mean: np.ndarray | None = None):
        self.window_days = window_days
        self.threshold = threshold
        self.mean = np.zeros(dims, dtype=np.float32) if mean is None else mean.astype(np.float32)
        self.ids: list[str] = []
        self._row: dict[str, int] = {}
        self._sums = np.zeros((1024, dims), dtype=np.float32)
        self._last = np.zeros(1024, dtype=np.int64)
        self._size = 0

    # ------------------------------------------------------------------ building
    @classmethod
    def from_articles(
        cls, articles: Sequence[Article], event_ids: Sequence[str], window_days: int = 7, threshold: float = 0.6
    ) -> EventIndex:
        """Index stored `articles` already assigned to `event_ids`."""
        vectors = represent.embed([represent.headline_text(a) for a in articles]) if articles else None
        dims = vectors.shape[1] if vectors is not None else 256
        mean = vectors.mean(axis=0) if vectors is not None and len(vectors) > 1 else None
        index = cls(dims, window_days, threshold, mean)
        if vectors is not None:
            centred = index._centre(vectors)
            days = [_ordinal(a) for a in articles]
            for event_id, vector, day in zip(event_ids, centred, days, strict=False):
                index._add_to(event_id, vector, day)
        return index

    @classmethod
    def from_vectors(
        cls, vectors: np.ndarray, days: Sequence[int], event_ids: Sequence[str], mean: np.ndarray,
        window_days: int = 7, threshold: float = 0.6,
    ) -> EventIndex:
        """Index precomputed (uncentred) embeddings, e.g. vectors kept in a store."""
        index = cls(vectors.shape[1], window_days, threshold, mean)
        for event_id, vector, day in zip(event_ids, index._centre(vectors), days, strict=False):
            index._add_to(event_id, vector, int(day))
        return index

    def __len__(self) -> int:
        return self._size

    # ------------------------------------------------------------------ queries
    def vector(self, article: Article) -> np.ndarray:
        """The centred, L2-normalised embedding of the article's headline text."""
        row: np.ndarray = self._centre(represent.embed([represent.headline_text(article)]))[0]
        return row

    def scores(self, vector: np.ndarray, day: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, cosine) of events within the date window of `day`."""
        last = self._last[: self._size]
        if day == UNDATED:
            rows = np.arange(self._size)
        else:
            rows = np.flatnonzero((np.abs(last - day) <= self.window_days) | (last == UNDATED))
        if rows.size == 0:
            return rows, np.zeros(0, dtype=np.float32)
        sums = self._sums[rows]
        norms = np.linalg.norm(sums, axis=1)
        norms[norms == 0] = 1.0
        return rows, (sums @ vector) / norms

    def candidates(self, article: Article, min_similarity: float) -> list[str]:
        """Ids of the events within the article's date window at least `min_similarity` close to it."""
        rows, cos = self.scores(self.vector(article), _ordinal(article))
        return [self.ids[r] for r in rows[cos >= min_similarity]]

    def add(self, article: Article, new_id: str | None = None) -> tuple[str, bool]:
        """Assign `article`; returns (event id, True when a new event was opened)."""
        vector, day = self.vector(article), _ordinal(article)
        rows, cos = self.scores(vector, day)
        if cos.size and cos.max() >= self.threshold:
            event_id = self.ids[int(rows[int(cos.argmax())])]
            self._add_to(event_id, vector, day)
            return event_id, False
        event_id = new_id or f"ev-new-{self._size}"
        self._add_to(event_id, vector, day)
        return event_id, True

    # ------------------------------------------------------------------ internals
    def _centre(self, vectors: np.ndarray, in_place: bool = False) -> np.ndarray:
        """The rows centred and L2-normalised; `in_place`: in `vectors` itself (a temporary of the caller)."""
        centred = np.subtract(vectors, self.mean, out=vectors) if in_place else vectors - self.mean
        norms = _row_norms(centred)
        norms[norms == 0] = 1.0
        np.divide(centred, norms, out=centred)  # in place: the store's 10,000 x 256 rows are not copied again
        unit: np.ndarray = centred.astype(np.float32, copy=False)
        return unit

    def _add_to(self, event_id: str, vector: np.ndarray, day: int) -> None:
        row = self._row.get(event_id)
        if row is None:
            if self._size == len(self._sums):
                self._sums = np.vstack([self._sums, np.zeros_like(self._sums)])
                self._last = np.concatenate([self._last, np.zeros_like(self._last)])
            row = self._row[event_id] = self._size
            self.ids.append(event_id)
            self._size += 1
            self._last[row] = day
        self._sums[row] += vector
        if day != UNDATED:
            self._last[row] = max(self._last[row], day) if self._last[row] != UNDATED else day


def _row_norms(rows: np.ndarray) -> np.ndarray:
    """`np.linalg.norm(rows, axis=1, keepdims=True)` of a real matrix, bit for bit (the same
    products, summed by the same `add.reduce`), with one temporary array instead of two: a cold
    add centres the store's kept vectors (10,000 x 256 at 10k stored), where each full-size
    temporary is ~10 MB of fresh pages."""
    squares = rows * rows  # `norm` computes `(x.conj() * x).real`: the same values for a real x
    return np.sqrt(np.add.reduce(squares, axis=1, keepdims=True))


def _ordinal(article: Article) -> int:
    day = represent.article_day(article)
    return day.toordinal() if day else UNDATED


def nearest_events(
    vectors: np.ndarray, days: Sequence[int], event_ids: Sequence[str], queries: np.ndarray, query_days: Sequence[int],
    window_days: int, min_similarity: float, limit: int, copy_similarity: float = 1.01,
) -> list[str]:
    """The stored events nearest to each query (uncentred embeddings of title + lead): centroid
    cosine >= `min_similarity` within `window_days` of the event's last report (as `EventIndex`),
    at most `limit` per query, best first; then the events of stored reports whose own vector
    is within `copy_similarity` of the query whatever their date (a copy of an old report joins
    its event).  One vectorised pass (no per-article Python loop), for the incremental add over
    a store's kept vectors."""
    if not len(event_ids) or not len(queries):
        return []
    mean = vectors.mean(axis=0) if len(vectors) > 1 else np.zeros(vectors.shape[1], dtype=np.float32)
    index = EventIndex(vectors.shape[1], window_days, min_similarity, mean)
    names, codes = np.unique(np.asarray(event_ids, dtype=str), return_inverse=True)
    order = np.argsort(codes, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0])  # every event has a row
    day = np.asarray(days, dtype=np.int64)
    dated = np.where(day == UNDATED, np.iinfo(np.int64).min, day)
    last = np.maximum.reduceat(dated[order], starts)
    last[last == np.iinfo(np.int64).min] = UNDATED
    windows = [np.ones(len(names), dtype=bool) if qday == UNDATED else (np.abs(last - qday) <= window_days) | (last == UNDATED)
               for qday in query_days]
    sums = _centroid_sums(index, vectors, codes, order, np.logical_or.reduce(windows), len(names))
    norms = np.linalg.norm(sums, axis=1)
    norms[norms == 0] = 1.0
    out: list[str] = []
    for vector, near in zip(index._centre(queries), windows, strict=False):
        cos = (sums @ vector) / norms
        rows = np.flatnonzero(near & (cos >= min_similarity))
        rows = rows[np.argsort(-cos[rows], kind="stable")][:limit]
        out += [str(names[r]) for r in rows if str(names[r]) not in out]
    plain = vectors / np.maximum(_row_norms(vectors), 1e-12)
    for query in queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12):
        rows = np.unique(codes[np.flatnonzero(plain @ query >= copy_similarity)])
        out += [str(names[r]) for r in rows if str(names[r]) not in out]
    return out


def _centroid_sums(index: EventIndex, vectors: np.ndarray, codes: np.ndarray, order: np.ndarray,
                   wanted: np.ndarray, count: int) -> np.ndarray:
    """Each event's sum of centred member rows (`order`: rows by event code, members in stored
    order), computed for the `wanted` events only (those within a query's date window); the
    others are zero rows, never compared.  A wanted event's sum is the one `np.add.reduceat`
    gives over all rows, bit for bit: the same rows, centred alike (row by row), summed in the
    same order; and the matrix keeps every event's row where it was, so the cosine products
    (BLAS, row by row) are unchanged.  Centring only the wanted rows saves two passes over the
    store's kept vectors and the reduction over all events (~25 ms per cold add at 10,000)."""
    sums = np.zeros((count, vectors.shape[1]), dtype=np.float32)
    members = order[wanted[codes[order]]]
    if members.size:
        starts = np.flatnonzero(np.r_[True, np.diff(codes[members]) != 0])
        sums[np.flatnonzero(wanted)] = segment_sums(index._centre(vectors[members], in_place=True), starts)
    return sums


def segment_sums(rows: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """`np.add.reduceat(rows, starts, axis=0)` of a 2-D float array with increasing `starts`, bit
    for bit, in one vectorised pass per segment size instead of one reduction per segment and
    column (reduceat spent ~15 ms on the 6,600 events of a 10,000 store).  reduceat sums a
    segment as its first row plus numpy's pairwise sum of the others (`_pairwise`)."""
    sizes = np.diff(np.r_[starts, len(rows)])
    out = np.empty((len(starts), rows.shape[1]), dtype=rows.dtype)
    for size in np.unique(sizes):
        which = np.flatnonzero(sizes == size)
        first = starts[which]
        if size == 1:
            out[which] = rows[first]
        else:
            out[which] = rows[first] + _pairwise(rows[first[:, None] + np.arange(1, size)])
    return out


def _pairwise(block: np.ndarray) -> np.ndarray:
    """Sums over axis 1 of `block` (segments x n x columns) as numpy's `pairwise_sum` adds the n
    values of one column (numpy/_core/src/umath/loops_utils.h.src): fewer than 8 one by one from
    -0.0; up to 128 in 8 interleaved partial sums, combined as ((0+1)+(2+3))+((4+5)+(6+7)), the
    rest one by one; more split in two at a multiple of 8 below the half."""
    n = block.shape[1]
    if n < 8:
        ordered = np.full((block.shape[0], block.shape[2]), -0.0, dtype=block.dtype)
        for i in range(n):
            ordered += block[:, i]
        return ordered
    if n <= 128:
        partial = block[:, :8].copy()
        end = n - n % 8
        for i in range(8, end, 8):
            partial += block[:, i:i + 8]
        total: np.ndarray = ((partial[:, 0] + partial[:, 1]) + (partial[:, 2] + partial[:, 3])) + \
            ((partial[:, 4] + partial[:, 5]) + (partial[:, 6] + partial[:, 7]))
        for i in range(end, n):
            total += block[:, i]
        return total
    half = n // 2 - (n // 2) % 8
    halves: np.ndarray = _pairwise(block[:, :half]) + _pairwise(block[:, half:])
    return halves
