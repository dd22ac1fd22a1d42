"""Pair verification by in-order sentence alignment (only run on candidate pairs).

Two texts are copies when most units (sentences) of the shorter one align, in order, to a unit
of the other with high content-word overlap (Dice over word-prefix stems, numbers included).
Two different reports of one event share names, numbers and a quote or two, but not the
sequence of most of their sentences: that is the hard negative this test is built for.

Units, their stems, cross-language features and quotation marks come from the same vectorised
byte-level pass as the signatures (`signatures.scan`), for a whole batch of texts at once
(`build_docs`); one pair's unit x unit overlaps are a join of two sorted feature arrays in
numpy.  Units are only used for scoring: every sentence *reported* (wire passages) is a
verbatim slice of the article text, re-cut by the caller with the shared sentence splitter.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from concurrent.futures import Executor
from dataclasses import dataclass, field

import numpy as np

from storyweave.config import DedupConfig
from storyweave.nlp.boilerplate import PASSAGE
from storyweave.stages.dedup.signatures import (
    CHUNK_BYTES,
    FOLD_PREFIX,
    Scan,
    _hash_spans,
    fold_non_ascii,
    scan,
    unit_hashes,
    unit_starts,
)

# unit sizes are knobs (`config.DedupConfig`: unit_words, unit_stems, stem_chars, wire_unit_words,
# footer_units, near_verbatim); the stage passes its config, these are the defaults
_P = DedupConfig()
COGNATE_PREFIX, COGNATE_MIN = FOLD_PREFIX, 6
CROSS_UNIT_SCORE, CROSS_COVERAGE = 0.25, 0.47  # calibrated on the EN/PT benchmark (see benchmarks/)
_COGNATE_SALT = np.uint64(0x5BD1E9955BD1E995)
_UNIT_BITS = 12  # comparable units per doc kept (4095; longer texts are cut there)
_DOC_BITS = 20  # texts per build_docs batch; features keep the remaining 32 bits


@dataclass
class _Features:
    """Sorted feature hashes of the comparable units of one doc, with the unit of each."""

    feat: np.ndarray  # uint64, sorted
    unit: np.ndarray  # int64: index into the doc's comparable units
    size: np.ndarray  # distinct features of each comparable unit


class Doc:
    """Units of one text, in order: keys (exact token sequence), word counts, text spans, and
    the features of the comparable units (enough content words, not mostly quotation)."""

    __slots__ = ("_verbatim", "comparable", "cross", "keys", "mono", "n_words", "spans", "text", "wire_words")

    def __init__(self, text: str, keys: np.ndarray, n_words: np.ndarray, spans: np.ndarray,
                 comparable: np.ndarray, mono: _Features, cross: _Features, wire_words: int = _P.wire_unit_words) -> None:
        self.text = text
        self.wire_words = wire_words  # shortest unit that counts as a shared wire sentence
        self.keys, self.n_words, self.spans = keys, n_words, spans
        self.comparable = comparable  # unit indices
        self.mono, self.cross = mono, cross
        self._verbatim: dict[int, int] | None = None

    @property
    def n_units(self) -> int:
        """How many units (sentences) the text has."""
        return len(self.keys)

    def unit_text(self, i: int) -> str:
        """The verbatim text of unit `i`."""
        return self.text[int(self.spans[i, 0]) : int(self.spans[i, 1])]

    @property
    def verbatim_keys(self) -> dict[int, int]:
        """Units long enough to count as a shared wire sentence: key -> first unit."""
        if self._verbatim is None:
            self._verbatim = {}
            for i in np.flatnonzero(self.n_words >= self.wire_words).tolist():
                self._verbatim.setdefault(int(self.keys[i]), i)
        return self._verbatim


def make_doc(text: str, p: DedupConfig = _P) -> Doc:
    """Units of one text (see `build_docs`)."""
    return build_docs([text], p=p)[0]


def _quote_marks(orig: np.ndarray) -> np.ndarray:
    """Byte positions of double quotation marks: " “ ” „ « »."""
    b = orig[:-16]
    pos = [np.flatnonzero(b == 0x22)]
    e2 = np.flatnonzero(b == 0xE2)
    pos.append(e2[(orig[e2 + 1] == 0x80) & ((orig[e2 + 2] == 0x9C) | (orig[e2 + 2] == 0x9D) | (orig[e2 + 2] == 0x9E))])
    c2 = np.flatnonzero(b == 0xC2)
    pos.append(c2[(orig[c2 + 1] == 0xAB) | (orig[c2 + 1] == 0xBB)])
    return np.sort(np.concatenate(pos))


