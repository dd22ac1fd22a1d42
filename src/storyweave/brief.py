"""Per-event briefing: cited extractive summary, facts, outlet comparison."""

from __future__ import annotations

from storyweave.model import Corpus
from storyweave.settings import Settings


def build_briefings(corpus: Corpus, settings: Settings) -> Corpus:
    """TODO(owner): placeholder until this stage lands; returns the corpus unchanged."""
    return corpus
