"""Per-article signatures: word tokens, stable token hashes, sampled shingle fingerprints, content stems.

All hashes are stable across runs and machines (blake2b of the token, never Python's salted
`hash`), so the stage is deterministic.  Shingle hashing and fingerprint sampling are vectorised
with numpy over the whole corpus at once: no per-shingle Python loop.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

SHINGLE = 5  # words per shingle
SAMPLE_MOD = 4  # keep shingles whose mixed hash is 0 mod SAMPLE_MOD (Broder's mod-m sampling)
STEM = 6  # crude stemming: word prefix of this length
CHUNK = 5000  # articles tokenised at a time
MIN_CONTENT_WORDS = 2  # content words a shingle needs to be fingerprinted

_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
_TOKEN_HASH: dict[str, int] = {}
_MASK64 = (1 << 64) - 1
_MULTS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)
_MIX = np.uint64(0xBF58476D1CE4E5B9)
STOPWORDS = frozenset(ENGLISH_STOP_WORDS) | {"said", "says", "told", "according", "also", "just"}


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (the same notion of word as `storyweave.text.words`)."""
    return _WORD.findall(text.lower())


def token_hash(tok: str) -> int:
    h = _TOKEN_HASH.get(tok)
    if h is None:
        h = int.from_bytes(hashlib.blake2b(tok.encode("utf-8"), digest_size=8).digest(), "little")
        if len(_TOKEN_HASH) < 5_000_000:
            _TOKEN_HASH[tok] = h
    return h


def text_key(toks: list[str]) -> str:
    """Key of the exact text (case, spacing and punctuation ignored)."""
    return " ".join(toks)


def stems(toks: list[str]) -> list[str]:
    """Content-word stems (stop words and one-letter tokens dropped; numbers kept)."""
    return [t[:STEM] for t in toks if (len(t) > 2 or t.isdigit()) and t not in STOPWORDS]


@dataclass
class Fingerprints:
    """Sampled shingle fingerprints of all articles: parallel arrays sorted by (fp, doc)."""

    fp: np.ndarray  # uint64
    doc: np.ndarray  # int64
    per_doc: np.ndarray  # number of distinct sampled fingerprints of each article


class CorpusSignatures:
    """Everything the candidate search needs, from one tokenisation pass over the corpus.

    Per-token Python work is C-level; everything derived from a word (hash, stem, anchor) is
    computed once per distinct word and spread to all its occurrences with numpy.  The stem and
    anchor matrices are built on first use only (not at all when rewrites/translations are off).
    """

    def __init__(self, n_words: np.ndarray, exact_keys: list[bytes | None], fingerprints: Fingerprints,
                 words: list[str], lower: list[str], flat_ids: np.ndarray, doc_of: np.ndarray) -> None:
        self.n_words = n_words  # words per article
        self.exact_keys = exact_keys  # equal iff the word sequences are equal
        self.fingerprints = fingerprints
        self._words, self._lower, self._flat_ids, self._doc_of = words, lower, flat_ids, doc_of
        self._stems: sparse.csr_matrix | None = None
        self._anchors: sparse.csr_matrix | None = None

    @property
    def stems(self) -> sparse.csr_matrix:
        """Article x content-stem counts (columns in sorted-stem order)."""
        if self._stems is None:
            self._stems = self._counts([_stem(lw) for lw in self._lower])
        return self._stems

    @property
    def anchors(self) -> sparse.csr_matrix:
        """Article x anchor counts (numbers, capitalised names; ASCII-folded)."""
        if self._anchors is None:
            from unidecode import unidecode

            self._anchors = self._counts([
                ((lw if lw.isascii() else unidecode(lw)) if (w[0].isdigit() or (w[0].isupper() and lw not in STOPWORDS))
                 else None)
                for w, lw in zip(self._words, self._lower)
            ])
        return self._anchors

    def _counts(self, term_of_word: list[str | None]) -> sparse.csr_matrix:
        cols_of = {t: i for i, t in enumerate(sorted({t for t in term_of_word if t}))}
        col_of = np.array([cols_of[t] if t else -1 for t in term_of_word], dtype=np.int64)
        n_docs = len(self.n_words)
        cols = col_of[self._flat_ids] if len(self._flat_ids) else np.zeros(0, np.int64)
        keep = cols >= 0
        data = np.ones(int(keep.sum()), dtype=np.float64)
        return sparse.csr_matrix((data, (self._doc_of[keep], cols[keep])), shape=(n_docs, max(1, len(cols_of))))


