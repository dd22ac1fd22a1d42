"""What the analysis derives from one article's text alone, in a form that can be cached.

Parsing (spaCy NER) is the one expensive step of the analyze stage, and its result depends on
nothing but the text: `ParsedText` keeps what the later rules read from a spaCy Doc (entity
spans with their label and, for persons, the role words around them) plus the sentence split.
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

from storyweave.config import AnalyzeConfig, RunConfig
from storyweave.nlp import spacy_model as nlp  # nlp.get_nlp looked up on each use (tests count the parses)
from storyweave.nlp.text import split_sentences
from storyweave.stages.analysis.doc import Ent, ParsedText
from storyweave.stages.analysis.entities import person_role

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Ent", "ParsedText"]  # their home is analysis/doc.py; imported from here too

ARTICLE = "article"  # Corpus.cache kind: ParsedText records by text_key
FORMAT = 1  # bump when the record layout changes

# Bump by hand when a code change alters cached parse / analysis / language / brief results
# (a rule, a word list, a model): every cache entry made by the old code is then recomputed.
# Knobs need no bump: the config sections that decide a result are part of its key.
ANALYSIS_VERSION = 2  # 2: quote rules, discrepancy pair groups, timeline furniture filter (branch targets)

_PIECE_CHARS = AnalyzeConfig.piece_chars  # the defaults; the analyze stage passes its config
_MIN_TEXTS_PER_PROCESS = RunConfig.min_texts_per_process


@cache
def fingerprint(kind: str, section: Any = None) -> str:
    """Short key prefix of cached results of `kind`: the record format, `ANALYSIS_VERSION`,
    `section` (the frozen config section that decides the result, by its repr) and, for parses,
    the spaCy model version (keys of later results contain `text_key`, so they follow it)."""
    model = _model_version() if kind == ARTICLE else ""
    h = hashlib.sha1(f"{kind}\0{FORMAT}\0{ANALYSIS_VERSION}\0{model}\0{section!r}".encode())
    return h.hexdigest()[:12]


def _model_version() -> str:
    try:
        from spacy.about import __version__ as spacy_version
        from spacy.util import get_model_meta, get_package_path

        meta = get_model_meta(get_package_path(nlp.MODEL))
        return f"{spacy_version}/{nlp.MODEL}/{meta.get('version', '')}"
    except (ImportError, OSError):  # model missing: parsing will fail loudly elsewhere
        return "no-model"


def digest(*parts: Any) -> str:
    """Stable hash of JSON-like parts (strings, numbers, None, nested tuples/lists)."""
    h = hashlib.sha1()
    for part in parts:
        h.update(repr(part).encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return h.hexdigest()


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
    each k more are done.  Texts longer than `piece_chars` are parsed in pieces; fewer than
    `min_texts_per_process` texts per worker are parsed in this process."""
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
    """`parsed(n)`: told as each text (n=1) is parsed, for progress reports."""
    short = [t for t in texts if len(t) <= piece_chars]  # longer ones: in pieces (`_parse_long`)
    records = {}
    for text, doc in zip(short, nlp.get_nlp().pipe(short, batch_size=batch_size), strict=False):
        records[text] = from_doc(doc, text).to_record()
        if parsed:
            parsed(1)
    out = []
    for t in texts:
        if t not in records:
            records[t] = _parse_long(t, piece_chars).to_record()
            if parsed:
                parsed(1)
        out.append(records[t])
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


def _parse_long(text: str, piece_chars: int = _PIECE_CHARS) -> ParsedText:
    """spaCy's memory grows with a Doc's length (about 3 KB per character: ~150 MB for 50,000
    characters, ~700 MB for 200,000): a longer text is parsed in pieces cut at paragraph (else
    sentence, else space) breaks, one piece at a time, and its entity spans shifted back into
    place (reliability, issue 9)."""
    ents: list[Ent] = []
    for offset, piece in _pieces(text, piece_chars):
        part = from_doc(nlp.get_nlp()(piece), piece)
        ents += [Ent(e.text, e.label_, e.start_char + offset, e.end_char + offset, e.role) for e in part.ents]
    return ParsedText(text, ents, split_sentences(text))


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
