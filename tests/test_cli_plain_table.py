"""cli.output._plain_table must print exactly what Rich prints for `emit`'s tables when stdout is not a
terminal (it replaces Rich there for speed), whatever the cells hold."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from storyweave.cli.output import _plain_table

CELLS = ["plain", "", "“curly” – dash … ± ‘q’", "naïve café", "e\u0303 combining", "zero\u200bwidth", "東京 wide",
         "emoji 🙂 here", "c1 \x92 control", "bell\x07 and cr\r", "line\nbreak", "[not markup]", "x" * 80, "Ünïcödé"]


def _rich(rows, columns, headers) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, markup=False, highlight=False, emoji=False, width=1_000_000, soft_wrap=True)
    table = Table(*headers, box=None, header_style="bold")
    for row in rows:
        table.add_row(*(Text(" ".join(("" if row.get(c) is None else str(row.get(c))).split("\n"))) for c in columns))
    console.print(table)
    return buffer.getvalue()


def test_plain_table_equals_rich():
    columns, headers = ["a", "b", "n"], ["first", "sécond", "#"]
    rows = [{"a": cell, "b": CELLS[(i * 5) % len(CELLS)], "n": i if i % 3 else None} for i, cell in enumerate(CELLS)]
    for subset in (rows, rows[:1], []):
        assert _plain_table(subset, columns, headers) == _rich(subset, columns, headers)


def test_tabs_are_left_to_rich():
    assert _plain_table([{"a": "x\ty"}], ["a"], ["a"]) is None
