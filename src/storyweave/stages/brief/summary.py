"""Cited, redundancy-aware extractive summary of one event.

Scoring is unsupervised and has few knobs (tuned on Multi-News dev, checked 2-fold):
centrality (TF-IDF cosine to the event centroid, plus the static embeddings' cosine to their
centroid when given), a lead-position prior (news puts the essentials first), cross-article
support (how much of the sentence the other articles also carry, sentence by sentence, and
how many of the other articles use its content words), and a small bonus for a quotation
(summaries of news quote the people involved).  Selection is greedy with an MMR-style
redundancy cut and fills the word budget with whole verbatim sentences: a sentence that does
not fit is skipped, never truncated, and a last pass swaps one chosen sentence for a longer
(or for two) about as good ones when that uses more of the budget.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix

from storyweave.config import SummaryParams
from storyweave.model import SummarySentence
from storyweave.nlp.stop_words import SUMMARY
from storyweave.nlp.text import content_words
from storyweave.stages.brief.sentences import Candidate, Unit, candidates, group_units, has_verb, vectorize

# SummaryParams, the summary's knobs (`Config.brief.summary`), lives in storyweave/config.py.
_DEFAULT_PARAMS = SummaryParams()


@dataclass
class EventSentences:
    """Everything the summary and facts need about an event's sentences, computed once."""

    cands: list[Candidate]
    sim: np.ndarray  # candidate x candidate cosine
    centrality: np.ndarray
    support: np.ndarray
    units: list[Unit]
    n_docs: int
    spread: np.ndarray = field(default_factory=lambda: np.zeros(0))  # see _spread
    quote: np.ndarray = field(default_factory=lambda: np.zeros(0))  # 1.0 where the sentence quotes


def analyse(texts: list[tuple[str, str]], same_content: float = SummaryParams.same_content,
            max_per_article: int | None = None, word_range: tuple[int, int] | None = None) -> EventSentences:
    """Split, filter, vectorise and group the sentences of (article_id, text) pairs
    (candidate sentences of `word_range` (min, max) words; `BriefConfig`'s by default)."""
    cands = candidates(texts, max_per_article, *word_range) if word_range else candidates(texts, max_per_article)
    n_docs = len({aid for aid, _ in texts})
    if not cands:
        return EventSentences([], np.zeros((0, 0)), np.zeros(0), np.zeros(0), [], n_docs)
    X = vectorize(cands)
    sim = (X @ X.T).toarray()
    centrality = _centrality(cands, X)
    support = _support(cands, sim)
    units = group_units(cands, sim, same_content)
    quote = np.array([1.0 if _QUOTE.search(c.text) else 0.0 for c in cands])
    return EventSentences(cands, sim, centrality, support, units, n_docs, _spread(cands), quote)


_QUOTE = re.compile(r"[\"“”]")


def _spread(cands: list[Candidate]) -> np.ndarray:
    """Per sentence: mean over its content words of the share of the *other* articles that
    use the word somewhere (0 with a single article)."""
    docs = sorted({c.doc_index for c in cands})
    if len(docs) < 2:
        return np.zeros(len(cands))
    bags = [content_words(c.text, SUMMARY, numbers=False) for c in cands]
    per_doc: dict[int, set[str]] = {d: set() for d in docs}
    for c, bag in zip(cands, bags, strict=False):
        per_doc[c.doc_index] |= bag
    df: dict[str, int] = {}
    for bag in per_doc.values():
        for w in bag:
            df[w] = df.get(w, 0) + 1
    out = np.zeros(len(cands))
    for k, bag in enumerate(bags):
        if bag:
            out[k] = sum(df[w] - 1 for w in bag) / len(bag) / (len(docs) - 1)
    return out


def _centrality(cands: list[Candidate], X: csr_matrix) -> np.ndarray:
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
    support: np.ndarray = best.sum(axis=1) / (len(docs) - 1)
    return support


def _dense_centrality(dense: np.ndarray) -> np.ndarray:
    """Cosine of each sentence embedding to the mean embedding, from the cosine matrix alone."""
    total = float(dense.mean())
    return dense.mean(axis=1) / np.sqrt(total) if total > 0 else np.zeros(len(dense))


def candidate_scores(es: EventSentences, params: SummaryParams, dense: np.ndarray | None = None) -> np.ndarray:
    """Salience of each candidate sentence (higher is better)."""
    n = len(es.cands)
    index = np.array([c.index for c in es.cands])
    score = (params.centrality_weight * es.centrality
             + params.position_weight / (1.0 + index / params.position_scale)
             + params.support_weight * es.support)
    if len(es.spread) == n:
        score = score + params.spread_weight * es.spread
    if len(es.quote) == n:
        score = score + params.quote_weight * es.quote
    if dense is not None and dense.shape == (n, n):
        score = score + params.dense_weight * _dense_centrality(dense)
    return score


