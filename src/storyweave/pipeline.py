"""The ordered list of pipeline stages, and nothing else.

Each stage is a pure function `(Corpus, Config) -> Corpus` (every knob in `config.py`) over the whole batch: no file,
database or network I/O inside (readers, store and renderers live at the edges).  Engines
(`engines/local.py`: `run_pipeline`, the one stage runner; `engines/ray.py`) decide *where* work
runs, not *what* a stage does.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the stage modules are imported when a stage first runs: `storyweave stages` stays fast
    from storyweave.config import Config
    from storyweave.model import Corpus

StageFn = Callable[["Corpus", "Config"], "Corpus"]


def _lazy(module: str, name: str) -> StageFn:
    """`storyweave.<module>.<name>`, imported on the first call (listing the stages imports no
    stage module, hence no spaCy/scikit-learn); looked up on every call, so patching it works."""

    def fn(corpus: Corpus, settings: Config) -> Corpus:
        stage: StageFn = getattr(importlib.import_module(f"storyweave.{module}"), name)
        return stage(corpus, settings)

    fn.__name__ = fn.__qualname__ = f"{module}.{name}"
    return fn


@dataclass(frozen=True)
class Stage:
    """One pipeline stage: its name, its function `(corpus, settings) -> corpus` and a one-line
    description."""

    name: str
    fn: StageFn
    doc: str


def _story_timelines(corpus: Corpus, settings: Config) -> Corpus:
    """Stories are linked before the events are analysed: rebuild their timelines now."""
    from storyweave.stages import stories

    return stories.refresh_timelines(corpus)


STAGES: list[Stage] = [
    Stage("clean", _lazy("stages.clean", "clean_corpus"), "strip scrape noise (rules + corpus statistics)"),
    Stage("limit", _lazy("stages.limits", "limit_articles"), "analyse at most max_article_chars of each article (full text kept)"),
    Stage("language", _lazy("stages.language", "detect_languages"), "language id of each article"),
    Stage("dedup", _lazy("stages.dedup", "find_duplicates"), "exact/near/rewrite/translation copies, wire passages"),
    Stage("events", _lazy("stages.events", "cluster_events"), "group articles into events, keep stored ids"),
    Stage("stories", _lazy("stages.stories", "link_stories"), "link events into stories"),
    Stage("analyze", _lazy("stages.analysis", "analyze_events"), "entities, quotes, quantities, dates per event"),
    Stage("brief", _lazy("stages.brief", "build_briefings"), "cited summary, facts, discrepancies, timeline"),
    Stage("timelines", _story_timelines, "each story's timeline merged from its events' timelines"),
]


def stage_names() -> list[str]:
    """The stage names in pipeline order."""
    return [s.name for s in STAGES]
