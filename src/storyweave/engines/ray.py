"""Run the pipeline with the heavy per-article work spread over a Ray cluster.

The same stages run in the same order as with the local engine (`engines/local.py`); this
engine only does work *ahead* of a stage, in parallel, where the stage would do it one text
at a time.  Today that is the spaCy parse of every text the analyze stage needs (the dominant
cost of a first run): texts are parsed in chunks by Ray tasks and put into `corpus.cache`,
where the stage finds them, so results are identical to a local run.  The corpus-wide stages
(clean's corpus statistics, dedup, clustering) run on the driver.

`pip install "storyweave[ray]"`; `storyweave run ... --engine ray [--ray-address HOST:PORT]`.
Without an address a local Ray instance using this machine's cores is started.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType
from typing import Any

from storyweave.config import Config
from storyweave.engines.local import ProgressFn, Runner, RunResult
from storyweave.engines.local import run_pipeline as run_local
from storyweave.model import Corpus
from storyweave.pipeline import Stage

CHUNK = 24  # texts per Ray task: big enough to amortise spaCy's batching, small enough to balance


def _parse_chunk(texts: list[str], piece_chars: int) -> dict[str, Any]:
    """One Ray task: parse records of `texts` (spaCy loads once per worker process)."""
    from storyweave.stages.analysis.parsed import parse_missing

    records: dict[str, Any] = {}
    parse_missing(texts, records, piece_chars=piece_chars)
    return records


def _ray(address: str | None) -> ModuleType:
    import ray

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    return ray


def parse_ahead(corpus: Corpus, settings: Config, address: str | None = None, chunk: int = CHUNK) -> int:
    """Parse the analyze stage's pending texts on Ray into `corpus.cache`; returns how many."""
    from storyweave.stages.analysis import texts_to_parse
    from storyweave.stages.analysis.parsed import ARTICLE

    texts = texts_to_parse(corpus, settings)
    if not texts:
        return 0
    ray = _ray(address)
    task = ray.remote(_parse_chunk)
    futures = [task.remote(texts[i : i + chunk], settings.analyze.piece_chars) for i in range(0, len(texts), chunk)]
    cache = dict(corpus.cache.get(ARTICLE, {}))
    for records in ray.get(futures):
        cache.update(records)
    corpus.cache = {**corpus.cache, ARTICLE: cache}
    return len(texts)


def make_runner(address: str | None = None, chunk: int = CHUNK) -> Runner:
    """A `run_pipeline`-compatible function that uses Ray at `address` (None: local Ray)."""

    def before(stage: Stage, corpus: Corpus, settings: Config) -> None:
        if stage.name == "analyze":
            parse_ahead(corpus, settings, address, chunk)

    def run_pipeline(
        corpus: Corpus,
        settings: Config | None = None,
        *,
        stages: Sequence[Stage] | None = None,
        progress: ProgressFn | None = None,
    ) -> RunResult:
        return run_local(corpus, settings, stages=stages, progress=progress, before_stage=before)

    return run_pipeline


run_pipeline = make_runner()
