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

import numpy as np
from scipy import sparse
from unidecode import unidecode

from storyweave.dedup.signatures import STOPWORDS, stems

_UNIT_SPLIT = re.compile(r"(?<=[.!?])[\"'”’»)]*\s+(?=[\"'“‘«(]?[A-Z0-9])|\n+")
_CAP = re.compile(r"\b[A-ZÀ-Ý][\w'’-]*\w|\b\d[\d.,]*\d|\b\d\b")
_BOILERPLATE = re.compile(
    r"newsletter|subscribe|cookie|click here|sign up|all rights reserved|continue reading|copyright|"
    r"advertisement|follow us|share this|read more|terms of use|email us|transcript|\w@\w|www\.|©",
    re.IGNORECASE,
)
MIN_UNIT_STEMS = 4  # units with fewer content words (datelines, captions) are not compared
COGNATE_PREFIX, COGNATE_MIN = 5, 6
CROSS_UNIT_SCORE, CROSS_COVERAGE = 0.25, 0.47  # calibrated on the EN/PT benchmark (see benchmarks/)
VERBATIM_MIN_WORDS = 8  # shortest unit that counts as a shared wire sentence


_QUOTED = re.compile(r"[“\"«„](.+?)[”\"»“]|(?:^|(?<=\s))[‘'](.+?)[’'](?=[\s,.;:!?]|$)")


class Unit:
    """One comparison unit; stems and anchors are computed only when a comparison needs them."""

    __slots__ = ("_anchors", "_quote", "_stems", "key", "n_words", "text")

    def __init__(self, text: str, key: str, n_words: int) -> None:
        self.text, self.key, self.n_words = text, key, n_words
        self._stems: frozenset[str] | None = None
        self._anchors: frozenset[str] | None = None
        self._quote: bool | None = None

    @property
    def is_quote(self) -> bool:
        """Mostly quoted speech: independent reports of one event quote the same words."""
        if self._quote is None:  # set by make_doc from paragraph-level quote spans
            quoted = sum(len(m.group(0)) for m in _QUOTED.finditer(self.text))
            self._quote = quoted >= 0.5 * len(self.text)
        return self._quote

    @property
    def stems(self) -> frozenset[str]:
        if self._stems is None:
            self._stems = frozenset(stems(self.key.split(" ")))
        return self._stems

    @property
    def anchors(self) -> frozenset[str]:
        """Cross-language features of the unit (see `cross_features`)."""
        if self._anchors is None:
            self._anchors = cross_features(self.text)
        return self._anchors


class Doc:
    """Units of one text, in order; comparable units and their stem matrix are built lazily."""

    def __init__(self, units: list[Unit]) -> None:
        self.units = units
        self._comparable: list[Unit] | None = None
        self._matrix: sparse.csr_matrix | None = None
        self._verbatim: dict[str, Unit] | None = None

    @property
    def comparable(self) -> list[Unit]:
        """Units with enough content words to be compared (datelines, captions dropped), and
        not mostly quotation (unless the text is almost all quotes)."""
        if self._comparable is None:
            units = [u for u in self.units if len(u.stems) >= MIN_UNIT_STEMS]
            own = [u for u in units if not u.is_quote]
            self._comparable = own if len(own) >= 3 else units
        return self._comparable

    @property
    def verbatim_keys(self) -> dict[str, Unit]:
        """Units long enough to count as a shared wire sentence, by exact-text key."""
        if self._verbatim is None:
            self._verbatim = {}
            for u in self.units:
                if u.n_words >= VERBATIM_MIN_WORDS and u.key not in self._verbatim:
                    self._verbatim[u.key] = u
        return self._verbatim

    def matrix(self, feature_ids: dict[str, int]) -> sparse.csr_matrix:
        """Binary unit x stem matrix; `feature_ids` is shared by all docs compared together."""
        if self._matrix is None:
            rows, cols = [], []
            for i, u in enumerate(self.comparable):
                for t in u.stems:
                    rows.append(i)
                    cols.append(feature_ids.setdefault(t, len(feature_ids)))
            self._matrix = sparse.csr_matrix(
                (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(self.comparable), len(feature_ids))
            )
        return self._matrix


