"""Cluster articles into events (batch and streaming, stable ids)."""

from __future__ import annotations

from storyweave.model import Corpus
from storyweave.settings import Settings


def cluster_events(corpus: Corpus, settings: Settings) -> Corpus:
    """TODO(owner): placeholder until this stage lands; returns the corpus unchanged."""
    return corpus
