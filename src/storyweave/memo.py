"""A bounded memo of pure results, for the warm processes (server, Python API) that meet the
same inputs on every add.

`functools.lru_cache` is used where the results are computed in this process; a `BoundedMemo`
where they may also be computed elsewhere (forked workers) and handed back, which a cached
function cannot be told.
"""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedMemo(dict[K, V]):
    """A dict that forgets its oldest entry when `remember` would grow it past `size`."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def remember(self, key: K, value: V) -> None:
        """Keep `value` for `key`, first dropping the oldest entry when the memo is full."""
        if len(self) >= self.size:
            del self[next(iter(self))]
        self[key] = value
