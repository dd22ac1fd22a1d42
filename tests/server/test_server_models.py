"""The API's response models match the output contract (render/briefings.schema.json): they
are generated from it; these tests check the generation keeps names, required-ness and types."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi", reason="server extra (fastapi) not installed")
from storyweave.io.render.contract import schema  # noqa: E402
from storyweave.server import models  # noqa: E402

PAIRS = {
    "article": models.Article, "event": models.Event, "story": models.Story, "entity": models.Entity,
    "quote": models.Quote, "fact": models.Fact, "discrepancy": models.Discrepancy,
    "summary_sentence": models.SummarySentence, "timeline_entry": models.TimelineEntry,
    "outlet_coverage": models.OutletCoverage, "duplicate_link": models.DuplicateLink,
}


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_model_has_every_contract_field_and_requires_the_required(name):
    contract = schema()["$defs"][name]
    model = PAIRS[name].model_json_schema(by_alias=True)
    assert set(contract["properties"]) <= set(model["properties"]), name
    assert set(contract.get("required", [])) <= set(model.get("required", [])), name


def test_every_contract_def_with_properties_has_a_model():
    defs = {k for k, v in schema()["$defs"].items() if "properties" in v}
    assert defs <= set(models.CONTRACT_MODELS), defs - set(models.CONTRACT_MODELS)


def test_models_validate_like_the_contract():
    good = {"id": "a", "source": None, "url": None, "title": None, "published": "2024-01-02", "language": "en",
            "text": "t", "removed": [], "duplicate_of": None, "duplicate_kind": "near", "shares_wire_with": [],
            "event_id": None, "dates": [], "new_field_from_later": 1}
    assert models.Article.model_validate(good).model_dump()["duplicate_kind"] == "near"
    from pydantic import ValidationError

    for broken in ({**good, "duplicate_kind": "copy"}, {k: v for k, v in good.items() if k != "text"},
                   {**good, "removed": "x"}):
        with pytest.raises(ValidationError):
            models.Article.model_validate(broken)
    link = models.DuplicateLink.model_validate({"copy": "b", "original": "a", "kind": "wire"})
    assert link.model_dump(by_alias=True)["copy"] == "b"


def test_top_level_document():
    contract = schema()
    model = models.Briefings.model_json_schema(by_alias=True)
    assert set(contract["required"]) <= set(model["required"])
    assert set(contract["properties"]) <= set(model["properties"])
