"""Brief stage on the example corpus, with the gold events (isolates this stage from clustering)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyweave import clean, dedup, language
from storyweave.brief import build_briefings
from storyweave.config import Config
from storyweave.dedup import count_independent
from storyweave.model import Corpus, Event
from storyweave.readers import read_paths
from storyweave.text import count_words, split_sentences

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"
GOLD = EXAMPLES / "gold.json"

pytestmark = pytest.mark.skipif(not GOLD.exists(), reason="examples/corpus/gold.json not present")


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads(GOLD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def briefed(gold) -> Corpus:
    articles, _ = read_paths([EXAMPLES])
    settings = Config().replace("brief.summary_words", 120)
    corpus = Corpus(articles=articles)
    for stage in (clean.clean_corpus, language.detect_languages, dedup.find_duplicates):
        corpus = stage(corpus, settings)
    members: dict[str, list[str]] = {}
    for a in corpus.articles:
        if a.id in gold["articles"]:
            members.setdefault(gold["articles"][a.id]["event"], []).append(a.id)
    corpus.events = [Event(id=e, article_ids=ids) for e, ids in sorted(members.items())]
    return build_briefings(corpus, settings)


def test_summaries_are_verbatim_cited_and_within_budget(briefed):
    texts = {a.id: a.text for a in briefed.articles}
    for event in briefed.events:
        assert event.summary, event.id
        assert sum(count_words(s.text) for s in event.summary) <= 120
        for s in event.summary:
            assert set(s.article_ids) <= set(event.article_ids)
            owners = [i for i in s.article_ids if s.text in {x.text for x in split_sentences(texts[i])}]
            assert owners, f"{event.id}: not verbatim in any cited article: {s.text}"
        assert len({s.text for s in event.summary}) == len(event.summary)


def test_no_gold_noise_line_enters_a_summary_or_fact(briefed, gold):
    noise = {line for lines in gold["noise"].values() for line in lines}
    for event in briefed.events:
        for text in [s.text for s in event.summary] + [f.text for f in event.facts]:
            assert not any(n in text or text in n for n in noise), text


def test_facts_have_two_independent_sources_and_never_mix_conflicting_figures(briefed, gold):
    for event in briefed.events:
        for fact in event.facts:
            assert fact.independent_sources >= 2
            assert fact.independent_sources == count_independent(fact.article_ids, briefed, wire_as_one=True)
    for d in gold["discrepancies"]:
        for event in briefed.events:
            for fact in event.facts:
                assert not all(v in fact.text for v in d["values"])


def test_displacement_figure_is_confirmed_by_independent_outlets(briefed):
    e3 = next(e for e in briefed.events if e.id == "E3")
    fact = next(f for f in e3.facts if "1.7 million" in f.text)
    assert fact.independent_sources >= 2
    assert "nl-2026-03-12-refugee-report" in fact.article_ids


def test_every_event_gets_a_title_sources_and_outlet_comparison(briefed):
    by_id = briefed.by_id()
    for event in briefed.events:
        assert event.title
        assert 1 <= event.independent_sources <= len(event.article_ids)
        # a report that names no outlet is one unknown outlet of its own
        outlets = {by_id[i].source or f"unknown ({i})" for i in event.article_ids}
        if len(outlets) >= 2:
            assert {o.source for o in event.outlets} <= outlets
            assert any(o.only_here for o in event.outlets)
