"""The listings' data on stdout, in the chosen format: a table (Rich's, or the same text made
directly when stdout is not a terminal), JSON, JSON Lines, CSV or TSV."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console

from storyweave.cli.messages import fail

FORMATS = ("table", "json", "jsonl", "csv", "tsv")


def output_format(fmt: str, as_json: bool) -> str:
    """The format of `--format` (`--json`: json), lower-cased; an unknown one is a usage error (exit 2)."""
    fmt = "json" if as_json else fmt.lower()
    if fmt not in FORMATS:
        fail(f"--format: unknown format '{fmt}' (choose {', '.join(FORMATS)})", 2)
    return fmt


def emit(rows: list[dict[str, Any]], columns: list[str], fmt: str, headers: list[str] | None = None,
         truncate: dict[str, int] | None = None) -> None:
    """Print `rows` (dicts with `columns`) to stdout as a table, JSON, JSON Lines, CSV or TSV.

    Tables are Rich tables with markup off (data such as `[satellite]` is shown as it is); on a
    terminal, the columns in `truncate` are cut to fit, elsewhere nothing is cut."""
    if fmt == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
    elif fmt in ("csv", "tsv"):
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
        sys.stdout.write(buffer.getvalue())
    else:
        from rich.table import Table
        from rich.text import Text

        console = Console(markup=False, highlight=False, emoji=False)
        tty = console.is_terminal
        plain = None if tty else _plain_table(rows, columns, headers or columns)
        if plain is not None:
            sys.stdout.write(plain)
            return
        if not tty:
            console = Console(markup=False, highlight=False, emoji=False, width=1_000_000, soft_wrap=True)
        table = Table(*(headers or columns), box=None, header_style="bold")
        for row in rows:
            cells = []
            for c in columns:
                text = " ".join(("" if row.get(c) is None else str(row.get(c))).split("\n"))
                limit = (truncate or {}).get(c)
                if tty and limit and len(text) > limit:
                    text = text[: limit - 1] + "…"
                cells.append(Text(text))
            table.add_row(*cells)
        console.print(table)


def _plain_table(rows: list[dict[str, Any]], columns: list[str], headers: list[str]) -> str | None:
    """The text Rich prints for `emit`'s table when stdout is not a terminal (no box, one space
    of padding each side, nothing cut), made directly with Rich's own cell widths and control-code
    stripping: Rich's layout took ~5 CPU-s for the 7,000 rows of `storyweave events` on a
    10,000-article store. None (Rich prints it) when a cell holds a tab, which Rich expands."""
    from rich.cells import cell_len
    from rich.control import strip_control_codes

    table = [list(headers)] + [[("" if (value := row.get(c)) is None else str(value)).replace("\n", " ")
                                for c in columns] for row in rows]
    lengths = []
    for line in table:
        joined = "".join(line)
        if joined.isascii() and joined.isprintable():
            # printable ASCII holds no control code and is one cell per character: the common case
            # skips Rich's per-cell calls (most of the command's time on a 7,000-row table)
            lengths.append(list(map(len, line)))
            continue
        if "\t" in joined:
            return None
        line[:] = [cell if cell.isascii() and cell.isprintable() else strip_control_codes(cell) for cell in line]
        lengths.append([len(cell) if cell.isascii() and cell.isprintable() else cell_len(cell) for cell in line])
    widths = list(map(max, zip(*lengths, strict=True)))
    return "".join(" " + "  ".join(cell + " " * (w - n) for cell, n, w in zip(line, ns, widths, strict=True)) + " \n"
                   for line, ns in zip(table, lengths, strict=True))
