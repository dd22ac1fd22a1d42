"""The gold labels of examples/corpus agree with the files, read here independently of
storyweave (lxml, json, the standard library); and storyweave, run on the corpus, agrees with
that reading and with the gold (its readers keep every labelled line, outlet and date; its
date expressions resolve to the gold dates).  Events, stories, duplicates, noise, quotes,
entities and discrepancies against the gold: test_end_to_end.py, on the same pipeline run."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"
KINDS = {"exact", "near", "rewrite", "translation"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _norm(text: str) -> str:
    return " ".join(text.split())


def _read_raw() -> dict[str, dict]:
    """id -> {"lines": [paragraph lines], "text": joined text, "path", "source", "published"}."""
    docs: dict[str, dict] = {}

    def add(article_id: str, lines: list[str], path: Path, source: str | None, published: str | None) -> None:
        assert article_id not in docs, f"duplicate id {article_id} in {path}"
        lines = [line.strip() for line in lines if line.strip()]
        docs[article_id] = {"lines": lines, "text": "\n".join(lines), "path": path,
                            "source": source, "published": published}

    for path in sorted(CORPUS.rglob("*")):
        if path.suffix == ".txt":
            add(path.stem, path.read_text(encoding="utf-8").splitlines(), path, None, None)
        elif path.suffix == ".html":
            root = lxml_html.fromstring(path.read_text(encoding="utf-8"))
            paras = [p.text_content() for p in root.findall(".//article/p") if p.get("class") != "byline"]
            site = root.find(".//meta[@property='og:site_name']").get("content")
            published = root.find(".//meta[@property='article:published_time']").get("content")
            add(path.stem, paras, path, site, published)
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                add(record["id"], record["text"].split("\n"), path, record["source"], record["published"])
        elif path.suffix == ".xml":
            channel = etree.parse(str(path)).getroot().find("channel")
            for item in channel.findall("item"):
                content = item.find("{http://purl.org/rss/1.0/modules/content/}encoded").text
                paras = [html.unescape(re.sub(r"<[^>]+>", "", p)) for p in re.findall(r"<p>(.*?)</p>", content, re.S)]
                add(item.findtext("guid"), paras, path, item.findtext("source"), item.findtext("pubDate"))
    return docs


@pytest.fixture(scope="module")
def gold() -> dict:
    return json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw() -> dict[str, dict]:
    return _read_raw()


def test_every_file_is_labelled_and_every_label_has_a_file(gold, raw):
    assert set(raw) == set(gold["articles"])


def test_corpus_size_and_mix(gold, raw):
    assert len(raw) >= 34
    assert len(gold["events"]) >= 8 and len(gold["stories"]) >= 3
    suffixes = Counter(doc["path"].suffix for doc in raw.values())
    assert {".txt", ".html", ".jsonl", ".xml"} <= set(suffixes)
    outlets = {doc["source"] for doc in raw.values() if doc["source"]}
    assert len(outlets) >= 6, outlets
    assert len({doc["path"].parent for doc in raw.values()}) >= 5  # nested folders
    for article_id, doc in raw.items():
        words = len(re.findall(r"\w+", doc["text"]))
        assert 150 <= words <= 450, (article_id, words)


def test_article_labels_are_consistent(gold):
    articles, events, stories = gold["articles"], gold["events"], gold["stories"]
    for article_id, label in articles.items():
        assert label["event"] in events, article_id
        assert label["story"] == events[label["event"]]["story"], article_id
        original = label["duplicate_of"]
        if original is None:
            assert label["duplicate_kind"] is None, article_id
        else:
            assert label["duplicate_kind"] in KINDS, article_id
            assert original in articles and original != article_id
            assert articles[original]["duplicate_of"] is None, "originals are not copies themselves"
            assert articles[original]["event"] == label["event"]
        for other in label["shares_wire_with"]:
            assert other in articles and other != article_id
            assert article_id in articles[other]["shares_wire_with"], "wire sharing is symmetric"
    for event in events.values():
        assert event["story"] in stories
        assert ISO_DATE.match(event["date"]) and date.fromisoformat(event["date"])
    assert {label["event"] for label in articles.values()} == set(events)


def test_built_in_problems_are_present(gold):
    kinds = Counter(label["duplicate_kind"] for label in gold["articles"].values())
    assert kinds["near"] >= 3 and kinds["exact"] >= 1 and kinds["rewrite"] >= 1
    assert any(label["shares_wire_with"] for label in gold["articles"].values())
    by_story = Counter(event["story"] for event in gold["events"].values())
    assert all(count >= 2 for count in by_story.values())
    same_day = Counter(event["date"] for event in gold["events"].values())
    assert max(same_day.values()) >= 2, "hard negatives: events of different stories on one day"


def test_exact_duplicates_have_identical_text(gold, raw):
    for article_id, label in gold["articles"].items():
        if label["duplicate_kind"] == "exact":
            assert raw[article_id]["text"] == raw[label["duplicate_of"]]["text"]


def test_wire_copies_really_share_paragraphs(gold, raw):
    for article_id, label in gold["articles"].items():
        for other in label["shares_wire_with"]:
            shared = set(raw[article_id]["lines"]) & set(raw[other]["lines"])
            assert len(shared) >= 2, (article_id, other)


def test_noise_lines_are_whole_lines_of_their_article(gold, raw):
    assert len(gold["noise"]) >= 10
    for article_id, lines in gold["noise"].items():
        assert lines, article_id
        for line in lines:
            assert line in raw[article_id]["lines"], (article_id, line)


def test_keep_sentences_occur_and_are_not_noise(gold, raw):
    for article_id, sentences in gold["keep"].items():
        noise = set(gold["noise"].get(article_id, []))
        for sentence in sentences:
            assert _norm(sentence) in _norm(raw[article_id]["text"]), (article_id, sentence)
            assert sentence not in noise


def test_quote_variants_occur_verbatim(gold, raw):
    speakers = {entity["canonical"] for entity in gold["entities"]}
    for quote in gold["quotes"]:
        assert quote["speaker"] in speakers
        assert len(quote["variants"]) >= 2
        texts = [_norm(raw[a]["text"]) for a in quote["article_ids"]]
        for variant in quote["variants"]:
            assert any(_norm(variant) in text for text in texts), variant
        for article_id, text in zip(quote["article_ids"], texts, strict=True):
            assert any(_norm(v) in text for v in quote["variants"]), article_id


def test_discrepant_values_occur(gold, raw):
    for discrepancy in gold["discrepancies"]:
        values = discrepancy["values"]
        assert len(set(values)) >= 2
        events = {gold["articles"][a]["event"] for a in discrepancy["article_ids"]}
        assert len(events) == 1, "a discrepancy is between reports of one event"
        found = Counter()
        for article_id in discrepancy["article_ids"]:
            present = [v for v in values if re.search(rf"(?<![\d,.]){re.escape(v)}(?![\d,])", raw[article_id]["text"])]
            assert len(present) == 1, (article_id, present)
            found[present[0]] += 1
        assert set(found) == set(values)


def test_date_phrases_occur_and_are_iso(gold, raw):
    assert len(gold["dates"]) >= 10
    for entry in gold["dates"]:
        assert ISO_DATE.match(entry["date"]) and date.fromisoformat(entry["date"])
        assert entry["phrase"] in raw[entry["article_id"]]["text"], entry
        event_date = date.fromisoformat(gold["events"][gold["articles"][entry["article_id"]]["event"]]["date"])
        assert abs((date.fromisoformat(entry["date"]) - event_date).days) <= 31, entry


def test_entity_aliases_occur_on_their_own(gold, raw):
    """Each alias occurs somewhere not merely as part of a longer alias of the same entity."""
    texts = [doc["text"] for doc in raw.values()]
    for entity in gold["entities"]:
        assert entity["canonical"] in entity["aliases"]
        for alias in entity["aliases"]:
            longer = [a for a in entity["aliases"] if alias in a and a != alias]
            pattern = re.compile(rf"\b{re.escape(alias)}\b")
            standalone = any(
                not any(text[max(0, m.start() - len(a)):m.end() + len(a)].find(a) >= 0 for a in longer)
                for text in texts for m in pattern.finditer(text)
            )
            assert standalone, (entity["canonical"], alias)


def _day(published: str) -> date:
    """The calendar day of an ISO or RFC 2822 timestamp, in its own time zone."""
    try:
        return datetime.fromisoformat(published).date()
    except ValueError:
        return parsedate_to_datetime(published).date()


def test_storyweave_reads_each_file_as_the_independent_reading(gold, raw, example_run):
    """Same ids; every labelled paragraph line kept (in the text, or in the raw text before
    cleaning), except gold noise lines a reader may drop; the same outlet and day."""
    corpus, errors = example_run
    by_id = {a.id: a for a in corpus.articles}
    assert set(by_id) == set(raw) and not errors
    for article_id, doc in raw.items():
        article = by_id[article_id]
        read = _norm(article.raw_text or article.text)
        noise = set(gold["noise"].get(article_id, []))
        missing = [line for line in doc["lines"] if _norm(line) not in read and line not in noise]
        assert missing == [], article_id
        if doc["source"]:
            assert article.source == doc["source"], article_id
        if doc["published"]:
            assert article.published and article.published[:10] == _day(doc["published"]).isoformat(), article_id


def test_storyweave_resolves_the_gold_date_phrases(gold, example_run):
    """Each gold date phrase is a date expression storyweave found in that article, resolved
    to the gold day."""
    by_id = {a.id: a for a in example_run[0].articles}
    wrong = []
    for entry in gold["dates"]:
        refs = [r for r in by_id[entry["article_id"]].dates if entry["phrase"] in r.text or r.text in entry["phrase"]]
        if not any(r.value == entry["date"] for r in refs):
            wrong.append((entry, [(r.text, r.value) for r in refs]))
    assert wrong == []
