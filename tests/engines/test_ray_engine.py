"""The Ray engine gives exactly the local engine's result on the example corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave.engines.local import run_pipeline as run_local
from storyweave.model import Corpus, to_dict
from storyweave.readers import read_paths

ray = pytest.importorskip("ray")

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_ray_engine_equals_local_engine(local_ray):
    from storyweave.engines.ray import make_runner

    articles, _ = read_paths([EXAMPLES])
    local = run_local(Corpus(articles=articles)).corpus
    articles, _ = read_paths([EXAMPLES])
    distributed = make_runner(chunk=8)(Corpus(articles=articles)).corpus
    assert to_dict(distributed.events) == to_dict(local.events)
    assert to_dict(distributed.stories) == to_dict(local.stories)
    assert distributed.cache["article"] == local.cache["article"]


def test_parse_ahead_fills_the_cache_the_stage_reads(local_ray):
    from storyweave.analysis import texts_to_parse
    from storyweave.config import Config
    from storyweave.engines.local import run_pipeline
    from storyweave.engines.ray import parse_ahead
    from storyweave.pipeline import STAGES

    articles, _ = read_paths([EXAMPLES])
    upto = [s for s in STAGES if s.name in {"clean", "language", "dedup", "events", "stories"}]
    corpus = run_pipeline(Corpus(articles=articles), stages=upto).corpus
    pending = texts_to_parse(corpus, Config())
    assert pending
    assert parse_ahead(corpus, Config(), chunk=8) == len(pending)
    assert texts_to_parse(corpus, Config()) == []
