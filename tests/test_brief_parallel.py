"""Briefing events in forked worker processes gives exactly the briefings made in this process."""

from __future__ import annotations

import json
from pathlib import Path

from storyweave import clean, dedup, language, parallel
from storyweave.brief import build_briefings
from storyweave.config import Config
from storyweave.model import Corpus, Event, to_dict
from storyweave.readers import read_paths

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


def _corpus() -> Corpus:
    gold = json.loads((EXAMPLES / "gold.json").read_text(encoding="utf-8"))
    corpus = Corpus(articles=read_paths([EXAMPLES])[0])
    for stage in (clean.clean_corpus, language.detect_languages, dedup.find_duplicates):
        corpus = stage(corpus, Config())
    members: dict[str, list[str]] = {}
    for a in corpus.articles:
        if a.id in gold["articles"]:
            members.setdefault(gold["articles"][a.id]["event"], []).append(a.id)
    corpus.events = [Event(id=e, article_ids=ids) for e, ids in sorted(members.items())]
    return corpus


def test_forked_briefs_equal_in_process_briefs(monkeypatch):
    corpus = _corpus()
    assert len(corpus.events) >= 3
    here = build_briefings(corpus, Config().replace("run.processes", 1))
    real = parallel.fork_map
    calls = []

    def eager(fn, items, processes, **kw):
        calls.append((len(items), processes))
        return real(fn, items, processes, **{**kw, "min_items": 1})

    monkeypatch.setattr(parallel, "fork_map", eager)
    forked = build_briefings(corpus, Config().replace("run.processes", 2))
    assert calls == [(len(corpus.events), 2)]
    assert [to_dict(e) for e in forked.events] == [to_dict(e) for e in here.events]
    assert forked.work["brief"] == len(corpus.events) and forked.cache == here.cache
    assert any(e.summary for e in forked.events)
