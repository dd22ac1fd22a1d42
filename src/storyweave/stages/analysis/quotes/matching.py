"""The same statement matched across outlets: an event's quote records grouped by speaker,
content-word overlap, character n-gram TF-IDF cosine and (when the static embedding model is
shipped) embedding cosine, so reworded versions of one statement ("did not come true" / "were
not fulfilled") become one `Quote`."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from storyweave.model import Quote
from storyweave.nlp import tfidf
from storyweave.nlp.stop_words import QUOTE_OVERLAP
from storyweave.nlp.text import content_words
from storyweave.stages.analysis.quotes.attribution import QuoteRecord

if TYPE_CHECKING:
    import numpy as np


def _containment(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _char_cosines(texts: list[str]) -> np.ndarray | list[list[float]]:
    if len(texts) < 2:
        return [[1.0]]
    # scikit-learn's TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True), bit for bit
    m = tfidf.fit_transform(texts, tfidf.char_wb_analyzer((3, 5)), sublinear_tf=True)
    cos: np.ndarray = (m @ m.T).toarray()
    return cos


def _same_statement(si: str | None, sj: str | None, c: float, sem: float, wi: set[str], wj: set[str]) -> bool:
    """c: char n-gram TF-IDF cosine; sem: static-embedding cosine (0 when no model is shipped)."""
    k, small = _containment(wi, wj), min(len(wi), len(wj))
    if si and sj and si == sj:
        # meaning alone is not enough: one speaker's different statements on one topic embed close
        return (sem >= 0.75 and k >= 0.3) or c >= 0.5 or (k >= 0.6 and small >= 3 and c >= 0.3)
    if si and sj:
        return c >= 0.9  # one statement credited to two names: keep only near-identical wording
    return sem >= 0.9 or c >= 0.75 or (k >= 0.8 and small >= 4 and c >= 0.5)


def _embedding_cosines(texts: list[str]) -> np.ndarray | None:
    from storyweave.nlp.represent import embedding_matrix

    v = embedding_matrix(texts)
    return None if v is None else v @ v.T


def match_quotes(records: list[QuoteRecord]) -> list[Quote]:
    """Group the event's quote records into statements (same speaker + similar words)."""
    # identical text in one article (headline + body) counts once
    seen: dict[tuple[str, str], int] = {}
    recs: list[QuoteRecord] = []
    for r in records:
        key = (r.article_id, " ".join(r.text.lower().split()))
        if key not in seen:
            seen[key] = len(recs)
            recs.append(r)
        elif recs[seen[key]].speaker is None and r.speaker:
            recs[seen[key]] = r  # the attributed copy (body) over the bare one (headline)
    if not recs:
        return []
    cos = _char_cosines([r.text for r in recs])
    sem = _embedding_cosines([r.text for r in recs]) if len(recs) > 1 else None
    words = [content_words(r.text, QUOTE_OVERLAP, joined=False) for r in recs]
    n = len(recs)
    same = [[False] * n for _ in range(n)]
    for i in range(n):
        same[i][i] = True
        for j in range(i + 1, n):
            same[i][j] = same[j][i] = _same_statement(recs[i].speaker, recs[j].speaker, cos[i][j],
                                                         float(sem[i][j]) if sem is not None else 0.0, words[i], words[j])
    # average-linkage merging: a group joins another only if most of their pairs match (no chaining)
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    linked = [(x, y) for x in range(n) for y in range(x + 1, n) if same[x][y]]
    for i, j in sorted(linked, key=lambda p: -cos[p[0]][p[1]]):
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        pairs = [same[a][b] for a in members[gi] for b in members[gj]]
        if sum(pairs) * 2 < len(pairs):
            continue
        for k in members[gj]:
            group_of[k] = gi
        members[gi].extend(members.pop(gj))
    groups = {g: [recs[k] for k in ks] for g, ks in members.items()}
    out = []
    for g in groups.values():
        speakers = Counter(r.speaker for r in g if r.speaker)
        support: Counter[str] = Counter()
        for r in g:
            support[r.text] += len(r.credited)
        text = max(support, key=lambda t: (support[t], len(t)))
        variants = [t for t, _ in support.most_common()]
        ids = sorted({a for r in g for a in r.credited})
        out.append(Quote(speaker=speakers.most_common(1)[0][0] if speakers else None, text=text,
                         variants=variants, article_ids=ids))
    out.sort(key=lambda q: (-len(q.article_ids), q.speaker is None, min(r.start for r in records if r.text in q.variants)))
    return out
