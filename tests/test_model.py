"""The data model: its conversion to plain data (`model.to_dict`) and what an article says of itself."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import NamedTuple

import pytest

from storyweave.model import Article, to_dict


def test_to_dict_equals_asdict_on_a_whole_pipeline_run(example_run):
    """Every article, event, story and duplicate of a real run converts exactly as
    `dataclasses.asdict` converts it, and the result shares no list or dict with the input."""
    corpus = example_run[0]
    for items in (corpus.articles, corpus.events, corpus.stories, corpus.duplicates):
        assert items
        assert to_dict(items) == [asdict(x) for x in items]
    plain = to_dict(corpus.events[0])
    plain["article_ids"].append("changed")
    assert "changed" not in corpus.events[0].article_ids


class _Pair(NamedTuple):
    a: int
    b: list[int]


@dataclass
class _Odd:
    pair: _Pair
    seq: tuple[int, ...]
    nested: dict[str, list[int]]
    items: set[int]


def test_to_dict_takes_asdicts_path_for_other_containers_and_refuses_non_dataclasses():
    odd = _Odd(_Pair(1, [2]), (3, 4), {"k": [5]}, {6})
    assert to_dict(odd) == asdict(odd)
    assert type(to_dict(odd)["pair"]) is _Pair and to_dict(odd)["items"] is not odd.items
    with pytest.raises(TypeError):
        to_dict(_Odd)
    with pytest.raises(TypeError):
        to_dict({"a": 1})


def test_inferred_from_names_only_fields_still_holding_an_inferred_value():
    """A title the clean stage dropped again, or a date the report came with, is not reported as
    inferred even if a reader once recorded evidence for it."""
    evidence = {"title": "first line (short, headline-like)", "published": "date line: 'Updated: March 3, 2026'",
                "source": "credit line: '(Wire)'"}
    a = Article(id="a", text="x", title=None, published="2026-03-03", published_inferred=False,
                source="Wire", source_inferred=True, metadata={"inferred": evidence})
    assert a.inferred_from == {"source": "credit line: '(Wire)'"}
    b = Article(id="b", text="x", title="Port reopens", published="2026-03-03", published_inferred=True,
                metadata={"inferred": evidence})
    assert b.inferred_from == {"title": evidence["title"], "published": evidence["published"]}
    assert Article(id="c", text="x").inferred_from == {}
