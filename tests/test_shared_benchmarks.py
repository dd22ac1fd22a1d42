"""Regression guards on the real shared benchmark data (`../shared/benchmarks/`, present on CI).

These are quality floors well below the figures in BENCHMARKS.md, on real inputs: they fail when a
change breaks clustering or summarising on real news, not when a figure moves by noise.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sklearn.metrics.cluster import pair_confusion_matrix

from storyweave import pipeline
from storyweave.config import Config
from storyweave.io.readers import read_paths
from storyweave.model import Corpus
from storyweave.nlp.text import count_words, split_sentences
from storyweave.stages.brief import brief_cluster

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks"
NEWS = SHARED / "news_cluster" / "articles.jsonl"
MULTINEWS = SHARED / "multinews_dev" / "clusters.jsonl"

pytestmark = pytest.mark.skipif(not NEWS.exists() or not MULTINEWS.exists(),
                                reason="../shared/benchmarks not present")


def pairwise_f1(pred: list[str], gold: list[str]) -> tuple[float, float, float]:
    (_, fp), (fn, tp) = pair_confusion_matrix(gold, pred)
    p, r = tp / (tp + fp), tp / (tp + fn)
    return p, r, 2 * p * r / (p + r)


@pytest.fixture(scope="module")
def clustered() -> tuple[Corpus, dict[str, str]]:
    articles, errors = read_paths([NEWS])
    assert errors == [] and len(articles) == 383
    gold = {json.loads(line)["id"]: json.loads(line)["gold_event"] for line in NEWS.open(encoding="utf-8")}
    upto_stories = [s for s in pipeline.STAGES if s.name in {"clean", "language", "dedup", "events", "stories"}]
    corpus = Corpus(articles=articles)
    for stage in upto_stories:
        corpus = stage.fn(corpus, Config())
    return corpus, gold


def test_news_cluster_stories_match_gold_events_better_than_tfidf_baseline(clustered):
    corpus, gold = clustered
    story_of_event = {e.id: e.story_id for e in corpus.events}
    ids = [a.id for a in corpus.articles]
    stories = [story_of_event[a.event_id] for a in corpus.articles]
    p, r, f1 = pairwise_f1(stories, [gold[i] for i in ids])
    assert f1 >= 0.88, (p, r, f1)  # 0.927 measured; the tuned TF-IDF baseline reaches 0.858


def test_news_cluster_events_are_precise_single_happenings(clustered):
    corpus, gold = clustered
    p, _, _ = pairwise_f1([a.event_id for a in corpus.articles], [gold[a.id] for a in corpus.articles])
    assert p >= 0.97  # an event never mixes two gold events (0.999 measured)
    assert all(e.date for e in corpus.events if len(e.article_ids) > 1)


def _lead(documents: list[str], budget: int) -> list[str]:
    sents = [[s.text for s in split_sentences(d)] for d in documents]
    out, used = [], 0
    for i in range(max(len(s) for s in sents)):
        for doc in sents:
            if i < len(doc) and used + count_words(doc[i]) <= budget:
                out.append(doc[i])
                used += count_words(doc[i])
    return out


def test_multinews_briefs_are_cited_verbatim_within_budget_and_beat_lead():
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    records = [json.loads(line) for _, line in zip(range(40), MULTINEWS.open(encoding="utf-8"), strict=False)]
    ours, lead = [], []
    for rec in records:
        budget = count_words(rec["summary"])
        out = brief_cluster({"id": rec["id"], "documents": rec["documents"], "max_words": budget}, 120)
        assert sum(count_words(s["text"]) for s in out["summary"]) <= budget
        for sentence in out["summary"]:
            assert sentence["article_ids"], sentence
            cited = [rec["documents"][int(i)] for i in sentence["article_ids"]]
            assert any(sentence["text"] in doc for doc in cited), sentence["text"]
        ours.append(scorer.score(rec["summary"], "\n".join(s["text"] for s in out["summary"]))["rouge1"].fmeasure)
        lead.append(scorer.score(rec["summary"], "\n".join(_lead(rec["documents"], budget)))["rouge1"].fmeasure)
    gain = 100 * (sum(ours) - sum(lead)) / len(records)
    assert gain >= 1.5, gain  # +4.0 on all 250 clusters


def test_report_dates_inferred_from_bare_news_are_mostly_right(tmp_path):
    """news_cluster written out as bare text (no title, date or outlet) and dated as a run dates
    it: most reports get no date (they write none), and of those that get one, fewer than 3 in 10
    are more than a day off (28 of 86 before a day named far down a narrative stopped counting,
    21 of 78 after; benchmarks/report_dates_bench.py)."""
    from datetime import date

    from storyweave.stages.clean import clean_corpus
    from storyweave.stages.events.report_date import fill_report_dates

    rows = [json.loads(line) for line in NEWS.open(encoding="utf-8")]
    for i, row in enumerate(rows):
        (tmp_path / f"{i:05d}.txt").write_text(row["text"], encoding="utf-8")
    articles, _ = read_paths([tmp_path])
    articles = clean_corpus(Corpus(articles=articles), Config()).articles
    fill_report_dates(articles, Config().events)
    off = [abs((date.fromisoformat(a.published[:10]) - date.fromisoformat(rows[int(a.id)]["published"][:10])).days)
           for a in articles if a.published]
    assert len(off) >= 60
    assert sum(d > 1 for d in off) <= 0.3 * len(off)
