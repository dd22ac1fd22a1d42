"""HTML pages: main text (trafilatura), title, date (htmldate), outlet and canonical URL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from storyweave.io.readers._common import (
    BadInput,
    decode_text_detail,
    encoding_metadata,
    html_fragment_to_text,
    new_article,
    normalize_date,
    read_file_bytes,
)
from storyweave.model import Article
from storyweave.nlp.normalize import normalize_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_SPACES = re.compile(r"\s+")
MIN_WORDS = 5  # fewer words than this is not an article
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.-]+)["']""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def read_html(path: Path) -> list[Article]:
    """The article of an HTML page: main text (trafilatura), title, date, outlet and URL from the markup."""
    html, encoding, note = _decode_html(read_file_bytes(path))
    html = _XML_DECLARATION.sub("", html, count=1)  # lxml refuses str input that declares an encoding
    if not html.strip():
        raise BadInput("empty file")
    import lxml.html
    import trafilatura

    try:
        tree = lxml.html.document_fromstring(html)
    except Exception as exc:  # lxml: "Document is empty" and friends
        raise BadInput(f"cannot parse HTML ({exc})") from exc
    doc = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=False, deduplicate=False
    )
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    metadata: dict[str, object] = dict(encoding_metadata(encoding, note))
    if not text.strip():
        # trafilatura gives up on very short pages; take the visible text of <article>/<body>.
        for chrome in tree.xpath("//nav|//header|//footer|//aside|//form|//script|//style|//noscript"):
            chrome.drop_tree()
        body = tree.find(".//article")
        if body is None:
            body = tree.find(".//body")
        text = html_fragment_to_text(lxml.html.tostring(body, encoding="unicode")) if body is not None else ""
        metadata["extraction"] = "fallback: visible text of the page body"
    text = "\n".join(line.strip() for line in text.split("\n") if line.strip())
    dropped = _dropped_by_extraction(tree, text) if "extraction" not in metadata else []
    if dropped:
        metadata["extraction_dropped"] = dropped
    if len(text.split()) < MIN_WORDS and _parser_dropped_content(html, tree):
        text = _stripped_text(html)
        metadata["extraction"] = "fallback: tags stripped (too deeply nested or broken for the HTML parser)"
    if len(text.split()) < MIN_WORDS:  # trafilatura returns stray menu words for pages without an article
        raise BadInput(f"no article text found in the HTML page ({len(text.split())} words)")

    url = _meta_link(tree) or (getattr(doc, "url", None) if doc is not None else None)
    source = _site_name(tree) or (getattr(doc, "sitename", None) if doc is not None else None)
    if not source and url:
        source = urlparse(url).netloc.lower().removeprefix("www.") or None
    title = (getattr(doc, "title", None) if doc is not None else None) or _tag_text(tree, ".//title")
    published = _find_date(html, url)
    if doc is not None:
        for key in ("author", "description", "categories", "tags", "hostname"):
            value = getattr(doc, key, None)
            if value:
                metadata[key] = value
    return [
        new_article(
            path.stem, text, path, source=source, url=url, title=title, published=published, metadata=metadata
        )
    ]


def _dropped_by_extraction(tree: HtmlElement, text: str) -> list[str]:
    """Lines of the page's <article> (or <main>) that trafilatura left out, verbatim.

    Kept in metadata so the clean stage can list them in `article.removed` (reason
    `html_extraction`): every line taken out of an article stays visible to the user.
    """
    import lxml.html

    container = tree.find(".//article")
    if container is None:
        container = tree.find(".//main")
    if container is None:
        return []
    kept = _SPACES.sub(" ", text).lower()
    lines = html_fragment_to_text(lxml.html.tostring(container, encoding="unicode")).split("\n")
    return [line for line in lines if line.strip() and _SPACES.sub(" ", line.strip()).lower() not in kept]


def _parser_dropped_content(html: str, tree: HtmlElement) -> bool:
    """True when libxml2 kept far fewer elements than the page has tags: it stops nesting at
    256 levels and drops what lies deeper (a 10,000-level page loses its whole text)."""
    return html.count("<") > 2 * sum(1 for _ in tree.iter()) + 100


_INVISIBLE = re.compile(
    r"<(head|script|style|noscript|template|nav|header|footer|aside|form)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I
)
_TAG = re.compile(r"<[^>]*>")


def _stripped_text(html: str) -> str:
    """Visible text by tag stripping (last resort, when the parser could not walk the page);
    a hand-written regex because every HTML library here sits on the same depth-limited parser."""
    import html as html_lib

    text = html_lib.unescape(_TAG.sub("\n", _INVISIBLE.sub("\n", html)))
    return "\n".join(" ".join(line.split()) for line in text.split("\n") if line.strip())


def _decode_html(data: bytes) -> tuple[str, str, str | None]:
    """(text, encoding, note): a BOM, else UTF-8, else the charset the page declares
    (`<meta charset>` or `<?xml encoding?>`), else the shared fallbacks of `decode_text`."""
    try:
        data.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    m = _CHARSET.search(data[:4096]) or _XML_ENCODING.search(data[:200])
    if not utf8 and m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = m.group(1).decode("ascii", "replace")
        try:
            return normalize_text(data.decode(declared)), declared, "declared by the page"
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration: fall back to detection
    return decode_text_detail(data)


def _meta_link(tree: HtmlElement) -> str | None:
    """Canonical URL: <link rel=canonical>, else og:url."""
    hrefs: list[str] = tree.xpath("//link[@rel='canonical']/@href")  # an attribute path: strings
    for href in hrefs:
        if href.strip():
            return href.strip()
    contents: list[str] = tree.xpath("//meta[@property='og:url' or @name='og:url']/@content")
    for content in contents:
        if content.strip():
            return content.strip()
    return None


def _site_name(tree: HtmlElement) -> str | None:
    contents: list[str] = tree.xpath(  # an attribute path: strings
        "//meta[@property='og:site_name' or @name='og:site_name' or @name='application-name']/@content"
    )
    for content in contents:
        if content.strip():
            return content.strip()
    return None


def _tag_text(tree: HtmlElement, xpath: str) -> str | None:
    el = tree.find(xpath)
    return el.text_content().strip() if el is not None and el.text_content().strip() else None


def _find_date(html: str, url: str | None) -> str | None:
    """Publication date from the page markup (htmldate, original date, no free-text guessing)."""
    from htmldate import find_date

    try:
        # deferred_url_extractor: a date in the URL (often the day a page was made or filed) only when
        # the markup has none; by default htmldate returns it before reading article:published_time
        found = find_date(html, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d",
                          deferred_url_extractor=True)
    except Exception:  # htmldate may choke on unusual markup; a missing date is fine
        return None
    return normalize_date(found) if found else None
