"""Response and request models of the REST API (pydantic).

The contract models (`Article`, `Event`, `Story`, `Entity`, ...) are generated at import from
the `$defs` of `render/briefings.schema.json` (the output contract), so the API documents
exactly what the contract says, and a field added to the contract appears in /openapi.json
without touching this file. They allow extra fields: the contract says consumers must ignore
fields added later. The envelopes (pages, summaries, jobs) are written out below.
"""

from __future__ import annotations

from types import GenericAlias
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator
from pydantic.dataclasses import dataclass as pydantic_dataclass

from storyweave.io.render.contract import schema as _contract_schema
from storyweave.io.store import ArticleRow

T = TypeVar("T")


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


class _Builder:
    """JSON Schema (the subset the contract uses) -> pydantic models, one per `$defs` object."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.defs = document["$defs"]
        self.models: dict[str, type[BaseModel]] = {}

    def type_of(self, spec: dict[str, Any], hint: str) -> Any:
        if "$ref" in spec:
            name = spec["$ref"].rsplit("/", 1)[-1]
            target = self.defs[name]
            return self.model(name) if "properties" in target else self.type_of(target, name)
        if "enum" in spec:
            values = tuple(v for v in spec["enum"] if v is not None)
            base: Any = Literal[values] if values else Any
            return base | None if None in spec["enum"] else base
        kinds: Any = spec.get("type")
        if isinstance(kinds, list):
            inner = [k for k in kinds if k != "null"]
            base = self.type_of({**spec, "type": inner[0]}, hint) if len(inner) == 1 else Any
            return base | None if "null" in kinds else base
        if kinds == "array":
            return GenericAlias(list, (self.type_of(spec.get("items", {}), hint + "_item"),))  # list[item], built at run time
        if kinds == "object":
            if "properties" in spec:
                return self.model(hint, spec)
            extra = spec.get("additionalProperties")
            return GenericAlias(dict, (str, self.type_of(extra, hint) if isinstance(extra, dict) else Any))  # dict[str, value]
        return {"string": str, "integer": int, "number": float, "boolean": bool}.get(kinds, Any)

    def model(self, name: str, spec: dict[str, Any] | None = None) -> type[BaseModel]:
        if name in self.models:
            return self.models[name]
        spec = spec or self.defs[name]
        required = set(spec.get("required", []))
        fields: dict[str, Any] = {}
        for prop, sub in spec.get("properties", {}).items():
            py = prop + "_" if prop in ("copy", "schema", "json") else prop  # names BaseModel reserves
            annotation = self.type_of(sub, f"{name}_{prop}")
            extra = {"alias": prop} if py != prop else {}
            if sub.get("description"):
                extra["description"] = sub["description"]
            if prop in required:
                fields[py] = (annotation, Field(..., **extra))
            elif sub.get("type") == "array":
                fields[py] = (annotation | None, Field(default_factory=list, **extra))
            else:
                fields[py] = (annotation | None, Field(default=None, **extra))
        model = create_model(_camel(name), __base__=_Open, __doc__=spec.get("description"), **fields)
        self.models[name] = model
        return model


_builder = _Builder(_contract_schema())
for _name, _spec in _builder.defs.items():
    if "properties" in _spec:
        _builder.model(_name)
Article = _builder.models["article"]
Event = _builder.models["event"]
Story = _builder.models["story"]
Entity = _builder.models["entity"]
Quote = _builder.models["quote"]
Fact = _builder.models["fact"]
Discrepancy = _builder.models["discrepancy"]
SummarySentence = _builder.models["summary_sentence"]
TimelineEntry = _builder.models["timeline_entry"]
OutletCoverage = _builder.models["outlet_coverage"]
DuplicateLink = _builder.models["duplicate_link"]
CONTRACT_MODELS: dict[str, type[BaseModel]] = dict(_builder.models)
# The contract models above are classes made at run time (pydantic's create_model from the JSON
# Schema), so a static checker cannot use them as types: the `type: ignore[valid-type]`s below.


class Briefings(_Open):
    """The whole `briefings.json` document (the output contract)."""

    generator: dict[str, str] = Field(default_factory=dict)
    counts: dict[str, int] = Field(default_factory=dict)
    articles: list[Article]  # type: ignore[valid-type]
    events: list[Event]  # type: ignore[valid-type]
    stories: list[Story]  # type: ignore[valid-type]
    duplicates: list[DuplicateLink] = Field(default_factory=list)  # type: ignore[valid-type]
    changes: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)


# ----------------------------------------------------------------------------- API envelopes


class Page(BaseModel, Generic[T]):
    """One page of a listing: `items` from `offset`, `total` matching items in all."""

    total: int
    limit: int
    offset: int
    items: list[T]


class EventSummary(BaseModel):
    """An events-listing item: the event's headline figures and the URL of its briefing."""

    id: str
    title: str
    date: str | None
    story_id: str | None
    articles: int
    outlets: int
    unknown_outlet_articles: int = Field(description="Member articles whose outlet is not known.")
    independent_sources: int
    discrepancies: int
    url: str = Field(description="API URL of the full briefing.")


@pydantic_dataclass
class ArticleSummary(ArticleRow):
    """An articles-listing item (no text): the store's listing row (`io.store.ArticleRow`), validated."""


class EventDetail(Event):  # type: ignore[valid-type,misc]
    """An event's briefing with its member articles (without their text)."""

    articles: list[ArticleSummary]


class StorySummary(BaseModel):
    """A stories-listing item: title, number of events and date range."""

    id: str
    title: str
    events: int
    first_date: str | None
    last_date: str | None


class SearchHit(BaseModel):
    """A full-text search hit with its matched words marked."""

    id: str
    title: str | None
    snippet: str = Field(description="Matched words in [brackets].")
    event_id: str | None
    source: str | None


class Run(BaseModel):
    """One run of the run log: when, which command on which inputs, counts, changes and errors."""

    id: int
    started: str
    finished: str
    command: str
    inputs: list[str]
    counts: dict[str, Any]
    changes: list[str]
    errors: list[str]


class Job(BaseModel):
    """An ingest job: queued, running, done or failed; `result` once done."""

    id: str
    status: Literal["queued", "running", "done", "failed"]
    url: str
    articles: int
    submitted: str
    finished: str | None = None
    error: str | None = None
    result: dict[str, Any] | None = None


class Error(BaseModel):
    """An error answer (`detail`: a message or the list of validation problems)."""

    detail: Any


class ArticleIn(BaseModel):
    """An article posted to the API (the fields a JSON input file may carry; other keys are
    kept in `metadata`, as the readers do)."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1)
    source: str | None = None
    url: str | None = None
    title: str | None = None
    published: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}")
    language: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("published")
    @classmethod
    def _a_real_date(cls, value: str | None) -> str | None:
        """The pattern lets "2024-13-45" through: it must also be a date the readers accept."""
        from storyweave.io.readers._common import normalize_date

        if value is None:
            return None
        date = normalize_date(value)
        if date is None:
            raise ValueError("not a date (YYYY-MM-DD, or an ISO 8601 date and time)")
        return date
