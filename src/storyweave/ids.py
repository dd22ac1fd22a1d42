"""Stable ids for regrouped items: the one rule the events and stories stages share.

When a re-run or a new batch regroups items (articles into events, events into stories), each
stored group id goes to the new group that holds most of its stored members, so ids survive
when membership mostly stays; groups that inherit none get a deterministic new id.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence


def hashed_id(prefix: str, key: str) -> str:
    """`prefix` + the first 10 hex digits of the SHA-1 of `key` (deterministic across runs)."""
    return prefix + hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


def stable_ids(
    groups: Sequence[Sequence[str]],
    previous: Mapping[str, str],
    new_id: Callable[[int], str],
    reserved: Iterable[str] = (),
) -> list[str]:
    """One id per group of member ids.

    `previous` maps a member to its stored group id.  Stored ids go out largest overlap first
    (ties: the smaller id, then the earlier group), each to one group at most; every other group
    `g` gets `new_id(g)`, suffixed "-2", "-3", ... while it clashes with an id in use (taken,
    stored in `previous`, or `reserved`).
    """
    overlaps = sorted(
        (-count, old_id, g)
        for g, group in enumerate(groups)
        for old_id, count in Counter(previous[i] for i in group if i in previous).items()
    )
    ids: list[str | None] = [None] * len(groups)
    taken: set[str] = set()
    for _, old_id, g in overlaps:
        if ids[g] is None and old_id not in taken:
            ids[g] = old_id
            taken.add(old_id)
    used = taken | set(reserved) | set(previous.values())
    for g in range(len(groups)):
        if ids[g] is None:
            candidate = base = new_id(g)
            suffix = 1
            while candidate in used:
                suffix += 1
                candidate = f"{base}-{suffix}"
            ids[g] = candidate
            used.add(candidate)
    return [i for i in ids if i is not None]
