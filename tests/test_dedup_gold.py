"""Duplicate stage on the example corpus: copy links, kinds, originals and wire pairs equal gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyweave import clean, dedup, language
from storyweave.config import Config
from storyweave.model import Article, Corpus
from storyweave.readers import read_paths

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"

pytestmark = pytest.mark.skipif(not (CORPUS / "gold.json").exists(), reason="examples/corpus/gold.json not present")


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def by_gold_id(gold) -> dict[str, Article]:
    articles, _ = read_paths([CORPUS])
    settings = Config()
    corpus = Corpus(articles=articles)
    for stage in (clean.clean_corpus, language.detect_languages, dedup.find_duplicates):
        corpus = stage(corpus, settings)
    found: dict[str, Article] = {}
    for a in corpus.articles:
        for key in (a.id, (a.url or "").rstrip("/").rsplit("/", 1)[-1]):
            if key in gold["articles"] and key not in found:
                found[key] = a
                break
    found["__corpus__"] = corpus  # type: ignore[assignment]
    return found


def _gid(by_gold_id: dict) -> dict[str, str]:
    return {a.id: g for g, a in by_gold_id.items() if g != "__corpus__"}


def test_duplicate_pairs_and_kinds_equal_gold(by_gold_id, gold) -> None:
    ids = _gid(by_gold_id)
    got = {(g, ids.get(a.duplicate_of, a.duplicate_of), a.duplicate_kind)
           for g, a in by_gold_id.items() if g != "__corpus__" and a.duplicate_of}
    want = {(g, lab["duplicate_of"], lab["duplicate_kind"]) for g, lab in gold["articles"].items() if lab["duplicate_of"]}
    assert got == want


def test_shares_wire_with_equals_gold(by_gold_id, gold) -> None:
    ids = _gid(by_gold_id)
    for g, lab in gold["articles"].items():
        got = sorted(ids.get(x, x) for x in by_gold_id[g].shares_wire_with)
        assert got == sorted(lab["shares_wire_with"]), g


def test_links_match_articles(by_gold_id) -> None:
    corpus: Corpus = by_gold_id["__corpus__"]  # type: ignore[assignment]
    by = corpus.by_id()
    for link in corpus.duplicates:
        if link.kind == "wire":
            assert link.original in by[link.copy].shares_wire_with and link.shared_sentences
            assert all(s in by[link.copy].text for s in link.shared_sentences)
        else:
            assert by[link.copy].duplicate_of == link.original and by[link.copy].duplicate_kind == link.kind
            assert by[link.original].duplicate_of is None
