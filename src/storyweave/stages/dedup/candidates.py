"""Candidate pairs, near-linear: only candidates go on to the (more expensive) verification.

* `shared_fingerprint_pairs`: inverted index over sampled shingle fingerprints (sort + run
  scan in numpy).  Finds exact and near copies and embedded wire paragraphs; fingerprints
  found in more than `max_df` articles (boilerplate, templates) are skipped.
* `tfidf_pairs`: cosine top-k over pruned TF-IDF vectors of content-word stems (sparse matrix
  product in row blocks).  Finds rewrites, which share few word shingles.
* `anchor_pairs`: the same over language-neutral anchors (numbers, capitalised names) between
  articles of different languages: translation candidates.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from storyweave.stages.dedup.signatures import Fingerprints, unique_sorted


def shared_fingerprint_pairs(fps: Fingerprints, n_docs: int, max_df: int = 40) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, shared) for article pairs a < b sharing at least one sampled fingerprint."""
    fp, doc = fps.fp, fps.doc
    if len(fp) < 2:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    starts = np.flatnonzero(np.r_[True, fp[1:] != fp[:-1]])
    sizes = np.diff(np.r_[starts, len(fp)])
    run_size = np.repeat(sizes, sizes)
    ok = (run_size >= 2) & (run_size <= max_df)
    run_id = np.repeat(np.arange(len(starts)), sizes)
    keys = []
    max_run = int(sizes[sizes <= max_df].max()) if (sizes <= max_df).any() else 1
    for off in range(1, max_run):
        i = np.flatnonzero(ok[:-off] & (run_id[:-off] == run_id[off:]))
        if not len(i):
            break
        a, b = doc[i], doc[i + off]
        keys.append(np.minimum(a, b) * n_docs + np.maximum(a, b))
    if not keys:
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    uniq, counts = unique_sorted(np.concatenate(keys))
    return uniq // n_docs, uniq % n_docs, counts


def tfidf(counts: sparse.csr_matrix, top_terms: int = 60, max_df_ratio: float = 0.2, max_df: int = 200) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows of an article x term count matrix, each pruned to its
    `top_terms` heaviest terms (keeps the similarity product sparse at 100k articles).

    Columns are renumbered to the terms present first (the input may use hashed columns).
    """
    n = counts.shape[0]
    m = counts.tocsr(copy=True).astype(np.float64)
    m.sum_duplicates()
    if len(m.indices) * 8 < m.shape[1]:  # few terms (an incremental add's working set): sort them
        terms, columns = np.unique(m.indices, return_inverse=True)
        m = sparse.csr_matrix((m.data, columns.astype(np.int32), m.indptr), shape=(n, max(1, len(terms))))
    else:  # a lookup table over every hashed column, not a search (large batches)
        present = np.zeros(m.shape[1] + 1, dtype=bool)
        present[m.indices] = True
        new_col = np.cumsum(present, dtype=np.int64).astype(np.int32) - 1
        m = sparse.csr_matrix((m.data, new_col[m.indices], m.indptr), shape=(n, max(1, int(present.sum()))))
    m.data = np.log1p(m.data)
    df = np.bincount(m.indices, minlength=m.shape[1])
    idf = np.log((1 + n) / (1 + df)) + 1.0
    if n >= 50:
        # terms in a fifth of the corpus, or in more than `max_df` articles, carry no identity;
        # the absolute cap also keeps the similarity product near-linear (a term's cost is df^2)
        idf[df > max(5, min(max_df_ratio * n, max_df))] = 0.0
    m.data *= idf[m.indices]
    m = _prune_rows(m, top_terms)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    m.data /= np.repeat(norms, np.diff(m.indptr))
    return m


def _prune_rows(m: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    m.eliminate_zeros()
    indptr, data = m.indptr, m.data
    keep = np.ones(len(data), dtype=bool)
    for r in np.flatnonzero(np.diff(indptr) > k):
        s, e = indptr[r], indptr[r + 1]
        row = data[s:e]
        # ties broken by column (stable sort) so the result does not depend on insertion order
        drop = np.argsort(-row, kind="stable")[k:]
        keep[s + drop] = False
    m.data = np.where(keep, data, 0.0)
    m.eliminate_zeros()
    return m


def cosine_pairs(
    left: sparse.csr_matrix,
    right: sparse.csr_matrix | None = None,
    threshold: float = 0.3,
    top_k: int = 5,
    block: int = 2000,
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, cosine) with cosine >= threshold, at most `top_k` per row of `left`
    (ties broken by column), in (i, j) order.

    With `right` None the matrix is compared with itself and only i < j pairs are returned.
    Top-k selection is vectorised per block of rows (one lexsort), not a loop over rows.
    """
    same = right is None
    right_t = (left if right is None else right).T.tocsc()
    got_i, got_j, got_v = [], [], []
    for s in range(0, left.shape[0], block):
        prod = (left[s : s + block] @ right_t).tocsr()
        prod.data[prod.data < threshold] = 0.0
        prod.eliminate_zeros()
        rows = np.repeat(np.arange(prod.shape[0], dtype=np.int64) + s, np.diff(prod.indptr))
        cols, vals = prod.indices.astype(np.int64), prod.data
        if same:
            off = cols != rows
            rows, cols, vals = rows[off], cols[off], vals[off]
        order = np.lexsort((cols, -vals, rows))
        rows, cols, vals = rows[order], cols[order], vals[order]
        rank = np.arange(len(rows)) - np.searchsorted(rows, rows)
        top = rank < top_k
        got_i.append(rows[top])
        got_j.append(cols[top])
        got_v.append(vals[top])
    i = np.concatenate(got_i) if got_i else np.zeros(0, np.int64)
    j = np.concatenate(got_j) if got_j else np.zeros(0, np.int64)
    v = np.concatenate(got_v) if got_v else np.zeros(0)
    if same:  # each unordered pair once, with its best cosine
        i, j = np.minimum(i, j), np.maximum(i, j)
        order = np.lexsort((-v, j, i))
        i, j, v = i[order], j[order], v[order]
        first = np.r_[True, (i[1:] != i[:-1]) | (j[1:] != j[:-1])] if len(i) else np.zeros(0, bool)
        i, j, v = i[first], j[first], v[first]
    else:
        order = np.lexsort((j, i))
        i, j, v = i[order], j[order], v[order]
    return list(zip(i.tolist(), j.tolist(), v.tolist(), strict=False))


def shared_share(counts: sparse.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """For pairs (i, j): terms present in both rows / terms of the smaller row."""
    b = counts.copy()
    b.data = np.ones_like(b.data)
    shared = np.asarray(b[i].multiply(b[j]).sum(axis=1)).ravel()
    n_terms = np.diff(b.indptr)
    share: np.ndarray = shared / np.maximum(np.minimum(n_terms[i], n_terms[j]), 1)
    return share
