"""Optional abstractive wording of an event summary through an OpenAI-compatible endpoint.

Off by default and never called by the pipeline stage (stages do no network I/O): the edge
(`storyweave.llm`: the HTTP client and `reword_events`, used by the CLI) calls
`abstractive_summary(event, complete)` after the pipeline when the user configured an endpoint.  The model only rewords the event's extractive sentences, numbered
[1]..[n]; every generated sentence must cite them, and is kept only when it is supported by
the cited sentences: all its numbers and names occur there and most of its content words do
(at least `BriefConfig.min_content_recall`, 0.7 by default).
Unsupported or uncited sentences are dropped, so nothing invented reaches the reader.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from storyweave.config import BriefConfig
from storyweave.model import Event, SummarySentence
from storyweave.nlp.stop_words import SUMMARY
from storyweave.nlp.text import content_words, count_words, split_sentences

_CITE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_NUM = re.compile(r"\d[\d,.]*\d|\d")
_NAME = re.compile(r"(?<!^)\b[A-Z][a-z]\w+")
_MIN_RECALL = BriefConfig.min_content_recall  # the default of `brief.min_content_recall`

PROMPT = """Rewrite the numbered news sentences below as one fluent summary of at most {words} words.
Use only information stated in them. End every sentence with the numbers of the sentences it
uses, like [1] or [2,3]. Do not add anything else.

{sentences}
"""


@dataclass
class CheckedSentence:
    """A reworded sentence with the extractive sentences it cites and whether they support it."""

    text: str
    sources: list[int]  # 1-based indices of the extractive sentences it cites
    supported: bool
    reason: str = ""


def check_sentence(text: str, cited: list[str], min_recall: float = _MIN_RECALL) -> tuple[bool, str]:
    """Whether `text` is supported by the `cited` source sentences, and why not: its numbers and
    names occur in them and at least `min_recall` of its content words do."""
    if not cited:
        return False, "cites no source sentence"
    source = " ".join(cited)
    missing_numbers = set(_NUM.findall(text)) - set(_NUM.findall(source))
    if missing_numbers:
        return False, f"numbers not in the sources: {sorted(missing_numbers)}"
    missing_names = {n for n in _NAME.findall(text) if n not in source}
    if missing_names:
        return False, f"names not in the sources: {sorted(missing_names)}"
    mine = content_words(text, SUMMARY, numbers=False)
    if mine:
        recall = len(mine & content_words(source, SUMMARY, numbers=False)) / len(mine)
        if recall < min_recall:
            return False, f"only {recall:.0%} of its content words are in the sources"
    return True, ""


def parse_and_check(response: str, extractive: list[SummarySentence],
                    min_recall: float = _MIN_RECALL) -> list[CheckedSentence]:
    """Split the model's answer into sentences, read their citations and check each (`check_sentence`)."""
    out = []
    for sent in split_sentences(response):
        refs = [int(n) for m in _CITE.finditer(sent.text) for n in m.group(1).split(",")]
        text = " ".join(_CITE.sub("", sent.text).split())
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)
        if not text:
            continue
        valid = [r for r in dict.fromkeys(refs) if 1 <= r <= len(extractive)]
        ok, reason = check_sentence(text, [extractive[r - 1].text for r in valid], min_recall)
        out.append(CheckedSentence(text, valid, ok, reason))
    return out


def abstractive_summary(event: Event, complete: Callable[[str], str], max_words: int = 120,
                        min_recall: float = _MIN_RECALL) -> list[SummarySentence]:
    """Reworded summary of `event`, each sentence citing the articles of the sentences it uses;
    unsupported sentences (`check_sentence` with `min_recall`) are dropped and the word budget is kept."""
    extractive = event.summary
    if not extractive:
        return []
    numbered = "\n".join(f"[{i}] {s.text}" for i, s in enumerate(extractive, 1))
    response = complete(PROMPT.format(words=max_words, sentences=numbered))
    kept, used = [], 0
    for checked in parse_and_check(response, extractive, min_recall):
        n = count_words(checked.text)
        if not checked.supported or used + n > max_words:
            continue
        ids = list(dict.fromkeys(a for r in checked.sources for a in extractive[r - 1].article_ids))
        kept.append(SummarySentence(checked.text, ids))
        used += n
    return kept
