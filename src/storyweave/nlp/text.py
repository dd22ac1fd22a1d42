"""Shared text helpers: paragraphs, sentences with offsets, word tokens.

Sentence boundaries come from spaCy's rule-based `sentencizer` (fast, no model); we only
repair its one systematic slip on news text: an opening quote mark left dangling at the end
of the previous sentence (`... on Monday. "` + `We will ...`).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from storyweave.nlp.spacy_model import sentencizer

_OPEN_QUOTES = "\"'“‘«„"
_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
_PARA = re.compile(r"\n\s*\n|\n")
_DANGLING = re.compile(r"[.!?][\"'”’»]?\s+([\"'“‘«„])\s*$")


@dataclass(frozen=True)
class Sentence:
    """A sentence as a verbatim slice `text == source[start:end]` of its article's text."""

    text: str
    start: int
    end: int
    paragraph: int


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of non-empty lines/paragraphs."""
    spans, pos = [], 0
    for m in _PARA.finditer(text + "\n"):
        chunk = text[pos : m.start()]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            spans.append((pos + lead, pos + len(chunk.rstrip())))
        pos = m.end()
    return spans


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of `text`, each a verbatim slice with its offsets and paragraph number.

    Memoised (the analyze and brief stages, and dedup, split the same articles in one run)."""
    known = _KNOWN.get(text)
    return list(known) if known is not None else list(_split_sentences(text))


_KNOWN: dict[str, tuple[Sentence, ...]] = {}  # splits made elsewhere (cached parses, worker processes)
_KNOWN_MAX = 50_000


def remember_sentences(text: str, spans: list[tuple[int, int, int]]) -> None:
    """Record the split of `text` made earlier by `split_sentences` (e.g. in a worker process, or
    stored with a cached parse) as `(start, end, paragraph)` spans, so it is not split again."""
    if len(_KNOWN) >= _KNOWN_MAX:
        _KNOWN.clear()
    _KNOWN[text] = tuple(Sentence(text[s:e], s, e, p) for s, e, p in spans)


@lru_cache(maxsize=4096)
def _split_sentences(text: str) -> tuple[Sentence, ...]:
    nlp = sentencizer()
    paras = paragraphs(text)
    out: list[Sentence] = []
    for p_index, doc in enumerate(nlp.pipe(text[s:e] for s, e in paras)):
        base = paras[p_index][0]
        para = doc.text  # Doc.text re-joins every token on each access: read it once per paragraph
        pieces = [(s.start_char, s.end_char) for s in doc.sents]
        fixed: list[list[int]] = []
        carry: int | None = None  # start of a dangling opening quote cut from the previous piece
        for s, e in pieces:
            if carry is not None:
                s, carry = carry, None
            m = _DANGLING.search(para, s, e)
            if m:
                carry = m.start(1)
                e = m.start(1)
            if para[s:e].strip():
                fixed.append([s, e])
        for s, e in fixed:
            raw = para[s:e]
            lead = len(raw) - len(raw.lstrip())
            body = raw.strip()
            if body:
                start = base + s + lead
                out.append(Sentence(body, start, start + len(body), p_index))
    return tuple(out)


def sentence_texts(text: str) -> list[str]:
    """The sentences of `text` as strings."""
    return [s.text for s in split_sentences(text)]


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower() for w in _WORD.findall(text)]


_PLAIN_WORD = re.compile(r"\w+")


def content_words(text: str, stop: Collection[str] = frozenset(), *, min_len: int = 1, numbers: bool = True,
                  joined: bool = True) -> set[str]:
    """The distinct lower-cased words of `text` that carry content: not in `stop`, of at least
    `min_len` characters, numbers only when `numbers`; `joined=False` splits hyphenated and
    apostrophe words ("well-known" -> "well", "known").  The one helper behind every stage's
    content-word overlap (titles, timeline entries, quotations, reworded sentences)."""
    tokens = words(text) if joined else _PLAIN_WORD.findall(text.lower())
    return {w for w in tokens if w not in stop and len(w) >= min_len and (numbers or not w.isdigit())}


def count_words(text: str) -> int:
    """How many word tokens `text` has."""
    return len(_WORD.findall(text))
