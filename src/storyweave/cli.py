"""Command line: `storyweave run|add|report|brief|stages|search|runs|serve`.

Errors about single inputs are printed as one plain line `path: reason` on stderr and the
batch goes on; long work shows a rich progress bar (on a terminal only).

Exit codes (README "Exit codes"): 0 every input processed; 3 done, but some inputs were
skipped or some articles failed (each named on stderr); 1 nothing could be processed;
2 usage error (bad option or argument, unusable store file); a store still busy after
--lock-timeout is exit 1.
"""

from __future__ import annotations

import gc
import json
import re
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from storyweave import __version__
from storyweave import progress as item_progress
from storyweave.config import BriefConfig, Config, ConfigError, LimitConfig
from storyweave.faults import checkpoint
from storyweave.io import store
from storyweave.model import Corpus, ReadError

if TYPE_CHECKING:
    from rich.progress import Progress

    from storyweave.engines.local import IngestResult, Runner
    from storyweave.model import Article

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
_console = Console(stderr=True)

# Options shared by several commands, in typer's Annotated style (each default is written in the
# signature, as for any Python parameter).
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
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_PARTIAL = 0, 1, 2, 3
MaxCharsOption = Annotated[int | None, typer.Option(
    "--max-article-chars", min=1000, show_default=False,
    help="Longer articles are analysed on their first part only (full text stored; "
    f"limit.max_article_chars, default {LimitConfig.max_article_chars}).")]
LockTimeoutOption = Annotated[float, typer.Option(
    "--lock-timeout", min=0.0, help="Seconds to wait for another storyweave process writing the same store.")]
PathsArgument = Annotated[list[Path], typer.Argument(
    metavar="PATHS", help="Files or folders (searched recursively): .txt, .html, .json/.jsonl, RSS/Atom; "
    "`-` reads JSON Lines articles from stdin.")]


def _error(line: str) -> None:
    """One plain line on stderr (never wrapped, so each error stays on one line)."""
    typer.echo(line, err=True)


def _fail(message: str, code: int = 1) -> None:
    _error(f"error: {message}")
    raise typer.Exit(code)


def _fail_store(db: Path, exc: Exception) -> None:
    """An unusable store (not SQLite, damaged, a newer schema): one line naming it once (the
    store's own errors name the file, SQLite's do not), exit 2."""
    message = (str(exc).splitlines() or [type(exc).__name__])[0]
    _fail(message if str(db) in message else f"{db}: {message}", EXIT_USAGE)


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
    _console.quiet = quiet
    _STATE["quiet"] = quiet


# ---------------------------------------------------------------------------------------------
# output of listings: data on stdout in the chosen format, messages on stderr

_STATE: dict[str, Any] = {"quiet": False}
FORMATS = ("table", "json", "jsonl", "csv", "tsv")
FormatOption = Annotated[str, typer.Option("--format", "-f", help="Output format: table, json, jsonl, csv or tsv "
                                           "(tables show full ids and texts when stdout is not a terminal).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Same as --format json.")]


def _message(line: str) -> None:
    """A message for people (not data): stderr, silenced by --quiet."""
    if not _STATE["quiet"]:
        typer.echo(line, err=True)


def _output_format(fmt: str, as_json: bool) -> str:
    fmt = "json" if as_json else fmt.lower()
    if fmt not in FORMATS:
        _fail(f"--format: unknown format '{fmt}' (choose {', '.join(FORMATS)})", 2)
    return fmt


