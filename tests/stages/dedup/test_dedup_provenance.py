"""`copy_root`: the one walk from a copy back to its original, shared by events, analysis and brief."""

from __future__ import annotations

from storyweave.model import Article
from storyweave.stages.dedup.provenance import copy_root


def _arts(*specs: tuple[str, str | None, str | None]) -> dict[str, Article]:
    return {i: Article(id=i, text=f"text of {i}", duplicate_of=of, duplicate_kind=kind) for i, of, kind in specs}


def test_copy_root_follows_the_chain_to_the_original():
    by_id = _arts(("a", None, None), ("b", "a", "exact"), ("c", "b", "near"))
    assert [copy_root(i, by_id) for i in "abc"] == ["a", "a", "a"]
    assert copy_root("unknown", by_id) == "unknown"


def test_copy_root_stops_where_follow_refuses_a_step():
    by_id = _arts(("a", None, None), ("b", "a", "exact"), ("c", "b", "rewrite"))
    exact_only = lambda copy, original: copy.duplicate_kind == "exact"  # noqa: E731
    assert copy_root("c", by_id, exact_only) == "c"
    assert copy_root("b", by_id, exact_only) == "a"


def test_copy_root_ends_on_a_missing_original_or_a_cycle():
    by_id = _arts(("b", "gone", "exact"), ("x", "y", "exact"), ("y", "x", "exact"))
    assert copy_root("b", by_id) == "b"
    assert copy_root("x", by_id) == "y" and copy_root("y", by_id) == "x"
