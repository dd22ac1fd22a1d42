"""The indexed cross-event name linking gives exactly what the pairwise scan gave (the reference
copy in `_link_reference.py`), on real names, with far fewer pairwise tests."""

from __future__ import annotations

import copy
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import _link_reference as reference  # tests/analysis is on sys.path (pytest rootdir-less test dirs)
import pytest

from storyweave.model import Entity, Event
from storyweave.stages.analysis import EVENT_ANALYSIS, _apply_record, entities

NEWS = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "news_cluster" / "articles.jsonl"
# capitalised word runs of real text: the names the test links (PERSON for two words, else ORG),
# grouped per gold event and, inside an event, by last word into one entity with its spellings
_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:[ -](?:of |for |the )?[A-Z][a-z]+)+")


def _names(events: list[Event]) -> list[tuple[str, str, list[str]]]:
    return [(ev.id, e.name, list(e.aliases)) for ev in events for e in ev.entities]


def _link_both(events: list[Event]) -> tuple[list, list]:
    old, new = copy.deepcopy(events), copy.deepcopy(events)
    reference.link_across_events(old)
    entities.link_across_events(new)
    return _names(old), _names(new)


def _news_events() -> list[Event]:
    if not NEWS.exists():
        pytest.skip(f"{NEWS} not present (../shared/benchmarks)")
    forms: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    ids: dict[tuple[str, str], set[str]] = defaultdict(set)
    for line in NEWS.open(encoding="utf-8"):
        row = json.loads(line)
        for name in _NAME_RUN.findall(row["text"]):
            last = name.split()[-1]
            forms[row["gold_event"]][last][name] += 1
            ids[(row["gold_event"], last)].add(row["id"])
    events = []
    for ev_id, by_last in sorted(forms.items()):
        ents = [Entity(name=c.most_common(1)[0][0], type="PERSON" if len(c.most_common(1)[0][0].split()) == 2 else "ORG",
                       aliases=[f for f, _ in c.most_common()], article_ids=sorted(ids[(ev_id, last)]))
                for last, c in sorted(by_last.items())]
        events.append(Event(id=ev_id, article_ids=[], entities=ents))
    return events


def test_link_is_identical_to_the_pairwise_scan_on_the_example_corpus(example_corpus):
    events = []  # every event's analysis before linking, as the cache keeps it
    for i, record in enumerate(example_corpus.cache[EVENT_ANALYSIS].values()):
        ev = Event(id=f"E{i}", article_ids=[])
        _apply_record(ev, record)
        events.append(ev)
    old, new = _link_both(events)
    assert len(old) > 50
    assert new == old


def test_link_is_identical_to_the_pairwise_scan_on_news_cluster_names(monkeypatch):
    events = _news_events()
    old, new = _link_both(events)
    assert sum(a != b for a, b in zip(_names(events), old, strict=False)) > 20  # linking changed names: not a no-op
    assert new == old


def test_link_tests_only_near_names_not_every_pair(monkeypatch):
    events = _news_events()
    calls = Counter()

    def counting(module, label):
        real = module._surname_match

        def fn(a: str, b: str) -> bool:
            calls[label] += 1
            return real(a, b)
        monkeypatch.setattr(module, "_surname_match", fn)

    counting(reference, "pairwise")
    counting(entities, "indexed")
    _link_both(events)
    assert calls["pairwise"] > 100_000
    assert calls["indexed"] * 50 < calls["pairwise"]
