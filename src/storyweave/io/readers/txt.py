"""Plain-text reports: no metadata, so infer (conservatively) title, date and agency from the text.

Every inferred value is recorded in `metadata["inferred"]` with where it came from, so a
reader of the output can see what was read and what was deduced.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from storyweave.io.readers._common import BadInput, new_article, normalize_date, read_text_file_detail
from storyweave.io.readers.credits import infer_credits
from storyweave.model import Article
from storyweave.nlp.date_patterns import DATE_LINE, DATELINE_AGENCY, DATELINE_WITH_DATE
from storyweave.stages.clean.rules import rule_for
from storyweave.stages.events.headline import CLOSED_WORDS

_TERMINAL = tuple(".!?:;,…\"”’'")
_LIST_START = re.compile(r"^\s*(?:[-*•–]|\d+[.)])\s")


def read_txt(path: Path) -> list[Article]:
    """The article of a plain-text file, with title, date, outlet and URL inferred from its first lines
    when stated there."""
    text, decoding = read_text_file_detail(path)
    text, unwrapped = unwrap_hard_wrapped(text)
    text = "\n".join(line.rstrip() for line in text.strip().split("\n"))
    if not text.strip():
        raise BadInput("empty article (no text)")
    fields, inferred = infer_metadata(text)
    metadata: dict[str, object] = {}
    if inferred:
        metadata["inferred"] = inferred
    metadata.update(decoding)
    if unwrapped:
        metadata["unwrapped_lines"] = True
    if "agency" in fields:
        metadata["agency"] = fields.pop("agency")
    if "dateline_place" in fields:
        metadata["dateline_place"] = fields.pop("dateline_place")
    return [new_article(path.stem, text, path, metadata=metadata, **fields)]


def infer_metadata(text: str) -> tuple[dict[str, Any], dict[str, str]]:
    """(fields, inferred): title/published/agency/source/credits found in the text and where
    each came from (publisher and credits: `readers.credits.infer_credits`)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    fields: dict[str, Any] = {}
    inferred: dict[str, str] = {}
    source, credits, evidence = infer_credits(lines)
    if source:
        fields["source"] = source
        fields["source_inferred"] = True
        inferred["source"] = f"credit line: {evidence!r}"
    if credits:
        fields["credits"] = credits
    if len(lines) >= 2 and looks_like_headline(lines[0], "\n".join(lines[1:])) and not lines[1][:1].islower():
        fields["title"] = lines[0]
        inferred["title"] = "first line (short, headline-like)"
    for index, line in enumerate(lines[:4]):
        if index == 0 and "title" in fields:
            continue
        if "published" not in fields:
            m = DATE_LINE.match(line)
            if m and (date := normalize_date(m.group("date"))):
                fields["published"] = date[:10]
                inferred["published"] = f"date line: {line!r}"
                continue
        m = DATELINE_WITH_DATE.match(line)
        if m:
            date = normalize_date(m.group("date"))
            if date and "published" not in fields:
                fields["published"] = date[:10]
                inferred["published"] = f"dateline: {m.group(0).strip()!r}"
            _take_place_agency(m, fields, inferred)
            break
        m = DATELINE_AGENCY.match(line)
        if m:
            _take_place_agency(m, fields, inferred)
            break
    return fields, inferred


def _take_place_agency(m: re.Match[str], fields: dict[str, str], inferred: dict[str, str]) -> None:
    fields["dateline_place"] = m.group("place").strip()
    if m.group("agency"):
        fields["agency"] = m.group("agency").strip()
        inferred["agency"] = f"dateline: {m.group(0).strip()!r}"


