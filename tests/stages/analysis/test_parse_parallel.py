"""Parsing in forked worker processes gives the same records as parsing in this process."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from storyweave.io.readers import read_paths

parsed = importlib.import_module("storyweave.stages.analysis.parsed")  # the module (the package exports a function of that name)

CORPUS = Path(__file__).resolve().parents[3] / "examples" / "corpus"


def test_parallel_parse_equals_sequential(monkeypatch):
    articles, _ = read_paths([str(CORPUS)])
    texts = [a.text for a in articles][:12]
    assert len(texts) >= 6
    sequential: dict = {}
    assert parsed.parse_missing(texts, sequential) == len(set(texts))
    forked: dict = {}
    calls = []
    real = parsed._parse_parallel
    monkeypatch.setattr(parsed, "_parse_parallel", lambda *a: calls.append(a[2]) or real(*a))
    assert parsed.parse_missing(texts, forked, processes=2, min_texts_per_process=2) == len(set(texts))
    assert calls == [2]
    assert forked == sequential
    assert parsed.parse_missing(texts, forked, processes=2, min_texts_per_process=2) == 0  # all cached: nothing parsed again


@pytest.mark.parametrize("count", [1, 3])
def test_few_texts_stay_in_process(monkeypatch, count):
    monkeypatch.setattr(parsed, "_parse_parallel", lambda *a: pytest.fail("forked for a few texts"))
    cache: dict = {}
    texts = [f"Angela Merkel met Emmanuel Macron in Paris on day {i}." for i in range(count)]
    assert parsed.parse_missing(texts, cache, processes=2) == count
