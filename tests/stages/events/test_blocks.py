"""Large batches clustered part by part (`events/blocks.py`): the same similarities, components,
labels and events as the whole matrix, and no n x n allocation."""

from __future__ import annotations

import random
import tracemalloc
import warnings
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components

from storyweave.config import Config
from storyweave.io.readers import read_paths
from storyweave.model import Article, Corpus
from storyweave.pipeline import STAGES
from storyweave.stages import events
from storyweave.stages.events import blocks
from storyweave.stages.events.veto import Signals

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "corpus"
NEWS = ROOT.parent / "shared" / "benchmarks" / "news_cluster" / "articles.jsonl"


def _before_events(paths: list[Path], bare: bool = False) -> Corpus:
    """The corpus the events stage gets; `bare`: text only (no title, date, outlet or address),
    as scraped text files are read."""
    articles, _ = read_paths(paths)
    if bare:
        articles = [Article(id=a.id, text=a.raw_text or a.text, raw_text=a.raw_text or a.text) for a in articles]
    corpus = Corpus(articles=articles)
    for stage in STAGES:
        if stage.name == "events":
            return corpus
        corpus = stage.fn(corpus, Config())
    raise AssertionError("no events stage")


@pytest.fixture(scope="module", params=["examples", "news_cluster", "news_cluster bare"])
def batch(request) -> Corpus:
    """Bare news_cluster: undated reports, where the greedy linkage by size and the lone pass
    (`events/lone.py`) act; with metadata every report is dated."""
    if request.param != "examples" and not NEWS.exists():
        pytest.skip("../shared/benchmarks not present")
    return _before_events([EXAMPLES] if request.param == "examples" else [NEWS], bare=request.param.endswith("bare"))


def _forced(cells: int = 5000) -> Config:
    """Every batch takes the blocked path, a few rows at a time."""
    return Config().replace("events.dense_max_units", 1).replace("events.block_cells", cells)


def _units(corpus: Corpus) -> tuple[list[Article], Signals]:
    by_id = corpus.by_id()
    root = events.original_roots(corpus.articles, by_id)
    units = [a for a in corpus.articles if root[a.id] == a.id]
    view = events.clustering_view(units, events.placeholder_bodies(corpus.articles, by_id))
    return view, events.signals(view, Config().events)


def test_blocks_of_rows_give_the_whole_matrix_bit_for_bit(batch):
    view, sig = _units(batch)
    cfg = Config().events
    whole = events.similarity_matrix(view, cfg, sig)
    source = events.pair_source(view, cfg, sig)
    every = np.arange(len(view))
    stitched = np.vstack([events.scaled_similarity(source, cfg, rows, every, events.text_block(source, rows, every))
                          for rows in np.array_split(every, 7)])
    assert stitched.dtype == whole.dtype == np.float32
    assert np.array_equal(stitched, whole)
    assert np.array_equal(whole, whole.T)  # symmetric bit for bit: a block's veto loop reads either side
    part = every[::3]
    assert np.array_equal(events.scaled_similarity(source, cfg, part, part, events.text_block(source, part, part)),
                          whole[np.ix_(part, part)])


def test_linked_parts_are_the_components_of_the_pairs_above_the_lowest_threshold(batch):
    view, sig = _units(batch)
    cfg = Config().events
    whole = events.similarity_matrix(view, cfg, sig)
    count, labels = connected_components(whole >= blocks.merge_bound(cfg), directed=False)
    alone = np.zeros(len(view), dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", blocks.LargeComponentWarning)
        parts = events.linked_parts(events.pair_source(view, cfg, sig), _forced().events, alone)
    assert len(parts) == count and count < len(view)  # some pairs link, not all
    assert sorted(sorted(labels[p].tolist()) for p in parts) == sorted([[k] * int((labels == k).sum()) for k in range(count)])


def test_blocked_path_gives_the_same_events_as_the_whole_matrix(batch):
    dense = events.cluster_events(batch, Config())
    events.release_text_cache()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", blocks.LargeComponentWarning)
        blocked = events.cluster_events(batch, _forced())
    assert len(dense.events) < len(batch.articles)  # reports were grouped
    assert blocked.events == dense.events
    assert [a.event_id for a in blocked.articles] == [a.event_id for a in dense.articles]


def test_a_part_larger_than_the_limit_is_reported():
    corpus = _before_events([EXAMPLES])
    with pytest.warns(blocks.LargeComponentWarning, match="clustered as one"):
        events.cluster_events(corpus, _forced())


def _synthetic(n: int) -> Corpus:
    """`n` reports in groups of three sharing words of their own (and a few of a common pool), one
    day per group: short texts, so that the matrices, not the fitted views, weigh."""
    rng = random.Random(0)
    articles = []
    for k in range(n):
        group = k // 3
        words = rng.sample([f"w{group}x{j}" for j in range(8)], 6) + [f"c{rng.randrange(300)}" for _ in range(3)]
        day = (date(2024, 1, 1) + timedelta(days=group % 300)).isoformat()
        text = " ".join(words) + "."
        articles.append(Article(id=f"s{k}", text=text, raw_text=text, title=" ".join(words[:5]), published=day))
    return Corpus(articles=articles)


def _peak(corpus: Corpus, settings: Config) -> tuple[int, int]:
    """(peak bytes traced while the events stage runs, events)."""
    events.release_text_cache()
    tracemalloc.start()
    try:
        out = events.cluster_events(corpus, settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return peak, len(out.events)


def test_blocked_path_never_holds_an_n_by_n_matrix():
    n = 3999
    corpus = _synthetic(n)
    one_matrix = n * n * 4  # a single float32 n x n similarity matrix
    events.cluster_events(corpus, Config())  # the per-text memos (signals) filled, as in a warm process
    dense_peak, dense_events = _peak(corpus, Config())
    blocked_peak, blocked_events = _peak(corpus, Config().replace("events.dense_max_units", 1000)
                                         .replace("events.block_cells", 50_000))
    assert dense_events == blocked_events == n // 3
    assert dense_peak > one_matrix  # the measure sees the whole matrix where there is one ...
    assert blocked_peak < one_matrix / 3  # ... and none on the blocked path (the rest: fitted views, signals)
