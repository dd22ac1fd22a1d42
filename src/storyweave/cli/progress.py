"""Progress on stderr for the long commands: the Rich progress bar (`progress_bar`; on a terminal
only, nothing with --quiet) and `StageProgress`, the pipeline's stages and items on it."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from storyweave.cli.messages import console, message

if TYPE_CHECKING:
    from rich.progress import Progress

PLAIN_PROGRESS_SECONDS = 5.0  # stderr not a terminal: a plain progress line at most this often


def progress_bar() -> Progress:
    """A transient Rich progress bar on the stderr console (description, bar, m of n, time)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    )


class StageProgress:
    """The pipeline's progress on stderr: the stage (m of n) and, inside the stages that report
    it (`storyweave.progress`), the items done ("analyze 120/383 articles"). A Rich bar on a
    terminal; otherwise a plain line every `PLAIN_PROGRESS_SECONDS` (logs of long runs show
    where they are; no ": " in it, so it never reads as an error line `path: reason`);
    nothing with --quiet."""

    def __init__(self, bar: Progress, stages: int) -> None:
        self.bar, self.stages, self.name = bar, stages, ""
        self.plain = not console.is_terminal
        self.last = time.monotonic()
        self.stage_task = bar.add_task("pipeline", total=stages)
        self.item_task = bar.add_task("", total=1, visible=False)

    def stage(self, name: str, index: int, total: int, finished: bool) -> None:
        """Stage `name` (`index` of `total`, from 0) starts, or has `finished`: the pipeline's `progress`."""
        self.name = name
        self.bar.update(self.stage_task, description=f"stage {name}", total=total, completed=index + finished)
        self.bar.update(self.item_task, visible=False)
        if not finished:
            self._line(f"stage {name} {index + 1}/{total}")

    def items(self, done: int, total: int, unit: str) -> None:
        """The `storyweave.progress` sink: `done` of the current stage's `total` items (`unit`: "articles", ...)."""
        self.bar.update(self.item_task, description=f"{self.name}: {unit}", total=max(total, 1), completed=done,
                        visible=total > 0)
        self._line(f"{self.name} {done}/{total} {unit}")

    def _line(self, text: str) -> None:
        now = time.monotonic()
        if self.plain and now - self.last >= PLAIN_PROGRESS_SECONDS:
            self.last = now
            message(text)
