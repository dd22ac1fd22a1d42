"""HTML reader: main text without navigation/footer, metadata from the page."""

from storyweave.io.readers import read_paths

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Floods hit Valmora | Daily Planet</title>
<meta property="og:site_name" content="Daily Planet">
<meta property="og:url" content="https://dailyplanet.example/2026/03/03/floods?ref=og">
<link rel="canonical" href="https://dailyplanet.example/2026/03/03/floods">
<meta property="article:published_time" content="2026-03-03T10:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li></ul></nav>
<main><article>
<h1>Floods hit Valmora</h1>
<p>Heavy rain caused the river to burst its banks on Tuesday, forcing 2,000 people from their homes, officials said.</p>
<p>"We have never seen anything like this," said mayor Ana Ruiz, who visited the shelters on Wednesday morning.</p>
<p>Rescue teams worked through the night to reach villages cut off by the water, the regional government said.</p>
<p>Print</p>
</article></main>
<footer><p>Copyright 2026 Daily Planet. All rights reserved.</p><a href="/privacy">Privacy policy</a></footer>
</body></html>
"""


def test_html_text_and_metadata(tmp_path):
    path = tmp_path / "dp-floods.html"
    path.write_text(PAGE, encoding="utf-8")
    [a], errors = read_paths([path])
    assert errors == []
    assert a.id == "dp-floods"
    assert a.source == "Daily Planet"
    assert a.url == "https://dailyplanet.example/2026/03/03/floods"  # canonical wins over og:url
    assert a.published == "2026-03-03"
    assert a.title == "Floods hit Valmora"
    lines = a.text.split("\n")
    assert any(line.startswith("Heavy rain caused the river") for line in lines)
    assert any(line.startswith("Rescue teams worked") for line in lines)  # one paragraph per line
    assert "Privacy policy" not in a.text and "Politics" not in a.text
    assert a.raw_text == a.text
    # what the extractor left out of <article> is recorded, so the clean stage can show it
    dropped = a.metadata.get("extraction_dropped", [])
    assert "Print" not in lines
    assert "Print" in dropped
    assert all(line not in lines for line in dropped)


def test_html_without_site_name_uses_domain(tmp_path):
    page = PAGE.replace('<meta property="og:site_name" content="Daily Planet">', "")
    path = tmp_path / "nosite.htm"
    path.write_text(page, encoding="utf-8")
    [a], _ = read_paths([path])
    assert a.source == "dailyplanet.example"


def test_html_in_declared_latin1(tmp_path):
    page = PAGE.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("Ana Ruiz", "Ana Ruíz")
    path = tmp_path / "latin.html"
    path.write_bytes(page.encode("iso-8859-1"))
    [a], errors = read_paths([path])
    assert errors == []
    assert "Ana Ruíz" in a.text


def test_html_without_text_is_an_error(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text(
        "<html><head><title>x</title></head><body><nav>Home</nav></body></html>", encoding="utf-8"
    )
    articles, errors = read_paths([path])
    assert articles == []
    assert len(errors) == 1 and errors[0].path == str(path)


def test_the_page_date_wins_over_a_date_in_its_url(tmp_path):
    """A page filed under yesterday's URL but published today gave yesterday (htmldate reads the URL
    first unless told to defer it); the URL's date is the fallback when the markup has none."""
    late = PAGE.replace("2026-03-03T10:00:00Z", "2026-03-04T01:00:00Z")
    (tmp_path / "late.html").write_text(late, encoding="utf-8")
    bare = PAGE.replace('<meta property="article:published_time" content="2026-03-03T10:00:00Z">', "")
    (tmp_path / "bare.html").write_text(bare, encoding="utf-8")
    articles, errors = read_paths([tmp_path / "late.html", tmp_path / "bare.html"])
    assert errors == []
    assert {a.id: a.published for a in articles} == {"late": "2026-03-04", "bare": "2026-03-03"}
