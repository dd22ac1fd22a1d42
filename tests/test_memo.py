"""`memo.BoundedMemo`: the bounded memo of pure results kept by warm processes."""

from __future__ import annotations

from storyweave.memo import BoundedMemo


def test_a_full_memo_forgets_its_oldest_entry_first():
    memo: BoundedMemo[str, int] = BoundedMemo(2)
    memo.remember("a", 1)
    memo.remember("b", 2)
    memo.remember("c", 3)
    assert dict(memo) == {"b": 2, "c": 3}
    assert "a" not in memo and memo["c"] == 3