_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


def make_doc(text: str) -> Doc:
    """Units of `text` (verbatim slices); quotation is marked per paragraph, so a quote that
    runs over several sentences marks all of them."""
    units: list[Unit] = []
    for para in text.split("\n"):
        if not para.strip():
            continue
        quoted = [m.span() for m in _QUOTED.finditer(para)]
        start = 0
        bounds = [(m.start() + len(m.group(0)) - len(m.group(0).lstrip("\"'”’»)")), m.end())
                  for m in _UNIT_SPLIT.finditer(para)] + [(len(para), len(para))]
        for cut, nxt in bounds:
            raw = para[start:cut]
            lead = len(raw) - len(raw.lstrip())
            s0, s1 = start + lead, start + len(raw.rstrip())
            start = nxt
            if s1 <= s0:
                continue
            toks = _WORD.findall(para[s0:s1].lower())
            if len(toks) < MIN_UNIT_STEMS:
                continue
            inside = sum(max(0, min(s1, qe) - max(s0, qs)) for qs, qe in quoted)
            unit = Unit(para[s0:s1], " ".join(toks), len(toks))
            unit._quote = inside >= 0.5 * (s1 - s0)
            units.append(unit)
    return Doc(units)


def shared_verbatim(a: Doc, b: Doc) -> list[str]:
    """Texts (as in `a`) of the long units that occur verbatim in both docs."""
    vb = b.verbatim_keys
    return [u.text for k, u in a.verbatim_keys.items() if k in vb and not _BOILERPLATE.search(u.text)]


def anchors(text: str) -> frozenset[str]:
    """Language-neutral anchors of a unit: numbers and capitalised names (not the first word)."""
    return _anchors_ascii(unidecode(text))


def _anchors_ascii(text: str) -> frozenset[str]:
    found = _CAP.findall(text)
    first = _CAP.match(text.lstrip("\"'“‘«( "))
    out = set()
    for i, w in enumerate(found):
        if i == 0 and first is not None and w == first.group(0) and not w[0].isdigit():
            continue
        w = w.lower().replace(",", "").replace(".", "")
        w = w.removesuffix("'s")
        if w and w not in STOPWORDS:
            out.add(w)
    return frozenset(out)


def cross_features(text: str) -> frozenset[str]:
    """Features that survive translation between Latin-script languages: anchors (numbers,
    names) plus cognate prefixes of long words (internacional/international -> ~inter)."""
    ascii_text = unidecode(text)
    cognates = {"~" + w[:COGNATE_PREFIX] for w in _WORD.findall(ascii_text.lower())
                if len(w) >= COGNATE_MIN and not w.isdigit()}
    return _anchors_ascii(ascii_text) | cognates


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


