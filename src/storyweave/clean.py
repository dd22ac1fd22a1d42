"""Scrape-noise removal: rules plus corpus statistics; records removed lines per article."""

from __future__ import annotations

from storyweave.model import Corpus
from storyweave.settings import Settings


def clean_corpus(corpus: Corpus, settings: Settings) -> Corpus:
    """TODO(owner): placeholder until this stage lands; returns the corpus unchanged."""
    return corpus
