"""RSS/Atom reader: entries with content as paragraphs, <source> kept."""

from storyweave.io.readers import read_paths

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire Feed</title><link>https://wire.example</link>
<item><title>Floods hit Valmora</title><link>https://wire.example/a/1</link>
<guid isPermaLink="false">urn:wire:12345</guid>
<pubDate>Tue, 03 Mar 2026 10:00:00 +0000</pubDate>
<source url="https://dailyplanet.example/rss">Daily Planet</source>
<description><![CDATA[<p>Heavy rain caused the river to burst.</p><p>Second <b>paragraph</b> here.</p>]]></description>
</item>
<item><title>No body</title><link>https://wire.example/a/2</link></item>
</channel></rss>
"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Planet Atom</title>
<link href="https://atom.example/"/><id>urn:feed</id><updated>2026-03-04T00:00:00Z</updated>
<entry><title>Talks resume</title><link href="https://atom.example/talks"/>
<id>https://atom.example/talks?id=9</id><published>2026-03-04T09:30:00Z</published>
<content type="html">&lt;p&gt;Talks resumed on Wednesday.&lt;/p&gt;&lt;p&gt;Both sides said progress was made.&lt;/p&gt;</content>
</entry></feed>
"""


def test_rss_entry_with_source(tmp_path):
    path = tmp_path / "wire.rss"
    path.write_text(RSS, encoding="utf-8")
    articles, errors = read_paths([path])
    [a] = articles
    assert a.id == "wire-12345"
    assert a.source == "Daily Planet"
    assert a.metadata["source_element"]["href"] == "https://dailyplanet.example/rss"
    assert a.url == "https://wire.example/a/1"
    assert a.published.startswith("2026-03-03")
    assert a.text == "Heavy rain caused the river to burst.\nSecond paragraph here."
    assert len(errors) == 1 and "entry 2" in errors[0].reason and "no content" in errors[0].reason


def test_atom_feed_in_xml_file(tmp_path):
    path = tmp_path / "planet.xml"
    path.write_text(ATOM, encoding="utf-8")
    [a], errors = read_paths([path])
    assert errors == []
    assert a.id == "atom.example-talks-id-9"
    assert a.source == "Planet Atom"
    assert a.published.startswith("2026-03-04")
    assert a.text.split("\n") == ["Talks resumed on Wednesday.", "Both sides said progress was made."]


def test_xml_that_is_not_a_feed(tmp_path):
    path = tmp_path / "config.xml"
    path.write_text("<?xml version='1.0'?><config><a>1</a></config>", encoding="utf-8")
    articles, errors = read_paths([path])
    assert articles == [] and "not an RSS/Atom feed" in errors[0].reason


LINKLESS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Town Notices</title><link>https://town.example</link>
<description>Notices</description>
<item><title>Bridge closed</title><description>The Kestrel bridge closed on Friday for repairs, the council said.</description></item>
<item><description>Bins will be collected on Tuesday instead of Monday next week.</description></item>
</channel></rss>
"""


def test_rss_items_without_guid_or_link_are_read_with_a_stable_id(tmp_path):
    """RSS 2.0 makes every item element optional but a title or a description: an item with neither
    guid nor link is news all the same (it was refused). Its id comes from its content, so reading
    the feed again, or after items were added before it, gives the same id (not stored twice)."""
    path = tmp_path / "notices.rss"
    path.write_text(LINKLESS, encoding="utf-8")
    first, errors = read_paths([path])
    assert errors == [] and len(first) == 2 and len({a.id for a in first}) == 2
    assert first[0].title == "Bridge closed" and first[1].text.startswith("Bins will be collected")
    extra = "<item><title>Fair</title><description>The fair opens on Saturday at noon.</description></item>"
    path.write_text(LINKLESS.replace("<description>Notices</description>", "<description>Notices</description>" + extra),
                    encoding="utf-8")
    again, errors = read_paths([path])
    assert errors == [] and [a.id for a in again[1:]] == [a.id for a in first]