def unit_scores(es: EventSentences, params: SummaryParams,
                dense: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(score of each unit, index of its representative candidate)."""
    cand_score = candidate_scores(es, params, dense)
    scores = np.zeros(len(es.units))
    reps = np.zeros(len(es.units), dtype=int)
    for u, unit in enumerate(es.units):
        best = max(unit.members, key=lambda m: (cand_score[m], -es.cands[m].doc_index))
        reps[u] = best
        scores[u] = cand_score[best]
    return scores, reps


def summarize(es: EventSentences, max_words: int, params: SummaryParams = _DEFAULT_PARAMS,
              preferred: set[str] | None = None, dense: np.ndarray | None = None) -> list[SummarySentence]:
    """Pick whole sentences within `max_words`, order them for reading, cite all carriers.

    `preferred`: article ids whose wording is preferred for a unit's representative (originals
    rather than copies); any member may still be cited.  `dense`: candidate x candidate
    embedding cosine, when available, to drop paraphrases TF-IDF does not see as redundant.
    """
    if not es.cands or max_words <= 0:
        return []
    if dense is not None and dense.shape != (len(es.cands), len(es.cands)):
        dense = None
    scores, reps = unit_scores(es, params, dense)
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
    lengths = np.array([es.cands[r].n_words for r in rep_idx])
    fits = (lengths >= params.min_words) & (lengths <= params.max_words)
    open_units = fits.copy()

    def verb_ok(u: int) -> bool:
        return not params.check_verb or has_verb(es.cands[rep_idx[u]].text)

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
        if not verb_ok(u):
            fits[u] = False
            continue
        chosen.append(u)
        used += int(lengths[u])
        max_sim = np.maximum(max_sim, es.sim[rep_idx, rep_idx[u]])
        if dense is not None:
            max_dense = np.maximum(max_dense, dense[rep_idx, rep_idx[u]])
    chosen = _fill(es, chosen, scores, rep_idx, lengths, fits, max_words, params, dense, verb_ok)
    chosen.sort(key=lambda u: (min(es.cands[m].index for m in es.units[u].members),
                               es.cands[int(reps[u])].doc_index))
    return [SummarySentence(es.cands[int(reps[u])].text, _carriers(es, u, int(reps[u]))) for u in chosen]


def _carriers(es: EventSentences, u: int, rep: int) -> list[str]:
    """Articles of the unit, plus any other article quoting the sentence inside a longer one."""
    ids = list(es.units[u].article_ids)
    text = es.cands[rep].text
    for c in es.cands:
        if c.article_id not in ids and text in c.text:
            ids.append(c.article_id)
    return ids


def _fill(es: EventSentences, chosen: list[int], scores: np.ndarray, rep_idx: np.ndarray, lengths: np.ndarray,
          fits: np.ndarray, max_words: int, params: SummaryParams, dense: np.ndarray | None,
          verb_ok: Callable[[int], bool]) -> list[int]:
    """Use more of the budget: swap one chosen unit for one longer unit, or for two units,
    whose MMR value against the units kept is at most `fill_tolerance` below its own."""
    chosen = list(chosen)
    used = int(lengths[chosen].sum()) if chosen else 0
    while chosen and used < max_words:
        best: tuple[int, float, int, tuple[int, ...]] | None = None  # (words gained, score sum, removed, added)
        for r in chosen:
            rest = [c for c in chosen if c != r]
            ok = fits.copy()
            ok[chosen] = False
            near = np.zeros(len(scores))  # similarity to the closest unit kept
            if rest:
                near = es.sim[np.ix_(rep_idx, rep_idx[rest])].max(axis=1)
                ok &= near < params.redundancy
                if dense is not None:
                    ok &= dense[np.ix_(rep_idx, rep_idx[rest])].max(axis=1) < params.paraphrase
            value = scores - params.mmr_weight * near  # what the greedy step would have seen
            room = max_words - used + int(lengths[r])
            ok &= (value >= value[r] - params.fill_tolerance) & (lengths <= room)
            pool = [int(u) for u in np.nonzero(ok)[0]]
            options: list[tuple[tuple[int, ...], int]] = [((u,), int(lengths[u])) for u in pool if lengths[u] > lengths[r]]
            top = sorted(pool, key=lambda u: -value[u])[:15]
            for a_i, a in enumerate(top):
                for b in top[a_i + 1:]:
                    total = int(lengths[a] + lengths[b])
                    pair_sim = es.sim[rep_idx[a], rep_idx[b]]
                    if lengths[r] < total <= room and pair_sim < params.redundancy and (
                            value[b] - params.mmr_weight * pair_sim >= value[r] - params.fill_tolerance) and (
                            dense is None or dense[rep_idx[a], rep_idx[b]] < params.paraphrase):
                        options.append(((a, b), total))
            for added, total in options:
                key = (total - int(lengths[r]), float(sum(value[list(added)])), r, added)
                if (best is None or key[:2] > best[:2]) and all(verb_ok(u) for u in added):
                    best = key
        if best is None:
            break
        gained, _, r, added = best
        chosen = [c for c in chosen if c != r] + list(added)
        used += gained
    return chosen
