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
from storyweave.io.readers import read_paths
from storyweave.model import Corpus
from storyweave.pipeline import STAGES

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


def test_stages_leave_a_stored_batch_unchanged(example_run):
    """The same on a second batch over stored results (events, stories and cached analyses of
    the example corpus, articles loaded back as stored) plus new reports, with the large-store
    paths forced (streaming assignment to candidate events, stories re-linked near new events)."""
    from dataclasses import replace

    first, _ = example_run
    new = [replace(a, id=f"{a.id}-again", text=a.text.replace(".", ". Officials confirmed it.", 1), is_new=True,
                   duplicate_of=None, duplicate_kind=None, shares_wire_with=[], event_id=None)
           for a in first.articles[:3]]
    corpus = replace(first, articles=[replace(a, is_new=False) for a in first.articles] + new, duplicates=[],
                     changes=[], work={})
    corpus = copy.deepcopy(corpus)  # the session's run stays as it was whatever happens here
    config = Config().with_values({"events.max_batch": 3, "stories.max_events": 3})
    changed = {}
    for stage in STAGES:
        before = copy.deepcopy(corpus)
        out = stage.fn(corpus, config)
        changed[stage.name] = [p for p in PARTS if getattr(corpus, p) != getattr(before, p)]
        corpus = out
    assert changed == {s.name: [] for s in STAGES}
    assert {a.id for a in new} <= {i for e in corpus.events for i in e.article_ids}
