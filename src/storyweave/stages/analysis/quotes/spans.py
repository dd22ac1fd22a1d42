"""Quotation spans of an article text: a small scanner of straight, curly, guillemet and German
„“ quotes, one paragraph at a time, that tells apostrophes apart from single quotes."""

from __future__ import annotations

from dataclasses import dataclass

from storyweave.config import AnalyzeConfig
from storyweave.nlp.text import paragraphs

_CLOSERS = {"“": "”\"", "«": "»", "„": "“”", "‘": "’", '"': '"”', "'": "'", "”": "”", "‹": "›", "»": "«"}
_MIN_WORDS = AnalyzeConfig.quote_min_words  # the default; the analyze stage passes its own


@dataclass
class QuoteSpan:
    """A quoted passage of an article text, with its offsets and those of its paragraph."""

    text: str  # verbatim, without the quote marks
    start: int  # offsets of the quoted text in the article
    end: int
    para_start: int
    para_end: int


def find_quotes(text: str, min_words: int = _MIN_WORDS) -> list[QuoteSpan]:
    """Quoted passages of `text` (one paragraph at a time; an unclosed quote runs to its end)."""
    out: list[QuoteSpan] = []
    for ps, pe in paragraphs(text):
        i = ps
        while i < pe:
            ch = text[i]
            if ch not in _CLOSERS or not _opens(text, i, ps):
                i += 1
                continue
            j = _closing(text, i, pe)
            end = j if j is not None else pe
            raw = text[i + 1 : end]
            body = raw.strip().rstrip(",;:").rstrip()
            lead = len(raw) - len(raw.lstrip())
            if len(body.split()) >= min_words and (j is not None or ch in "“\"«„"):
                s = i + 1 + lead
                out.append(QuoteSpan(body, s, s + len(body), ps, pe))
                i = end + 1
            else:
                i += 1
    return out


def _opens(text: str, i: int, ps: int) -> bool:
    prev = text[i - 1] if i > ps else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace():
        return False
    if text[i] in "'‘’" and prev.isalnum():
        return False  # apostrophe
    return prev.isspace() or prev in "([—–-:,;" or i == ps


def _closing(text: str, i: int, pe: int) -> int | None:
    closers = _CLOSERS[text[i]]
    for j in range(i + 1, pe):
        c = text[j]
        if c == "“" == text[i] and text[j - 1] in ",.?!" and (j + 1 >= len(text) or text[j + 1].isspace()):
            return j  # “It's unusual,“ said X: a closing mark typed as an opening one
        if c not in closers:
            continue
        nxt = text[j + 1] if j + 1 < len(text) else " "
        if c in "'’" and (nxt.isalpha() or text[j - 1].isspace()):
            continue  # Ukraine's, don't
        if text[j - 1].isspace() and c == '"' and text[j - 2 : j - 1] not in ("'", "’"):
            continue  # an opening mark, unless it closes a nested quote: ...,' " Ortega said
        return j
    return None
