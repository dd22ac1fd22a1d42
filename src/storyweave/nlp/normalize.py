"""Text normalisation and encoding detection shared by the readers and the store edge.

Every string that enters the pipeline goes through `normalize_text`: lone UTF-16 surrogates
(which json.loads lets through and SQLite/UTF-8 cannot store) become U+FFFD, control
characters other than tab/newline are dropped, newlines become `\\n`.  `decode_bytes` turns a
file's bytes into text: BOMs (UTF-8/16/32), UTF-16 without BOM, UTF-8 with a few stray bytes
(replaced and counted), then a Windows-1252 fallback for legacy text; binary data is refused.
Hand-written on purpose: charset-normalizer guesses an encoding for *any* bytes, binary
included, and we need the opposite default (refuse what does not read as text, say why).
"""

from __future__ import annotations

import codecs
import re
from typing import Any

from storyweave.errors import InputError

# C0 controls except \t \n \r, DEL, C1 controls, and the two non-characters U+FFFE/U+FFFF.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A binary file's tell-tale: C0 controls (NUL included) other than whitespace.
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_MAGIC = (  # common binary formats people rename by mistake
    (b"\x1f\x8b", "gzip-compressed data (decompress it first)"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx), not text"),
    (b"%PDF", "a PDF document, not text"),
    (b"\x89PNG", "a PNG image, not text"),
    (b"\xff\xd8\xff", "a JPEG image, not text"),
    (b"BZh", None),  # checked with a stricter test below (BZh is also an English prefix)
    (b"\xfd7zXZ", "xz-compressed data (decompress it first)"),
    (b"SQLite format 3\x00", "an SQLite database, not text"),
)
MAX_STRAY_BYTES = 0.01  # share of invalid UTF-8 bytes still read as UTF-8 (replaced by U+FFFD)


def normalize_text(text: str) -> str:
    """Lone surrogates -> U+FFFD, control characters dropped, newlines normalised to `\\n`."""
    if _SURROGATE.search(text):
        text = _SURROGATE.sub("\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return _CONTROL.sub("", text)


def normalize_value(value: Any, depth: int = 0) -> Any:
    """`normalize_text` over every string in nested JSON-like data (keys included); too deep -> str."""
    if isinstance(value, str):
        return normalize_text(value)
    if depth > 50:  # metadata nested this deep is noise: keep a bounded string of it
        return normalize_text(repr(value)[:1000])
    if isinstance(value, dict):
        return {normalize_text(str(k)): normalize_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize_value(v, depth + 1) for v in value]
    return value


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a file's bytes (see `decode_bytes_detail`)."""
    text, encoding, _ = decode_bytes_detail(data)
    return text, encoding


def decode_bytes_detail(data: bytes) -> tuple[str, str, str | None]:
    """(text, encoding, note) of a file's bytes; binary data raises `InputError` with the reason.

    `encoding` is the codec used ("utf-8", "utf-16-le", "cp1252", ...); `note` says why when
    it was not plain UTF-8 or bytes were replaced ("byte order mark", "fallback: not valid
    UTF-8", "3 invalid byte(s) replaced by U+FFFD (first at offset 120)"), else None.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                if encoding != "utf-8":  # a UTF-16/32 BOM followed by bytes that are not UTF-16/32
                    raise InputError(f"looks like binary data, not text: starts with a {encoding} BOM "
                                     "but does not decode") from None
                text = data[len(bom):].decode(encoding, errors="replace")
            if encoding != "utf-8" and _BINARY_CONTROL.search(text[:4096]):
                raise InputError(f"looks like binary data, not text: control characters after a {encoding} BOM")
            return normalize_text(text), encoding, None if encoding == "utf-8" else "byte order mark"
    kind = binary_kind(data)
    if kind:
        raise InputError(f"looks like binary data, not text: {kind}")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return normalize_text(data.decode(utf16, errors="replace")), utf16, "detected (no byte order mark)"
    try:
        return normalize_text(data.decode("utf-8")), "utf-8", None
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    replaced = data.decode("utf-8", errors="replace")
    stray = replaced.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    legacy = _legacy_text(data)
    if legacy is not None and stray > 0 and _mostly_ascii_around(data):
        # every non-ASCII byte is invalid UTF-8 but reads as Windows-1252: a legacy file
        if not _has_valid_multibyte(data):
            return normalize_text(legacy), "cp1252", "fallback: not valid UTF-8"
    if stray <= max(3, MAX_STRAY_BYTES * len(data)):
        return (normalize_text(replaced), "utf-8",
                f"{stray} invalid byte(s) replaced by U+FFFD (first at offset {first_bad})")
    if legacy is not None:
        return normalize_text(legacy), "cp1252", "fallback: not valid UTF-8"
    raise InputError(f"not valid UTF-8 text (bad byte 0x{data[first_bad]:02x} at offset {first_bad}) "
                     "and not readable as Windows-1252")


def binary_kind(data: bytes) -> str | None:
    """Why `data` is binary (a known format or too many control bytes), or None when it may be text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            if what is None:
                if data[3:4].isdigit() and data[4:10] == b"1AY&SY":
                    return "bzip2-compressed data (decompress it first)"
                continue
            return what
    head = data[:4096]
    if not head:
        return None
    if _utf16_without_bom(head):
        return None
    controls = len(_BINARY_CONTROL.findall(head.decode("latin-1")))
    if controls > max(8, len(head) // 50):  # text may carry a few stray controls; binary has ~10%
        return f"{controls} control bytes in the first {len(head)} bytes"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM: every other byte is NUL for mostly-Latin text."""
    head = data[:4096]
    if len(head) < 8 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
        if len(head) < 8:
            return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) >= 0.9 * len(odd) and even.count(0) <= 0.05 * len(even):
        encoding = "utf-16-le"
    elif even.count(0) >= 0.9 * len(even) and odd.count(0) <= 0.05 * len(odd):
        encoding = "utf-16-be"
    else:
        return None
    try:
        data[: len(data) - len(data) % 2].decode(encoding)
    except UnicodeDecodeError:
        return None
    return encoding


def _has_valid_multibyte(data: bytes) -> bool:
    """True when the bytes contain at least one well-formed UTF-8 multi-byte sequence."""
    return re.search(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}", data) is not None


def _mostly_ascii_around(data: bytes) -> bool:
    return sum(b < 0x80 for b in data[:65536]) >= 0.5 * len(data[:65536])


def _legacy_text(data: bytes) -> str | None:
    """Windows-1252 text when the bytes read as prose in it (letters, spaces, punctuation)."""
    if b"\x00" in data:
        return None
    text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    readable = sum(ch.isalnum() or ch.isspace() or ch in ".,;:!?'\"()-–—’“”‘%&/€$£«»…•°" for ch in sample)
    return text if sample and readable >= 0.9 * len(sample) else None
