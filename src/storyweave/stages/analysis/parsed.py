"""What the analysis derives from one article's text alone, in a form that can be cached.

Parsing (spaCy NER) is the one expensive step of the analyze stage, and its result depends on
nothing but the text.  The recogniser is run only on the fragments of a text near capitalised
words (`_fragments`: the names the analysis reads, with the context the model sees), about half
of the tokens, for the same name spans as a whole-text parse.  `ParsedText` keeps what the
later rules read from a spaCy Doc (entity spans with their label and, for persons, the role
words around them) plus the sentence split.
It is stored in `Corpus.cache["article"]` under `text_key(text)`, so a re-run or a streaming
batch parses only new or changed texts.  The store loads and saves that cache at the edge; the
stage itself never touches the disk.

Cache keys carry a fingerprint of what made the entry (`fingerprint`): `ANALYSIS_VERSION`
(bumped by hand when the rules change), the spaCy model version and the config section that
decides the result, so neither an upgrade nor a changed knob reuses an old result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

from storyweave import versions
from storyweave.config import AnalyzeConfig, RunConfig
from storyweave.nlp import spacy_model as nlp  # nlp.get_nlp looked up on each use (tests count the parses)
from storyweave.nlp.stop_words import NLTK_CLASSIC
from storyweave.nlp.text import split_sentences
from storyweave.stages.analysis.doc import Ent, ParsedText
from storyweave.stages.analysis.entities import person_role

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = ["Ent", "ParsedText"]  # their home is analysis/doc.py; imported from here too

ARTICLE = "article"  # Corpus.cache kind: ParsedText records by text_key
FORMAT = 1  # bump when the record layout changes

# `versions.ANALYSIS_VERSION` (bumped by hand) is part of every key made here; `digest` lives there too.

_PIECE_CHARS = AnalyzeConfig.piece_chars  # the defaults; the analyze stage passes its config
_MIN_TEXTS_PER_PROCESS = RunConfig.min_texts_per_process


@cache
def fingerprint(kind: str, section: Any = None) -> str:
    """Short key prefix of cached results of `kind`: the record format, `ANALYSIS_VERSION`,
    `section` (the frozen config section that decides the result, by its repr) and, for parses,
    the spaCy model version (keys of later results contain `text_key`, so they follow it)."""
    model = _model_version() if kind == ARTICLE else ""
    h = hashlib.sha1(f"{kind}\0{FORMAT}\0{versions.ANALYSIS_VERSION}\0{model}\0{section!r}".encode())
    return h.hexdigest()[:12]


def _model_version() -> str:
    try:
        from spacy.about import __version__ as spacy_version
        from spacy.util import get_model_meta, get_package_path

        meta = get_model_meta(get_package_path(nlp.MODEL))
        return f"{spacy_version}/{nlp.MODEL}/{meta.get('version', '')}"
    except (ImportError, OSError):  # model missing: parsing will fail loudly elsewhere
        return "no-model"


def text_key(text: str, piece_chars: int = _PIECE_CHARS) -> str:
    """Cache key of one article text's parse (a text longer than `piece_chars` is parsed in
    pieces of that size, so its key names the size)."""
    key = fingerprint(ARTICLE) + ":" + hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
    return key if len(text) <= piece_chars else f"{key}:{piece_chars}"


def from_doc(doc: Doc, text: str) -> ParsedText:
    """The cacheable part of a spaCy Doc of `text` (roles read from the Doc's tokens now)."""
    ents = [Ent(e.text, e.label_, e.start_char, e.end_char, person_role(doc, e) if e.label_ == "PERSON" else None)
            for e in doc.ents]
    return ParsedText(text, ents, split_sentences(text))


def parse_missing(texts: Iterable[str], cache: dict[str, Any], batch_size: int = 64, processes: int = 1,
                  started: Callable[[int], None] | None = None, parsed: Callable[[int], None] | None = None,
                  piece_chars: int = _PIECE_CHARS, min_texts_per_process: int = _MIN_TEXTS_PER_PROCESS) -> int:
    """Parse every text whose record is not in `cache` yet and add the records; returns how many
    were parsed.  One batched `nlp.pipe` stream (Docs dropped as soon as their record is made),
    or, with `processes` > 1 and enough texts, that many forked workers sharing the loaded model
    (see `_parse_parallel`).  The records do not depend on how they were computed.
    For progress reports: `started(n)` is told how many texts will be parsed, `parsed(k)` as
    each k more are done.  A fragment longer than `piece_chars` is given to the recogniser in
    pieces; fewer than `min_texts_per_process` texts per worker are parsed in this process."""
    todo = list(dict.fromkeys(t for t in texts if text_key(t, piece_chars) not in cache))
    if started:
        started(len(todo))
    if not todo:
        return 0
    processes = min(processes, len(todo) // min_texts_per_process)
    records = (_parse_parallel(todo, batch_size, processes, parsed, piece_chars) if processes > 1
               else _parse_records(todo, batch_size, parsed, piece_chars))
    for text, record in zip(todo, records, strict=False):
        cache[text_key(text, piece_chars)] = record
    return len(todo)


def _parse_records(texts: list[str], batch_size: int = 64,
                   parsed: Callable[[int], None] | None = None, piece_chars: int = _PIECE_CHARS) -> list[dict[str, Any]]:
    """`parsed(n)`: told as each text (n=1) is parsed, for progress reports.  Texts are handled
    `batch_size` at a time (their token Docs alive together), the recogniser sees only their
    fragments (`_fragments`), batched across texts."""
    records: dict[str, dict[str, Any]] = {}
    unique = list(dict.fromkeys(texts))
    for i in range(0, len(unique), batch_size):
        group = unique[i:i + batch_size]
        for text, doc in zip(group, _recognise(group, batch_size, piece_chars), strict=True):
            records[text] = from_doc(doc, text).to_record()
            if parsed:
                parsed(1)
    return [records[t] for t in texts]


def _recognise(texts: list[str], batch_size: int, piece_chars: int = _PIECE_CHARS) -> list[Doc]:
    """Token Docs of `texts` with their entity spans set, the recogniser run only on each
    text's `_fragments` (one batched stream over the fragments of all `texts`)."""
    pipeline = nlp.get_nlp()
    docs = [pipeline.make_doc(t) for t in texts]
    where = [(d, start, end) for d, doc in enumerate(docs) for start, end in _fragments(doc, piece_chars)]
    spans: list[list[Span]] = [[] for _ in docs]
    with nlp.one_blas_thread():
        pieces = pipeline.pipe((texts[d][start:end] for d, start, end in where), batch_size=batch_size)
        for (d, start, _), piece in zip(where, pieces, strict=True):
            for e in piece.ents:
                span = docs[d].char_span(start + e.start_char, start + e.end_char, label=e.label_)
                if span is not None:  # always: a fragment starts and ends at whitespace, so its tokens are the text's
                    spans[d].append(span)
    for doc, ents in zip(docs, spans, strict=True):
        doc.ents = ents
    return docs


# Only tokens near a capitalised word go through the recogniser.  Every entity the analysis
# reports starts with a capital (`entities.mentions_of` drops the others) and a speaker is a
# capitalised name (`quotes`), while the recogniser's view of a token reaches `context()` tokens
# either side (see there): a fragment = a run of tokens each within that reach of an anchor, so the
# recogniser sees around every anchor exactly what it sees in the whole text.  On the shared sets
# this is about half the tokens for the same entity spans (benchmarks/results/speed.md).
def _anchor(word: str) -> bool:
    """A token the recogniser must see: one with a capital ("Paris", "iPhone", "@NASA") other than
    a capitalised function word ("The", "But", "He": NLTK's English stop words), or a word of
    a script without case."""
    if word != word.lower():
        return not (word.istitle() and word.lower() in NLTK_CLASSIC)
    first = word[:1]
    return first.isalpha() and first.lower() == first.upper()


@cache
def context() -> int:
    """Tokens of context the recogniser reads either side of a token: its window encoder's depth
    x window size (the receptive field of its token vectors, 4 in en_core_web_sm), plus one for
    the transition model's look at the next token.  Read from the loaded model's config."""
    encode = nlp.load_pipeline(nlp.NER).config["components"]["ner"]["model"]["tok2vec"].get("encode", {})
    return int(encode.get("depth", 4)) * int(encode.get("window_size", 1)) + 1


def _fragments(doc: Doc, piece_chars: int = _PIECE_CHARS) -> list[tuple[int, int]]:
    """(start, end) character ranges of `doc`'s text for the recogniser: each anchor (`_anchor`)
    with `context()` tokens either side, widened to whitespace (so the fragment's tokens are the
    text's), overlapping ranges joined, ones longer than `piece_chars` cut at breaks (`_pieces`:
    spaCy's memory grows with a Doc's length, about 3 KB per character, reliability issue 9)."""
    n = len(doc)
    if not n:
        return []
    anchors = np.fromiter((_anchor(t.text) for t in doc), dtype=bool, count=n)
    if not anchors.any():
        return []
    reach = context()
    near = np.convolve(anchors.astype(np.int8), np.ones(2 * reach + 1, dtype=np.int8))[reach:reach + n] > 0
    edges = np.flatnonzero(np.diff(np.concatenate(([False], near, [False])).astype(np.int8)))
    ranges: list[tuple[int, int]] = []
    for start, end in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
        while start > 0 and not doc[start - 1].whitespace_:
            start -= 1
        while end < n and not doc[end - 1].whitespace_:
            end += 1
        first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        if ranges and first <= ranges[-1][1]:
            first = ranges.pop()[0]
        ranges.append((first, last))
    text = doc.text if any(e - s > piece_chars for s, e in ranges) else ""
    out: list[tuple[int, int]] = []
    for first, last in ranges:
        if last - first <= piece_chars:
            out.append((first, last))
        else:
            out += [(first + o, first + o + len(piece.rstrip())) for o, piece in _pieces(text[first:last], piece_chars)
                    if piece.strip()]
    return out


def _parse_parallel(texts: list[str], batch_size: int, processes: int,
                    parsed: Callable[[int], None] | None = None, piece_chars: int = _PIECE_CHARS) -> list[dict[str, Any]]:
    """`_parse_records` spread over `processes` forked workers sharing the loaded model (see
    `storyweave.parallel`), in chunks of 8 texts, longest first.  spaCy's own
    `nlp.pipe(n_process=...)` pickles the pipeline into each worker and sends Docs back, which
    costs more than parsing here for NER-only records."""
    from storyweave.parallel import fork_map

    nlp.get_nlp()
    chunks = [texts[i:i + 8] for i in range(0, len(texts), 8)]
    done = fork_map(lambda chunk: _parse_records(chunk, batch_size, piece_chars=piece_chars), chunks, processes, min_items=1, chunk=1,
                    weight=lambda chunk: sum(map(len, chunk)), done=(lambda chunk: parsed(len(chunk))) if parsed else None)
    return [record for records in done for record in records]


def _pieces(text: str, size: int) -> Iterable[tuple[int, str]]:
    """(offset, piece) cuts of `text`, each at most `size` characters, ending at a break."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            window = text[start:end]
            for mark in ("\n", ". ", " "):
                at = window.rfind(mark)
                if at > size // 2:
                    end = start + at + len(mark)
                    break
        yield start, text[start:end]
        start = end


def parsed(text: str, cache: dict[str, Any], piece_chars: int = _PIECE_CHARS) -> ParsedText:
    """The ParsedText of `text` from `cache` (parsed now if missing)."""
    key = text_key(text, piece_chars)
    if key not in cache:
        parse_missing([text], cache, piece_chars=piece_chars)
    return ParsedText.from_record(text, cache[key])
