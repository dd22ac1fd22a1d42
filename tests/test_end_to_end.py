"""End to end on examples/corpus: read every file, run every stage once, compare with gold.json.

Partitions are compared as sets of article-id sets (event/story ids are the pipeline's own).
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from storyweave.model import Article, Corpus, Event

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
NOT_ARTICLES = {"README.md", "gold.json"}  # files in the corpus folder that are not reports


def _norm(text: str) -> str:
    return " ".join(text.split())


def _key(name: str) -> str:
    name = _norm(name).casefold()
    return name[4:] if name.startswith("the ") else name


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(example_run) -> tuple[Corpus, list]:
    return example_run


@pytest.fixture(scope="module")
def corpus(result) -> Corpus:
    return result[0]


@pytest.fixture(scope="module")
def by_gold_id(corpus, gold) -> dict[str, Article]:
    """Gold id -> article (by id; feed entries may also be matched by the last URL segment)."""
    found: dict[str, Article] = {}
    for article in corpus.articles:
        for key in (article.id, (article.url or "").rstrip("/").rsplit("/", 1)[-1]):
            if key in gold["articles"] and key not in found:
                found[key] = article
                break
    return found


@pytest.fixture(scope="module")
def events_by_id(corpus) -> dict[str, Event]:
    return {e.id: e for e in corpus.events}


def _event_of(gold_ids: list[str], by_gold_id: dict[str, Article], events_by_id: dict[str, Event]) -> Event:
    """The output event holding most of `gold_ids`."""
    counts = Counter(by_gold_id[i].event_id for i in gold_ids if by_gold_id[i].event_id)
    assert counts, f"none of {gold_ids} is in an event"
    return events_by_id[counts.most_common(1)[0][0]]


def _gold_event_articles(gold: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for article_id, label in sorted(gold["articles"].items()):
        out.setdefault(label["event"], []).append(article_id)
    return out


def _partition(groups: dict) -> set[frozenset[str]]:
    return {frozenset(ids) for ids in groups.values()}


# ------------------------------------------------------------------------------ reading


def test_every_gold_article_is_read_and_only_non_articles_fail(result, by_gold_id, gold):
    _, errors = result
    assert set(by_gold_id) == set(gold["articles"])
    assert {Path(e.path).name for e in errors} <= NOT_ARTICLES, [str(e) for e in errors]


def test_unknown_jsonl_fields_are_kept_as_metadata(by_gold_id):
    assert by_gold_id["md-0312-displaced"].metadata.get("section") == "World"
    assert by_gold_id["cp-0303-talks-open"].metadata.get("priority") == "urgent"


# ------------------------------------------------------------------------------ grouping


def test_event_partition_equals_gold(by_gold_id, gold):
    got: dict = {}
    for gold_id, article in by_gold_id.items():
        got.setdefault(article.event_id or ("unassigned", gold_id), set()).add(gold_id)
    assert _partition(got) == _partition(_gold_event_articles(gold))


def test_story_partition_equals_gold(by_gold_id, events_by_id, gold):
    got: dict = {}
    for gold_id, article in by_gold_id.items():
        event = events_by_id.get(article.event_id)
        key = (event.story_id or ("no story", event.id)) if event else ("unassigned", gold_id)
        got.setdefault(key, set()).add(gold_id)
    want: dict = {}
    for gold_id, label in gold["articles"].items():
        want.setdefault(label["story"], set()).add(gold_id)
    assert _partition(got) == _partition(want)


def test_event_dates_equal_gold(by_gold_id, events_by_id, gold):
    got, want = {}, {}
    for event_key, ids in _gold_event_articles(gold).items():
        event = _event_of(ids, by_gold_id, events_by_id)
        got[event_key] = (event.date or "")[:10] or None
        want[event_key] = gold["events"][event_key]["date"]
    assert got == want


# ------------------------------------------------------------------------------ copies


def test_duplicate_links_equal_gold(by_gold_id, gold):
    ids = {a.id: gold_id for gold_id, a in by_gold_id.items()}
    got = {(gold_id, ids.get(a.duplicate_of, a.duplicate_of), a.duplicate_kind)
           for gold_id, a in by_gold_id.items() if a.duplicate_of}
    want = {(gold_id, label["duplicate_of"], label["duplicate_kind"])
            for gold_id, label in gold["articles"].items() if label["duplicate_of"]}
    assert got == want


def test_shared_wire_pairs_equal_gold(by_gold_id, gold):
    ids = {a.id: gold_id for gold_id, a in by_gold_id.items()}
    got = {frozenset((gold_id, ids.get(other, other))) for gold_id, a in by_gold_id.items() for other in a.shares_wire_with}
    want = {frozenset((gold_id, other)) for gold_id, label in gold["articles"].items()
            for other in label["shares_wire_with"]}
    assert got == want


# ------------------------------------------------------------------------------ cleaning


def test_every_noise_line_is_removed(by_gold_id, gold):
    missed = []
    for gold_id, lines in gold["noise"].items():
        article = by_gold_id[gold_id]
        removed = {_norm(line) for chunk in article.removed for line in chunk.splitlines()}
        text_lines = {_norm(line) for line in article.text.splitlines()}
        missed += [(gold_id, line) for line in lines if _norm(line) not in removed or _norm(line) in text_lines]
    assert not missed


def test_every_keep_sentence_survives(by_gold_id, gold):
    lost = [(gold_id, s) for gold_id, sentences in gold["keep"].items() for s in sentences
            if _norm(s) not in _norm(by_gold_id[gold_id].text)]
    assert not lost


# ------------------------------------------------------------------------------ briefings


def test_every_summary_sentence_is_verbatim_from_a_cited_article(corpus):
    texts = {a.id: a.text for a in corpus.articles}
    assert corpus.events
    for event in corpus.events:
        assert event.summary, f"event {event.id} has no summary"
        for sentence in event.summary:
            assert sentence.article_ids and set(sentence.article_ids) <= set(event.article_ids), sentence
            assert any(sentence.text in texts.get(i, "") for i in sentence.article_ids), sentence


def test_every_quote_is_found_in_a_cited_article(corpus):
    texts = {a.id: _norm(a.text) for a in corpus.articles}
    for event in corpus.events:
        for quote in event.quotes:
            assert quote.article_ids, quote
            assert any(_norm(quote.text) in texts.get(i, "") for i in quote.article_ids), quote


def _same_words(a: str, b: str) -> bool:
    a, b = _norm(a).casefold().strip(" .,"), _norm(b).casefold().strip(" .,")
    return a in b or b in a


def test_reworded_quotes_are_matched_to_their_canonical_speaker(corpus, gold):
    aliases = {e["canonical"]: {_key(a) for a in e["aliases"]} for e in gold["entities"]}
    for gold_quote in gold["quotes"]:
        speaker_names = aliases[gold_quote["speaker"]]
        candidates = [
            q for event in corpus.events for q in event.quotes
            if q.speaker and _key(q.speaker) in speaker_names
            and all(any(_same_words(v, form) for form in [q.text, *q.variants]) for v in gold_quote["variants"])
        ]
        assert candidates, f"no single quote of {gold_quote['speaker']} covers {gold_quote['variants']}"


def _standalone_aliases(entity: dict, texts: list[str]) -> set[str]:
    """Aliases that occur somewhere not merely inside a longer alias of the same entity."""
    out = set()
    for alias in entity["aliases"]:
        longer = [a for a in entity["aliases"] if alias in a and a != alias]
        for text in texts:
            for m in re.finditer(rf"\b{re.escape(alias)}\b", text):
                window = text[max(0, m.start() - 40):m.end() + 40]
                if not any(a in window for a in longer):
                    out.add(alias)
    return out


def test_entity_alias_groups_end_up_in_one_entity(corpus, gold):
    texts = [a.text for a in corpus.articles]
    problems = []
    for gold_entity in gold["entities"]:
        keys = {_key(a) for a in gold_entity["aliases"]}
        seen: set[str] = set()
        for event in corpus.events:
            matches = [e for e in event.entities if {_key(e.name), *map(_key, e.aliases)} & keys]
            if len(matches) > 1:
                problems.append((gold_entity["canonical"], event.id, [m.name for m in matches]))
            for e in matches:
                seen |= {_key(e.name), *map(_key, e.aliases)}
        wanted = {_key(a) for a in _standalone_aliases(gold_entity, texts)}
        if not wanted <= seen:
            problems.append((gold_entity["canonical"], "never found as", sorted(wanted - seen)))
    assert not problems


def test_discrepancies_are_reported(by_gold_id, events_by_id, gold):
    for gold_d in gold["discrepancies"]:
        event = _event_of(gold_d["article_ids"], by_gold_id, events_by_id)

        def covers(d, value: str) -> bool:
            pattern = re.compile(rf"(?<![\d,.]){re.escape(value)}(?![\d,])")
            return any(pattern.search(v.value) or pattern.search(v.text) for v in d.values)

        assert any(all(covers(d, v) for v in gold_d["values"]) for d in event.discrepancies), (
            gold_d["subject"], [[v.value for v in d.values] for d in event.discrepancies])


def test_timeline_resolves_relative_dates(by_gold_id, events_by_id, gold):
    wrong, checked = [], 0
    per_article: dict[str, list[dict]] = {}
    for entry in gold["dates"]:
        per_article.setdefault(entry["article_id"], []).append(entry)
    for entry in gold["dates"]:
        article = by_gold_id[entry["article_id"]]
        event = events_by_id.get(article.event_id)
        assert event is not None, entry
        others = [e for e in per_article[entry["article_id"]] if e["date"] != entry["date"]]
        for item in event.timeline:
            if article.id in item.article_ids and entry["phrase"] in item.text \
                    and not any(o["phrase"] in item.text for o in others):
                checked += 1
                if (item.date or "")[:10] != entry["date"]:
                    wrong.append((entry, item.date, item.text))
    assert not wrong
    assert checked >= len(gold["events"]), "timelines should carry the gold date phrases"
    for event_key, ids in _gold_event_articles(gold).items():
        event = _event_of(ids, by_gold_id, events_by_id)
        assert gold["events"][event_key]["date"] in {(t.date or "")[:10] for t in event.timeline}, event_key


# ------------------------------------------------------------------------------ output contract


def test_briefings_json_matches_the_schema(corpus):
    if importlib.util.find_spec("storyweave.io.render.contract") is None:
        pytest.skip("storyweave.io.render.contract not available yet")
    from storyweave.io.render import contract

    document = json.loads(contract.dumps(contract.to_briefings(corpus)))
    assert contract.validation_errors(document) == []
    assert {a["id"] for a in document["articles"]} == {a.id for a in corpus.articles}
    assert {e["id"] for e in document["events"]} == {e.id for e in corpus.events}
