"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds (feedparser): one article per entry, content stripped to paragraphs."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from storyweave.io.readers._common import (
    BadInput,
    html_fragment_to_text,
    new_article,
    normalize_date,
    read_file_bytes,
    sanitize_id,
)
from storyweave.model import Article, ReadError

if TYPE_CHECKING:
    from feedparser.util import FeedParserDict  # feedparser ships no types: Any to mypy

_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(rss|feed|RDF)[\s>]")
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>", re.S | re.IGNORECASE)


def is_feed(data: bytes) -> bool:
    """True when the XML document's root element is rss, feed (Atom) or rdf:RDF (RSS 1.0)."""
    head = re.sub(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>", b"", data[:65536], flags=re.S)
    head = head.lstrip()
    return bool(_FEED_ROOT.match(head))


def read_feed(path: Path) -> tuple[list[Article], list[ReadError]]:
    """The entries of an RSS/Atom file as articles, with a `ReadError` per unreadable entry (and for a
    damaged feed)."""
    import feedparser

    data = read_file_bytes(path)
    if not data.strip():
        raise BadInput("empty file")
    if not is_feed(data):
        raise BadInput("XML file is not an RSS/Atom feed (root element is not rss, feed or rdf:RDF)")
    # feedparser (expat) never fetches external entities but does expand internal ones, up to
    # expat's amplification limit: a DOCTYPE that declares entities is removed before parsing,
    # the references then stay as text (loose parser), so nothing is fetched or expanded.
    entities = _ENTITY_DECLARATION.search(data[:65536]) is not None
    if entities:  # expat would expand internal entities (billion laughs): drop the whole DOCTYPE first
        data = _DOCTYPE.sub(b"", data, count=1)
    parsed = feedparser.parse(data)
    problem = _feed_problem(parsed, entities)
    if not parsed.entries:
        raise BadInput(f"feed has no entries{f' ({problem})' if problem else ''}")
    feed_title = parsed.feed.get("title")
    feed_link = parsed.feed.get("link")
    articles: list[Article] = []
    errors: list[ReadError] = []
    for index, entry in enumerate(parsed.entries, start=1):
        try:
            articles.append(_entry_article(entry, path, feed_title, feed_link))
        except BadInput as exc:
            label = entry.get("id") or entry.get("link") or entry.get("title") or ""
            errors.append(ReadError(str(path), f"entry {index}{f' ({label})' if label else ''}: {exc}"))
    if problem:
        errors.insert(0, ReadError(str(path), f"{problem}; kept the {len(articles)} readable entries"))
    return articles, errors


def _feed_problem(parsed: FeedParserDict, entities: bool) -> str | None:
    """One line on what is wrong with the feed's XML (a truncated or malformed file, declared
    entities), or None when it parsed cleanly (encoding-override notices are not problems)."""
    from xml.sax import SAXParseException

    if entities:
        return "DOCTYPE declares entities: ignored (never fetched or expanded)"
    exc = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if isinstance(exc, SAXParseException):
        return (f"malformed or truncated XML ({exc.getMessage()} at line {exc.getLineNumber()}, "
                f"column {exc.getColumnNumber()})")
    return None


def _entry_article(entry: FeedParserDict, path: Path, feed_title: str | None, feed_link: str | None) -> Article:
    html = ""
    if entry.get("content"):
        html = max((c.get("value", "") for c in entry.content), key=len)
    if len(entry.get("summary", "")) > len(html):
        html = entry.get("summary", "")
    text = html_fragment_to_text(html)
    if not text.strip():
        raise BadInput("entry has no content or summary text")
    title = html_fragment_to_text(entry.get("title", "")) or None
    metadata: dict[str, object] = {}
    raw_id = entry.get("id") or entry.get("link")
    if not raw_id:  # RSS 2.0 needs only a title or a description: an id from the content, stable on re-reads
        digest = hashlib.sha1(f"{title or ''}\n{text}".encode()).hexdigest()[:12]
        raw_id = f"{path.stem}-{digest}"
        metadata["id_from"] = "content (no guid or link)"
    if entry.get("id"):
        metadata["guid"] = entry.get("id")
    source = None
    if entry.get("source"):  # <source url="...">Outlet</source> / Atom <source><title>
        src = dict(entry.source)
        metadata["source_element"] = {k: v for k, v in src.items() if isinstance(v, str)}
        source = src.get("title") or (urlparse(src.get("href", "")).netloc or None)
    if not source:
        source = feed_title or (urlparse(feed_link).netloc if feed_link else None)
    if feed_title:
        metadata["feed_title"] = feed_title
    for key in ("author", "tags"):
        if entry.get(key):
            metadata[key] = entry[key] if key == "author" else [t.get("term") for t in entry[key]]
    raw_date = entry.get("published") or entry.get("updated") or entry.get("created")
    published = normalize_date(raw_date) if raw_date else None
    if published is None and (parsed := entry.get("published_parsed") or entry.get("updated_parsed")):
        published = "{:04d}-{:02d}-{:02d}".format(*parsed[:3])
    return new_article(
        sanitize_id(raw_id),
        text,
        path,
        source=source,
        url=entry.get("link"),
        title=title,
        published=published,
        metadata=metadata,
    )
