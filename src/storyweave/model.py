"""The one data model that flows through every stage.

An `Article` is read at the edge (readers), cleaned, deduplicated and assigned to an
`Event`; events are linked into `Story` objects; each event then carries its briefing
(summary, entities, quotes, facts, discrepancies, timeline).  A `Corpus` holds the whole
batch and is what each pipeline stage takes and returns (like spaCy's `Doc`).

Field names mirror the output contract in `render/briefings.schema.json`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Literal

DuplicateKind = Literal["exact", "near", "rewrite", "translation"]


@dataclass
class DateRef:
    """A date expression of an article: `text` at `start:end` of `Article.text`, resolved to `value`
    (ISO `YYYY-MM-DD`, `YYYY-MM` or `YYYY`, as fine as the expression says: `granularity`)."""

    text: str
    start: int
    end: int
    value: str
    granularity: str  # "day" | "month" | "year"


# What a report date inferred by `stages.events.report_date` rests on ("report_date: <key>" in
# `Article.inferred_from`), in words for readers of the output.  Right within a day
# (`benchmarks/report_dates_bench.py`, bare.md "Twelfth session"): news_cluster header 6/6, lead
# 9/10, body 6/9, caption 1/3, removed lines 35/50; PolNeAR and TimeBank header 5/8, lead 6/13,
# body 7/8, removed lines 5/6.
REPORT_DATE_SOURCES = {
    "header": "a labelled date or a dated dateline at the top",
    "lead": "the latest date written near the top or beside its weekday",
    "body": "a date written further down: an embedded post's, a caption's or a correction note's",
    "caption": "a photo caption's date (the day of the photo)",
    "removed lines": "a date in lines removed as noise (a caption, an embedded post)",
}


def describe_inferred(how: str) -> str:
    """`how` (an `Article.inferred_from` value) in words: the report-date keys through
    `REPORT_DATE_SOURCES`, anything else (a reader's evidence line) as it is."""
    prefix = "report_date: "
    return REPORT_DATE_SOURCES.get(how[len(prefix):], how) if how.startswith(prefix) else how


@dataclass
class Article:
    """One news report.  `text` is the cleaned text once the clean stage has run."""

    id: str
    text: str
    source: str | None = None  # outlet name or domain
    url: str | None = None
    title: str | None = None
    published: str | None = None  # ISO 8601 date `YYYY-MM-DD` (or datetime), None if unknown
    published_inferred: bool = False  # True when `published` was read from the text (no date given)
    language: str | None = None
    path: str | None = None  # file it was read from
    raw_text: str = ""  # text as read, before cleaning
    removed: list[str] = field(default_factory=list)  # noise lines taken out by `clean`
    removed_reasons: list[str] = field(default_factory=list)  # rule name of each `removed` line
    metadata: dict[str, Any] = field(default_factory=dict)  # unknown input fields, kept
    duplicate_of: str | None = None
    duplicate_kind: DuplicateKind | None = None
    shares_wire_with: list[str] = field(default_factory=list)
    event_id: str | None = None
    dates: list[DateRef] = field(default_factory=list)  # resolved date expressions, text order (analyze)
    is_new: bool = True  # False for articles loaded back from the store
    # what the user should know about how this article was read or analysed (analysis limit, ...)
    notes: list[str] = field(default_factory=list)
    # "failed" when a stage raised on this article: it is kept out of the batch, stored with
    # `failure` ("stage 'x': reason") and retried by the next run that reads it again
    status: Literal["ok", "failed"] = "ok"
    failure: str | None = None
    source_inferred: bool = False  # True when `source` was read off a credit line of bare text
    credits: list[str] = field(default_factory=list)  # organisations the text credits ("(Reuters)", "— AFP")

    @property
    def date(self) -> str | None:
        """Publication date as `YYYY-MM-DD`, or None."""
        return self.published[:10] if self.published else None

    @property
    def inferred_from(self) -> dict[str, str]:
        """Where each value read off the text itself (no metadata came with it) was found, by field:
        {"published": "report_date: body", "source": "credit line: '(Reuters)'", ...}
        (`metadata["inferred"]`, written by the plain-text reader and the report-date rule), for
        the fields that still hold such a value."""
        found = self.metadata.get("inferred") or {}
        held = {"published": self.published_inferred and bool(self.published), "source": self.source_inferred,
                "title": bool(self.title), "agency": bool(self.metadata.get("agency"))}
        return {name: str(how) for name, how in found.items() if held.get(name)}

    def removed_by(self, rule: str) -> list[str]:
        """The lines `clean` removed under `rule` (a name in `removed_reasons`, e.g. "gallery")."""
        return [line for line, why in zip(self.removed, self.removed_reasons, strict=False) if why == rule]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """An article from a plain dict (e.g. one line of a JSON Lines file).

        Keys that are `Article` fields are used as they are; every other key goes to
        `metadata` (merged with a given `metadata` dict). `id` and `text` are required;
        `raw_text` defaults to `text`.

        >>> a = Article.from_dict({"id": "a1", "text": "Rain in Oslo.", "source": "Post", "section": "weather"})
        >>> a.source, a.metadata
        ('Post', {'section': 'weather'})
        """
        if not isinstance(data, dict):
            raise TypeError(f"Article.from_dict expects a dict, got {type(data).__name__}")
        names = {f.name for f in fields(cls)} - {"is_new"}
        missing = [k for k in ("id", "text") if not isinstance(data.get(k), str) or not data.get(k)]
        if missing:
            raise ValueError(f"article {data.get('id', '?')!r}: missing or empty {', '.join(missing)}")
        known = {k: v for k, v in data.items() if k in names}
        extra = {k: v for k, v in data.items() if k not in names and k != "is_new"}
        known["metadata"] = {**dict(known.get("metadata") or {}), **extra}
        known.setdefault("raw_text", known["text"])
        return cls(**known)


@dataclass
class DuplicateLink:
    """`copy` repeats `original` (or both share wire passages when kind == 'wire')."""

    copy: str
    original: str
    kind: str  # "exact" | "near" | "rewrite" | "translation" | "wire"
    score: float = 0.0
    shared_sentences: list[str] = field(default_factory=list)
    original_known: bool = True  # False when dates are missing and the direction is a guess


@dataclass
class SummarySentence:
    """A summary sentence, verbatim from the articles that carry it."""

    text: str
    article_ids: list[str]


@dataclass
class Entity:
    """A canonical entity of an event, with the spellings seen and the articles that name it."""

    name: str
    type: str
    aliases: list[str]
    article_ids: list[str]
    role: str | None = None  # title or role seen with the name ("Russian delegation head")


@dataclass
class Quote:
    """A statement quoted in an event's articles, with its speaker (None when unattributed) and variant
    wordings."""

    speaker: str | None
    text: str
    variants: list[str]
    article_ids: list[str]


@dataclass
class Fact:
    """A claim confirmed by `independent_sources` sources that do not copy one another."""

    text: str
    article_ids: list[str]
    independent_sources: int


@dataclass
class DiscrepancyValue:
    """One value of a disputed figure, with the sentence that states it and its articles."""

    value: str
    text: str
    article_ids: list[str]
    date: str | None = None


@dataclass
class Discrepancy:
    """A figure the event's articles disagree on, with each value reported."""

    subject: str
    values: list[DiscrepancyValue]
    note: str | None = None  # e.g. "figures from different dates: may be an update"


@dataclass
class TimelineEntry:
    """A dated happening of an event or story, with the articles that tell it."""

    date: str
    text: str
    article_ids: list[str]


@dataclass
class OutletCoverage:
    """What one outlet reports alone and which widely reported facts it leaves out."""

    source: str
    only_here: list[str]  # fact texts only this outlet reports
    omits: list[str]  # widely reported fact texts this outlet does not carry


@dataclass
class Event:
    """One happening, with its briefing once the analyze/brief stages have run."""

    id: str
    article_ids: list[str]
    title: str = ""
    date: str | None = None
    story_id: str | None = None
    independent_sources: int = 0
    summary: list[SummarySentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    outlets: list[OutletCoverage] = field(default_factory=list)
    # optional LLM rewording of `summary`, made at the edge when the user configures an endpoint;
    # every sentence was checked against the extractive sentences it cites (brief/abstractive.py)
    reworded_summary: list[SummarySentence] = field(default_factory=list)


@dataclass
class Story:
    """Events linked into one developing story, with the story's timeline."""

    id: str
    event_ids: list[str]
    title: str = ""
    timeline: list[TimelineEntry] = field(default_factory=list)


@dataclass
class ReadError:
    """An input that could not be read: reported in one line, the batch goes on."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def failure_error(article: Article) -> ReadError:
    """The one-line error that names a failed article (its file, id, stage and reason)."""
    return ReadError(article.path or article.id,
                     f"article {article.id!r} failed: {article.failure or 'unknown reason'}; "
                     "left out of the results (a store keeps it as failed and retries it when it is read again)")


@dataclass
class Corpus:
    """The batch every stage takes and returns."""

    articles: list[Article] = field(default_factory=list)
    duplicates: list[DuplicateLink] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    errors: list[ReadError] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)  # merge/split decisions of streaming runs
    # articles a stage failed on (status "failed"): outside the batch's results, stored as failed
    failed: list[Article] = field(default_factory=list)
    # derived results reused across runs, by kind then key (e.g. "article": one parse per text
    # hash); loaded and saved by the store at the edge, read and refreshed by the stages
    cache: dict[str, dict[str, Any]] = field(default_factory=dict)
    # per-article work done by the stages in this run, by unit ("language": articles detected,
    # "parse": texts parsed, "analyze"/"brief": events computed): cached results are not counted
    work: dict[str, int] = field(default_factory=dict)

    def by_id(self) -> dict[str, Article]:
        """Articles by id."""
        return {a.id: a for a in self.articles}

    def originals(self) -> list[Article]:
        """Articles that are not a copy of another."""
        return [a for a in self.articles if a.duplicate_of is None]


def to_dict(obj: Any) -> Any:
    """Dataclass (or list of them) to plain JSON-ready data: what `dataclasses.asdict` gives."""
    if isinstance(obj, list):
        return [to_dict(o) for o in obj]
    if isinstance(obj, type) or not is_dataclass(obj):
        raise TypeError("to_dict() takes dataclass instances (or lists of them)")  # as asdict() refuses
    return _plain(obj)


# `dataclasses.asdict` deep-copies every leaf and looks up each instance's fields: most of the
# cost of writing a report (≈ 1.5 M leaves for 2,180 articles went through `copy.deepcopy`).
# `_plain` gives the same result: str, int, float, bool and None are immutable, so asdict's
# deepcopy returns the object itself; exact lists and dicts are rebuilt as asdict rebuilds them;
# the field names of each dataclass type are read once; anything else takes asdict's own path.
_ATOMS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _plain(obj: Any) -> Any:
    kind = type(obj)
    if kind in _ATOMS:
        return obj
    if kind is list:
        return [_plain(v) for v in obj]
    if kind is dict:
        return {_plain(k): _plain(v) for k, v in obj.items()}
    names = _FIELD_NAMES.get(kind)
    if names is None:
        if not is_dataclass(obj) or isinstance(obj, type):
            return _other(obj)
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(obj))
    return {name: _plain(getattr(obj, name)) for name in names}


def _other(obj: Any) -> Any:
    """`dataclasses.asdict`'s rule for a value that is no exact list, dict or dataclass."""
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):  # a named tuple
        return type(obj)(*[_plain(v) for v in obj])
    if isinstance(obj, (list, tuple)):
        return type(obj)(_plain(v) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((_plain(k), _plain(v)) for k, v in obj.items())
    return copy.deepcopy(obj)
