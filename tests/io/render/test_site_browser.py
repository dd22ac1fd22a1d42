"""The static report in real headless Chromium from file:// (no server, offline): home, filter,
an event, a cited article, a story; article markup shows as text and never runs. Same setup as
tests/server/test_browser.py (Debian's chromium via Playwright; nothing downloaded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave.io.render import write_reports
from storyweave.io.render.html import file_name
from storyweave.model import Article

EVIL = 'Council met <script>window.__pwned = 1</script> on Tuesday. <svg onload="window.__pwned = 2"></svg> Vote delayed.'


@pytest.fixture
def report(corpus, tmp_path) -> Path:
    corpus.articles.append(Article(id="evil/../1", text=EVIL, raw_text=EVIL, source="Gazette",
                                   title='<script>window.__pwned = 3</script>Council "vote"', event_id="E2"))
    corpus.events[1].article_ids.append("evil/../1")
    out = tmp_path / "out"
    write_reports(corpus, out)
    return out


@pytest.fixture(scope="module")
def offline(browser):
    """The shared Chromium context (tests/conftest.py), checked to fetch nothing but the report's own files."""
    fetched: list[str] = []
    browser.on("request", lambda r: fetched.append(r.url) if not r.url.startswith("file://") else None)
    yield browser
    assert not fetched, fetched


@pytest.fixture
def page(offline, page):
    return page


def test_home_filter_event_cited_article_and_back(page, report, artifacts):
    page.goto((report / "index.html").as_uri())
    rows = page.locator("tr.event-row")
    assert rows.count() == 2 and page.locator("#plot-articles_per_day svg").count() == 1
    page.fill("#filter", "rescuers")
    assert page.locator("tr.event-row:visible").count() == 1 and page.locator("#filter-count").inner_text() == "1 event shown"
    page.fill("#filter", "")
    assert page.locator("tr.event-row:visible").count() == 2
    page.screenshot(path=str(artifacts / "static-home.png"), full_page=True)
    page.locator('tr.event-row[data-event-id="E1"] a').click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/events/{file_name('E1')}.html")
    assert page.locator("#event-title").inner_text() == "Earthquake in Valdoria"
    assert page.locator("#discrepancies .side > div").count() == 2
    page.screenshot(path=str(artifacts / "static-event.png"), full_page=True)
    page.locator("#summary .cite a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/articles/a1.html") and "1.7 million" in page.locator("#article-text").inner_text()
    page.locator("header a.brand").click()
    page.wait_for_load_state()
    assert page.url.endswith("/index.html")


def test_story_page_links_its_events(page, report):
    page.goto((report / "stories.html").as_uri())
    page.locator("tr.story-row a").first.click()
    page.wait_for_load_state()
    assert page.locator("#story-title").inner_text() == "Valdoria earthquake"
    assert page.locator("#timeline-plot rect.bar").count() == 2 and page.locator("tr.event-row").count() == 2


def test_article_markup_is_shown_as_text_and_never_runs(page, report, artifacts):
    page.goto((report / "articles" / f"{file_name('evil/../1')}.html").as_uri())
    text = page.locator("#article-text").inner_text()
    assert "<script>window.__pwned = 1</script>" in text and '<svg onload="window.__pwned = 2"></svg>' in text
    assert "<script>window.__pwned = 3</script>" in page.locator("#article-title").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("main svg").count() == 0 and page.locator("main script").count() == 0
    page.screenshot(path=str(artifacts / "static-escaped.png"), full_page=True)
