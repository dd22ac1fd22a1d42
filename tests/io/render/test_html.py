"""The static report: a folder of pages (index.html and one per story, event, article, entity,
outlet) from the web UI's templates, with relative links, escaped, with charts on the home page."""

from __future__ import annotations

import re

from sitecheck import dead_links, pages, refs

from storyweave.io.render import write_reports
from storyweave.io.render.html import file_name
from storyweave.model import Article, Corpus, Event, Quote, SummarySentence


def _site(corpus, tmp_path, plots=False):
    out = tmp_path / "out"
    write_reports(corpus, out, plots=plots)
    return out


def _read(out, kind, ident):
    return (out / kind / f"{file_name(ident)}.html").read_text(encoding="utf-8")


def test_a_page_per_object_and_every_link_resolves(corpus, tmp_path):
    out = _site(corpus, tmp_path)
    for kind, idents in {"articles": [a.id for a in corpus.articles], "events": ["E1", "E2"], "stories": ["S1"],
                         "outlets": ["Daily Post", "Wire Times", "Evening <News>", "Sports Daily"],
                         "entities": ["Valdoria", "Mayor Ana Varga"]}.items():
        for ident in idents:
            assert (out / kind / f"{file_name(ident)}.html").is_file(), (kind, ident)
    assert {p.name for p in out.iterdir() if p.is_file()} >= {"index.html", "stories.html", "outlets.html", "run.html",
                                                              "style.css", "briefings.json", "briefings.md"}
    assert dead_links(out) == []


def test_summary_citations_link_to_article_pages(corpus, tmp_path):
    html = _read(_site(corpus, tmp_path), "events", "E1")
    summary = html[html.index('class="summary"'):]
    cite = re.search(r'on Monday\. <span class="cite">\[(.*?)\]</span></li>', summary).group(1)
    assert 'href="../articles/a1.html"' in cite and 'href="../articles/a2.html"' in cite
    assert 'href="../stories/' in html and "Earthquake in Valdoria" in html


def test_home_lists_events_newest_first_with_undated_last(corpus, tmp_path):
    corpus.events.append(Event(id="E3", article_ids=["a5"], title="Football", story_id=None))
    corpus.articles[4].event_id = "E3"
    home = (_site(corpus, tmp_path) / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'data-event-id="([^"]+)"', home) == ["E2", "E1", "E3"]
    assert f'href="events/{file_name("E2")}.html"' in home and 'href="stories.html"' in home


def test_source_text_is_escaped_on_every_page(corpus, tmp_path):
    out = _site(corpus, tmp_path)
    article = _read(out, "articles", "a3")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in article
    assert "&lt;i&gt;Quake&lt;/i&gt; &amp; aftermath" in article and "Evening &lt;News&gt;" in article
    for page in pages(out):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<i>Quake</i>" not in html and "<b>bold" not in html, page


def test_self_contained_with_inline_svg_charts(corpus, tmp_path):
    out = _site(corpus, tmp_path, plots=True)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert home.count("<svg") == 3
    assert 'id="plot-articles_per_day"' in home and 'id="plot-sources_per_event"' in home
    for page in pages(out):  # nothing fetched: no src, no absolute link, only the local style sheet
        html = page.read_text(encoding="utf-8")
        prefix = "../" if page.parent != out else ""
        assert [r for r in refs(html) if r[1] != "href" or r[0] != "a"] == [("link", "href", f"{prefix}style.css")]
        assert 'href="/' not in html and "<form" not in html, page