def looks_like_headline(line: str, rest: str | None = None) -> bool:
    """Conservative: a line that reads as a headline.

    Short (<= 90 characters, 4-16 words), starts upper-case or with a number, no
    sentence-final punctuation and no sentence break inside, not all capitals, not a
    dateline, date, list item, label ("UPDATE:"), menu crumb (">>", "|"), markup, or a
    scrape-noise line (caption, byline, credit: see `clean.rule_for`).  With `rest` (the
    text below it), a headline also shares a third of its content words (and at least one)
    with that text: a menu line or a site slogan does not."""
    words = line.split()
    return (
        _HEADLINE_WORDS[0] <= len(words) <= _HEADLINE_WORDS[1]
        and len(line) <= HEADLINE_MAX_CHARS
        and (line[0].isupper() or line[0].isdigit() or line[0] in "'‘\"“")
        and rule_for(line) is None
        and not line.endswith(_TERMINAL)
        and not line.isupper()
        and not _INNER_SENTENCE_END.search(line)
        and not _NOT_A_HEADLINE.search(line)
        and not DATELINE_AGENCY.match(line)
        and not DATELINE_WITH_DATE.match(line)
        and not DATE_LINE.match(line)
        and not _LIST_START.match(line)
        and "|" not in line
        and _last_word(line) not in CLOSED_WORDS
        and (rest is None or _shares_content(line, rest))
    )


def _last_word(line: str) -> str:
    found = re.findall(r"[\w'’-]+", line.lower())
    return found[-1] if found else ""


HEADLINE_MAX_CHARS = 90
_HEADLINE_WORDS = (4, 16)
# A sentence ends inside the line ("... the harvest. Maren Tulk", "... the old bridge. (City
# Archive)": a caption and its credit); not after an initial ("U.S. Fast").
_INNER_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\b[A-Z][a-z])[.!?]\s+[(\"“‘']?[A-Z]")
_NOT_A_HEADLINE = re.compile(
    r"^[A-Z]{2,}(?:\s[A-Z]{2,})*\s*:|"  # a label: "UPDATE: ...", "WARNING: ..."
    r">>|<<|[{}<>]|"  # breadcrumbs, template or markup
    r"\b\d{1,2}:\d{2}\b|"  # a time stamp
    r"^(?:he|she|it|they|this|these|those|we|i|you)\b|"  # opens with a pronoun: a sentence, not a headline
    r"\b(?:the|a|an|of|to|and|or|but|with|for|in|on|at|by|is|was|are|were|has|have|had|will|would)$",
    re.IGNORECASE,
)
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}")


def _shares_content(line: str, rest: str) -> bool:
    """At least a third of the line's content words (4+ letters, not stop words; compared on
    their first 5 letters so "forcing" meets "force"), and at least one, occur below it."""
    from storyweave.nlp.stop_words import spacy_english

    stop = spacy_english()
    words = {w.lower()[:5] for w in _CONTENT_WORD.findall(line) if w.lower() not in stop}
    if not words:
        return False
    body = {w.lower()[:5] for w in _CONTENT_WORD.findall(rest[:20_000])}
    return len(words & body) >= max(1, len(words) / 3)


def unwrap_hard_wrapped(text: str) -> tuple[str, bool]:
    """Join hard-wrapped lines (e-mail/terminal style, paragraphs split by blank lines) into one line each.

    Only when the whole file looks wrapped: blank-line separated blocks whose inner lines are
    long and of similar width.  Otherwise the text is returned unchanged.
    """
    text = text.replace("\r\n", "\n")
    blocks = re.split(r"\n[ \t]*\n", text)
    inner = [line for block in blocks for line in block.strip("\n").split("\n")[:-1]]
    if len(inner) < 3 or max((len(x) for x in text.split("\n")), default=0) > 110:
        return text, False
    wrapped = [line for line in inner if 45 <= len(line.rstrip()) <= 110 and not _LIST_START.match(line)]
    if len(wrapped) < 0.8 * len(inner):
        return text, False
    joined = []
    for block in blocks:
        lines = [line.strip() for line in block.strip("\n").split("\n") if line.strip()]
        if any(_LIST_START.match(line) for line in lines):
            joined.append("\n".join(lines))
        else:  # a short line (title, signature) ends its own line; long ones continue
            out = lines[:1]
            for prev, line in zip(lines, lines[1:], strict=False):
                if len(prev) >= 45:
                    out[-1] += " " + line
                else:
                    out.append(line)
            joined.append("\n".join(out))
    return "\n\n".join(b for b in joined if b), True
