"""index.html: self-contained, navigable, escaped, with charts."""

from __future__ import annotations

import re

from storyweave.model import Corpus
from storyweave.render import write_reports
from storyweave.render.html import render_html


def test_summary_with_linked_citations(corpus):
    html = render_html(corpus)
    assert "A magnitude 6.1 earthquake struck Valdoria on Monday." in html
    cite = re.search(r'on Monday\. <span class="cite">\[(.*?)\]</span></li>', html[html.index('class="summary"'):]).group(1)
    assert 'href="#art-a1"' in cite and 'href="#art-a2"' in cite
    assert 'id="art-a1"' in html and 'id="event-e1"' in html and 'href="#event-e1"' in html


def test_source_text_is_escaped(corpus):
    html = render_html(corpus)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "<i>Quake</i>" not in html and "&lt;i&gt;Quake&lt;/i&gt; &amp; aftermath" in html
    assert "Evening &lt;News&gt;" in html


def test_self_contained_with_inline_svg_charts(corpus):
    html = render_html(corpus)
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html)  # nothing fetched
    assert html.count("<svg") == 3
    assert 'id="plot-articles_per_day"' in html and 'id="plot-sources_per_event"' in html


def test_event_titles_in_charts_are_escaped(corpus):
    corpus.events[0].title = "<script>alert(1)</script>"
    html = render_html(corpus)
    assert "<script>alert(1)" not in html


def test_unsafe_urls_are_not_linked(corpus):
    corpus.articles[0].url = "javascript:alert(1)"
    assert 'href="javascript:' not in render_html(corpus, plots=False)


def test_write_reports_writes_three_files(corpus, tmp_path):
    paths = write_reports(corpus, tmp_path / "out", plots=False)
    assert sorted(p.name for p in paths.values()) == ["briefings.json", "briefings.md", "index.html"]
    assert all(p.stat().st_size > 0 for p in paths.values())


def test_empty_corpus_renders():
    html = render_html(Corpus())
    assert "<svg" not in html and "0</b>articles" in html


def test_hash_ids_get_short_citation_labels(corpus):
    long_id = "3f94467f3893d1dc56675530cdb8a1896d632c817b6da32401fefb08"
    corpus.articles[3].id = long_id
    corpus.events[1].article_ids = [long_id]
    corpus.events[1].summary[0].article_ids = [long_id]
    html = render_html(corpus, plots=False)
    assert f'href="#art-{long_id}"' in html and ">Daily Post 3f9446…</a>" in html
    assert ">a1</a>" in html  # readable ids stay as they are
