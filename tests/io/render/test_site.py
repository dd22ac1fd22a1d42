"""The static report of a real run (the example corpus through every stage): a page for every
story, event, article, entity and outlet, every relative link resolves to a file of the folder,
and the home page lists the events newest first, undated last."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sitecheck import dead_links, pages

from storyweave.engines.local import run_pipeline
from storyweave.io.readers import read_paths
from storyweave.io.render import write_reports
from storyweave.io.render.html import file_name
from storyweave.model import Corpus

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "corpus"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Corpus, Path]:
    articles, errors = read_paths([EXAMPLES])
    corpus = run_pipeline(Corpus(articles=articles, errors=list(errors))).corpus
    out = tmp_path_factory.mktemp("site") / "out"
    write_reports(corpus, out, plots=False)
    return corpus, out


def test_a_page_per_story_event_article_entity_and_outlet(site):
    corpus, out = site
    expected = {
        "stories": {s.id for s in corpus.stories},
        "events": {e.id for e in corpus.events},
        "articles": {a.id for a in corpus.articles},
        "outlets": {a.source for a in corpus.articles if a.source},
        "entities": {ent.name for e in corpus.events for ent in e.entities},
    }
    assert all(expected.values()), expected  # the run found some of each
    for kind, idents in expected.items():
        names = {p.name for p in (out / kind).glob("*.html")}
        assert {f"{file_name(i)}.html" for i in idents} <= names, kind
    event = corpus.events[0]
    html = (out / "events" / f"{file_name(event.id)}.html").read_text(encoding="utf-8")
    assert f"<code>{event.id}</code>" in html and 'id="sources"' in html


def test_every_relative_link_resolves_to_a_file_of_the_folder(site):
    _, out = site
    assert len(pages(out)) > 50
    assert dead_links(out) == []


def test_home_lists_events_newest_first_undated_last(site):
    corpus, out = site
    home = (out / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'data-event-id="([^"]+)"', home)
    dates = {e.id: e.date for e in corpus.events}
    assert sorted(listed) == sorted(dates)
    keys = [(dates[i] is None, "" if dates[i] is None else "".join(chr(0x10FFFF - ord(c)) for c in dates[i][:10]))
            for i in listed]
    assert keys == sorted(keys)
    assert all(f'href="stories/{file_name(s.id)}.html"' in home for s in corpus.stories[:8])
