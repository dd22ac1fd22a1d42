"""Helpers shared by the readers: decoding, ids, dates, HTML fragments to text."""

from __future__ import annotations

import hashlib
import re
import stat
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyweave.errors import InputError
from storyweave.model import Article
from storyweave.nlp.normalize import decode_bytes_detail, normalize_text, normalize_value

if TYPE_CHECKING:
    from lxml.html import HtmlElement


class BadInput(InputError):
    """A whole file (or one record of it) cannot be read; the message is the one-line reason."""


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")

# Largest input file read (bytes): bigger files are reported, never loaded (bounded memory).
# `read_paths(max_bytes=...)` and `Config.readers.max_file_mb` override it.
MAX_FILE_BYTES = 64 * 2**20
FILE_LIMIT: ContextVar[int | None] = ContextVar("storyweave_file_limit", default=None)  # set by read_paths


def read_file_bytes(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file, refusing FIFOs, devices, sockets and files over `max_bytes`."""
    limit = max_bytes if max_bytes is not None else FILE_LIMIT.get() or MAX_FILE_BYTES
    try:
        info = path.stat()
    except OSError as exc:
        raise BadInput(f"cannot read file ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise BadInput(f"not a regular file ({_file_kind(info.st_mode)}); not read")
    if info.st_size > limit:
        raise BadInput(f"file too large ({info.st_size / 2**20:.1f} MB > limit {limit / 2**20:.0f} MB); not read")
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise BadInput(f"cannot read file ({exc.strerror or exc})") from exc
    if len(data) > limit:  # grew while we looked
        raise BadInput(f"file too large (> limit {limit / 2**20:.0f} MB); not read")
    return data


def _file_kind(mode: int) -> str:  # noqa: D103
    for test, name in ((stat.S_ISFIFO, "a FIFO/named pipe"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "special file"


def read_text_file(path: Path) -> str:
    """File content as text (see `decode_text`), newlines normalised to `\\n`."""
    return read_text_file_with_encoding(path)[0]


def read_text_file_with_encoding(path: Path) -> tuple[str, str]:
    """(text, encoding) of a text file (see `decode_text_with_encoding`)."""
    return decode_text_with_encoding(read_file_bytes(path))


def read_text_file_detail(path: Path) -> tuple[str, dict[str, str]]:
    """(text, metadata to keep): the encoding note of `encoding_metadata` when not plain UTF-8."""
    text, encoding, note = decode_text_detail(read_file_bytes(path))
    return text, encoding_metadata(encoding, note)


def decode_text(data: bytes) -> str:
    """The text of `data` (`decode_text_with_encoding` without the encoding name)."""
    return decode_text_with_encoding(data)[0]


def decode_text_with_encoding(data: bytes) -> tuple[str, str]:
    """(text, encoding): see `storyweave.nlp.normalize.decode_bytes`; binary data -> `BadInput`."""
    text, encoding, _ = decode_text_detail(data)
    return text, encoding


def decode_text_detail(data: bytes) -> tuple[str, str, str | None]:
    """(text, encoding, note): see `storyweave.nlp.normalize.decode_bytes_detail`; binary -> `BadInput`."""
    try:
        return decode_bytes_detail(data)
    except InputError as exc:
        raise BadInput(str(exc)) from exc


def encoding_metadata(encoding: str, note: str | None = None) -> dict[str, str]:
    """What to keep in an article's metadata about its decoding: `encoding` when not UTF-8,
    `encoding_note` when something was detected, guessed or replaced; empty for clean UTF-8."""
    out = {} if encoding == "utf-8" else {"encoding": encoding}
    if note:
        out["encoding_note"] = note
    return out


def sanitize_id(raw: str, max_len: int = 80) -> str:
    """A file-name-safe article id from a guid, URL or free string (stable; long ones get a hash)."""
    raw = raw.strip()
    for prefix in ("https://", "http://", "urn:", "tag:"):
        if raw.lower().startswith(prefix):
            raw = raw[len(prefix) :]
    clean = _ID_UNSAFE.sub("-", raw).strip("-.")
    if len(clean) > max_len:
        digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:10]
        clean = clean[: max_len - 11].rstrip("-.") + "-" + digest
    return clean or hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]


# Languages dateparser may try (auto-detection over all of its locales is slow).
DATE_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl", "ru", "uk", "pl", "tr", "ar", "zh", "ja")


@lru_cache(maxsize=1)
def _dateparser() -> Callable[..., datetime | None]:
    """`dateparser.parse`, imported on first use."""
    import dateparser  # slow import: only when a non-ISO date must be parsed

    return dateparser.parse


def normalize_date(value: object, *, require_full: bool = True) -> str | None:
    """ISO 8601 form of a date/datetime string: `YYYY-MM-DD`, or a full datetime when a time is given.

    ISO inputs are validated and kept; other strings are parsed with dateparser and must
    carry day, month and year (no guessing).  Returns None when nothing reliable is found.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (int, float)):  # epoch seconds
        try:
            return datetime.utcfromtimestamp(float(value)).isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text:
        return None
    if _ISO_DATE.match(text):
        try:
            datetime.strptime(text, "%Y-%m-%d")
            return text
        except ValueError:
            return None
    if _ISO_DATETIME.match(text):
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed.isoformat()
    if require_full and not re.search(r"\d", text):
        return None  # no year, so no full date
    settings = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DATES_FROM": "past"}
    if require_full:
        settings["REQUIRE_PARTS"] = ["day", "month", "year"]
    try:
        parsed = _dateparser()(text, languages=list(DATE_LANGUAGES), settings=settings)
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    if parsed is None:
        return None
    if parsed.hour == parsed.minute == parsed.second == 0 and not re.search(r"\d:\d", text):
        return parsed.date().isoformat()
    return parsed.isoformat()