def _quoted_bytes(sc: Scan, b0: np.ndarray, b1: np.ndarray) -> np.ndarray:
    """Bytes of each span [b0, b1) inside quotation marks (marks paired within a paragraph)."""
    q = _quote_marks(sc.orig)
    nl = np.flatnonzero(sc.buf == 10)
    para = np.searchsorted(nl, q)
    rank = np.arange(len(q)) - np.searchsorted(para, para)  # position of the mark in its paragraph
    opens = np.flatnonzero((rank % 2 == 0) & np.r_[para[1:] == para[:-1], False])
    qs, qe = q[opens], q[opens + 1]
    cum = np.r_[0, np.cumsum(qe - qs)]

    def before(x: np.ndarray) -> np.ndarray:  # quoted bytes before position x
        k = np.searchsorted(qs, x, side="right") - 1
        inside = np.where(k >= 0, np.clip(x - qs[np.maximum(k, 0)], 0, (qe - qs)[np.maximum(k, 0)] if len(qs) else 0), 0)
        count: np.ndarray = cum[np.maximum(k, 0)] * (k >= 0) + inside
        return count

    if not len(qs):
        return np.zeros(len(b0), np.int64)
    quoted: np.ndarray = before(b1) - before(b0)
    return quoted


def _char_offsets(sc: Scan, byte_pos: np.ndarray, doc: np.ndarray) -> np.ndarray:
    """Character offsets (within each text) of byte offsets into the joined buffer."""
    cont = np.flatnonzero((sc.orig[:-16] & 0xC0) == 0x80)  # UTF-8 continuation bytes
    start = sc.doc_start[doc]
    chars: np.ndarray = (byte_pos - start) - (np.searchsorted(cont, byte_pos) - np.searchsorted(cont, start))
    return chars


