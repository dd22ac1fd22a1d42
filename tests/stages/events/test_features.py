"""The events stage's findings per report (report dates, signals), kept by content: a later call
given them back reads no text again and clusters exactly as before; a changed text or knob
reads afresh."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from storyweave.config import Config
from storyweave.io.readers import read_paths
from storyweave.model import Article, Corpus
from storyweave.stages import events
from storyweave.stages.events import features, report_date

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "corpus"


def _bare_reports() -> list[Article]:
    """The example corpus's plain-text reports: no title, date or outlet came with them."""
    articles = sorted(read_paths([EXAMPLES / "txt"])[0], key=lambda a: a.id)
    return [replace(a, published=None, published_inferred=False, metadata={}) for a in articles]


def _count(monkeypatch, module, name: str) -> list[str]:
    """Ids of the articles `module.name` is called on (patched, still called)."""
    calls: list[str] = []
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda article, *a, **k: calls.append(article.id) or real(article, *a, **k))
    return calls


def _outcome(corpus: Corpus) -> tuple:
    return ([(e.id, e.article_ids, e.title, e.date) for e in corpus.events],
            [(a.id, a.published, a.published_inferred, a.metadata) for a in corpus.articles])


def test_kept_findings_give_the_same_events_without_reading_a_text(monkeypatch):
    articles = _bare_reports()
    first = events.cluster_events(Corpus(articles=articles), Config())
    assert any(a.published_inferred for a in first.articles)  # some reports state their date
    kept = json.loads(json.dumps({kind: first.cache[kind] for kind in (features.REPORT_DATES, features.SIGNALS)}))
    assert len(kept[features.REPORT_DATES]) == len(articles)  # every report came undated
    assert len(kept[features.SIGNALS]) == len(articles)  # no copies marked (no dedup here): every report compared

    read = _count(monkeypatch, features, "_read_signals")
    stated = _count(monkeypatch, report_date, "stated_date")
    again = events.cluster_events(Corpus(articles=_bare_reports(), cache=kept), Config())
    assert read == [] and stated == []  # nothing read off a text again
    assert _outcome(again) == _outcome(first)
    assert again.cache[features.SIGNALS] == kept[features.SIGNALS]

    fresh = events.cluster_events(Corpus(articles=_bare_reports()), Config())  # nothing kept: all read
    assert len(read) == len(kept[features.SIGNALS]) and len(stated) == len(articles)
    assert _outcome(fresh) == _outcome(first)


def test_a_changed_text_is_read_again(monkeypatch):
    first = events.cluster_events(Corpus(articles=_bare_reports()), Config())
    changed = _bare_reports()
    changed[0] = replace(changed[0], text=changed[0].text + "\n\nCorrection: an earlier version misspelt a name.")
    read = _count(monkeypatch, features, "_read_signals")
    stated = _count(monkeypatch, report_date, "stated_date")
    events.cluster_events(Corpus(articles=changed, cache=first.cache), Config())
    assert stated == [changed[0].id]
    assert read == [changed[0].id]


@pytest.mark.parametrize(("knob", "value", "same"), [
    ("events.fit_size", 10_000, True),  # set by an add for its working set: no report's findings change
    ("events.keep_stored", True, True),
    ("events.veto_date_sources", "all", False),  # decides which days may veto
    ("events.date_header_lines", 2, False),  # decides what report_date reads
])
def test_knobs_that_change_findings_change_the_keys(knob, value, same):
    article = _bare_reports()[0]
    base, other = Config().events, Config().replace(knob, value).events
    assert other != base
    assert (features.signals_key(article, other) == features.signals_key(article, base)) is same
    assert (features.date_key(article, other) == features.date_key(article, base)) is same


def test_cache_keys_name_what_the_stage_looks_up():
    """The keys an engine loads for stored reports are those the stage reads them by."""
    run = events.cluster_events(Corpus(articles=_bare_reports()), Config())
    stored = run.articles  # as the store keeps them: dates filled
    keys = features.cache_keys(stored, Config().events)
    assert set(run.cache[features.SIGNALS]) <= set(keys[features.SIGNALS])
    undated = [a for a in stored if not a.published]
    assert undated and set(keys[features.REPORT_DATES]) == {features.date_key(a, Config().events) for a in undated}
    assert set(keys[features.REPORT_DATES]) <= set(run.cache[features.REPORT_DATES])
