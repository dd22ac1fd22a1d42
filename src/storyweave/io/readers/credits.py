"""Who a bare report credits, from the structure of its first and last lines (no outlet lists).

News copy names its origin in a few fixed places, whatever the outlet:

- a dateline credit: "CITY (Agency) —", a lead "(Agency) ...", "CITY--(AGENCY)--";
- a header: "Agency | Updated: 2017-09-15 17:52", "Headline Updated: 2016-07-15 13:14 (Agency)",
  "... By Desk(Outlet)", "Jane Doe, outlet.example" (a domain checked against the public-suffix list);
- a signature or notice at the end: "— Agency", "(Agency)", "Copyright 2018 Outlet. All rights
  reserved.", "Read the original article on Outlet.";
- a byline with an affiliation: "By Jane Doe, Outlet".

`infer_credits` returns the publisher (the organisation the text names as its own origin:
a header outlet first, then a copyright holder, a dateline credit, a signature, a byline
affiliation) and every organisation credited, in the order found.  Only names come out of
the text; nothing is looked up in a list of outlets.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import tldextract

EDGE_LINES = 4  # credit lines sit among the first or last few lines

_NAME = r"(?:The\s)?[A-Z][\w&.'’-]*(?:\s(?:[A-Z][\w&.'’-]*|of|and|&|for|de|du|la)){0,5}"
# Parenthesised words that are labels, not credits: "(VIDEO)", "(Photo)", "(Updated)" (general English).
_LABELS = {
    "photo", "photos", "image", "images", "video", "videos", "audio", "file", "update", "updated", "live",
    "watch", "listen", "graphic", "map", "opinion", "analysis", "editorial", "corrected", "correction",
    "exclusive", "breaking", "sponsored", "advertisement", "pictured", "left", "right", "center", "centre",
}  # fmt: skip
_DASH = r"(?:—|–|--|-)"  # never repeated with + (a line of dashes would backtrack for ever)
_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    # (kind, where, pattern); kind "source" names the publisher, "credit" an organisation credited
    ("source", "first", re.compile(rf"^(?P<name>{_NAME})\s*\|\s*(?:Updated|Published|Posted)\s*:")),
    ("source", "first", re.compile(
        r"(?:Updated|Published|Posted)\s*:\s*[\d/.-]+(?:\s+\d{1,2}:\d{2})?\s*By\s+[^()]{1,40}?\s*"
        rf"\((?P<name>{_NAME})\)\s*$")),
    ("credit", "first", re.compile(
        rf"(?:Updated|Published|Posted)\s*:\s*[\d/.-]+(?:\s+\d{{1,2}}:\d{{2}})?\s*\((?P<name>{_NAME})\)\s*$")),
    ("domain", "first", re.compile(r"^(?:[A-Z][\w.'’-]+(?:\s[A-Z][\w.'’-]+){0,3},\s*)?(?P<name>[A-Za-z][\w-]*(?:\.[\w-]+)+)$")),
    ("copyright", "last", re.compile(
        rf"^(?:Copyright\s*)?(?:©|\(c\)|Copyright)\s*(?:©\s*)?(?:\d{{4}}\s*,?\s*)?(?P<name>{_NAME})"
        r"\s*(?:[.,]|All rights reserved|$)")),
    ("dateline", "first", re.compile(
        rf"^(?:[A-Z][A-Za-z.'’ -]{{1,40}}(?:,[^()\n]{{0,40}})?\s*)?\((?P<name>{_NAME})\)\s*{_DASH}?\s*[A-Z“\"]")),
    ("dateline", "first", re.compile(rf"^[A-Z][A-Za-z.'’ -]{{1,40}}{_DASH}\((?P<name>{_NAME})\){_DASH}")),
    ("signature", "last", re.compile(rf"^[—–-]{{1,2}}\s*(?P<name>{_NAME})\.?$|^\((?P<name2>{_NAME})\)$")),
    ("original", "last", re.compile(rf"\boriginal (?:article|story|report) (?:on|at|from) (?P<name>{_NAME})")),
    ("byline", "first", re.compile(
        rf"^By\s+[A-Z][\w.'’-]+(?:\s[A-Z][\w.'’-]+){{0,3}}\s*(?:,|\||\bfor\b|\bof\b)\s*(?P<name>{_NAME})$")),
]
# Which kinds name the publisher, best first; every kind is also a credit.
_SOURCE_ORDER = ["source", "domain", "copyright", "dateline", "signature", "byline"]


@lru_cache(maxsize=1)
def _suffixes() -> tldextract.TLDExtract:
    import tldextract  # offline: its bundled public-suffix snapshot, never the network

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def _is_domain(name: str) -> bool:
    parts = _suffixes()(name)
    return bool(parts.suffix and parts.domain) and not name[:1].isdigit()


def _clean(name: str) -> str | None:
    name = name.strip(" .,-–—")
    words = name.split()
    if not words or name.lower() in _LABELS or len(name) < 2 or words[0].lower() in _LABELS:
        return None
    if len(words) == 1 and len(name) <= 3 and not name.isupper():
        return None  # "(Pa)" style fragments
    return name


def infer_credits(lines: list[str]) -> tuple[str | None, list[str], str | None]:
    """(publisher, credited organisations, the credit the publisher came from: its line up to the
    credit, `_evidence`) for bare text."""
    first = lines[:EDGE_LINES]
    last = lines[-EDGE_LINES:] if len(lines) > EDGE_LINES else []
    found: list[tuple[str, str, str]] = []  # (kind, name, line)
    for kind, where, pattern in _PATTERNS:
        for line in first if where == "first" else (last or lines[-EDGE_LINES:]):
            m = pattern.search(line)
            if not m:
                continue
            name = _clean(m.groupdict().get("name") or m.groupdict().get("name2") or "")
            if name is None or (kind == "domain" and not _is_domain(name)):
                continue
            if kind == "signature" and len(name.split()) > 1 and not any(w.isalpha() and w.isupper() and len(w) > 1 for w in name.split()):
                continue  # "— Jane R. Doe" signs a person; an agency signs "— AFP", "— Reuters"
            found.append((kind, name, _evidence(line, m)))
    credits = list(dict.fromkeys(name for _, name, _ in found))
    for kind in _SOURCE_ORDER:
        hit = next((f for f in found if f[0] == kind), None)
        if hit:
            return hit[1], credits, hit[2]
    return None, credits, None


def _evidence(line: str, m: re.Match[str], reach: int = 60) -> str:
    """The credit as evidence: `line` up to the credited name (and its closing bracket), or, when
    the name ends further in, "…" and the `reach` characters before that ("(Wire) Flood
    water broke through the levee ..." gives "(Wire)": a lead paragraph is not repeated in the output)."""
    group = "name" if m.group("name") is not None else "name2"
    end = m.end(group)
    end += line[end:end + 1] == ")"
    if end <= reach:
        return line[:end].strip()
    tail = line[end - reach:end]
    cut_word = not line[end - reach - 1].isspace() and " " in tail
    return "…" + (tail.split(" ", 1)[1] if cut_word else tail).strip()
