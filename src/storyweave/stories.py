"""Link events into stories and build story timelines."""

from __future__ import annotations

from storyweave.model import Corpus
from storyweave.settings import Settings


def link_stories(corpus: Corpus, settings: Settings) -> Corpus:
    """TODO(owner): placeholder until this stage lands; returns the corpus unchanged."""
    return corpus