def _emit(rows: list[dict[str, Any]], columns: list[str], fmt: str, headers: list[str] | None = None,
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
    """The text Rich prints for `_emit`'s table when stdout is not a terminal (no box, one space
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


# ---------------------------------------------------------------------------------------------
# ingest: read -> merge with the store -> pipeline -> save (one transaction)


def _progress() -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=_console, transient=True,
    )


VerboseOption = Annotated[bool, typer.Option("--verbose", "-v", help="Show the time each stage took.")]
FreshOption = Annotated[bool, typer.Option("--fresh", help="Re-run every stage without the stored cache of per-article "
                                           "parses and per-event results (implies --force).")]


EngineOption = Annotated[str, typer.Option(
    "--engine", help="Where the stages run: 'local' (this process) or 'ray' "
    "(per-article parsing spread over Ray workers; needs `pip install storyweave[ray]`).")]
RayAddressOption = Annotated[str | None, typer.Option("--ray-address", help="Ray cluster to join (default: start a local one).")]
ForceOption = Annotated[bool, typer.Option("--force", help="Re-run the stages even if no article is new or changed.")]


PLAIN_PROGRESS_SECONDS = 5.0  # stderr not a terminal: a plain progress line at most this often


class _StageProgress:
    """The pipeline's progress on stderr: the stage (m of n) and, inside the stages that report
    it (`storyweave.progress`), the items done ("analyze 120/383 articles"). A Rich bar on a
    terminal; otherwise a plain line every `PLAIN_PROGRESS_SECONDS` (logs of long runs show
    where they are; no ": " in it, so it never reads as an error line `path: reason`);
    nothing with --quiet."""

    def __init__(self, bar: Progress, stages: int) -> None:
        self.bar, self.stages, self.name = bar, stages, ""
        self.plain = not _console.is_terminal
        self.last = time.monotonic()
        self.stage_task = bar.add_task("pipeline", total=stages)
        self.item_task = bar.add_task("", total=1, visible=False)

    def stage(self, name: str, index: int, total: int, finished: bool) -> None:
        self.name = name
        self.bar.update(self.stage_task, description=f"stage {name}", total=total, completed=index + finished)
        self.bar.update(self.item_task, visible=False)
        if not finished:
            self._line(f"stage {name} {index + 1}/{total}")

    def items(self, done: int, total: int, unit: str) -> None:
        self.bar.update(self.item_task, description=f"{self.name}: {unit}", total=max(total, 1), completed=done,
                        visible=total > 0)
        self._line(f"{self.name} {done}/{total} {unit}")

    def _line(self, text: str) -> None:
        now = time.monotonic()
        if self.plain and now - self.last >= PLAIN_PROGRESS_SECONDS:
            self.last = now
            _message(text)


def _runner(engine: str, ray_address: str | None) -> Runner | None:
    if engine == "local":
        return None
    if engine != "ray":
        _fail(f"--engine: unknown engine '{engine}' (choose local or ray)", 2)
    try:
        import ray  # noqa: F401
    except ImportError:
        _fail("--engine ray: Ray is not installed (pip install 'storyweave[ray]')", 2)
    from storyweave.engines.ray import make_runner

    return make_runner(ray_address)


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
        _fail(str(exc), EXIT_USAGE)
    raise AssertionError("unreachable")


def _ingest(paths: list[Path], db: Path, settings: Config, command: str, force: bool = False,
            verbose: bool = False, fresh: bool = False, engine: str = "local",
            ray_address: str | None = None, lock_timeout: float = 60.0,
            incremental: bool = False) -> IngestResult:
    from storyweave.nlp import regex_cache

    regex_cache.install()  # storyweave's rule patterns from the kept table, not compiled again (~0.08 CPU-s of a cold add)
    from storyweave.io.readers import read_paths  # imported here: `--help` stays fast

    runner = _runner(engine, ray_address)
    with _console.status("reading inputs…"):
        files = [str(p) for p in paths if str(p) != "-"]
        articles, errors = read_paths(files, max_bytes=settings.readers.max_file_mb * 2**20) if files else ([], [])
    if len(files) < len(paths):  # `-`: JSON Lines articles on stdin
        more, bad = _read_stdin_jsonl()
        articles, errors = articles + more, errors + bad
    checkpoint("read")
    for error in errors:
        _error(str(error))
    if not articles:
        _fail(f"nothing could be read from {', '.join(str(p) for p in paths)} ({len(errors)} unreadable input(s))")
    on_wait = lambda: _error(  # noqa: E731
        f"waiting for another storyweave process writing {db} (up to {lock_timeout:g} s, --lock-timeout)…")
    try:
        with store.write_lock(db, lock_timeout, on_wait=on_wait):
            result = _ingest_locked(db, articles, errors, settings, command, paths, force, fresh, runner, incremental)
    except store.StoreBusy as exc:
        _fail(str(exc), EXIT_FAILED)
    for error in result.corpus.errors[len(errors):]:  # e.g. the same id twice in the batch
        _error(str(error))
    if verbose:
        if not result.processed:
            _error("nothing new or changed: stages not run (use --force to re-run them)")
        for name, seconds in result.seconds.items():
            _error(f"stage {name}: {seconds:.2f}s")
    return result


def _ingest_locked(db: Path, articles: list[Article], errors: list[ReadError], settings: Config, command: str,
                   paths: list[Path], force: bool, fresh: bool, runner: Runner | None, incremental: bool = False) -> IngestResult:
    """Open the store and fold the batch in (the caller holds the store's write lock)."""
    from storyweave.engines.local import StageError, ingest
    from storyweave.pipeline import STAGES

    try:
        conn = store.connect(db)
    except store.StoreError as exc:
        _fail_store(db, exc)
    try:
        with _progress() as bar:
            shown = _StageProgress(bar, len(STAGES))
            with item_progress.reporting(shown.items):
                return ingest(conn, articles, errors, settings, command=command,
                              inputs=[str(p) for p in paths], force=force, fresh=fresh, progress=shown.stage,
                              runner=runner, incremental=incremental,
                              pause_collector=incremental)  # one bounded add, then the process ends
    except StageError as exc:
        _fail(f"{exc} (the store was not changed)")
    except sqlite3.Error as exc:
        _fail(f"{db}: {exc} (the store was not changed)", EXIT_USAGE)
    finally:
        conn.close()
    raise AssertionError("unreachable")


def _read_stdin_jsonl() -> tuple[list[Article], list[ReadError]]:
    """Articles from JSON Lines on stdin (one object a line, the fields of a .jsonl file); bad
    lines are reported as `-:LINE: reason` and skipped."""
    from storyweave.io.readers._common import BadInput
    from storyweave.io.readers.jsonl import article_from_object

    articles: list[Article] = []
    errors: list[ReadError] = []
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            articles.append(article_from_object(json.loads(line), Path("-"), default_id=f"stdin-{number}"))
        except json.JSONDecodeError as exc:
            errors.append(ReadError("-", f"line {number}: invalid JSON ({exc.msg} at column {exc.colno})"))
        except BadInput as exc:
            errors.append(ReadError("-", f"line {number}: {exc}"))
    return articles, errors


def _reason(error: ReadError) -> str:
    """The kind of a reason without its specifics (line numbers, labels, details in brackets), so
    that alike errors are counted together: 'entry 3 (guid): invalid JSON (...)' -> 'invalid JSON'."""
    reason = error.reason.strip()
    if re.match(r"^article '.*' failed: ", reason):
        stage = re.search(r"stage '([^']+)'", reason)
        return f"failed in stage {stage.group(1)}" if stage else "failed"
    reason = re.sub(r"^(line|row|item|entry) \d+(?: \([^)]*\))?:\s*", "", reason, flags=re.IGNORECASE)
    reason = re.sub(r"\s*[(\[].*$", "", reason).split(";", 1)[0].split(":", 1)[0].strip()
    reason = re.sub(r"(?<=\w) '[^']*'", "", reason)  # "duplicate article id 'x'" -> "duplicate article id"
    return reason or "unreadable"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural or word + 's'}"


def summary_line(outcome: IngestResult) -> str:
    """The one-line account of an ingest: articles read (new, updated, unchanged, retried), skipped (by
    reason), duplicates, events, stories and the articles now in the store."""
    m, c = outcome.merge, outcome.corpus
    reasons = Counter(_reason(e) for e in c.errors)
    skipped = f"skipped {len(c.errors)}"
    if reasons:
        kinds = [f"{n} {r}" for r, n in reasons.most_common(5)]
        if len(reasons) > 5:
            kinds.append(f"{sum(n for _, n in reasons.most_common()[5:])} other")
        skipped += " (" + ", ".join(kinds) + "; each listed above)"
    duplicates = sum(1 for a in c.articles if a.duplicate_of)
    totals = outcome.totals or {"events": len(c.events), "stories": len(c.stories), "articles": len(c.articles),
                                "duplicates": duplicates}  # an incremental add holds a part of the store
    duplicates = totals["duplicates"]
    return (
        f"read {_plural(m.read, 'article')} ({len(m.new)} new, {len(m.updated)} updated, "
        f"{len(m.unchanged)} unchanged{f', {len(m.retried)} retried' if m.retried else ''}); {skipped}; {_plural(duplicates, 'duplicate')}; "
        f"{_plural(totals['events'], 'event')}; {_plural(totals['stories'], 'story', 'stories')}; "
        f"{_plural(totals['articles'], 'article')} in store"
    )


LlmEndpointOption = Annotated[str | None, typer.Option(
    "--llm-endpoint", envvar="STORYWEAVE_LLM_ENDPOINT",
    help="Optional OpenAI-compatible endpoint (e.g. http://localhost:8080/v1) to reword each event summary; "
         "sentences the sources do not support are dropped. API key from $OPENAI_API_KEY. Off by default.")]
LlmModelOption = Annotated[str, typer.Option("--llm-model", envvar="STORYWEAVE_LLM_MODEL",
                                             help="Model name sent to --llm-endpoint.")]
DEFAULT_OUT = Path("out")
OutOption = Annotated[Path, typer.Option("--out", "-o", help="Folder for briefings.json, briefings.md and the HTML pages "
                                         "(open index.html; a page per story, event, article, entity and outlet, linked offline).")]


def _reword(corpus: Corpus, endpoint: str, model: str, words: int, min_recall: float) -> Corpus:
    """Optional abstractive pass at the edge: stops at the first endpoint failure, extractive stays;
    a reworded sentence needs `min_recall` of its content words in its sources (`brief.min_content_recall`)."""
    from storyweave.llm import openai_compatible, reword_events

    corpus, done, exc = reword_events(corpus, openai_compatible(endpoint, model), words, min_recall)
    if exc is not None:
        _error(f"{endpoint}: rewording stopped ({type(exc).__name__}: {exc}); extractive summaries kept")
        return corpus
    _console.print(f"reworded {done} event summaries via {endpoint}", highlight=False)
    return corpus


def _write_reports(corpus: Corpus, out: Path, llm_endpoint: str | None = None, llm_model: str = "default",
                   words: int = BriefConfig.summary_words,
                   min_recall: float = BriefConfig.min_content_recall, processes: int = 0) -> None:
    from storyweave.io.render import check_document, write_reports
    from storyweave.io.render.contract import to_briefings

    if llm_endpoint:
        corpus = _reword(corpus, llm_endpoint, llm_model, words, min_recall)

    document = to_briefings(corpus)
    problems = check_document(document, out, processes)  # not re-validated when `out` holds the same content
    for problem in problems:
        _error(f"warning: briefings.json breaks the output schema at {problem}")
    checkpoint("reports")
    try:
        paths = write_reports(corpus, out, document=document, processes=processes)
    except OSError as exc:
        _fail(f"{out}: cannot write reports ({exc.strerror or exc})")
    _console.print(f"wrote {paths['json']}, {paths['markdown']}, {paths['html']} (and its pages)", highlight=False,
                   soft_wrap=True)


@app.command()
def run(
    paths: PathsArgument,
    out: OutOption = DEFAULT_OUT,
    db: DbOption = DEFAULT_DB,
    words: WordsOption = None,
    force: ForceOption = False,
    verbose: VerboseOption = False,
    fresh: FreshOption = False,
    llm_endpoint: LlmEndpointOption = None,
    llm_model: LlmModelOption = "default",
    engine: EngineOption = "local",
    ray_address: RayAddressOption = None,
    lock_timeout: LockTimeoutOption = 60.0,
    max_article_chars: MaxCharsOption = None,
    config_file: ConfigOption = None,
    sets: SetOption = None,
) -> None:
    """Read PATHS, merge them with the store, run the pipeline, save, and write the reports."""
    config = load_config(config_file, sets, words, max_article_chars)
    outcome = _ingest(paths, db, config, command="run", force=force, verbose=verbose, fresh=fresh,
                      engine=engine, ray_address=ray_address, lock_timeout=lock_timeout)
    _write_reports(outcome.corpus, out, llm_endpoint, llm_model, config.brief.summary_words,
                   config.brief.min_content_recall, config.run.processes)
    typer.echo(summary_line(outcome))
    _exit_for(outcome)


@app.command()
def add(
    paths: PathsArgument,
    db: DbOption = DEFAULT_DB,
    words: WordsOption = None,
    force: ForceOption = False,
    verbose: VerboseOption = False,
    fresh: FreshOption = False,
    engine: EngineOption = "local",
    ray_address: RayAddressOption = None,
    lock_timeout: LockTimeoutOption = 60.0,
    max_article_chars: MaxCharsOption = None,
    config_file: ConfigOption = None,
    sets: SetOption = None,
) -> None:
    """Read PATHS and process them into the store, without writing reports."""
    _fewer_collections()
    config = load_config(config_file, sets, words, max_article_chars)
    outcome = _ingest(paths, db, config, command="add", force=force, verbose=verbose, fresh=fresh,
                      engine=engine, ray_address=ray_address, lock_timeout=lock_timeout,
                      incremental=True)  # a few new articles: only the events near them (engines/incremental.py)
    gc.freeze()  # the process ends: its exit does not scan the ~10^6 objects of the models (~0.3 CPU-s)
    typer.echo(summary_line(outcome))
    if outcome.stale_results:
        typer.echo(f"note: {db}: other settings or another storyweave version made the stored results; the events "
                   "this add did not touch keep them (add with --force, or run, to redo every event)", err=True)
    _exit_for(outcome)


def _fewer_collections() -> None:
    """Run the cyclic garbage collector less often in this process (its first threshold 700 ->
    50,000 new objects).  A cold `add` imports and loads ~10^6 long-lived objects (spaCy, the
    models, the gazetteer), and every full collection walks all of them: ~0.9 of its ~5 CPU-s
    went to the collector, ~0.2 with this (no full pass left).  Memory freed by reference counting is unaffected;
    only unreachable cycles wait longer."""
    gc.set_threshold(50_000, 10, 10)


def _exit_for(outcome: IngestResult) -> None:
    """Exit 3 when some input was skipped or some article failed (each was named on stderr)."""
    if outcome.corpus.errors:
        raise typer.Exit(EXIT_PARTIAL)


@app.command()
def report(
    out: OutOption = DEFAULT_OUT,
    db: DbOption = DEFAULT_DB,
    words: WordsOption = None,
    llm_endpoint: LlmEndpointOption = None,
    llm_model: LlmModelOption = "default",
    config_file: ConfigOption = None,
    sets: SetOption = None,
) -> None:
    """Write the reports from what the store holds (no reading, no processing)."""
    config = load_config(config_file, sets, words)
    if not db.exists():
        _fail(f"{db}: no such store (run `storyweave add` or `storyweave run` first)")
    try:
        conn = store.connect(db)
    except store.StoreError as exc:
        _fail_store(db, exc)
    try:
        corpus = store.load_corpus(conn, with_cache=False)
        last = store.runs(conn, limit=1)
    finally:
        conn.close()
    if last:
        corpus.changes = last[0].changes
    _write_reports(corpus, out, llm_endpoint, llm_model, config.brief.summary_words, config.brief.min_content_recall,
                   config.run.processes)
    typer.echo(f"{len(corpus.articles)} articles; {len(corpus.events)} events; {len(corpus.stories)} stories")


@app.command()
def brief(
    clusters: Annotated[Path, typer.Argument(help='JSONL, one cluster a line: {"id", "documents": [text, ...], "max_words"?}')],
    out: Annotated[Path, typer.Option("--out", "-o", help="JSONL output, one briefing a line.")],
    words: WordsOption = None,
) -> None:
    """Brief each cluster of documents (one JSON object a line) into OUT; bad lines are reported and skipped."""
    from storyweave.stages.brief import brief_cluster
    try:
        lines = clusters.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"{clusters}: cannot read ({getattr(exc, 'strerror', None) or exc})")
    done = bad = 0
    try:
        sink = out.open("w", encoding="utf-8")
    except OSError as exc:
        _fail(f"{out}: cannot write ({exc.strerror or exc})")
    with sink, _progress() as progress:
        task = progress.add_task("briefing clusters", total=len(lines))
        for number, line in enumerate(lines, 1):
            progress.advance(task)
            if not line.strip():
                continue
            record, problem = _cluster_record(line)
            if problem is None:
                try:
                    result = brief_cluster(record, words or BriefConfig.summary_words)
                    sink.write(json.dumps(result, ensure_ascii=False, default=_jsonable) + "\n")
                    done += 1
                    continue
                except Exception as exc:  # one bad cluster must not stop the batch
                    problem = f"{type(exc).__name__}: {exc}"
            bad += 1
            _error(f"{clusters}:{number}: {problem}")
    typer.echo(f"briefed {done} clusters; skipped {bad} bad lines; wrote {out}")
    if done == 0:
        raise typer.Exit(EXIT_FAILED)
    if bad:
        raise typer.Exit(EXIT_PARTIAL)


