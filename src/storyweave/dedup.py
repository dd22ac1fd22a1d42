"""Duplicates, rewrites, translations and shared wire passages; provenance and independent sources."""

from __future__ import annotations

from storyweave.model import Corpus
from storyweave.settings import Settings


def find_duplicates(corpus: Corpus, settings: Settings) -> Corpus:
    """TODO(owner): placeholder until this stage lands; returns the corpus unchanged."""
    return corpus
