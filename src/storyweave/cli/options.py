"""The commands' options and arguments, in typer's Annotated style (each defined once with its
help text; each default is written in the command's signature, as for any Python parameter), and
`load_config`, which makes the run's Config from the options that set knobs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from storyweave.cli.messages import EXIT_USAGE, fail
from storyweave.config import BriefConfig, Config, ConfigError, LimitConfig
from storyweave.io import store

DEFAULT_DB = Path(store.DEFAULT_DB)
DbOption = Annotated[Path, typer.Option("--db", help="SQLite store (created if missing).")]
WordsOption = Annotated[int | None, typer.Option(
    "--words", "-w", min=10, show_default=False,
    help=f"Words per event summary (brief.summary_words, default {BriefConfig.summary_words}).")]
ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="TOML file of knobs, one table per stage (README "
                                                   "\"Configuration\"); unknown keys are an error.")]
SetOption = Annotated[list[str] | None, typer.Option(
    "--set", metavar="STAGE.KEY=VALUE",
    help="Change one knob, e.g. --set events.threshold=0.12 (repeatable; applied after --config).")]
MaxCharsOption = Annotated[int | None, typer.Option(
    "--max-article-chars", min=1000, show_default=False,
    help="Longer articles are analysed on their first part only (full text stored; "
    f"limit.max_article_chars, default {LimitConfig.max_article_chars}).")]
LockTimeoutOption = Annotated[float, typer.Option(
    "--lock-timeout", min=0.0, help="Seconds to wait for another storyweave process writing the same store.")]
PathsArgument = Annotated[list[Path], typer.Argument(
    metavar="PATHS", help="Files or folders (searched recursively): .txt, .html, .json/.jsonl, RSS/Atom; "
    "`-` reads JSON Lines articles from stdin.")]

# the listings' output
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Output format: table, json, jsonl, csv or tsv "
                                           "(tables show full ids and texts when stdout is not a terminal).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Same as --format json.")]

# ingest (`run`, `add`)
VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Show the time each stage took.")]
FreshOption = Annotated[bool, typer.Option("--fresh", help="Re-run every stage without the stored cache of per-article "
                                           "parses and per-event results (implies --force).")]
EngineOption = Annotated[str, typer.Option(
    "--engine", help="Where the stages run: 'local' (this process) or 'ray' "
    "(per-article parsing spread over Ray workers; needs `pip install storyweave[ray]`).")]
RayAddressOption = Annotated[str | None, typer.Option("--ray-address", help="Ray cluster to join (default: start a local one).")]
ForceOption = Annotated[bool, typer.Option("--force", help="Re-run the stages even if no article is new or changed.")]

# the reports (`run`, `report`)
LlmEndpointOption = Annotated[str | None, typer.Option(
    "--llm-endpoint", envvar="STORYWEAVE_LLM_ENDPOINT",
    help="Optional OpenAI-compatible endpoint (e.g. http://localhost:8080/v1) to reword each event summary; "
         "sentences the sources do not support are dropped. API key from $OPENAI_API_KEY. Off by default.")]
LlmModelOption = Annotated[str, typer.Option("--llm-model", envvar="STORYWEAVE_LLM_MODEL",
                                             help="Model name sent to --llm-endpoint.")]
DEFAULT_OUT = Path("out")
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Folder for briefings.json, briefings.md and the HTML pages "
                                         "(open index.html; a page per story, event, article, entity and outlet, linked offline).")]


def load_config(config_file: Path | None, sets: list[str] | None, words: int | None = None,
                max_article_chars: int | None = None) -> Config:
    """The run's Config: defaults, then `--config FILE`, then the flags that map onto knobs
    (`--words`, `--max-article-chars`), then each `--set stage.key=value`; a bad file, unknown
    key or wrongly typed value is a one-line usage error (exit 2)."""
    try:
        config = Config.from_file(config_file) if config_file else Config()
        if words is not None:
            config = config.replace("brief.summary_words", words)
        if max_article_chars is not None:
            config = config.replace("limit.max_article_chars", max_article_chars)
        return config.with_overrides(sets or [])
    except ConfigError as exc:
        fail(str(exc), EXIT_USAGE)
    raise AssertionError("unreachable")