def align(a: Doc, b: Doc, min_score: float = 0.45, use_anchors: bool = False,
          feature_ids: dict[str, int] | None = None) -> Alignment:
    """Align the shorter doc's units to the other's (best Dice match each, then in-order count).

    Overlaps of all unit pairs come from one small dense matrix product over the pair's own
    feature vocabulary (numpy), not from nested Python loops.
    """
    a_short = len(a.comparable) <= len(b.comparable)
    s_doc, l_doc = (a, b) if a_short else (b, a)
    l_units = l_doc.comparable
    s_units = [u for u in s_doc.comparable if not use_anchors or len(u.anchors) >= 2]
    n_short = len(s_units)
    if not n_short or not l_units:
        return Alignment(0.0, n_short, len(l_units), 0, 0, [], 0.0, a_short)
    if use_anchors:
        col: dict[str, int] = {}
        ms = _binary([u.anchors for u in s_units], col)
        ml = _binary([u.anchors for u in l_units], col)
        ms = np.pad(ms, ((0, 0), (0, len(col) - ms.shape[1])))
        ov = ms @ ml.T
    else:
        ids = {} if feature_ids is None else feature_ids
        sm, lm = s_doc.matrix(ids), l_doc.matrix(ids)
        width = len(ids)
        sm.resize((sm.shape[0], width))
        lm.resize((lm.shape[0], width))
        ov = (sm @ lm.T).toarray()
    size_s = np.array([len(u.anchors if use_anchors else u.stems) for u in s_units], dtype=np.float32)
    size_l = np.array([len(u.anchors if use_anchors else u.stems) for u in l_units], dtype=np.float32)
    dice = 2.0 * ov / np.maximum(size_s[:, None] + size_l[None, :], 1.0)
    if not use_anchors:
        first_l: dict[str, int] = {}
        for j, u in enumerate(l_units):
            first_l.setdefault(u.key, j)
        for i, u in enumerate(s_units):
            j = first_l.get(u.key)
            if j is not None:
                dice[i, :] = np.minimum(dice[i, :], 0.999)
                dice[i, j] = 1.0
    best_j = dice.argmax(axis=1)
    best = dice[np.arange(n_short), best_j]
    keep = best >= min_score
    matched_j = best_j[keep].tolist()
    scores = best[keep]
    verbatim: list[tuple[int, int]] = []
    if not use_anchors:
        for i in np.flatnonzero(best >= 1.0).tolist():
            u = s_units[i]
            if u.n_words >= VERBATIM_MIN_WORDS and not _BOILERPLATE.search(u.text):
                verbatim.append((i, int(best_j[i])) if a_short else (int(best_j[i]), i))
    in_order = _lis_len(matched_j)
    return Alignment(
        cov_short=in_order / n_short,
        n_short=n_short,
        n_long=len(l_units),
        n_aligned=in_order,
        near_verbatim=int(min(in_order, (scores >= 0.8).sum())),
        verbatim=verbatim,
        score=float(scores.mean()) if len(scores) else 0.0,
        a_is_short=a_short,
    )


def _binary(feats: list[frozenset[str]], col: dict[str, int]) -> np.ndarray:
    rows, cols = [], []
    for i, f in enumerate(feats):
        for t in f:
            rows.append(i)
            cols.append(col.setdefault(t, len(col)))
    m = np.zeros((len(feats), len(col)), dtype=np.float32)
    m[rows, cols] = 1.0
    return m


@dataclass
class Verdict:
    kind: str | None  # "near" | "rewrite" | "translation" | "wire" | None
    score: float
    alignment: Alignment | None = None
    shared: list[str] = field(default_factory=list)  # verbatim shared units (wire), text as in `a`


def classify(a: Doc, b: Doc, cross_language: bool = False, min_cov: float = 0.7,
             feature_ids: dict[str, int] | None = None) -> Verdict:
    """Decide what links two texts (exact copies are found before, by text key)."""
    if cross_language:
        al = align(a, b, min_score=CROSS_UNIT_SCORE, use_anchors=True)
        if al.n_short >= 2 and al.cov_short >= CROSS_COVERAGE and al.n_aligned >= min(3, al.n_short):
            return Verdict("translation", al.cov_short, al)
        return Verdict(None, al.cov_short, al)
    al = align(a, b, feature_ids=feature_ids)
    # short texts (a headline, a dateline and two sentences) need every unit aligned
    enough = al.n_aligned >= 4 or (al.n_short >= 2 and al.n_aligned == al.n_short)
    if al.n_short and al.cov_short >= min_cov and enough:
        near = al.near_verbatim >= 0.6 * al.n_aligned
        return Verdict("near" if near else "rewrite", al.cov_short, al)
    shared = shared_verbatim(a, b)
    if len(shared) >= 2:
        return Verdict("wire", len(shared) / max(1, al.n_short), al, shared)
    return Verdict(None, al.cov_short, al)
