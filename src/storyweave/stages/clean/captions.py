"""Picture captions no line rule can take alone, told by their repetition: a slideshow's captions
opened by their counters "k/N" (`slide_lines`), and captions led by a picture credit or label,
no final full stop, whose credit opens other captions of the article or the batch
(`batch_credits`, `credit_captions`)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from storyweave.nlp import stop_words
from storyweave.nlp.date_patterns import MONTH_NAMES, WEEKDAY_NAMES
from storyweave.stages.clean.lines import _TERMINAL

# A slide's caption opened by its counter: "2/30 Frosty slopes of the ridge This image ..."
_SLIDE = re.compile(r"^(\d{1,3})\s?/\s?(\d{1,3})\s+[A-Z\"“‘']")


def slide_lines(lines: list[tuple[int, int, str]]) -> set[int]:
    """Indices of a slideshow's captions, each line opened by its counter "k/N", however long:
    lines of one article whose counters share the total N, with at least two different k <= N
    (a line rule alone bounds its length; "9/11 Commission ..." opens one line, not a series)."""
    by_total: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for index, (_, _, line) in enumerate(lines):
        found = _SLIDE.match(line.strip())
        if found and 0 < int(found.group(1)) <= int(found.group(2)):
            by_total[found.group(2)].append((index, found.group(1)))
    return {i for found in by_total.values() if len({k for _, k in found}) >= 2 for i, _ in found}


# A caption led by its credit or label, as one article's pages carry them: "Agency The truck was ...",
# "Agency Heavily armed police ...", no final full stop (`credit_captions`).
_LOWER_RUN = re.compile(r"\b[a-z][\w'’-]*\s+[a-z][\w'’-]*\s+[a-z][\w'’-]*\b")  # three lower-case words: not a headline
_CAPITALISED = re.compile(r"^[A-Z][\w.&'’-]*$")
_TITLE_WORD = re.compile(r"^[A-Z](?:[a-z'’-][\w'’-]*)?$")  # "The", "A", "In": not an acronym ("US")


def _credit_prefix(line: str) -> str | None:
    """The one to three capitalised words that open `line` before a sentence's start, a capitalised
    function word and a lower-case word or a number ("Agency Images" in "Agency Images A victim is
    ...", "Agency" in "Agency In 2014 ..."): a sentence cannot open that way, so the words are a
    credit or a label; None when the line does not open so."""
    words = line.split()
    for k in range(1, 4):
        if len(words) <= k + 2 or not _CAPITALISED.match(words[k - 1]) or _function_word(words[k - 1]):
            return None
        if _TITLE_WORD.match(words[k]) and _function_word(words[k]) and (words[k + 1][:1].islower() or words[k + 1][:1].isdigit()):
            return " ".join(words[:k])
    return None


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    """scikit-learn's English stop words (`stop_words.english`), month and weekday names aside ("May")."""
    return stop_words.english() - set(MONTH_NAMES) - set(WEEKDAY_NAMES)


def _function_word(word: str) -> bool:
    return word.lower() in _function_words()


def _caption_shaped(lines: list[tuple[int, int, str]]) -> dict[int, str]:
    """index -> stripped line, for the lines that may be captions: no sentence ending, and three
    lower-case words in a row somewhere (a title-case line is a headline)."""
    return {i: line.strip() for i, (_, _, line) in enumerate(lines)
            if not line.rstrip().endswith(_TERMINAL) and _LOWER_RUN.search(line)}


def batch_credits(lines_by_article: dict[str, list[tuple[int, int, str]]]) -> frozenset[str]:
    """Credits that two different caption lines or more of the batch show (`_credit_prefix`): every
    caption they open is a credited caption, in any article of the batch (`credit_captions`)."""
    distinct = {line for lines in lines_by_article.values() for line in _caption_shaped(lines).values()}
    seen = Counter(map(_credit_prefix, distinct))
    return frozenset(p for p, n in seen.items() if p and n >= 2)


def credit_captions(lines: list[tuple[int, int, str]], credits: frozenset[str] = frozenset()) -> set[int]:
    """Indices of one article's captions led by a credit or label, no final full stop, then any
    capitalised word ("Agency Heavily armed police ...", "Agency People were ..."), opened by
    - a credit of the batch (`batch_credits`), or
    - words that a caption of the article shows to be a credit (`_credit_prefix`), when two lines
      or more of the article open with them.
    A one-word credit cannot be told from a sentence's first word alone (no list of names): the
    captions' repetition tells it.  Lines ending like a sentence and title-case lines stay."""
    shaped = _caption_shaped(lines)
    own = {p for p in map(_credit_prefix, shaped.values()) if p}
    found: set[int] = set()
    for prefix in own | credits:
        head = prefix.split()
        opened = [i for i, line in shaped.items()
                  if line.split()[:len(head)] == head and len(line.split()) > len(head)
                  and _CAPITALISED.match(line.split()[len(head)])]
        if len(opened) >= 2 or prefix in credits:
            found.update(opened)
    return found
