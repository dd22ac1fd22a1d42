"""The web UI in real headless Chromium (Debian's `chromium`, driven by Playwright with
`executable_path`; nothing is downloaded; the fixtures are in tests/conftest.py): browse, deep-link, search, filter, and article text
with <script>/event handlers shown as text. Screenshots go to $STORYWEAVE_ARTIFACTS or a tmp dir."""

from __future__ import annotations

import re

import pytest

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (dev extra) not installed")
uvicorn = pytest.importorskip("uvicorn")

from serverdata import live_server  # noqa: E402

# `browser`, `page` (Chromium via Playwright) and `artifacts`: tests/conftest.py


@pytest.fixture(scope="module")
def base_url(served):
    _, app = served
    with live_server(app) as url:
        yield url


def test_home_event_and_cited_article(page, base_url, artifacts, served):
    client, _ = served
    page.goto(base_url + "/")
    rows = page.locator("tr.event-row")
    assert rows.count() == client.get("/api/v1/events").json()["total"]
    page.screenshot(path=str(artifacts / "home.png"), full_page=True)
    quake = client.get("/api/v1/articles/p1").json()["event_id"]
    page.locator(f'tr.event-row[data-event-id="{quake}"] a').click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/events/{quake}")
    assert page.locator("#event-title").inner_text().strip()
    assert page.locator("#summary li").count() >= 1
    page.screenshot(path=str(artifacts / "event.png"), full_page=True)
    page.locator("#summary .cite a").first.click()
    page.wait_for_load_state()
    assert "/articles/" in page.url and "Valdoria" in page.locator("#article-text").inner_text()
    page.screenshot(path=str(artifacts / "article.png"), full_page=True)


def test_story_page(page, base_url, served):
    client, _ = served
    stories = client.get("/api/v1/stories").json()["items"]
    if not stories:
        pytest.skip("the fixture produced no story")
    page.goto(base_url + "/stories")
    page.locator("tr.story-row a").first.click()
    page.wait_for_load_state()
    assert page.locator("#story-title").inner_text().strip() and page.locator("tr.event-row").count() >= 1


def test_search_from_the_header_and_filter(page, base_url, artifacts):
    page.goto(base_url + "/")
    page.fill('header input[name="q"]', "Valdoria")
    page.press('header input[name="q"]', "Enter")
    page.wait_for_load_state()
    assert page.locator("li.hit").count() == 3
    assert page.locator("li.hit mark").first.inner_text() == "Valdoria"
    page.select_option('#search-form select[name="outlet"]', "Wire")
    page.click("#search-form button")
    page.wait_for_load_state()
    assert "outlet=Wire" in page.url and page.locator("li.hit").count() == 1
    assert page.locator("li.hit a").first.get_attribute("href") == "/articles/w1"
    page.screenshot(path=str(artifacts / "search.png"), full_page=True)


def test_article_markup_is_shown_as_text_and_never_runs(page, base_url, artifacts):
    page.goto(base_url + "/articles/evil%2F..%2F1")
    text = page.locator("#article-text").inner_text()
    assert "<script>window.__pwned = 1</script>" in text and '<svg onload="window.__pwned = 2"></svg>' in text
    assert "<script>window.__pwned = 3</script>" in page.locator("#article-title").inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("main svg").count() == 0 and page.locator("main script").count() == 0
    page.screenshot(path=str(artifacts / "escaped.png"), full_page=True)


def test_add_form_with_token_posts_and_links_the_event(page, base_url):
    # this module's server has a token, so the form is shown (without one it is hidden: see
    # test_server_security.py); the form posts, polls the job and links the article's event
    page.goto(base_url + "/")
    assert page.locator("#add-form").count() == 1
    from serverdata import TOKEN

    page.fill('#add-form input[name="id"]', "b1")
    page.fill('#add-form input[name="token"]', TOKEN)
    page.fill('#add-form textarea[name="text"]', "A new bridge opened in Kestrel on Friday, the city council said.")
    page.click("#add-form button")
    playwright_api.expect(page.locator("#add-status")).to_have_text(re.compile(r"^done"), timeout=120_000)
    assert page.locator("#add-status a").get_attribute("href").startswith("/events/")
