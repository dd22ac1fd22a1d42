"""Per-item progress from inside stages: reported only inside `reporting`, in order, and
fork_map tells the parent as each item's result is in (forked or not)."""

from __future__ import annotations

import pytest

from storyweave import progress
from storyweave.parallel import fork_map


def test_reports_only_inside_reporting_and_never_past_the_total():
    seen: list[tuple[int, int, str]] = []
    progress.start(3)
    progress.advance()  # no sink: nothing happens
    with progress.reporting(lambda *a: seen.append(a)):
        progress.start(3, "articles")
        progress.advance(2)
        progress.advance(5)
        progress.start(2, "events")
        progress.advance()
    progress.advance()
    assert seen == [(0, 3, "articles"), (2, 3, "articles"), (3, 3, "articles"), (0, 2, "events"), (1, 2, "events")]


@pytest.mark.parametrize("processes", [1, 2])
def test_fork_map_calls_done_for_every_item_in_this_process(processes):
    items = list(range(40))
    finished: list[int] = []
    assert fork_map(lambda x: x * x, items, processes, min_items=4, done=finished.append) == [x * x for x in items]
    assert sorted(finished) == items
