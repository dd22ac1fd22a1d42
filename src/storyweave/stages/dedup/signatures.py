"""Per-article signatures from one vectorised pass: token hashes, sampled shingle fingerprints,
exact-text keys, long-sentence hashes and (optionally) article x stem / anchor counts.

Tokenisation is done on UTF-8 bytes with numpy, a chunk of articles (~1 MB of text) at a time:
word bytes by a 256-entry table, token boundaries from a diff, token hashes from unaligned 8-byte
loads.  We hand-write this because every library route builds one Python string per token
(`re.findall`, scikit-learn's vectorisers, spaCy, per-token `xxhash`/`rensa` calls): that costs
~1 ms an article, more than the whole stage may spend.  Python work is done once per distinct
word (stems, anchors), never per token.  All hashes are fixed functions of the bytes (never
Python's salted `hash`), so the stage is deterministic across runs and machines.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from storyweave.config import DedupConfig
from storyweave.nlp.stop_words import REPORTING_VERBS, english

# the sizes that decide a result are knobs (`config.DedupConfig`: shingle_words, sample_mod,
# stem_chars, shingle_content_words, wire_unit_words); the stage passes its config, these are the defaults
_P = DedupConfig()
CHUNK_BYTES = 1 << 20  # text tokenised at a time (keeps the numpy working set small; same result)
STOPWORDS = english() | REPORTING_VERBS | {"according", "also", "just"}  # reporting words and fillers

_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
_U64 = np.uint64
_MULTS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD],
    dtype=np.uint64,
)
_MIX = _U64(0xBF58476D1CE4E5B9)
_K1, _K2, _K3 = _U64(0x9E3779B97F4A7C15), _U64(0xC2B2AE3D27D4EB4F), _U64(0x27D4EB2F165667C5)
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_LONG_TOKEN = 24  # longer tokens (rare: URLs, chains of hyphens) are hashed with blake2b

# byte classes: 1 word byte, 2 joiner inside a word (- '), 4 newline, 8 sentence end (. ! ?), 16 space
_CLASS = np.zeros(256, dtype=np.uint8)
for _c in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_":
    _CLASS[_c] = 1
_CLASS[0x80:] = 1  # non-ASCII letters; punctuation sequences are cleared below
_CLASS[ord("-")] = _CLASS[ord("'")] = 2
_CLASS[ord("\n")] = 4 | 16
_CLASS[ord(".")] = _CLASS[ord("!")] = _CLASS[ord("?")] = 8
_CLASS[ord(" ")] = _CLASS[ord("\t")] = _CLASS[ord("\r")] = 16
_CLASS_TABLE = _CLASS.tobytes()  # for bytes.translate: a C pass, far faster than numpy fancy indexing
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[ord("0") : ord("9") + 1] = True
_UPPER_START = np.zeros(256, dtype=bool)  # a capital or a digit opens a sentence
_UPPER_START[ord("A") : ord("Z") + 1] = True
_UPPER_START[ord("0") : ord("9") + 1] = True
_LOWER_ASCII = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


def _fmix(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser (a bijection that spreads every input bit)."""
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> _U64(33))
    h = h * _U64(0xC4CEB9FE1A85EC53)
    mixed: np.ndarray = h ^ (h >> _U64(33))
    return mixed


