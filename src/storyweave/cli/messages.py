"""What the command line tells people on stderr, and how it exits: the stderr console (silenced by
--quiet), messages, one-line errors and the exit codes (README "Exit codes")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3
console = Console(stderr=True)
STATE: dict[str, Any] = {"quiet": False}


def error_line(line: str) -> None:
    """One plain line on stderr (never wrapped, so each error stays on one line)."""
    typer.echo(line, err=True)


def fail(message: str, code: int = 1) -> None:
    """`error: message` on stderr, then exit with `code` (1 unless told)."""
    error_line(f"error: {message}")
    raise typer.Exit(code)


def fail_store(db: Path, exc: Exception) -> None:
    """An unusable store (not SQLite, damaged, a newer schema): one line naming it once (the
    store's own errors name the file, SQLite's do not), exit 2."""
    message = (str(exc).splitlines() or [type(exc).__name__])[0]
    fail(message if str(db) in message else f"{db}: {message}", EXIT_USAGE)


def message(line: str) -> None:
    """A message for people (not data): stderr, silenced by --quiet."""
    if not STATE["quiet"]:
        typer.echo(line, err=True)


def plural(n: int, word: str, plural: str | None = None) -> str:
    """`n word` with the word's plural (`word + 's'` unless given) when `n` is not 1."""
    return f"{n} {word if n == 1 else plural or word + 's'}"
