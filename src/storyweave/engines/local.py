"""Run the pipeline stages in this process, one after the other, reporting progress.

The engine decides *where* a stage runs (here: in-process), never *what* it does; the
stages themselves come from `storyweave.pipeline.STAGES`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from storyweave.model import Corpus
from storyweave.pipeline import STAGES, Stage
from storyweave.settings import Settings

# progress(stage_name, index_of_stage, number_of_stages, finished)
ProgressFn = Callable[[str, int, int, bool], None]


class StageError(RuntimeError):
    """A stage raised: carries the stage name so the CLI can say which one failed."""

    def __init__(self, stage: str, cause: BaseException):
        super().__init__(f"stage '{stage}' failed: {type(cause).__name__}: {cause}")
        self.stage = stage
        self.cause = cause


@dataclass
class RunResult:
    corpus: Corpus
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per stage


def run_pipeline(
    corpus: Corpus,
    settings: Settings | None = None,
    *,
    stages: Sequence[Stage] | None = None,
    progress: ProgressFn | None = None,
) -> RunResult:
    """Apply every stage in order; a failing stage raises `StageError` (nothing is saved)."""
    settings = settings or Settings()
    stages = list(STAGES if stages is None else stages)
    seconds: dict[str, float] = {}
    for index, stage in enumerate(stages):
        if progress:
            progress(stage.name, index, len(stages), False)
        start = time.perf_counter()
        try:
            result = stage.fn(corpus, settings)
        except Exception as exc:  # re-raised with the stage name for a clear message
            raise StageError(stage.name, exc) from exc
        if not isinstance(result, Corpus):
            raise StageError(stage.name, TypeError(f"returned {type(result).__name__}, expected Corpus"))
        corpus = result
        seconds[stage.name] = time.perf_counter() - start
        if progress:
            progress(stage.name, index, len(stages), True)
    return RunResult(corpus, seconds)