def _hash_spans(buf: np.ndarray, s: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Hash of each byte span buf[s:e] (buf padded with >= 16 zero bytes at the end).

    Spans of <= 24 bytes are read whole as three (possibly overlapping) 8-byte words, so the
    hash is a function of exactly the span's bytes and its length.
    """
    n = len(s)
    if not n:
        return np.zeros(0, np.uint64)
    view = np.ndarray(shape=(len(buf) - 7,), dtype="<u8", buffer=buf, strides=(1,))  # unaligned loads
    length = e - s
    with np.errstate(over="ignore"):
        h = (view[s] & _MASKS[np.minimum(length, 8)]) * _K1 + length.astype(np.uint64) * _K2
        over8 = np.flatnonzero(length > 8)  # few: most words are short, so gather only for these
        h[over8] ^= _fmix(view[e[over8] - 8] * _K3)
        over16 = over8[length[over8] > 16]
        h[over16] += _fmix(view[s[over16] + 8])
        h = _fmix(h)
    for i in np.flatnonzero(length > _LONG_TOKEN).tolist():
        h[i] = int.from_bytes(hashlib.blake2b(buf[s[i] : e[i]].tobytes(), digest_size=8).digest(), "little")
    return h


def token_hashes(words: list[str]) -> np.ndarray:
    """Hashes of single lower-cased words, the same as the corpus pass gives them."""
    data = [w.encode("utf-8") for w in words]
    lengths = np.array([len(d) for d in data], dtype=np.int64)
    ends = np.cumsum(lengths + 1) - 1
    buf = np.frombuffer(b"\n".join(data) + b"\n" + bytes(16), dtype=np.uint8)
    return _hash_spans(buf, ends - lengths, ends)


def _stop_table() -> tuple[int, np.ndarray]:
    """Direct-address table of the stop-word hashes: the smallest width with no two in one slot."""
    hashes = token_hashes(sorted(STOPWORDS))
    for bits in range(12, 25):
        slots = hashes >> _U64(64 - bits)
        if len(np.unique(slots)) == len(hashes):
            table = np.zeros(1 << bits, dtype=np.uint64)
            table[slots.astype(np.int64)] = hashes
            return bits, table
    raise AssertionError("stop-word hashes collide")


_STOP_BITS, _STOP_TABLE = _stop_table()


def _is_stop(h: np.ndarray) -> np.ndarray:
    stop: np.ndarray = _STOP_TABLE[(h >> _U64(64 - _STOP_BITS)).astype(np.int64)] == h
    return stop


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens by regex (the same notion of word as `storyweave.nlp.text.words`);
    for small inputs and the benchmark baseline, not used by the corpus pass."""
    return _WORD.findall(text.lower())


_FOLD: dict[int, tuple[int, int, int]] = {}  # word hash -> (folded hash, folded prefix hash, folded length)
FOLD_PREFIX = 5  # cognate prefix length (internacional / international -> inter)


def fold_non_ascii(buf: np.ndarray, s: np.ndarray, e: np.ndarray, h: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ASCII folding (unidecode) of the tokens spans [s, e) that hold non-ASCII bytes: their
    indices, and the hash, prefix hash and byte length of the folded word.  Python work once per
    distinct word (cached), hashing in one batch."""
    high = np.flatnonzero(buf[:-16] >= 0x80)  # non-ASCII bytes are few: find the tokens holding them
    holder = np.searchsorted(s, high, side="right") - 1
    holder = np.unique(holder[(holder >= 0) & (high < e[np.maximum(holder, 0)])])
    keys = h[holder].tolist()
    missing = {k: i for k, i in zip(keys, holder.tolist(), strict=False) if k not in _FOLD}
    if missing:
        from unidecode import unidecode

        words = [unidecode(buf[s[i] : e[i]].tobytes().decode("utf-8", "replace")).lower() for i in missing.values()]
        hashed = token_hashes(words + [w[:FOLD_PREFIX] for w in words]).tolist()
        for n, (k, w) in enumerate(zip(missing, words, strict=False)):
            if len(_FOLD) < 2_000_000:
                _FOLD[k] = (hashed[n], hashed[len(words) + n], len(w))
    got = [_FOLD.get(k) or (0, 0, 0) for k in keys]
    out = np.array(got, dtype=np.uint64).reshape(-1, 3)
    return holder, out[:, 0], out[:, 1], out[:, 2].astype(np.int64)


def stem(lw: str, chars: int = _P.stem_chars) -> str | None:
    """Content-word stem of a lower-cased word (stop words and one/two-letter words: None)."""
    return lw[:chars] if (len(lw) > 2 or lw.isdigit()) and lw not in STOPWORDS else None


def stems(toks: list[str]) -> list[str]:
    """Content-word stems (stop words and one/two-letter tokens dropped; numbers kept)."""
    return [s for s in map(stem, toks) if s]


@dataclass
class Fingerprints:
    """Sampled shingle fingerprints of all articles: parallel arrays sorted by (fp, doc)."""

    fp: np.ndarray  # uint64
    doc: np.ndarray  # int64
    per_doc: np.ndarray  # number of distinct sampled fingerprints of each article


@dataclass
class _Chunk:
    """What one chunk of articles contributes (all doc numbers are corpus-wide)."""

    n_words: np.ndarray
    exact_keys: list[bytes | None]
    fp: np.ndarray
    fp_doc: np.ndarray
    unit: np.ndarray  # hashes of long sentences
    unit_doc: np.ndarray
    stems: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # (doc, column, count) cells
    anchors: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


@dataclass
class Scan:
    """Tokens of a batch of texts joined by newlines: byte buffers, token spans and hashes."""

    buf: np.ndarray  # lower-cased UTF-8 bytes (padded)
    orig: np.ndarray  # the same bytes before lower-casing
    cls: np.ndarray  # byte classes (see _CLASS)
    doc_start: np.ndarray  # byte offset of each text
    s: np.ndarray  # token start / end byte offsets
    e: np.ndarray
    h: np.ndarray  # token hashes
    tok_doc: np.ndarray  # text of each token
    n_words: np.ndarray  # tokens per text
    digit: np.ndarray  # token is a number
    stop: np.ndarray  # token is a stop word


def scan(texts: list[str]) -> Scan:
    """Tokenise a batch of texts in one vectorised pass."""
    n_docs = len(texts)
    # one C-level pass per step over the whole batch: join, encode, lower-case by byte table
    joined = "\n\x00\n".join(t.replace("\x00", " ") if "\x00" in t else t for t in texts)
    raw = joined.replace("’", "'").encode("utf-8")  # the typographic apostrophe joins words like '
    n = len(raw)

    def padded(data: bytes, last: int) -> np.ndarray:  # text bytes, a final newline, 16 zero bytes
        out = np.zeros(n + 17, dtype=np.uint8)
        out[:n] = np.frombuffer(data, dtype=np.uint8)
        out[n] = last
        return out

    orig = padded(raw, 10)
    low = padded(raw.translate(_LOWER_ASCII), 10)
    # Latin-1 capitals (C3 80-9E but not the multiplication sign) lower-case by +0x20 on their
    # second byte; other scripts keep their case (a rare miss costs a missed match, not an error)
    c3 = np.flatnonzero(low[:n] == 0xC3) + 1
    c3 = c3[(low[c3] >= 0x80) & (low[c3] <= 0x9E) & (low[c3] != 0x97)]
    low[c3] += 0x20
    buf = low
    doc_start = np.r_[0, np.flatnonzero(orig[:n] == 0) + 2].astype(np.int64)
    cls = padded(raw.translate(_CLASS_TABLE), _CLASS[10])
    # punctuation of Latin-1 (C2 xx) and General Punctuation (E2 xx xx: dashes, quotes, ...) is not a word
    lead = np.flatnonzero(buf[:n] == 0xC2)
    cls[lead] = cls[lead + 1] = 0
    lead = np.flatnonzero(buf[:n] == 0xE2)
    cls[lead] = cls[lead + 1] = cls[lead + 2] = 0
    word = cls == 1
    word[1:-1] |= (cls[1:-1] == 2) & word[:-2] & word[2:]  # don't, well-known
    edges = np.flatnonzero(np.diff(word.view(np.int8), prepend=np.int8(0)))  # starts and ends alternate
    s, e = edges[0::2], edges[1::2]
    n_words = np.diff(np.r_[np.searchsorted(s, doc_start), len(s)]).astype(np.int64)
    tok_doc = np.repeat(np.arange(n_docs, dtype=np.int64), n_words)
    h = _hash_spans(buf, s, e)
    digit = _DIGIT[buf[s]] & _DIGIT[buf[e - 1]]
    return Scan(buf, orig, cls, doc_start, s, e, h, tok_doc, n_words, digit, _is_stop(h))


def unit_starts(sc: Scan) -> np.ndarray:
    """Token index where each sentence unit starts: after a newline, or after . ! ? followed by a
    space (closing quotes may sit between) when the next word is capitalised or a number (the cut
    of a simple sentence regex; 3.5 and U.S.A do not end a sentence)."""
    s, buf, cls = sc.s, sc.buf, sc.cls
    n_tok = len(s)
    brk = np.zeros(n_tok, dtype=bool)
    if not n_tok:
        return np.zeros(0, np.int64)
    after = np.searchsorted(s, np.flatnonzero(buf == 10))
    brk[after[after < n_tok]] = True
    end = np.flatnonzero((cls & 8) > 0)
    end = end[cls[end + 1] != 1]
    space = ((cls[end + 1] | cls[end + 2] | cls[end + 3] | cls[end + 4]) & 16) > 0
    after = np.searchsorted(s, end[space])
    after = after[after < n_tok]
    brk[after[_UPPER_START[sc.orig[s[after]]]]] = True
    brk[0] = True
    brk[np.r_[0, np.cumsum(sc.n_words)[:-1]][sc.n_words > 0]] = True  # every text starts a unit
    return np.flatnonzero(brk)


def _tokenise_chunk(texts: list[str], first_doc: int, with_words: bool, p: DedupConfig = _P) -> _Chunk:
    sc = scan(texts)
    buf, orig, s, e, h, tok_doc, n_words, digit, stop = sc.buf, sc.orig, sc.s, sc.e, sc.h, sc.tok_doc, sc.n_words, sc.digit, sc.stop
    n_docs, n_tok = len(texts), len(s)
    bounds = np.r_[0, np.cumsum(n_words)]
    # a 128-bit digest of the token-hash sequence: equal iff the word sequences are equal
    exact_keys = [hashlib.blake2b(h[bounds[d] : bounds[d + 1]].tobytes(), digest_size=16).digest() if n_words[d] else None
                  for d in range(n_docs)]
    length = e - s
    content = (length > 2) & ~digit & ~stop
    fp, fp_doc = _sample_shingles(h, tok_doc, content, p)
    unit, unit_doc = _long_units(sc, p.wire_unit_words)
    chunk = _Chunk(n_words, exact_keys, fp, fp_doc + first_doc, unit, unit_doc + first_doc)
    if with_words and n_tok:
        # content stems: the first `stem_chars` bytes of the word, hashed into 2**HASH_BITS columns
        is_stem = ((length > 2) | digit) & ~stop
        st = np.flatnonzero(is_stem)
        stem_h = _hash_spans(buf, s[st], np.minimum(e[st], s[st] + p.stem_chars))
        chunk.stems = _cells(tok_doc[st], stem_h, first_doc)
        # anchors: numbers, and capitalised words that are not stop words (ASCII-folded)
        first_b = orig[s]
        cap = _UPPER_START[first_b] | ((first_b == 0xC3) & (orig[s + 1] >= 0x80) & (orig[s + 1] <= 0x9E))
        an = np.flatnonzero(_DIGIT[buf[s]] | (cap & ~stop))
        anchor_h = h[an].copy()
        k, fh, _, _ = fold_non_ascii(buf, s[an], e[an], anchor_h)
        anchor_h[k] = fh
        chunk.anchors = _cells(tok_doc[an], anchor_h, first_doc)
    return chunk


HASH_BITS = 22  # columns of the stem / anchor matrices (the hashing trick, as in HashingVectorizer)


def _cells(doc: np.ndarray, term: np.ndarray, first_doc: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(doc, column, count) of each distinct (doc, hashed term), sorted by doc then column."""
    col = (term >> _U64(64 - HASH_BITS)).astype(np.int64)
    key, counts = unique_sorted((doc << HASH_BITS) | col)
    return (key >> HASH_BITS) + first_doc, key & ((1 << HASH_BITS) - 1), counts


def unit_hashes(h: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Order-sensitive hash of each unit's token sequence, and the unit lengths in tokens."""
    ulen = np.diff(np.r_[start, len(h)])
    pos_in = np.arange(len(h)) - np.repeat(start, ulen)
    with np.errstate(over="ignore"):
        mixed = _fmix(h + pos_in.astype(np.uint64) * _K3)
        uh = np.bitwise_xor.reduceat(mixed, start) if len(start) else np.zeros(0, np.uint64)
        return _fmix(uh ^ ulen.astype(np.uint64)), ulen


def _long_units(sc: Scan, min_words: int) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the sentence units of >= `min_words` words (for the wire-passage index)."""
    if not len(sc.s):
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    start = unit_starts(sc)
    uh, ulen = unit_hashes(sc.h, start)
    keep = ulen >= min_words
    return uh[keep], sc.tok_doc[start[keep]]


def _sample_shingles(h: np.ndarray, tok_doc: np.ndarray, content: np.ndarray,
                     p: DedupConfig = _P) -> tuple[np.ndarray, np.ndarray]:
    """Hash every `p.shingle_words`-word shingle with `p.shingle_content_words` content words;
    keep a consistent 1/`p.sample_mod` sample (unsorted, may repeat within an article).

    A shingle kept in one article is kept in every article that has it, so shared sampled
    fingerprints estimate shared text (containment), which is what trimmed copies and embedded
    wire paragraphs need (Jaccard, as in MinHash, punishes them for the length difference).
    """
    shingle = p.shingle_words
    if len(h) < shingle:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    m = len(h) - shingle + 1
    with np.errstate(over="ignore"):
        sh = h[:m] * _MULTS[0]
        for k in range(1, shingle):
            sh ^= h[k : k + m] * _MULTS[k]
        sh = (sh ^ (sh >> _U64(31))) * _MIX
        sh ^= sh >> _U64(29)
    valid = tok_doc[:m] == tok_doc[shingle - 1 :]
    c = np.r_[0, np.cumsum(content)]
    valid &= (c[shingle:] - c[:m]) >= p.shingle_content_words  # shingles of function words identify nothing
    keep = valid & ((sh % _U64(p.sample_mod)) == 0)
    return sh[keep], tok_doc[:m][keep]


def unique_sorted(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of `x`, sorted, and how often each occurs (np.sort + run scan: numpy 2's
    `np.unique` is many times slower than a plain sort on these arrays)."""
    x = np.sort(x)
    if not len(x):
        return x, np.zeros(0, np.int64)
    run = np.flatnonzero(np.r_[True, x[1:] != x[:-1]])
    return x[run], np.diff(np.r_[run, len(x)])


def _sorted_unique_pairs(fp: np.ndarray, doc: np.ndarray, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    """(fp, doc) pairs sorted by fp then doc, duplicates removed.

    One sort of a packed key (fingerprint's high bits | doc) instead of a two-key lexsort; the
    fingerprint keeps 64 - log2(n_docs) bits, plenty for candidate search.
    """
    bits = max(1, int(n_docs).bit_length())
    key = unique_sorted((fp & ~_U64((1 << bits) - 1)) | doc.astype(np.uint64))[0]
    return key & ~_U64((1 << bits) - 1), (key & _U64((1 << bits) - 1)).astype(np.int64)


def _csr(cells: list[tuple[np.ndarray, np.ndarray, np.ndarray]], n_docs: int) -> sparse.csr_matrix:
    """Article x hashed-term counts from per-chunk cells (chunks in doc order, cells sorted)."""
    doc = np.concatenate([c[0] for c in cells]) if cells else np.zeros(0, np.int64)
    col = np.concatenate([c[1] for c in cells]) if cells else np.zeros(0, np.int64)
    cnt = np.concatenate([c[2] for c in cells]) if cells else np.zeros(0, np.int64)
    indptr = np.r_[0, np.cumsum(np.bincount(doc, minlength=n_docs))]
    return sparse.csr_matrix((cnt.astype(np.float64), col.astype(np.int32), indptr), shape=(n_docs, 1 << HASH_BITS))


class CorpusSignatures:
    """Everything the candidate search needs, from one tokenisation pass over the corpus."""

    def __init__(self, n_words: np.ndarray, exact_keys: list[bytes | None], fingerprints: Fingerprints,
                 units: Fingerprints, stems: sparse.csr_matrix | None = None,
                 anchors: sparse.csr_matrix | None = None) -> None:
        self.n_words = n_words  # words per article
        self.exact_keys = exact_keys  # equal iff the word sequences are equal
        self.fingerprints = fingerprints  # sampled 5-word shingles
        self.units = units  # hashes of sentences of >= `wire_unit_words` words
        self._stems = stems
        self._anchors = anchors

    @property
    def stems(self) -> sparse.csr_matrix:
        """Article x content-stem counts (hashed columns)."""
        if self._stems is None:
            raise ValueError("signatures were computed without words (analyse(..., words=True))")
        return self._stems

    @property
    def anchors(self) -> sparse.csr_matrix:
        """Article x anchor counts: numbers, and capitalised words that are not stop words
        (ASCII-folded; hashed columns)."""
        if self._anchors is None:
            raise ValueError("signatures were computed without words (analyse(..., words=True))")
        return self._anchors


def _chunk_job(job: tuple[list[str], int, bool, DedupConfig]) -> _Chunk:
    return _tokenise_chunk(*job)


def analyse(texts: list[str], words: bool = True, pool: Executor | None = None, p: DedupConfig = _P) -> CorpusSignatures:
    """One pass over all texts; `words=False` skips the stem and anchor matrices.  With a
    process `pool`, chunks are tokenised in parallel (same result: chunks are independent).
    `p`: the dedup section of the config (shingle and stem sizes)."""
    n_docs = len(texts)
    jobs = []
    lo = 0
    while lo < n_docs:
        hi, size = lo, 0
        while hi < n_docs and (hi == lo or size < CHUNK_BYTES):
            size += len(texts[hi])
            hi += 1
        jobs.append((texts[lo:hi], lo, words, p))
        lo = hi
    chunks = list(pool.map(_chunk_job, jobs)) if pool is not None and len(jobs) > 1 else [_chunk_job(j) for j in jobs]
    return _merge(chunks, n_docs, words)


def _merge(chunks: list[_Chunk], n_docs: int, words: bool) -> CorpusSignatures:
    def cat(name: str, dtype: type) -> np.ndarray:
        return np.concatenate([getattr(c, name) for c in chunks]) if chunks else np.zeros(0, dtype)

    n_words = cat("n_words", np.int64)
    exact_keys = [k for c in chunks for k in c.exact_keys]
    fp, doc = _sorted_unique_pairs(cat("fp", np.uint64), cat("fp_doc", np.int64), n_docs)
    fps = Fingerprints(fp, doc, np.bincount(doc, minlength=n_docs))
    uh, ud = _sorted_unique_pairs(cat("unit", np.uint64), cat("unit_doc", np.int64), n_docs)
    units = Fingerprints(uh, ud, np.bincount(ud, minlength=n_docs))
    if not words:
        return CorpusSignatures(n_words, exact_keys, fps, units)
    stems_m = _csr([c.stems for c in chunks if c.stems is not None], n_docs)
    anchors_m = _csr([c.anchors for c in chunks if c.anchors is not None], n_docs)
    return CorpusSignatures(n_words, exact_keys, fps, units, stems_m, anchors_m)
