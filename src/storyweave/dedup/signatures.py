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
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

SHINGLE = 5  # words per shingle
SAMPLE_MOD = 4  # keep shingles whose mixed hash is 0 mod SAMPLE_MOD (Broder's mod-m sampling)
STEM = 6  # crude stemming: word prefix of this length

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


def fingerprints(token_lists: list[list[str]]) -> Fingerprints:
    """Hash every `SHINGLE`-word shingle and keep a consistent 1/`SAMPLE_MOD` sample.

    A shingle kept in one article is kept in every article that has it, so shared sampled
    fingerprints estimate shared text (containment), which is what trimmed copies and embedded
    wire paragraphs need (Jaccard, as in MinHash, punishes them for the length difference).
    """
    n_docs = len(token_lists)
    lengths = np.array([len(t) for t in token_lists], dtype=np.int64)
    vocab: dict[str, int] = {}
    ids = [vocab.setdefault(t, len(vocab)) for toks in token_lists for t in toks]
    vocab_hash = np.fromiter((token_hash(t) for t in vocab), dtype=np.uint64, count=len(vocab))
    flat = vocab_hash[np.array(ids, dtype=np.int64)] if ids else np.zeros(0, np.uint64)
    doc_of = np.repeat(np.arange(n_docs, dtype=np.int64), lengths)
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
    keep = valid & ((sh % np.uint64(SAMPLE_MOD)) == 0)
    fp, doc = sh[keep], doc_of[:m][keep]
    order = np.lexsort((doc, fp))
    fp, doc = fp[order], doc[order]
    if len(fp):
        first = np.ones(len(fp), dtype=bool)
        first[1:] = (fp[1:] != fp[:-1]) | (doc[1:] != doc[:-1])
        fp, doc = fp[first], doc[first]
    return Fingerprints(fp, doc, np.bincount(doc, minlength=n_docs))


def token_hash_cache_size() -> int:
    return len(_TOKEN_HASH)


__all__ = ["Fingerprints", "fingerprints", "stems", "text_key", "token_hash", "tokens", "STOPWORDS", "_MASK64"]