def _cluster_record(line: str) -> tuple[dict[str, Any], str | None]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {}, f"invalid JSON ({exc.msg} at column {exc.colno})"
    if not isinstance(record, dict):
        return {}, "expected a JSON object"
    if "id" not in record:
        return record, "missing field 'id'"
    documents = record.get("documents")
    if not isinstance(documents, list) or not all(isinstance(d, str) for d in documents):
        return record, "'documents' must be a list of strings"
    if not documents:
        return record, "'documents' is empty"
    if "max_words" in record and not (isinstance(record["max_words"], int) and record["max_words"] > 0):
        return record, "'max_words' must be a positive integer"
    return record, None


def _jsonable(obj: Any) -> Any:
    from dataclasses import asdict, is_dataclass

    if is_dataclass(obj) and not isinstance(obj, type):
        return asdict(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


@app.command()
def stages(fmt: FormatOption = "table", as_json: JsonOption = False) -> None:
    """List the pipeline stages in the order they run."""
    from storyweave.pipeline import STAGES

    fmt = _output_format(fmt, as_json)
    rows = [{"index": i, "name": stage.name, "doc": stage.doc} for i, stage in enumerate(STAGES, 1)]
    _emit(rows, ["index", "name", "doc"], fmt, headers=["#", "stage", "what it does"])


@app.command()
def schema() -> None:
    """Print the JSON Schema (draft 2020-12) of briefings.json."""
    from storyweave.io.render.contract import schema as contract_schema

    typer.echo(json.dumps(contract_schema(), indent=2, ensure_ascii=False))


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Words or an FTS5 query (\"exact phrase\", a OR b, prefix*).")],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 20,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
) -> None:
    """Full-text search over the stored articles (matched words in [brackets]); exit 1 when nothing matches."""
    fmt = _output_format(fmt, as_json)
    if not db.exists():
        _fail(f"{db}: no such store")
    try:
        hits = store.search(db, query, limit)
    except (store.StoreError, sqlite3.Error) as exc:
        _fail_store(db, exc)
        raise  # unreachable
    rows = [{"id": h.id, "event_id": h.event_id, "source": h.source, "title": h.title, "snippet": h.snippet}
            for h in hits]
    if not hits and fmt == "table":
        _message("no matches")
        raise typer.Exit(1)
    _emit(rows, ["id", "event_id", "source", "title", "snippet"], fmt,
          headers=["article", "event", "outlet", "title", "match"], truncate={"title": 40})
    if not hits:
        raise typer.Exit(1)


