"""Per-event analysis: entities, quotes, quantities and dates."""

from __future__ import annotations

from storyweave.model import Corpus
from storyweave.settings import Settings


def analyze_events(corpus: Corpus, settings: Settings) -> Corpus:
    """TODO(owner): placeholder until this stage lands; returns the corpus unchanged."""
    return corpus
