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