def _load_store(db: Path) -> Corpus:
    if not db.exists():
        _fail(f"{db}: no such store")
    try:
        return store.load_corpus(db, with_cache=False)
    except (store.StoreError, sqlite3.Error) as exc:
        _fail_store(db, exc)
        raise  # unreachable


@app.command(name="events")
def list_events(
    db: DbOption = DEFAULT_DB,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
    limit: Annotated[int | None, typer.Option("--limit", "-n", min=1, help="At most this many events.")] = None,
    offset: Annotated[int, typer.Option("--offset", min=0, help="Skip this many events first.")] = 0,
) -> None:
    """List the stored events, newest first, undated last (date, title, story, articles, known
    outlets, articles of unknown outlet, independent sources)."""
    fmt = _output_format(fmt, as_json)
    if not db.exists():
        _fail(f"{db}: no such store")
    try:
        with store.using(db) as conn:
            total = store.count_events(conn)
            rows = store.list_events(conn, limit or max(total, 1), offset)
    except (store.StoreError, sqlite3.Error) as exc:
        _fail_store(db, exc)
    data = [{"id": r.id, "date": r.date, "title": r.title, "story_id": r.story_id, "articles": r.articles,
             "outlets": r.outlets, "unknown_outlet_articles": r.unknown_outlet_articles,
             "independent_sources": r.independent_sources, "discrepancies": r.discrepancies} for r in rows]
    _emit(data, ["id", "date", "title", "story_id", "articles", "outlets", "unknown_outlet_articles",
                 "independent_sources"], fmt,
          headers=["event", "date", "title", "story", "arts", "outl", "unkn", "indep"], truncate={"title": 60})


