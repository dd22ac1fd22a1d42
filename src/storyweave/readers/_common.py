"""Helpers shared by the readers: decoding, ids, dates, HTML fragments to text."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from storyweave.model import Article


class BadInput(Exception):
    """A whole file cannot be read; the message is the one-line reason."""


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
# Control characters other than tab/newline/carriage return: a sign of binary data.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read_text_file(path: Path) -> str:
    """File content as text (see `decode_text`), newlines normalised to `\\n`."""
    return read_text_file_with_encoding(path)[0]


def read_text_file_with_encoding(path: Path) -> tuple[str, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"cannot read file ({exc.strerror or exc})") from exc
    return decode_text_with_encoding(data)


def decode_text(data: bytes) -> str:
    return decode_text_with_encoding(data)[0]


def decode_text_with_encoding(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (BOM tolerated), else clean Windows-1252 text; binary data -> `BadInput`.

    Windows-1252 is accepted only when every byte decodes and the result reads as text
    (letters, digits, spaces, punctuation), which garbage and other binary data do not.
    """
    encoding = "utf-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = _legacy_text(data)
        if text is None:
            raise BadInput(
                f"not valid UTF-8 text (bad byte 0x{data[exc.start]:02x} at offset {exc.start})"
            ) from exc
        encoding = "cp1252"
    if text and len(_CONTROL.findall(text[:4096])) > max(2, len(text[:4096]) // 200):
        raise BadInput("looks like binary data, not text")
    return text.replace("\r\n", "\n").replace("\r", "\n"), encoding


def _legacy_text(data: bytes) -> str | None:
    if b"\x00" in data or _CONTROL.search(data[:4096].decode("latin-1")):
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    sample = text[:4096]
    readable = sum(ch.isalnum() or ch.isspace() or ch in ".,;:!?'\"()-–—’“”‘%&/€$£" for ch in sample)
    return text if sample and readable >= 0.95 * len(sample) else None


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
def _dateparser():
    import dateparser  # slow import: only when a non-ISO date must be parsed

    return dateparser


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
        parsed = _dateparser().parse(text, languages=list(DATE_LANGUAGES), settings=settings)
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

    def walk(el) -> None:
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


def new_article(id: str, text: str, path: Path, **fields) -> Article:
    """An Article as readers hand it on: `raw_text == text`, `is_new=True`."""
    return Article(id=id, text=text, raw_text=text, path=str(path), is_new=True, **fields)