_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "tr", "table", "section", "article", "header", "footer", "figure", "figcaption",
    "dd", "dt", "dl", "hr",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "noscript", "template", "iframe", "svg", "head"}


def html_fragment_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed content), one paragraph per line."""
    import lxml.html

    if "<" not in fragment:
        return "\n".join(line.strip() for line in fragment.splitlines() if line.strip())
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml rejects some broken fragments: fall back to tag stripping
        return "\n".join(
            line.strip() for line in re.sub(r"<[^>]+>", "\n", fragment).splitlines() if line.strip()
        )
    parts: list[str] = []

    def walk(el: HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag.lower() in _SKIP_TAGS:
            if el.tail:
                parts.append(el.tail)
            return
        block = tag.lower() in _BLOCK_TAGS
        if block:
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def new_article(id: str, text: str, path: Path, **fields: Any) -> Article:
    """An Article as readers hand it on: `raw_text == text`, `is_new=True`, every string
    normalised (`storyweave.nlp.normalize`: no lone surrogates or control characters)."""
    article = normalize_article(Article(id=id, text=text, raw_text=text, path=str(path), is_new=True, **fields))
    if not article.text.strip():  # e.g. only control characters (found by fuzzing)
        raise BadInput("empty article text (nothing left after removing control characters)")
    return article


def record_article(article: Article) -> Article:
    """A caller's record (`storyweave.run` dicts, REST posts) made as the JSON reader makes an
    article (in place; returned): `published` through `normalize_date` (a `date`/`datetime`, epoch
    seconds or a written date become ISO; an unreadable value is kept as metadata
    `unparsed_published`, as the reader keeps it, instead of being taken as a date), the other
    header fields as strings, every string normalised; `BadInput` when no text is left."""
    raw = article.published
    published = normalize_date(raw) if raw not in (None, "") else None
    if published is None and raw not in (None, ""):
        article.metadata["unparsed_published"] = raw if isinstance(raw, (str, int, float)) else str(raw)
    article.published = published
    for name in ("source", "url", "title", "language"):
        value = getattr(article, name)
        if value is not None and not isinstance(value, str):
            setattr(article, name, str(value))
    normalize_article(article)
    if not article.text.strip():
        raise BadInput(f"article {article.id!r}: empty text (nothing left after removing control characters)")
    return article


def normalize_article(article: Article) -> Article:
    """Normalise (in place) every string field and the metadata of `article`; returns it."""
    for name in ("id", "text", "raw_text", "source", "url", "title", "published", "language"):
        value = getattr(article, name)
        if isinstance(value, str):
            setattr(article, name, normalize_text(value))
    if "\n" in article.id or "\t" in article.id:  # an id is one line
        article.id = re.sub(r"[\t\n]+", " ", article.id)
    if article.metadata:
        article.metadata = normalize_value(article.metadata)
    return article
