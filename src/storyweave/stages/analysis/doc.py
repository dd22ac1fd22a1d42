"""`ParsedText`, the cacheable stand-in for a spaCy Doc, and uniform access to either.

What the analysis rules read from a parsed article (entity spans, persons' role words,
sentences) is kept here, apart from the parsing itself (`parsed.py`) and the spaCy pipeline
(`nlp/spacy_model.py`), so that the rules and the parser import it without importing each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from storyweave.nlp.text import Sentence

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span


@dataclass(frozen=True)
class Ent:
    """An entity span, with the attributes of a spaCy `Span` that the analysis reads."""

    text: str
    label_: str
    start_char: int
    end_char: int
    role: str | None = None  # title/role words next to a PERSON ("Russian delegation head")


@dataclass
class ParsedText:
    """One text's entity spans and sentences (stands in for a spaCy Doc in the analysis rules)."""

    text: str
    ents: list[Ent] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready record of this text (spans and sentences as offsets; see `from_record`)."""
        return {
            "ents": [[e.start_char, e.end_char, e.label_, e.role] for e in self.ents],
            "sentences": [[s.start, s.end, s.paragraph] for s in self.sentences],
        }

    @classmethod
    def from_record(cls, text: str, record: dict[str, Any]) -> ParsedText:
        """Rebuild the ParsedText of `text` from its `to_record` record."""
        ents = [Ent(text[s:e], label, s, e, role) for s, e, label, role in record["ents"]]
        sentences = [Sentence(text[s:e], s, e, p) for s, e, p in record["sentences"]]
        return cls(text, ents, sentences)


AnyDoc: TypeAlias = "Doc | ParsedText"  # what the analysis rules read: a spaCy Doc or its cached stand-in


def ents_of(doc: AnyDoc) -> Sequence[Ent | Span]:
    """doc.ents, computed once per doc (each access of `doc.ents` walks every token); the
    entity spans of a cached `ParsedText` as they are."""
    if isinstance(doc, ParsedText):
        return doc.ents
    cached: list[Span] | None = doc.user_data.get("storyweave_ents")
    if cached is None:
        cached = doc.user_data["storyweave_ents"] = list(doc.ents)
    return cached


def text_of(doc: AnyDoc) -> str:
    """doc.text, built once per doc (the property re-joins every token on each access)."""
    if isinstance(doc, ParsedText):
        return doc.text
    cached: str | None = doc.user_data.get("storyweave_text")
    if cached is None:
        cached = doc.user_data["storyweave_text"] = doc.text
    return cached
