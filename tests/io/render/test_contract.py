"""briefings.json: contract field names, schema validity, and that broken documents fail."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest

from storyweave.io.render.contract import dumps, schema, to_briefings, validate, validation_errors

ARTICLE_FIELDS = {"id", "source", "url", "title", "published", "language", "text", "removed", "duplicate_of",
                  "duplicate_kind", "shares_wire_with", "event_id"}
EVENT_FIELDS = {"id", "title", "date", "story_id", "article_ids", "independent_sources", "summary", "entities",
                "quotes", "facts", "discrepancies", "timeline"}


def test_schema_is_valid_draft_2020_12():
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$schema"].endswith("2020-12/schema")


def test_document_has_contract_fields_and_validates(corpus):
    doc = to_briefings(corpus)
    validate(doc)
    assert validation_errors(doc) == []
    assert ARTICLE_FIELDS <= set(doc["articles"][0])
    assert EVENT_FIELDS <= set(doc["events"][0])
    assert set(doc["stories"][0]) >= {"id", "title", "event_ids", "timeline"}
    assert "raw_text" not in doc["articles"][0]  # internal fields stay out
    a2 = next(a for a in doc["articles"] if a["id"] == "a2")
    assert a2["published"] == "2024-03-04" and a2["published_at"] == "2024-03-04T10:00:00"
    e1 = doc["events"][0]
    assert e1["summary"][0] == {"text": "A magnitude 6.1 earthquake struck Valdoria on Monday.",
                                "article_ids": ["a1", "a2"]}
    assert e1["sources"] == ["Daily Post", "Evening <News>", "Wire Times"]
    assert doc["counts"]["duplicates_near"] == 1 and doc["counts"]["events"] == 2
    assert doc["errors"] == ["broken.json: invalid JSON: Expecting value"]
    assert json.loads(dumps(doc)) == doc


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.pop("events"),
        lambda d: d["articles"][0].pop("duplicate_kind"),
        lambda d: d["articles"][0].update(duplicate_kind="copied"),
        lambda d: d["articles"][0].update(published="04/03/2024"),
        lambda d: d["events"][0].update(independent_sources="two"),
        lambda d: d["events"][0]["summary"][0].update(article_ids=[]),  # an uncited sentence
        lambda d: d["events"][0]["discrepancies"][0]["values"].pop(),  # one value is no discrepancy
        lambda d: d["stories"][0].pop("event_ids"),
    ],
)
def test_broken_documents_fail_validation(corpus, breakage):
    doc = copy.deepcopy(to_briefings(corpus))
    breakage(doc)
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)
    assert validation_errors(doc)


def test_undated_timeline_entries_are_null(corpus):
    corpus.stories[0].timeline[0].date = ""
    doc = to_briefings(corpus)
    assert doc["stories"][0]["timeline"][0]["date"] is None
    validate(doc)


def _mutations(doc):
    """Every place of `doc` (a path of keys) with each value of the wrong kinds put there, and each
    object key removed: one broken (or still valid) copy each."""
    values = [None, "x", "2020-1-1", -1, 0.5, True, [], {}, [1]]
    places: list[list] = []
    kinds: set[tuple] = set()

    def walk(x, path):
        kind = tuple("*" if isinstance(k, int) else k for k in path)  # one place of each kind (the schema's view)
        if path and kind not in kinds:
            kinds.add(kind)
            places.append(path)
        items = x.items() if isinstance(x, dict) else enumerate(x) if isinstance(x, list) else ()
        for k, v in items:
            walk(v, [*path, k])

    walk(doc, [])
    for path in places:
        # the mutated item alone in its top-level array, the other arrays empty: a small document
        # (jsonschema takes ~20 ms for a whole one), the same checks on the mutated item
        base = {k: ([] if isinstance(v, list) else v) for k, v in doc.items()}
        if isinstance(doc[path[0]], list) and len(path) > 1:
            base[path[0]] = [doc[path[0]][path[1]]]
            path = [path[0], 0, *path[2:]]
        else:
            base[path[0]] = doc[path[0]]
        for value in [*values, "remove"]:
            broken = copy.deepcopy(base)
            parent = broken
            for k in path[:-1]:
                parent = parent[k]
            if value == "remove":
                if not isinstance(parent, dict):
                    continue
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
            yield broken


def test_the_compiled_check_is_never_more_lenient_than_jsonschema(example_run, monkeypatch):
    """The compiled validator's yes is trusted (`contract._valid`): on the example corpus' real
    briefings (a few of each kind of object), every copy with one value replaced by one of the wrong
    kind, or one key removed, that jsonschema rejects is rejected by it too; and a rejected document's
    report is jsonschema's, the same lines as without the compiled check."""
    from storyweave.io.render import contract

    full = to_briefings(example_run[0])
    doc = {**full, **{k: full[k][:2] for k in ("articles", "events", "stories", "duplicates")}}
    assert contract._valid(doc) and validation_errors(doc) == []
    rejected = agreed = 0
    for broken in _mutations(doc):
        wrong = contract._violations(broken)
        if wrong:
            rejected += 1
            assert not contract._valid(broken), wrong
        agreed += contract._valid(broken) == (not wrong)
    assert rejected > 800  # the mutations reach every kind of field
    assert agreed > 0.9 * rejected  # and the two agree on nearly all (the rest: stricter compiled check)
    broken = copy.deepcopy(doc)
    broken["events"][0]["summary"][0]["article_ids"] = []
    broken["articles"][1]["published"] = "04/03/2024"
    found = validation_errors(broken)
    monkeypatch.setattr(contract, "_valid", lambda document: False)
    assert found == validation_errors(broken) and len(found) == 2
