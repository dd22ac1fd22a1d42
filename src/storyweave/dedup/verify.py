"""Pair verification by in-order sentence alignment (only run on candidate pairs).

Two texts are copies when most units (sentences) of the shorter one align, in order, to a unit
of the other with high content-word overlap (Dice over word-prefix stems, numbers included).
Two different reports of one event share names, numbers and a quote or two, but not the
sequence of most of their sentences: that is the hard negative this test is built for.

Comparison units come from a cheap regex split (sentence ends and line breaks).  They are only
used for scoring, because `storyweave.text.split_sentences` (spaCy) costs ~5 ms an article and
verification must stay fast at 100k articles; every sentence *reported* (wire passages) is
re-cut with `split_sentences` so that it is a verbatim slice of the article text.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from unidecode import unidecode

from storyweave.dedup.signatures import STOPWORDS, stems, text_key, tokens

_UNIT_SPLIT = re.compile(r"(?<=[.!?])[\"'”’»)]*\s+(?=[\"'“‘«(]?[A-Z0-9])|\n+")
_CAP = re.compile(r"\b[A-ZÀ-Ý][\w'’-]*\w|\b\d[\d.,]*\d|\b\d\b")
_BOILERPLATE = re.compile(
    r"newsletter|subscribe|cookie|click here|sign up|all rights reserved|continue reading|copyright|"
    r"advertisement|follow us|share this|read more|terms of use|email us|transcript|\S+@\S+\.\w+|www\.|©",
    re.IGNORECASE,
)
MIN_UNIT_STEMS = 4  # units with fewer content words (datelines, captions) are not compared
VERBATIM_MIN_WORDS = 8  # shortest unit that counts as a shared wire sentence


class Unit:
    """One comparison unit; its anchors are computed only if a cross-language check asks."""

    __slots__ = ("text", "key", "stems", "n_words", "_anchors")

    def __init__(self, text: str, key: str, stems: frozenset[str], n_words: int) -> None:
        self.text, self.key, self.stems, self.n_words = text, key, stems, n_words
        self._anchors: frozenset[str] | None = None

    @property
    def anchors(self) -> frozenset[str]:
        if self._anchors is None:
            self._anchors = anchors(self.text)
        return self._anchors


@dataclass
class Doc:
    units: list[Unit]  # comparable units only, in text order


def make_doc(text: str) -> Doc:
    units: list[Unit] = []
    for raw in _UNIT_SPLIT.split(text):
        raw = raw.strip()
        if not raw:
            continue
        toks = tokens(raw)
        st = frozenset(stems(toks))
        if len(st) < MIN_UNIT_STEMS:
            continue
        units.append(Unit(raw, text_key(toks), st, len(toks)))
    return Doc(units)


def anchors(text: str) -> frozenset[str]:
    """Language-neutral anchors of a unit: numbers and capitalised names (not the first word)."""
    found = _CAP.findall(text)
    first = _CAP.match(text.lstrip("\"'“‘«( "))
    out = set()
    for i, w in enumerate(found):
        if i == 0 and first is not None and w == first.group(0) and not w[0].isdigit():
            continue
        w = unidecode(w).lower().replace(",", "").replace(".", "")
        if w and w not in STOPWORDS:
            out.add(w)
    return frozenset(out)


@dataclass
class Alignment:
    cov_short: float  # share of the shorter text's units aligned in order
    n_short: int
    n_long: int
    n_aligned: int
    near_verbatim: int  # aligned units with score >= 0.8
    verbatim: list[tuple[int, int]] = field(default_factory=list)  # (unit in a, unit in b) identical
    score: float = 0.0  # mean score of the aligned units
    a_is_short: bool = True


def _lis_len(seq: list[int]) -> int:
    tails: list[int] = []
    for x in seq:
        k = bisect_left(tails, x)
        if k == len(tails):
            tails.append(x)
        else:
            tails[k] = x
    return len(tails)


def align(a: Doc, b: Doc, min_score: float = 0.45, use_anchors: bool = False) -> Alignment:
    """Align the shorter doc's units to the other's (best Dice match each, then in-order count)."""
    a_short = len(a.units) <= len(b.units)
    s_doc, l_doc = (a, b) if a_short else (b, a)
    feat = (lambda u: u.anchors) if use_anchors else (lambda u: u.stems)
    index: dict[str, list[int]] = {}
    for j, u in enumerate(l_doc.units):
        for t in feat(u):
            index.setdefault(t, []).append(j)
    by_key: dict[str, int] = {}
    for j, u in enumerate(l_doc.units):
        by_key.setdefault(u.key, j)
    matched: list[tuple[int, int, float]] = []
    verbatim: list[tuple[int, int]] = []
    eligible = 0
    for i, u in enumerate(s_doc.units):
        fu = feat(u)
        if use_anchors and len(fu) < 2:
            continue
        eligible += 1
        if not use_anchors and u.key in by_key:
            j = by_key[u.key]
            matched.append((i, j, 1.0))
            if u.n_words >= VERBATIM_MIN_WORDS and not _BOILERPLATE.search(u.text):
                verbatim.append((i, j) if a_short else (j, i))
            continue
        overlap: dict[int, int] = {}
        for t in fu:
            for j in index.get(t, ()):
                overlap[j] = overlap.get(j, 0) + 1
        best_j, best = -1, 0.0
        for j, ov in overlap.items():
            d = 2.0 * ov / (len(fu) + len(feat(l_doc.units[j])))
            if d > best or (d == best and j < best_j):
                best_j, best = j, d
        if best >= min_score:
            matched.append((i, best_j, best))
    in_order = _lis_len([j for _, j, _ in matched])
    n_short = eligible
    return Alignment(
        cov_short=in_order / n_short if n_short else 0.0,
        n_short=n_short,
        n_long=len(l_doc.units),
        n_aligned=in_order,
        near_verbatim=sum(1 for _, _, s in matched if s >= 0.8),
        verbatim=verbatim,
        score=sum(s for _, _, s in matched) / len(matched) if matched else 0.0,
        a_is_short=a_short,
    )


@dataclass
class Verdict:
    kind: str | None  # "near" | "rewrite" | "translation" | "wire" | None
    score: float
    alignment: Alignment | None = None


def classify(a: Doc, b: Doc, cross_language: bool = False, min_cov: float = 0.6) -> Verdict:
    """Decide what links two texts (exact copies are found before, by text key)."""
    if cross_language:
        al = align(a, b, min_score=0.5, use_anchors=True)
        if al.n_short >= 2 and al.cov_short >= 0.5 and al.n_aligned >= min(3, al.n_short):
            return Verdict("translation", al.cov_short, al)
        return Verdict(None, al.cov_short, al)
    al = align(a, b)
    if al.n_short and al.cov_short >= min_cov and al.n_aligned >= min(3, al.n_short):
        near = al.near_verbatim >= 0.6 * al.n_aligned
        return Verdict("near" if near else "rewrite", al.cov_short, al)
    if len(al.verbatim) >= 2:
        return Verdict("wire", len(al.verbatim) / max(1, al.n_short), al)
    return Verdict(None, al.cov_short, al)
