"""The labelled discrepancy pairs (benchmarks/data/number_pairs.jsonl) against shared data."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared" / "benchmarks"
pytestmark = pytest.mark.skipif(not (SHARED / "multinews_dev").exists() or not (SHARED / "news_cluster").exists(),
                                reason="../shared/benchmarks (news_cluster, multinews_dev) not available")


def _bench():
    spec = importlib.util.spec_from_file_location("number_pairs", ROOT / "benchmarks" / "number_pairs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_labelled_pairs_are_found_with_precision():
    bench = _bench()
    pairs, texts = bench.load_pairs(), bench.load_texts(SHARED)
    assert len(pairs) >= 100
    assert all(set(p) >= {"a", "b", "event", "same_quantity", "disagree", "discrepancy"} for p in pairs)
    assert all(p["discrepancy"] == (p["same_quantity"] and p["disagree"]) for p in pairs)
    score = bench.prf([p["discrepancy"] for p in pairs], bench.predictions(pairs, texts))
    assert score["P"] >= 0.85 and score["R"] >= 0.75, score