def test_event_titles_in_charts_are_escaped(corpus, tmp_path):
    corpus.events[0].title = "<script>alert(1)</script>"
    out = _site(corpus, tmp_path, plots=True)
    assert "<script>alert(1)" not in (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in _read(out, "events", "E1")


def test_unsafe_urls_are_not_linked(corpus, tmp_path):
    corpus.articles[0].url = "javascript:alert(1)"
    out = _site(corpus, tmp_path)
    assert not any('href="javascript:' in p.read_text(encoding="utf-8") for p in pages(out))


def test_empty_corpus_renders(tmp_path):
    out = _site(Corpus(), tmp_path, plots=True)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "<svg" not in home and "0 articles" in home and "no events" in home
    assert dead_links(out) == []


def test_hash_ids_get_short_citation_labels(corpus, tmp_path):
    long_id = "3f94467f3893d1dc56675530cdb8a1896d632c817b6da32401fefb08"
    corpus.articles[3].id = long_id
    corpus.events[1].article_ids = [long_id]
    corpus.events[1].summary[0].article_ids = [long_id]
    html = _read(_site(corpus, tmp_path), "events", "E2")
    assert f'href="../articles/{long_id}.html"' in html and ">3f94467f38…</a>" in html
    assert dead_links(tmp_path / "out") == []


def test_hostile_ids_stay_inside_the_folder(tmp_path):
    hostile = ["../../escaped", "/etc/passwd", "..", "a/../../b", "C:\\x", "nul", "line\nbreak", "x" * 400]
    articles = [Article(id=i, text=f"Report number {n}.", source=f"../outlet{n}", event_id="../../E")
                for n, i in enumerate(hostile)]
    event = Event(id="../../E", article_ids=hostile, title="hostile", story_id="../S",
                  summary=[SummarySentence("Report number 0.", hostile[:2])],
                  quotes=[Quote("../../speaker", "words", ["words"], hostile[:1])])
    corpus = Corpus(articles=articles, events=[event])
    out = tmp_path / "deep" / "out"
    write_reports(corpus, out, plots=False)
    everything = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to(out.resolve()) for p in everything)
    assert len(list((out / "articles").glob("*.html"))) == len(hostile)
    assert dead_links(out) == []


def test_file_names_are_safe_and_distinct():
    idents = ["a1", "A1", "../x", "..x", "x/..", "Reuters", "reuters", "e1_abc", "", " ", "€", "con", "x" * 300]
    names = [file_name(i) for i in idents]
    assert len(set(names)) == len(idents)
    for name in names:
        assert re.fullmatch(r"[a-z0-9._-]{1,80}", name) and ".." not in name and not name.startswith(".")
    assert file_name("a1") == "a1" and file_name("ev-12ab") == "ev-12ab"  # plain ids stay readable


def test_write_reports_returns_the_json_markdown_and_home_page(corpus, tmp_path):
    paths = write_reports(corpus, tmp_path / "out", plots=False)
    assert sorted(p.name for p in paths.values()) == ["briefings.json", "briefings.md", "index.html"]
    assert all(p.stat().st_size > 0 for p in paths.values())


def test_pages_of_objects_gone_are_removed(corpus, tmp_path):
    out = _site(corpus, tmp_path)
    assert (out / "articles" / "a5.html").is_file()
    corpus.articles = corpus.articles[:4]
    write_reports(corpus, out, plots=False)
    assert not (out / "articles" / "a5.html").exists() and (out / "articles" / "a4.html").is_file()
    assert dead_links(out) == []


def test_an_inferred_date_is_marked_with_what_it_rests_on(corpus, tmp_path):
    """A date read off the text is shown as inferred, with its evidence in words, on the article
    page and in briefings.json; a date that came with the report is shown plainly."""
    import json
    from dataclasses import replace

    from storyweave.model import REPORT_DATE_SOURCES

    inferred = replace(corpus.articles[3], published_inferred=True,
                       metadata={"inferred": {"published": "report_date: body"}})
    corpus = replace(corpus, articles=[*corpus.articles[:3], inferred, *corpus.articles[4:]])
    out = _site(corpus, tmp_path)
    page = _read(out, "articles", inferred.id)
    badge = re.search(r'<span class="badge warn" id="date-inferred" title="([^"]*)">([^<]*)</span>', page)
    assert badge and badge.group(1) == "report_date: body"
    assert badge.group(2) == "inferred: " + REPORT_DATE_SOURCES["body"].replace("'", "&#39;")
    assert 'id="date-inferred"' not in _read(out, "articles", corpus.articles[0].id)
    doc = json.loads((out / "briefings.json").read_text(encoding="utf-8"))
    found = {a["id"]: a["inferred_from"] for a in doc["articles"]}
    assert found[inferred.id] == {"published": "report_date: body"} and found[corpus.articles[0].id] == {}
