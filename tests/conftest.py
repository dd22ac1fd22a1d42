"""Fixtures shared by several test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="session")
def example_run():
    """(corpus after every stage, read errors) of examples/corpus: one pipeline run per session,
    shared by the end-to-end and the gold tests (read-only: do not modify it)."""
    from storyweave.engines.local import run_pipeline
    from storyweave.model import Corpus
    from storyweave.readers import read_paths

    articles, errors = read_paths([EXAMPLE_CORPUS])
    return run_pipeline(Corpus(articles=articles, errors=list(errors))).corpus, errors