@app.command()
def show(
    event_id: Annotated[str, typer.Argument(help="Event id (see `storyweave events`).")],
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print the event as contract JSON instead of Markdown.")] = False,
) -> None:
    """Print one event's briefing (Markdown, or JSON with --json)."""
    from storyweave.io.render.contract import event_dict
    from storyweave.io.render.markdown import render_event_markdown

    corpus = _load_store(db)
    if as_json:
        event = next((e for e in corpus.events if e.id == event_id), None)
        text = json.dumps(event_dict(event, corpus.by_id()), ensure_ascii=False, indent=2) if event else None
    else:
        text = render_event_markdown(corpus, event_id)
    if text is None:
        _fail(f"no event {event_id!r} in {db} (see `storyweave events`)")
    typer.echo(text)


@app.command(name="runs")
def list_runs(db: DbOption = DEFAULT_DB, limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 10,
              fmt: FormatOption = "table", as_json: JsonOption = False) -> None:
    """Show the most recent runs recorded in the store (counts and changes)."""
    fmt = _output_format(fmt, as_json)
    if not db.exists():
        _fail(f"{db}: no such store")
    try:
        records = store.runs(db, limit)
    except (store.StoreError, sqlite3.Error) as exc:
        _fail_store(db, exc)
        raise  # unreachable
    if fmt in ("json", "jsonl"):
        _emit([r.__dict__ for r in records], [], fmt)
        return
    rows = [{"id": r.id, "finished": r.finished if fmt != "table" else r.finished[:16].replace("T", " "),
             "command": r.command, **{k: r.counts.get(k, "") for k in ("read", "new", "updated", "failed", "events", "stories")},
             "changes": len(r.changes)} for r in records]
    _emit(rows, ["id", "finished", "command", "read", "new", "updated", "failed", "events", "stories", "changes"], fmt,
          headers=["run", "finished", "command", "read", "new", "updated", "failed", "events", "stories", "changes"])
    failed = store.failed_articles(db)
    if failed and fmt == "table":  # still failed now (a later run that read them again may have fixed others)
        typer.echo(f"{_plural(len(failed), 'article')} stored as failed (retried when read again):")
        for article in failed:
            typer.echo(f"  {article.path or article.id}: {article.id}: {article.failure}")