def _stem(lw: str) -> str | None:
    return lw[:STEM] if (len(lw) > 2 or lw.isdigit()) and lw not in STOPWORDS else None


def analyse(texts: list[str]) -> CorpusSignatures:
    n_docs = len(texts)
    lengths = np.zeros(n_docs, dtype=np.int64)
    vocab: dict[str, int] = {}
    id_chunks: list[np.ndarray] = []
    for lo in range(0, n_docs, CHUNK):  # chunks bound the memory held by token strings
        chunk_toks: list[str] = []
        for d in range(lo, min(n_docs, lo + CHUNK)):
            toks = _WORD.findall(texts[d])
            lengths[d] = len(toks)
            chunk_toks.extend(toks)
        # C-level passes only: new distinct words in first-seen order, then ids of all tokens
        for w in dict.fromkeys(chunk_toks):
            if w not in vocab:
                vocab[w] = len(vocab)
        id_chunks.append(np.fromiter(map(vocab.__getitem__, chunk_toks), dtype=np.int64, count=len(chunk_toks)))
    flat_ids = np.concatenate(id_chunks) if id_chunks else np.zeros(0, np.int64)
    words = list(vocab)
    lower = [w.lower() for w in words]
    hash_of = np.fromiter((token_hash(lw) for lw in lower), dtype=np.uint64, count=len(lower))
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
    flat_hash = hash_of[flat_ids] if len(flat_ids) else np.zeros(0, np.uint64)
    bounds = np.r_[0, np.cumsum(lengths)]
    exact_keys = [flat_hash[bounds[d] : bounds[d + 1]].tobytes() if lengths[d] else None for d in range(n_docs)]
    # content words: not a stop word, not a number, more than two letters
    content = np.array([not (lw in STOPWORDS or len(lw) <= 2 or lw.isdigit()) for lw in lower], dtype=np.int64)
    flat_content = content[flat_ids] if len(flat_ids) else np.zeros(0, np.int64)
    return CorpusSignatures(lengths, exact_keys, _fingerprints(flat_hash, doc_of, n_docs, flat_content),
                            words, lower, flat_ids, doc_of)


def fingerprints(token_lists: list[list[str]]) -> Fingerprints:
    """Fingerprints of pre-tokenised texts (see `_fingerprints`)."""
    lengths = np.array([len(t) for t in token_lists], dtype=np.int64)
    flat = np.fromiter((token_hash(t) for toks in token_lists for t in toks), dtype=np.uint64, count=int(lengths.sum()))
    return _fingerprints(flat, np.repeat(np.arange(len(token_lists), dtype=np.int64), lengths), len(token_lists))


def _fingerprints(flat: np.ndarray, doc_of: np.ndarray, n_docs: int, content: np.ndarray | None = None) -> Fingerprints:
    """Hash every `SHINGLE`-word shingle and keep a consistent 1/`SAMPLE_MOD` sample.

    Only shingles with `MIN_CONTENT_WORDS` content words count.  A shingle kept in one article
    is kept in every article that has it, so shared sampled
    fingerprints estimate shared text (containment), which is what trimmed copies and embedded
    wire paragraphs need (Jaccard, as in MinHash, punishes them for the length difference).
    """
    if len(flat) < SHINGLE:
        return Fingerprints(np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(n_docs, np.int64))
    m = len(flat) - SHINGLE + 1
    with np.errstate(over="ignore"):
        sh = np.zeros(m, dtype=np.uint64)
        for k in range(SHINGLE):
            sh ^= flat[k : k + m] * _MULTS[k]
        sh = (sh ^ (sh >> np.uint64(31))) * _MIX
        sh ^= sh >> np.uint64(29)
    valid = doc_of[:m] == doc_of[SHINGLE - 1 :]
    if content is not None:  # shingles of function words only ("one of the most of") identify nothing
        c = np.r_[0, np.cumsum(content)]
        valid &= (c[SHINGLE:] - c[:m]) >= MIN_CONTENT_WORDS
    keep = valid & ((sh % np.uint64(SAMPLE_MOD)) == 0)
    fp, doc = sh[keep], doc_of[:m][keep]
    order = np.lexsort((doc, fp))
    fp, doc = fp[order], doc[order]
    if len(fp):
        first = np.ones(len(fp), dtype=bool)
        first[1:] = (fp[1:] != fp[:-1]) | (doc[1:] != doc[:-1])
        fp, doc = fp[first], doc[first]
    return Fingerprints(fp, doc, np.bincount(doc, minlength=n_docs))
