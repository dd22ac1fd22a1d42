"""Shared fixtures of the analysis tests: a small two-outlet event and the example corpus, analysed once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyweave.analysis import analyze_events
from storyweave.config import Config
from storyweave.model import Article, Corpus, Event

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "corpus"

WIRE = """KYIV, March 1 (Reuters) - Ukrainian presidential adviser Mykhailo Podolyak said on Monday that the first round of talks with Russia in Belarus had ended.
"Unfortunately, our expectations did not come true," Podolyak told reporters after the talks.
Russian delegation head Vladimir Medinsky said the sides had found points of agreement. "We will meet again in the coming days," Medinsky said.
About 1.7 million people have fled Ukraine since the invasion began on February 24, the UN said.
President Volodymyr Zelenskiy urged the EU to admit Ukraine. He said: “We are fighting for our land and our freedom.”
"""
PAPER = """Mykhaylo Podoliak, an adviser to the head of the president's office, said talks in Belarus on Monday produced no breakthrough.
“Unfortunately, our expectations were not fulfilled,” said Podoliak.
Around 1.5 million people have fled Ukraine, according to the UNHCR.
On the sixth day of the invasion, Zelensky spoke from Kiev. “We are fighting for our land and freedom,” Zelenskyy said.
Arakhamia, the head of the Ukrainian delegation, said the next round would take place on Wednesday.
"""
GERMAN_WIRE = """David Arachamija, head of the delegation, said Kyiv would not give up. Talks will continue on Thursday, he said."""


@pytest.fixture(scope="session")
def small_event() -> Event:
    articles = [
        Article(id="wire", source="Reuters", published="2022-03-01", text=WIRE),
        Article(id="paper", source="Paper", published="2022-03-01", text=PAPER),
        Article(id="reprint", source="Reprint", published="2022-03-01", text=WIRE, duplicate_of="wire",
                duplicate_kind="exact"),
        Article(id="dpa", source="DPA", published="2022-03-02", text=GERMAN_WIRE),
    ]
    corpus = Corpus(articles=articles, events=[Event(id="E1", article_ids=[a.id for a in articles])])
    return analyze_events(corpus, Config()).events[0]


@pytest.fixture(scope="session")
def gold() -> dict:
    path = EXAMPLES / "gold.json"
    if not path.exists():
        pytest.skip(f"{path} not found")
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def example_corpus(gold) -> Corpus:
    """The example corpus read, cleaned and analysed with gold events and duplicates."""
    from storyweave import clean, language
    from storyweave.readers import read_paths

    articles, errors = read_paths([EXAMPLES])
    settings = Config()
    corpus = language.detect_languages(clean.clean_corpus(Corpus(articles=articles, errors=errors), settings), settings)
    by_event: dict[str, list[str]] = {}
    for a in corpus.articles:
        g = gold["articles"].get(a.id)
        if g:
            a.duplicate_of, a.duplicate_kind = g["duplicate_of"], g["duplicate_kind"]
            by_event.setdefault(g["event"], []).append(a.id)
    corpus.events = [Event(id=e, article_ids=ids, story_id=gold["events"][e]["story"]) for e, ids in sorted(by_event.items())]
    return analyze_events(corpus, settings)
