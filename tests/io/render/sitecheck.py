"""Helpers of the static report tests: the links and assets of every page of a report folder."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action", "data", "poster", "srcset") and value is not None:
                self.refs.append((tag, name, value))


def refs(html: str) -> list[tuple[str, str, str]]:
    parser = _Refs()
    parser.feed(html)
    return parser.refs


def pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def dead_links(folder: Path) -> list[str]:
    """Every relative link of every page that does not name an existing file inside `folder`,
    and every reference to anything outside it (absolute paths, other schemes than http(s)
    links to the original articles, assets fetched from anywhere)."""
    root = folder.resolve()
    bad = []
    for page in pages(folder):
        for tag, attr, value in refs(page.read_text(encoding="utf-8")):
            where = f"{page.relative_to(folder)}: <{tag} {attr}={value!r}>"
            parts = urlsplit(value)
            if tag == "a" and attr == "href" and parts.scheme in ("http", "https"):
                continue  # a link to the original article, followed only when clicked
            if parts.scheme or parts.netloc or value.startswith("/") or attr != "href":
                bad.append(where)
                continue
            if not parts.path:  # "#fragment": this page
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_relative_to(root) or not target.is_file():
                bad.append(where)
    return bad
