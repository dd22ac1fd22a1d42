"""Web UI: a stable page per event, story, article, entity and outlet; search with filters;
article-derived text always escaped."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi", reason="server extra (fastapi) not installed")


def _event_of(client, article_id: str) -> str:
    return client.get(f"/api/v1/articles/{quote(article_id, safe='')}").json()["event_id"]


def test_home_lists_events_newest_first_with_links(served):
    client, _ = served
    home = client.get("/")
    assert home.status_code == 200 and "script-src 'nonce-" in home.headers["content-security-policy"]
    ids = re.findall(r'data-event-id="([^"]+)"', home.text)
    assert ids == [e["id"] for e in client.get("/api/v1/events").json()["items"]]
    assert f'href="/events/{ids[0]}"' in home.text
    assert "of unknown outlet" in home.text


def test_event_page_cites_articles_and_links_them(served):
    client, _ = served
    event_id = _event_of(client, "p1")
    page = client.get(f"/events/{event_id}").text
    assert 'id="summary"' in page and 'href="/articles/p1"' in page
    assert "known outlet" in page  # 'N articles · M known outlets (+K of unknown outlet)'
    article = client.get("/articles/p1").text
    assert "Valdoria" in article and f'href="/events/{event_id}"' in article


def test_article_text_and_titles_are_escaped_everywhere(served):
    client, _ = served
    evil_event = _event_of(client, "evil/../1")
    pages = [client.get(p).text for p in ("/", f"/events/{evil_event}", "/articles/evil%2F..%2F1",
                                          "/outlets", "/search?q=Norhaven", "/search?outlet=Gazette+%3Ci%3Ex%3C%2Fi%3E")]
    for page in pages:
        assert "<script>window.__pwned" not in page and "<svg onload" not in page and "<i>x</i>" not in page
    article = pages[2]
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in article
    assert "&lt;svg onload=&#34;window.__pwned = 2&#34;&gt;" in article


def test_entity_outlet_and_story_pages(served):
    client, _ = served
    event = client.get(f"/api/v1/events/{_event_of(client, 'p1')}").json()
    if event["entities"]:
        name = event["entities"][0]["name"]
        page = client.get(f"/entities/{quote(name, safe='')}")
        assert page.status_code == 200 and f'href="/events/{event["id"]}"' in page.text
    assert client.get("/entities/Nobody%20At%20All").status_code == 404
    outlet = client.get("/outlets/Post").text
    assert 'href="/articles/p1"' in outlet and f'href="/events/{event["id"]}"' in outlet
    assert client.get("/outlets/NoSuchOutlet").status_code == 404
    if event["story_id"]:
        assert event["id"] in client.get(f"/stories/{event['story_id']}").text


def test_search_page_highlights_and_filters(served):
    client, _ = served
    page = client.get("/search", params={"q": "Valdoria"}).text
    assert page.count('class="hit"') == 3 and "<mark>Valdoria</mark>" in page
    filtered = client.get("/search", params={"q": "Valdoria", "outlet": "Wire"}).text
    assert filtered.count('class="hit"') == 1 and 'href="/articles/w1"' in filtered
    by_date = client.get("/search", params={"from": "2024-03-05", "to": "2024-03-31"}).text
    assert 'href="/articles/u1"' in by_date and 'href="/articles/p1"' not in by_date
    assert "must be a date" in client.get("/search", params={"q": "x", "from": "soon"}).text


def test_missing_pages_are_html_404(served):
    client, _ = served
    for path in ("/events/nope", "/articles/nope", "/stories/nope"):
        response = client.get(path)
        assert response.status_code == 404 and "text/html" in response.headers["content-type"]
        assert "nope" in response.text


def test_story_timeline_plot_places_events_by_date():
    from storyweave.io.store import EventRow
    from storyweave.server.pages import timeline_plot

    def row(ident, day, n):
        return EventRow(ident, f"t {ident}", day, "s", n, 1, 0, 1, 0)

    plot = timeline_plot([row("a", "2024-01-01", 1), row("b", "2024-01-11", 4), row("c", None, 9),
                          row("d", "2024-01-06", 2)])
    xs = {b["row"].id: b["x"] for b in plot["bars"]}
    heights = {b["row"].id: b["h"] for b in plot["bars"]}
    assert set(xs) == {"a", "b", "d"} and xs["a"] < xs["d"] < xs["b"]
    assert abs((xs["d"] - xs["a"]) - (xs["b"] - xs["d"])) < 1  # 5 days each side
    assert heights["b"] > heights["d"] > heights["a"] and (plot["low"], plot["high"]) == ("2024-01-01", "2024-01-11")
    assert timeline_plot([row("a", "2024-01-01", 1)]) is None
