"""`stable_ids`: the one rule by which events and stories keep their stored ids."""

from __future__ import annotations

from storyweave.ids import hashed_id, stable_ids


def test_first_run_names_every_group_and_suffixes_clashes():
    ids = stable_ids([["a"], ["b"], ["c"]], {}, lambda g: "ev-x" if g < 2 else "ev-y", reserved={"ev-y"})
    assert ids == ["ev-x", "ev-x-2", "ev-y-2"]


def test_stored_id_goes_to_the_group_with_most_of_its_members():
    previous = {"a": "E1", "b": "E1", "c": "E1", "d": "E2"}
    # E1 split: two of its members in group 1, one in group 0 (with E2's member)
    ids = stable_ids([["c", "d"], ["a", "b"], ["new"]], previous, lambda g: f"fresh{g}")
    assert ids == ["E2", "E1", "fresh2"]


def test_a_merge_keeps_one_stored_id_and_never_reuses_the_other():
    previous = {"a": "E1", "b": "E2"}
    ids = stable_ids([["a", "b"], ["c"]], previous, lambda g: "E2")
    assert ids == ["E1", "E2-2"]


def test_hashed_id_is_deterministic_and_prefixed():
    assert hashed_id("st-", "x") == hashed_id("st-", "x") != hashed_id("st-", "y")
    assert hashed_id("ev-", "x").startswith("ev-") and len(hashed_id("ev-", "x")) == 13
