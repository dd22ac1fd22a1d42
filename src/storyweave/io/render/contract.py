"""Corpus -> the `briefings.json` output contract, and its validation.

`to_briefings` keeps the contract field names (see `briefings.schema.json`) and adds a few
extras (generator, counts, per-event outlet list, duplicate links, changes, read errors).
Nested briefing objects are exported with every field the model has, so fields added to
the model later show up without touching this file; consumers must ignore unknown fields.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from importlib import resources
from typing import Any

from storyweave import __version__
from storyweave.model import Article, Corpus, Event, Story, failure_error, to_dict

# Article fields that stay out of the report: bulky or internal to the pipeline.
_ARTICLE_INTERNAL = {"raw_text", "metadata"}


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The shipped JSON Schema (draft 2020-12) of briefings.json."""
    text = resources.files("storyweave.io.render").joinpath("briefings.schema.json").read_text("utf-8")
    shipped: dict[str, Any] = json.loads(text)  # a JSON object: the file is ours
    return shipped


def _iso_date(value: str | None) -> str | None:
    return value[:10] if value else None


def _timeline(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Undated entries carry `date: null` (never an empty string)."""
    return [{**entry, "date": entry.get("date") or None} for entry in entries]


def story_dict(story: Story) -> dict[str, Any]:
    """The briefings.json form of a story (undated timeline entries as null)."""
    data: dict[str, Any] = to_dict(story)
    data["timeline"] = _timeline(data["timeline"])
    return data


def article_dict(article: Article) -> dict[str, Any]:
    """The briefings.json form of an article: internal fields dropped, `published` as a date,
    `published_at` when a time is known, and where values read off the text came from."""
    data = {k: v for k, v in to_dict(article).items() if k not in _ARTICLE_INTERNAL}
    data["published"] = article.date
    data["published_at"] = article.published if article.published and len(article.published) > 10 else None
    data["inferred_from"] = article.inferred_from
    return data


def event_dict(event: Event, articles: dict[str, Article]) -> dict[str, Any]:
    """The briefings.json form of an event, with its outlets and the count of members whose outlet is
    unknown."""
    data: dict[str, Any] = to_dict(event)
    data["date"] = _iso_date(event.date)
    data["timeline"] = _timeline(data["timeline"])
    members = [articles[i] for i in event.article_ids if i in articles]
    data["sources"] = sorted({a.source for a in members if a.source})
    data["unknown_outlets"] = sum(1 for a in members if not a.source)
    return data


def outlet_count(articles: list[Article]) -> int:
    """Outlets among `articles`: each named outlet once, and each report that names no outlet
    as one unknown outlet of its own (a bare report is never "0 outlets")."""
    return len({a.source for a in articles if a.source}) + sum(1 for a in articles if not a.source)


def counts(corpus: Corpus) -> dict[str, int]:
    """The document's counts: articles, outlets, unknown outlets, duplicates (in all and by kind), events,
    stories, errors, failed."""
    kinds = Counter(a.duplicate_kind or "unspecified" for a in corpus.articles if a.duplicate_of)
    return {
        "articles": len(corpus.articles),
        "sources": outlet_count(corpus.articles),
        "unknown_outlets": sum(1 for a in corpus.articles if not a.source),
        "duplicates": sum(kinds.values()),
        **{f"duplicates_{kind}": n for kind, n in sorted(kinds.items())},
        "events": len(corpus.events),
        "stories": len(corpus.stories),
        "errors": len(corpus.errors),
        "failed": len(corpus.failed),
    }


def to_briefings(corpus: Corpus) -> dict[str, Any]:
    """The whole corpus as the JSON-ready `briefings.json` document."""
    by_id = corpus.by_id()
    return {
        "generator": {"name": "storyweave", "version": __version__},
        "counts": counts(corpus),
        "articles": [article_dict(a) for a in corpus.articles],
        "events": [event_dict(e, by_id) for e in corpus.events],
        "stories": [story_dict(s) for s in corpus.stories],
        "duplicates": [to_dict(d) for d in corpus.duplicates],
        "changes": list(corpus.changes),
        "errors": error_lines(corpus),
    }


def error_lines(corpus: Corpus) -> list[str]:
    """Read errors, then every failed article (stored as failed by this or an earlier run) that
    the run's errors do not already name: one `path: reason` line each."""
    lines = [str(e) for e in corpus.errors]
    named = set(lines)
    lines += [line for line in (str(failure_error(a)) for a in corpus.failed) if line not in named]
    return lines


def validation_errors(document: dict[str, Any], limit: int = 20, processes: int = 1) -> list[str]:
    """Schema violations as `path: message` lines (empty when the document is valid).

    With `processes` > 1 a large document is validated in parts by forked workers: the top-level
    arrays in slices of `_SLICE` items (each slice as the only items of a document of its own,
    its indices shifted back), the rest with those arrays emptied; the same violations, sorted by
    path in the same order, as one pass over the whole document.  A valid document (the usual
    case) is found valid by a compiled validator first (`_valid`): ≈ 0.4 against ≈ 7 CPU-s on
    2,180 articles."""
    from storyweave.parallel import fork_map

    if _valid(document):
        return []
    plain = {k for k, v in schema().get("properties", {}).items() if set(v) <= {"type", "items", "description"}}
    arrays = [k for k, v in document.items() if k in plain and isinstance(v, list) and len(v) > _SLICE]
    parts: list[tuple[str, int]] = [("", 0)] + [(k, i) for k in arrays for i in range(0, len(document[k]), _SLICE)]
    skeleton = {**document, **{k: [] for k in arrays}}

    def check(part: tuple[str, int]) -> list[tuple[list[Any], str]]:
        key, start = part
        if not key:
            return _violations(skeleton)
        found = _violations({**skeleton, key: document[key][start:start + _SLICE]})
        return [([key, path[1] + start, *path[2:]], message) for path, message in found  # the items' own
                if len(path) > 1 and path[0] == key]  # (the rest is the skeleton's, reported once)

    found = [v for part in fork_map(check, parts, processes, min_items=4, chunk=1) for v in part]
    out = []
    for path, message in sorted(found, key=lambda v: v[0])[:limit]:
        where = "/".join(str(p) for p in path) or "(root)"
        out.append(f"{where}: {message}")
    return out


_SLICE = 256  # items of a top-level array validated together (`validation_errors`)


def _violations(document: dict[str, Any]) -> list[tuple[list[Any], str]]:
    """(path, message) of every schema violation of `document`, in the validator's order."""
    return [(list(e.absolute_path), e.message) for e in _validator().iter_errors(document)]


def _valid(document: dict[str, Any]) -> bool:
    """True when `document` meets the schema, by the schema compiled to Python code (fastjsonschema).
    Only its yes is used: a document it rejects is validated again by `jsonschema`, whose violations
    and messages are the ones reported (so they are the same as before).  For this schema's keywords
    (type, properties, required, items, $ref, enum, pattern, minimum, minLength, minItems,
    additionalProperties) it is no more lenient than `jsonschema` on JSON data: plain dicts, lists,
    strings, numbers, booleans and None, which is what `to_briefings` gives (no tuples: fastjsonschema
    takes a tuple for an array, `jsonschema` does not; tests/io/render/test_contract.py)."""
    import fastjsonschema

    try:
        _compiled()(document)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@lru_cache(maxsize=1)
def _compiled() -> Any:
    import fastjsonschema

    # the 2020-12 schema is read as draft 2019-09 (fastjsonschema's newest): the keywords it uses
    # mean the same in both; no defaults are filled in (the document is not changed)
    return fastjsonschema.compile(schema(), use_default=False, detailed_exceptions=False)


@lru_cache(maxsize=1)
def _validator() -> Any:
    import jsonschema

    return jsonschema.Draft202012Validator(schema())


def validate(document: dict[str, Any]) -> None:
    """Raise `jsonschema.ValidationError` if `document` breaks the output contract."""
    import jsonschema

    jsonschema.validate(document, schema(), cls=jsonschema.Draft202012Validator)


def dumps(document: dict[str, Any]) -> str:
    """The document as indented UTF-8 JSON text, ending with a newline."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
