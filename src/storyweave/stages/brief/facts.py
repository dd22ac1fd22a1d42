"""Facts: claims carried by two or more independent sources, with the count.

Sentences of different articles are linked when they say the same thing: TF-IDF cosine at
least `link` (aligned paraphrase), or at least `link_anchored` when they also share a number
(the shared figure anchors a looser paraphrase).  Two sentences whose numbers are all
different are never linked: "1.7 million" vs "1.5 million" is a discrepancy, not one fact.
When the shipped static sentence embeddings are available (`storyweave.nlp.represent`), a looser
paraphrase is also linked at embedding cosine >= `link_dense_anchored` when the two sentences
share a quantity (a number outside dates), or >= `link_dense` when they share two names
(capitalised words past the first).  Independent sources are counted by `storyweave.stages.dedup.count_independent` with wire copies
counted once, so a wire story reprinted by five outlets confirms nothing by itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from storyweave.config import FactParams
from storyweave.graph import components
from storyweave.model import Fact
from storyweave.nlp.date_patterns import DATE_OR_YEAR
from storyweave.stages.brief.summary import EventSentences

_DEFAULT = FactParams()  # the thresholds above: `Config.brief.facts` (storyweave/config.py)
_QUANTITY = re.compile(r"\d[\d,.]*\d|\d")


def quantities(text: str) -> frozenset[str]:
    """Numbers of `text` that are not part of a date (datelines share dates, not facts)."""
    return frozenset(_QUANTITY.findall(DATE_OR_YEAR.sub(" ", text)))
_NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b([A-Z][a-z]\w+)")


def _names(text: str) -> set[str]:
    return {m.group(1) for m in _NAME.finditer(text)}


def sentence_embeddings(texts: list[str]) -> np.ndarray | None:
    """Cosine matrix of the shipped static embeddings, or None when the model is absent."""
    from storyweave.nlp.represent import encode

    raw = encode(texts) if texts else None
    if raw is None:  # model missing: TF-IDF links only
        return None
    vectors = raw.astype(np.float64)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return vectors @ vectors.T


def _linked(es: EventSentences, i: int, j: int, dense: np.ndarray | None, qty: list[frozenset[str]],
            p: FactParams = _DEFAULT) -> bool:
    a, b = es.cands[i], es.cands[j]
    if a.article_id == b.article_id:
        return False
    if qty[i] and qty[j] and not (qty[i] & qty[j]):
        return False
    s = es.sim[i, j]
    shared_number = bool(qty[i] & qty[j])
    if s >= p.link or (s >= p.link_anchored and shared_number):
        return True
    if dense is not None and shared_number and dense[i, j] >= p.link_dense_anchored:
        return True
    if dense is not None and dense[i, j] >= p.link_dense:
        return len(_names(a.text) & _names(b.text)) >= 2
    return False


def claim_groups(es: EventSentences, dense: np.ndarray | None = None, p: FactParams = _DEFAULT) -> list[list[int]]:
    """Groups of candidate indices that carry the same claim (singletons included)."""
    n = len(es.cands)
    pairs: list[tuple[int, int]] = []
    if n:
        qty = [quantities(c.text) for c in es.cands]
        near = es.sim >= p.link_anchored
        if dense is not None:
            near |= dense >= p.link_dense_anchored
        rows, cols = np.nonzero(np.triu(near, k=1))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=False):
            if _linked(es, i, j, dense, qty, p):
                pairs.append((i, j))
    return components(n, pairs)


def representative(es: EventSentences, members: list[int], preferred: set[str] | None = None) -> int:
    """Best-worded member: from an original article when possible, most central, earliest."""
    def key(m: int) -> tuple[bool, float, int, int]:
        c = es.cands[m]
        return (preferred is None or c.article_id in preferred, es.centrality[m], -c.index, -c.doc_index)

    return max(members, key=key)


def extract_facts(
    es: EventSentences,
    count_sources: Callable[[list[str]], int],
    preferred: set[str] | None = None,
    min_sources: int = 2,
    limit: int = 25,
    dense: np.ndarray | None = None,
    params: FactParams = _DEFAULT,
) -> tuple[list[Fact], list[tuple[list[int], list[str]]]]:
    """Facts confirmed by >= `min_sources` independent sources, most confirmed first.

    Also returns every claim group as (members, article_ids) for the outlet comparison.
    """
    facts: list[tuple[tuple[int, float], Fact]] = []  # (sources, centrality), fact
    groups = []
    for members in claim_groups(es, dense, params):
        ids = list(dict.fromkeys(es.cands[m].article_id for m in members))
        groups.append((members, ids))
        if len(ids) < min_sources:
            continue
        sources = count_sources(ids)
        if sources < min_sources:
            continue
        rep = representative(es, members, preferred)
        facts.append(((sources, float(es.centrality[rep])), Fact(es.cands[rep].text, ids, sources)))
    facts.sort(key=lambda x: x[0], reverse=True)
    return [f for _, f in facts[:limit]], groups
