"""Headline-like lines above an article's body (`_top_reason`): the title repeated
("title_repeat"), or other headlines and teasers before the body ("top_teaser")."""

from __future__ import annotations

import re

from storyweave.model import Article
from storyweave.nlp.date_patterns import is_dateline
from storyweave.stages.clean.lines import _TERMINAL, _norm
from storyweave.stages.clean.rules import rule_for


def _headline_like(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 16 and not line.rstrip().endswith(_TERMINAL)


def _title_case(line: str) -> bool:
    long_words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) >= 4]
    return len(long_words) >= 2 and sum(w[0].isupper() for w in long_words) >= 0.6 * len(long_words)


def _top_reason(article: Article, lines: list[tuple[int, int, str]], index: int) -> str | None:
    """Headline-like lines before the body: the title repeated, or other headlines (teasers).

    Before a dateline every headline-like line is a headline or teaser; otherwise only
    Title-Case lines that differ from the known title are taken (a standfirst stays).
    """
    if index >= 8:
        return None
    for _, _, earlier in lines[:index]:
        if _is_body(earlier):
            return None  # the body has started
    line = lines[index][2]
    if not _headline_like(line):
        return None
    if article.title and _norm(line) == _norm(article.title):
        return "title_repeat"
    body = next((later for _, _, later in lines[index + 1 :] if _is_body(later)), None)
    if body is not None and is_dateline(body):
        return "top_teaser"
    if article.title and _title_case(line) and len(line.split()) >= 3:
        return "top_teaser"
    return None


def _is_body(line: str) -> bool:
    return not _headline_like(line) and rule_for(line) is None
