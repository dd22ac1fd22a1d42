"""Stages are pure: each returns a new Corpus and leaves the one it was given as it was.

Runs the pipeline on examples/corpus and, before each stage, keeps a deep copy of the stage's
input; after the stage, the input must still equal that copy (dataclass equality: articles,
duplicate links, events, stories, errors, cache and work counts).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from storyweave.config import Config
from storyweave.model import Corpus
from storyweave.pipeline import STAGES
from storyweave.readers import read_paths

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


PARTS = ("articles", "duplicates", "events", "stories", "errors", "changes", "failed", "cache", "work")


@pytest.fixture(scope="module")
def stage_runs() -> dict[str, tuple[list[str], Corpus]]:
    """Per stage: the parts of its input it changed (compared right after the call with a deep
    copy taken before it), and its output."""
    articles, errors = read_paths([CORPUS])
    corpus = Corpus(articles=articles, errors=list(errors))
    runs = {}
    for stage in STAGES:
        before = copy.deepcopy(corpus)
        out = stage.fn(corpus, Config())
        runs[stage.name] = ([p for p in PARTS if getattr(corpus, p) != getattr(before, p)], out)
        corpus = out
    return runs


@pytest.mark.parametrize("name", [s.name for s in STAGES])
def test_stage_leaves_its_input_unchanged(stage_runs, name):
    changed, _ = stage_runs[name]
    assert changed == [], f"stage {name!r} changed its input's {', '.join(changed)}"


def test_the_stages_did_their_work(stage_runs):
    """The purity checks above look at a run that did something at every stage."""
    final = stage_runs[STAGES[-1].name][1]
    assert final.events and final.stories and final.duplicates
    assert any(e.summary for e in final.events) and any(e.entities for e in final.events)
    assert any(a.language for a in final.articles)
