"""Cited, redundancy-aware extractive summary of one event.

Scoring is unsupervised and has few knobs (tuned on Multi-News dev, checked 2-fold):
centrality (TF-IDF cosine to the event centroid), a lead-position prior (news puts the
essentials first), and cross-article support (how much of the sentence the other articles
also carry).  Selection is greedy with an MMR-style redundancy cut and fills the word budget
with whole verbatim sentences: a sentence that does not fit is skipped, never truncated.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from storyweave.brief.sentences import Candidate, Unit, candidates, group_units, has_verb, vectorize
from storyweave.model import SummarySentence


@dataclass(frozen=True)
class SummaryParams:
    position_weight: float = 0.5  # weight of the lead prior 1 / (1 + index / position_scale)
    position_scale: float = 3.0
    support_weight: float = 1.0  # weight of mean best-match similarity in the other articles
    redundancy: float = 0.4  # skip a sentence this similar to one already chosen
    same_content: float = 0.65  # cosine at which two sentences count as the same content
    min_words: int = 6  # shorter sentences are rarely informative on their own
    max_words: int = 80
    mmr_weight: float = 2.0  # maximal marginal relevance: score - weight * similarity to chosen
    paraphrase: float = 0.8  # skip a sentence whose embedding cosine to a chosen one reaches this
    check_verb: bool = True


@dataclass
class EventSentences:
    """Everything the summary and facts need about an event's sentences, computed once."""

    cands: list[Candidate]
    sim: np.ndarray  # candidate x candidate cosine
    centrality: np.ndarray
    support: np.ndarray
    units: list[Unit]
    n_docs: int


def analyse(texts: list[tuple[str, str]], same_content: float = SummaryParams.same_content,
            max_per_article: int | None = None) -> EventSentences:
    """Split, filter, vectorise and group the sentences of (article_id, text) pairs."""
    cands = candidates(texts, max_per_article)
    n_docs = len({aid for aid, _ in texts})
    if not cands:
        return EventSentences([], np.zeros((0, 0)), np.zeros(0), np.zeros(0), [], n_docs)
    X = vectorize(cands)
    sim = (X @ X.T).toarray()
    centrality = _centrality(cands, X)
    support = _support(cands, sim)
    units = group_units(cands, sim, same_content)
    return EventSentences(cands, sim, centrality, support, units, n_docs)


def _centrality(cands: list[Candidate], X) -> np.ndarray:
    """Cosine of each sentence to the event centroid (sum of all sentence vectors)."""
    centroid = np.asarray(X.sum(axis=0)).ravel()
    norm = np.linalg.norm(centroid)
    if not norm:
        return np.zeros(len(cands))
    return np.asarray(X @ (centroid / norm)).ravel()


def _support(cands: list[Candidate], sim: np.ndarray) -> np.ndarray:
    """Per sentence: mean over the *other* articles of the best similarity found there."""
    docs = sorted({c.doc_index for c in cands})
    if len(docs) < 2:
        return np.zeros(len(cands))
    doc_of = np.array([c.doc_index for c in cands])
    best = np.zeros((len(cands), len(docs)))
    for k, d in enumerate(docs):
        cols = doc_of == d
        best[:, k] = sim[:, cols].max(axis=1)
    own = np.array([docs.index(d) for d in doc_of])
    best[np.arange(len(cands)), own] = 0.0
    return best.sum(axis=1) / (len(docs) - 1)


def unit_scores(es: EventSentences, params: SummaryParams) -> tuple[np.ndarray, np.ndarray]:
    """(score of each unit, index of its representative candidate)."""
    cand_score = (
        es.centrality
        + params.position_weight / (1.0 + np.array([c.index for c in es.cands]) / params.position_scale)
        + params.support_weight * es.support
    )
    scores = np.zeros(len(es.units))
    reps = np.zeros(len(es.units), dtype=int)
    for u, unit in enumerate(es.units):
        best = max(unit.members, key=lambda m: (cand_score[m], -es.cands[m].doc_index))
        reps[u] = best
        scores[u] = cand_score[best]
    return scores, reps


def summarize(es: EventSentences, max_words: int, params: SummaryParams = SummaryParams(),
              preferred: set[str] | None = None, dense: np.ndarray | None = None) -> list[SummarySentence]:
    """Pick whole sentences within `max_words`, order them for reading, cite all carriers.

    `preferred`: article ids whose wording is preferred for a unit's representative (originals
    rather than copies); any member may still be cited.  `dense`: candidate x candidate
    embedding cosine, when available, to drop paraphrases TF-IDF does not see as redundant.
    """
    if not es.cands or max_words <= 0:
        return []
    scores, reps = unit_scores(es, params)
    if preferred:
        for u, unit in enumerate(es.units):
            if es.cands[reps[u]].article_id not in preferred:
                alts = [m for m in unit.members if es.cands[m].article_id in preferred]
                if alts:
                    reps[u] = max(alts, key=lambda m: es.centrality[m])
    chosen: list[int] = []
    used = 0
    rep_idx = reps.astype(int)
    max_sim = np.zeros(len(es.units))  # similarity of each unit to the closest chosen one
    max_dense = np.zeros(len(es.units))
    open_units = np.ones(len(es.units), dtype=bool)
    lengths = np.array([es.cands[r].n_words for r in rep_idx])
    open_units &= (lengths >= params.min_words) & (lengths <= params.max_words)
    while True:
        open_units &= lengths <= max_words - used
        open_units &= max_sim < params.redundancy
        if dense is not None:
            open_units &= max_dense < params.paraphrase
        if not open_units.any():
            break
        mmr = np.where(open_units, scores - params.mmr_weight * max_sim, -np.inf)
        u = int(np.argmax(mmr))
        open_units[u] = False
        if params.check_verb and not has_verb(es.cands[rep_idx[u]].text):
            continue
        chosen.append(u)
        used += int(lengths[u])
        max_sim = np.maximum(max_sim, es.sim[rep_idx, rep_idx[u]])
        if dense is not None:
            max_dense = np.maximum(max_dense, dense[rep_idx, rep_idx[u]])
    chosen.sort(key=lambda u: (min(es.cands[m].index for m in es.units[u].members),
                               es.cands[int(reps[u])].doc_index))
    return [SummarySentence(es.cands[int(reps[u])].text, list(es.units[u].article_ids)) for u in chosen]