def _cross_features(sc: Scan, idx: np.ndarray, unit_start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cross-language features of tokens `idx` (all in comparable units): the token indices and
    feature hashes of numbers and capitalised names (not a unit's first word; without a
    possessive 's) and of the cognate prefixes of long words, all ASCII-folded."""
    s, e, buf = sc.s, sc.e, sc.buf
    first_tok = np.zeros(len(s), dtype=bool)
    first_tok[unit_start] = True
    c0 = sc.orig[s[idx]]
    cap = ((c0 >= ord("A")) & (c0 <= ord("Z"))) | ((c0 == 0xC3) & (sc.orig[s[idx] + 1] >= 0x80) & (sc.orig[s[idx] + 1] <= 0x9E))
    an = idx[(sc.digit[idx] | (cap & ~first_tok[idx])) & ~sc.stop[idx]]
    ae = e[an].copy()
    poss = (ae - s[an] > 3) & (buf[ae - 2] == ord("'")) & (buf[ae - 1] == ord("s"))
    ae[poss] -= 2
    ah = sc.h[an].copy()
    ah[poss] = _hash_spans(buf, s[an][poss], ae[poss])
    k, fh, _, _ = fold_non_ascii(buf, s[an], ae, ah)
    ah[k] = fh
    co = idx[(e[idx] - s[idx] >= COGNATE_MIN) & ~sc.digit[idx]]
    ch = _hash_spans(buf, s[co], s[co] + COGNATE_PREFIX)
    k, _, fc, fl = fold_non_ascii(buf, s[co], e[co], sc.h[co])
    ch[k] = fc
    long_enough = np.ones(len(co), dtype=bool)
    long_enough[k] = fl >= COGNATE_MIN
    return np.r_[an, co[long_enough]], np.r_[ah, (ch ^ _COGNATE_SALT)[long_enough]]


def _features(doc_of: np.ndarray, unit_of: np.ndarray, feat: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (unit, feature) entries as (doc, unit, feature), sorted by doc then feature."""
    doc_bits, feat_bits = _DOC_BITS, 64 - _DOC_BITS - _UNIT_BITS  # fixed: docs of different batches compare
    assert n_docs <= 1 << doc_bits
    keep = unit_of < (1 << _UNIT_BITS)
    key = ((doc_of[keep].astype(np.uint64) << np.uint64(64 - doc_bits))
           | ((feat[keep] >> np.uint64(64 - feat_bits)) << np.uint64(_UNIT_BITS))
           | unit_of[keep].astype(np.uint64))
    key = np.sort(key)
    key = _dedup_sorted(key) if len(key) else key
    d = (key >> np.uint64(64 - doc_bits)).astype(np.int64)
    u = (key & np.uint64((1 << _UNIT_BITS) - 1)).astype(np.int64)
    f = (key >> np.uint64(_UNIT_BITS)) & np.uint64((1 << feat_bits) - 1)
    return d, u, f


def _dedup_sorted(x: np.ndarray) -> np.ndarray:
    return x[np.r_[True, x[1:] != x[:-1]]]


def build_docs(texts: list[str], pool: Executor | None = None, p: DedupConfig = _P) -> list[Doc]:
    """`Doc`s of a batch of texts, ~1 MB of text per vectorised pass (a small working set is
    much faster than one huge pass); the passes go to a process `pool` if given.  `p`: the
    dedup section of the config (unit sizes)."""
    parts, lo = [], 0
    while lo < len(texts):
        hi, size = lo, 0
        while hi < len(texts) and (hi == lo or size < CHUNK_BYTES):
            size += len(texts[hi])
            hi += 1
        parts.append(texts[lo:hi])
        lo = hi
    if pool is not None and len(parts) > 1:
        docs = [d for part in pool.map(_build_without_text, parts, [p] * len(parts)) for d in part]
        for d, t in zip(docs, texts, strict=False):
            d.text = t
        return docs
    return [d for part in parts for d in _build(part, p)]


def _build_without_text(texts: list[str], p: DedupConfig = _P) -> list[Doc]:
    """Worker side: the parent has the texts, so they are not sent back."""
    docs = _build(texts, p)
    for d in docs:
        d.text = ""
    return docs


@dataclass
class _Units:
    """The sentence units of a batch of texts (token arrays of one `scan`)."""

    start: np.ndarray  # first token of each unit
    keys: np.ndarray  # hash of each unit's token sequence
    n_words: np.ndarray
    doc: np.ndarray  # text of each unit
    of_tok: np.ndarray  # unit of each token
    is_unit: np.ndarray  # long enough to be a unit (`unit_words`)


def _build(texts: list[str], p: DedupConfig = _P) -> list[Doc]:
    """`Doc`s of `texts`: units, their spans, the comparable ones and their features."""
    sc = scan(texts)
    if not len(sc.s):
        empty = np.zeros(0, np.int64)
        feats = _Features(np.zeros(0, np.uint64), empty, empty)
        return [Doc(t, np.zeros(0, np.uint64), empty, np.zeros((0, 2), np.int64), empty, feats, feats, p.wire_unit_words)
                for t in texts]
    start = unit_starts(sc)
    keys, ulen = unit_hashes(sc.h, start)
    units = _Units(start, keys, ulen, sc.tok_doc[start], np.repeat(np.arange(len(start)), ulen), ulen >= p.unit_words)
    b0, b1 = _unit_bytes(sc, start)
    # quotation: independent reports of one event quote the same words
    quote = _quoted_bytes(sc, b0, b1) >= 0.5 * (b1 - b0)
    st, stem_h, comparable = _comparable_units(sc, units, quote, len(texts), p)
    spans = np.c_[_char_offsets(sc, b0, units.doc), _char_offsets(sc, b1, units.doc)]
    return _split_per_doc(texts, sc, units, comparable, st, stem_h, spans, p)


def _unit_bytes(sc: Scan, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Byte spans of the units; a unit runs to the next space (keeps its closing punctuation)."""
    last_tok = np.r_[start[1:], len(sc.s)] - 1
    ws = np.flatnonzero((sc.cls[:-16] & 16) > 0)
    b0 = sc.s[start]
    nxt = ws[np.minimum(np.searchsorted(ws, sc.e[last_tok]), len(ws) - 1)] if len(ws) else sc.e[last_tok]
    b1 = np.where(nxt >= sc.e[last_tok], nxt, sc.e[last_tok])
    nxt_tok = np.r_[sc.s[1:], len(sc.buf)][last_tok]
    return b0, np.minimum(b1, nxt_tok)


def _comparable_units(sc: Scan, units: _Units, quote: np.ndarray, n_docs: int,
                      p: DedupConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(stem tokens, their hashes, comparable units): units with enough distinct content stems
    (prefixes of `stem_chars` bytes of words that are not stop words) and not mostly quotation,
    unless the text is almost all quotes."""
    length = sc.e - sc.s
    st = np.flatnonzero(((length > 2) | sc.digit) & ~sc.stop & units.is_unit[units.of_tok])
    stem_h = _hash_spans(sc.buf, sc.s[st], np.minimum(sc.e[st], sc.s[st] + p.stem_chars))
    ukey = np.sort((units.of_tok[st].astype(np.uint64) << np.uint64(40)) | (stem_h >> np.uint64(24)))
    ukey = _dedup_sorted(ukey) if len(ukey) else ukey
    n_stems = np.bincount((ukey >> np.uint64(40)).astype(np.int64), minlength=len(units.start))
    enough = units.is_unit & (n_stems >= p.unit_stems)
    own = enough & ~quote
    own_per_doc = np.bincount(units.doc[own], minlength=n_docs)
    return st, stem_h, np.where(own_per_doc[units.doc] >= 3, own, enough)


def _split_per_doc(texts: list[str], sc: Scan, units: _Units, comparable: np.ndarray, st: np.ndarray,
                   stem_h: np.ndarray, spans: np.ndarray, p: DedupConfig) -> list[Doc]:
    """The features of the comparable units (mono: content stems; cross-language: numbers,
    names and cognate prefixes), then everything cut per text into its `Doc`."""
    n_docs, unit_doc, unit_of_tok, is_unit = len(texts), units.doc, units.of_tok, units.is_unit
    # unit numbering inside each doc: all units (>= `unit_words` words) and comparable ones
    unit_rank = np.cumsum(is_unit) - 1  # index among units, global
    comp_rank = np.cumsum(comparable) - 1
    units_before = np.r_[0, np.cumsum(np.bincount(unit_doc[is_unit], minlength=n_docs))][:-1]
    comp_before = np.r_[0, np.cumsum(np.bincount(unit_doc[comparable], minlength=n_docs))][:-1]
    # mono features of comparable units
    sel = comparable[unit_of_tok[st]]
    tok_unit = unit_of_tok[st][sel]
    md, mu, mf = _features(unit_doc[tok_unit], comp_rank[tok_unit] - comp_before[unit_doc[tok_unit]], stem_h[sel], n_docs)
    # cross-language features: numbers and capitalised names (not a unit's first word), and
    # cognate prefixes of long words (internacional / international -> inter), all ASCII-folded
    ctok, cfeat = _cross_features(sc, np.flatnonzero(comparable[unit_of_tok]), units.start)
    cu = unit_of_tok[ctok]
    cd, cuu, cf = _features(unit_doc[cu], comp_rank[cu] - comp_before[unit_doc[cu]], cfeat, n_docs)
    # split everything per doc
    m_bounds = np.searchsorted(md, np.arange(n_docs + 1))
    c_bounds = np.searchsorted(cd, np.arange(n_docs + 1))
    n_comp = np.bincount(unit_doc[comparable], minlength=n_docs)
    comp_units = unit_rank[comparable]  # index among the doc's units, after subtracting units_before
    cb = np.r_[0, np.cumsum(n_comp)]
    ub = np.r_[0, np.cumsum(np.bincount(unit_doc[is_unit], minlength=n_docs))]
    keys_u, words_u, spans_u = units.keys[is_unit], units.n_words[is_unit], spans[is_unit]
    mono_size = np.bincount(comp_before[md] + mu, minlength=int(cb[-1])) if len(md) else np.zeros(int(cb[-1]), np.int64)
    cross_size = np.bincount(comp_before[cd] + cuu, minlength=int(cb[-1])) if len(cd) else np.zeros(int(cb[-1]), np.int64)
    docs = []
    for d in range(n_docs):
        m0, m1, x0, x1, k0, k1, u0, u1 = (int(m_bounds[d]), int(m_bounds[d + 1]), int(c_bounds[d]), int(c_bounds[d + 1]),
                                          int(cb[d]), int(cb[d + 1]), int(ub[d]), int(ub[d + 1]))
        docs.append(Doc(texts[d], keys_u[u0:u1], words_u[u0:u1], spans_u[u0:u1], comp_units[k0:k1] - units_before[d],
                        _Features(mf[m0:m1], mu[m0:m1], mono_size[k0:k1]),
                        _Features(cf[x0:x1], cuu[x0:x1], cross_size[k0:k1]), p.wire_unit_words))
    return docs


def shared_verbatim(a: Doc, b: Doc) -> list[str]:
    """Texts (as in `a`) of the long units that occur verbatim in both docs."""
    vb = b.verbatim_keys
    out = []
    for k, i in a.verbatim_keys.items():
        if k in vb:
            t = a.unit_text(i)
            if not PASSAGE.search(t):
                out.append(t)
    return out


@dataclass
class Alignment:
    """An in-order alignment of two texts' units: how much of the shorter text it covers and how closely."""

    cov_short: float  # share of the shorter text's units aligned in order
    n_short: int
    n_long: int
    n_aligned: int
    near_verbatim: int  # aligned units with score >= 0.8
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


def _overlap(fs: _Features, fl: _Features, ns: int, nl: int) -> np.ndarray:
    """Shared features of every (short unit, long unit): a join of two sorted feature arrays."""
    lo = np.searchsorted(fl.feat, fs.feat, "left")
    cnt = np.searchsorted(fl.feat, fs.feat, "right") - lo
    sel = np.flatnonzero(cnt)
    if not len(sel):
        return np.zeros((ns, nl), dtype=np.float32)
    c = cnt[sel]
    rows = np.repeat(fs.unit[sel], c)
    pos = np.repeat(lo[sel] - np.r_[0, np.cumsum(c)[:-1]], c) + np.arange(int(c.sum()))
    cols = fl.unit[pos]
    return np.bincount(rows * nl + cols, minlength=ns * nl).reshape(ns, nl).astype(np.float32)


def align(a: Doc, b: Doc, min_score: float = 0.45, use_anchors: bool = False) -> Alignment:
    """Align the shorter doc's units to the other's (best Dice match each, then in-order count)."""
    a_short = len(a.comparable) <= len(b.comparable)
    s_doc, l_doc = (a, b) if a_short else (b, a)
    fs, fl = (s_doc.cross, l_doc.cross) if use_anchors else (s_doc.mono, l_doc.mono)
    ns, nl = len(s_doc.comparable), len(l_doc.comparable)
    rows = np.flatnonzero(fs.size >= 2) if use_anchors else np.arange(ns)
    n_short = len(rows)
    if not n_short or not nl:
        return Alignment(0.0, n_short, nl, 0, 0, 0.0, a_short)
    ov = _overlap(fs, fl, ns, nl)[rows]
    dice = 2.0 * ov / np.maximum(fs.size[rows, None] + fl.size[None, :], 1.0).astype(np.float32)
    if not use_anchors:  # an identical unit is the match, whatever the stem overlap says
        s_keys = s_doc.keys[s_doc.comparable]
        l_keys = l_doc.keys[l_doc.comparable]
        order = np.argsort(l_keys, kind="stable")
        pos = np.minimum(np.searchsorted(l_keys[order], s_keys), nl - 1)
        hit = np.flatnonzero(l_keys[order][pos] == s_keys)
        if len(hit):
            dice[hit] = np.minimum(dice[hit], 0.999)
            dice[hit, order[pos[hit]]] = 1.0
    best_j = dice.argmax(axis=1)
    best = dice[np.arange(n_short), best_j]
    keep = best >= min_score
    matched_j = best_j[keep].tolist()
    scores = best[keep]
    in_order = _lis_len(matched_j)
    return Alignment(
        cov_short=in_order / n_short,
        n_short=n_short,
        n_long=nl,
        n_aligned=in_order,
        near_verbatim=int(min(in_order, (scores >= 0.8).sum())),
        score=float(scores.mean()) if len(scores) else 0.0,
        a_is_short=a_short,
    )


@dataclass
class Verdict:
    """What links two texts (`kind`, None for nothing), with its score and evidence."""

    kind: str | None  # "near" | "rewrite" | "translation" | "wire" | None
    score: float
    alignment: Alignment | None = None
    shared: list[str] = field(default_factory=list)  # verbatim shared units (wire), text as in `a`


def classify(a: Doc, b: Doc, cross_language: bool = False, min_cov: float = 0.7,
             passage_cache: dict[int, list[tuple[str, str, bool]]] | None = None, p: DedupConfig = _P) -> Verdict:
    """Decide what links two texts (exact copies are found before, by text key)."""
    if cross_language:
        al = align(a, b, min_score=CROSS_UNIT_SCORE, use_anchors=True)
        if al.n_short >= 2 and al.cov_short >= CROSS_COVERAGE and al.n_aligned >= min(3, al.n_short):
            return Verdict("translation", al.cov_short, al)
        return Verdict(None, al.cov_short, al)
    al = align(a, b)
    # short texts (a headline, a dateline and two sentences) need every unit aligned
    enough = al.n_aligned >= 4 or (al.n_short >= 2 and al.n_aligned == al.n_short)
    if al.n_short and al.cov_short >= min_cov and enough:
        near = al.near_verbatim >= 0.6 * al.n_aligned
        return Verdict("near" if near else "rewrite", al.cov_short, al)
    narrative, quotes = shared_passages(a, b, p.near_verbatim, cache=passage_cache, footer_units=p.footer_units)
    if shares_wire(narrative, quotes, p.wire_min_narrative, p.wire_min_with_quotes, p.wire_min_quotes,
                   p.wire_min_quotes_alone):
        shared = narrative + quotes
        return Verdict("wire", len(shared) / max(1, al.n_short), al, shared)
    return Verdict(None, al.cov_short, al)


# --- wire copy through quotations and narrative ----------------------------------------------

_QUOTE_PAIR = re.compile(r"[\"“„«]([^\"“”„«»\n]*)[\"”»]")
_SPACE = re.compile(r"\s+")
_POST_SIGNATURE = re.compile(r"\(@\w+\)|pic\.twitter\.com/|https?://t\.co/")


def _quoted_prefix(text: str) -> np.ndarray:
    """Cumulative count of characters inside quotations (marks paired within a line/paragraph):
    the quoted share of text[s:e] is (c[e] - c[s]) / (e - s)."""
    inside = np.zeros(len(text) + 1, np.int32)
    for m in _QUOTE_PAIR.finditer(text):
        inside[m.start()] += 1
        inside[m.end()] -= 1
    cumulative: np.ndarray = np.r_[0, np.cumsum(np.cumsum(inside)[: len(text)] > 0)]
    return cumulative


def passages(doc: Doc) -> list[tuple[str, str, bool]]:
    """The long units of a doc (>= `doc.wire_words` words): (text as written, normalised text,
    mostly quoted).  An embedded social-media post is a quotation too: its signature '(@handle)'
    or link follows within the next two lines."""
    text = doc.text
    quoted = _quoted_prefix(text)
    posts = [m.start() for m in _POST_SIGNATURE.finditer(text)]
    out = []
    for i in np.flatnonzero(doc.n_words >= doc.wire_words).tolist():
        s, e = int(doc.spans[i, 0]), int(doc.spans[i, 1])
        if e <= s:
            continue
        t = text[s:e]
        is_quote = (quoted[e] - quoted[s]) >= 0.5 * (e - s)
        if not is_quote and posts:
            k = bisect_left(posts, e)
            if k < len(posts) and posts[k] - e < 300 and text.count("\n", e, posts[k]) <= 2:
                is_quote = True
        out.append((t, _SPACE.sub(" ", t.lower()).strip(" \"'“”‘’«»"), bool(is_quote)))
    return out


def shared_passages(a: Doc, b: Doc, min_ratio: float = _P.near_verbatim,
                    cache: dict[int, list[tuple[str, str, bool]]] | None = None,
                    footer_units: int = _P.footer_units) -> tuple[list[str], list[str]]:
    """Units of `a` found verbatim or lightly edited in `b` (rapidfuzz ratio >= `min_ratio`),
    split into narrative and quotation: two outlets carrying one agency report share both;
    two outlets quoting one press conference share only the quotations.

    Hand-written pairing over units; the string similarity itself is rapidfuzz's (C++).  `cache`
    (optional, keyed by `id(doc)`; valid while the docs are alive) holds each doc's passages."""
    from rapidfuzz import fuzz, process

    if cache is None:
        pa, pb = passages(a), passages(b)
    else:  # one article meets many candidates: its passages are built once (keyed by the Doc)
        pa = cache[id(a)] if id(a) in cache else cache.setdefault(id(a), passages(a))
        pb = cache[id(b)] if id(b) in cache else cache.setdefault(id(b), passages(b))
    if not pa or not pb:
        return [], []
    b_norm = [n for _t, n, _q in pb]
    # one C++ pass over all unit pairs (rapidfuzz cdist; below the cutoff a score is 0), then the
    # best match of each unit of `a`, each unit of `b` used once
    scores = process.cdist([n for _t, n, _q in pa], b_norm, scorer=fuzz.ratio, score_cutoff=min_ratio,
                           dtype=np.uint8, workers=1)
    best = scores.argmax(axis=1)
    hit = scores[np.arange(len(pa)), best] >= min_ratio
    narrative, quotes, used, footer = [], [], set(), []
    for i, ((text, _norm, is_quote), k, ok) in enumerate(zip(pa, best.tolist(), hit.tolist(), strict=False)):
        if not ok or k in used or PASSAGE.search(text):
            continue
        used.add(k)
        if is_quote or pb[k][2]:
            quotes.append(text)
        elif i >= len(pa) - footer_units and k >= len(pb) - footer_units:
            footer.append(text)  # the last lines of both texts: an outlet's sign-off, not wire copy
        else:
            narrative.append(text)
    if narrative:
        narrative += footer
    return narrative, quotes


def shares_wire(narrative: list[str], quotes: list[str], min_narrative: int = 2, min_with_quotes: int = 1,
                min_quotes: int = 1, min_quotes_alone: int = 6) -> bool:
    """Wire copy: >= `min_narrative` shared narrative sentences, or `min_with_quotes` shared
    narrative sentence(s) plus >= `min_quotes` shared quotations.  A few shared quotations alone
    never suffice (independent reports of one press conference quote the same words); a long run
    of them (>= `min_quotes_alone`, e.g. a reprinted set of review quotes) does."""
    return (len(narrative) >= min_narrative or (len(narrative) >= min_with_quotes and len(quotes) >= min_quotes)
            or len(quotes) >= min_quotes_alone)