@app.command()
def serve(
    db: Annotated[Path, typer.Option("--db", help="SQLite store (must exist unless --create).")] = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Interface to listen on (default: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    create: Annotated[bool, typer.Option("--create", help="Create an empty store if --db does not exist.")] = False,
    token_file: Annotated[Path | None, typer.Option(
        "--token-file", help="File holding the token that write "
        "requests must send (default: $STORYWEAVE_TOKEN; none: writes get 403).")] = None,
    max_body: Annotated[int, typer.Option("--max-body", min=1, help="Largest request body in bytes (413 above).")] = 20 * 1024 * 1024,
    access_log: Annotated[bool, typer.Option("--access-log/--no-access-log", help="Log every request to stderr "
                                             "(off by default: it took ~6 % of the server's CPU per request).")] = False,
    config_file: ConfigOption = None,
    sets: SetOption = None,
) -> None:
    """Serve the store: web pages at / and a REST API at /api/v1 (docs at /docs)."""
    config = load_config(config_file, sets)  # for the articles posted to the API
    try:
        import uvicorn

        from storyweave.server import create_app, read_token_file
    except ImportError as exc:
        _fail(f"the server needs fastapi and uvicorn ({exc})", 2)
    kwargs: dict[str, Any] = {}
    if token_file is not None:
        try:
            kwargs["token"] = read_token_file(token_file)
        except ValueError as exc:
            _fail(str(exc), 2)
    try:
        if db.exists():  # an existing store must be intact
            store.check(db)
        application = create_app(db, config, create=create, max_body=max_body, **kwargs)
    except FileNotFoundError as exc:
        _fail(str(exc), 2)
    except (store.StoreError, sqlite3.Error) as exc:
        _fail(f"{db}: not a usable storyweave store ({str(exc).splitlines()[0]})" if str(db) not in str(exc)
              else str(exc).splitlines()[0], 2)
    # uvicorn's C event loop and HTTP parser (uvloop, httptools) when installed: "auto" picks them
    uvicorn.run(application, host=host, port=port, loop="auto", http="auto", access_log=access_log)


def entry() -> None:  # pragma: no cover - console script convenience
    """Console-script entry point: run the typer app."""
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
