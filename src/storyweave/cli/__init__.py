"""Command line: `storyweave run|add|report|brief|stages|search|runs|serve`.

Errors about single inputs are printed as one plain line `path: reason` on stderr and the
batch goes on; long work shows a rich progress bar (on a terminal only).

Exit codes (README "Exit codes"): 0 every input processed; 3 done, but some inputs were
skipped or some articles failed (each named on stderr); 1 nothing could be processed;
2 usage error (bad option or argument, unusable store file); a store still busy after
--lock-timeout is exit 1.

This module holds the typer `app` (its global options, the commands in the order `--help`
lists them) and `entry`; `python -m storyweave.cli` runs `__main__`.  The commands and their
helpers:

- `processing`: `run`, `add`, `report`, `brief`
- `listings`: `stages`, `schema`, `search`, `events`, `show`, `runs`
- `serving`: `serve`
- `options`: the options and arguments the commands share, `load_config`
- `ingest`: `run` and `add`'s read -> merge -> pipeline -> save, and their `summary_line`
- `reports`: the optional LLM rewording and the reports `run` and `report` write
- `output`: the listings' data on stdout (table, json, jsonl, csv, tsv)
- `progress`: the progress bar and the pipeline's stages on it
- `messages`: the stderr console, messages, one-line errors and the exit codes

Heavy libraries (the stages, spaCy, numpy, the renderers, the server) are imported inside the
commands only, so that `--help`, `stages` and `events` start fast (tests/test_lazy_imports.py).
"""

from __future__ import annotations

from typing import Annotated

import typer
from typer.core import TyperGroup

from storyweave import __version__
from storyweave.cli.listings import list_events, list_runs, schema, search, show, stages
from storyweave.cli.messages import STATE, console
from storyweave.cli.processing import add, brief, report, run
from storyweave.cli.serving import serve

_GLOBAL_FLAGS = ("--quiet", "-q")


class _Group(TyperGroup):
    """click reads a group's options only before the command name, so `storyweave run in --quiet`
    was refused: the global flags are taken anywhere before a `--` separator."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        end = args.index("--") if "--" in args else len(args)
        flags = [a for a in args[:end] if a in _GLOBAL_FLAGS]
        rest = [a for a in args[:end] if a not in _GLOBAL_FLAGS]
        return super().parse_args(ctx, [*flags, *rest, *args[end:]])


app = typer.Typer(
    cls=_Group,
    name="storyweave",
    help="News event intelligence: many reports from many outlets -> one verified, cited briefing per event.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,  # help text is shown literally: `pip install storyweave[ray]` keeps its brackets
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"storyweave {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no messages on stderr (errors still "
                                        "shown); data on stdout is unchanged. Also taken after the command.")] = False,
) -> None:
    """storyweave: duplicates, events, stories and a cited briefing per event, from news reports."""
    console.quiet = quiet
    STATE["quiet"] = quiet


app.command()(run)
app.command()(add)
app.command()(report)
app.command()(brief)
app.command()(stages)
app.command()(schema)
app.command()(search)
app.command(name="events")(list_events)
app.command()(show)
app.command(name="runs")(list_runs)
app.command()(serve)


def entry() -> None:  # pragma: no cover - console script convenience
    """Console-script entry point: run the typer app."""
    app()
