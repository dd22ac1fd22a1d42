"""The ordered list of pipeline stages, and nothing else.

Each stage is a pure function `(Corpus, Settings) -> Corpus` over the whole batch: no file,
database or network I/O inside (readers, store and renderers live at the edges).  Engines
(`engines/local.py`, `engines/ray.py`) decide *where* work runs, not *what* a stage does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from storyweave import analysis, brief, clean, dedup, events, language, limits, stories
from storyweave.model import Corpus
from storyweave.settings import Settings

StageFn = Callable[[Corpus, Settings], Corpus]


@dataclass(frozen=True)
class Stage:
    name: str
    fn: StageFn
    doc: str


def _story_timelines(corpus: Corpus, settings: Settings) -> Corpus:
    """Stories are linked before the events are analysed: rebuild their timelines now."""
    return stories.refresh_timelines(corpus)


STAGES: list[Stage] = [
    Stage("clean", clean.clean_corpus, "strip scrape noise (rules + corpus statistics)"),
    Stage("limit", limits.limit_articles, "analyse at most max_article_chars of each article (full text kept)"),
    Stage("language", language.detect_languages, "language id of each article"),
    Stage("dedup", dedup.find_duplicates, "exact/near/rewrite/translation copies, wire passages"),
    Stage("events", events.cluster_events, "group articles into events, keep stored ids"),
    Stage("stories", stories.link_stories, "link events into stories"),
    Stage("analyze", analysis.analyze_events, "entities, quotes, quantities, dates per event"),
    Stage("brief", brief.build_briefings, "cited summary, facts, discrepancies, timeline"),
    Stage("timelines", _story_timelines, "each story's timeline merged from its events' timelines"),
]


def stage_names() -> list[str]:
    return [s.name for s in STAGES]


def run(corpus: Corpus, settings: Settings | None = None, progress: Callable[[str], None] | None = None) -> Corpus:
    """Run every stage in order on `corpus` (in-process)."""
    settings = settings or Settings()
    for stage in STAGES:
        if progress:
            progress(stage.name)
        corpus = stage.fn(corpus, settings)
    return corpus
