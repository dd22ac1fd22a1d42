"""Event title fallback: the headline most representative of the event's articles."""

from __future__ import annotations

from collections import Counter

from storyweave.config import HeadlineParams
from storyweave.model import Article, SummarySentence
from storyweave.nlp.stop_words import SUMMARY
from storyweave.nlp.text import content_words
from storyweave.stages.events.headline import headline_from_text

_LIMITS = HeadlineParams()  # the defaults; the brief stage passes `config.events.headline`


def best_title(articles: list[Article], summary: list[SummarySentence], limits: HeadlineParams = _LIMITS) -> str:
    """The article headline sharing the most content words with the other headlines and the
    summary (originals preferred over copies); the first summary sentence when no article has
    a headline; "" when there is nothing at all."""
    titled = [a for a in articles if a.title and a.title.strip()]
    originals = [a for a in titled if a.duplicate_of is None] or titled
    if not originals:
        return headline_from_text("\n".join(s.text for s in summary[:3]), limits) if summary else ""
    vocab: Counter[str] = Counter()
    for a in titled:
        vocab.update(content_words(a.title or "", SUMMARY, min_len=3))
    for s in summary:
        vocab.update(content_words(s.text, SUMMARY, min_len=3))

    def score(a: Article) -> tuple[float, int]:
        toks = content_words(a.title or "", SUMMARY, min_len=3)
        shared = sum(vocab[t] - 1 for t in toks)  # -1: a headline does not support itself
        return (shared / (len(toks) ** 0.5) if toks else 0.0, -len(a.title or ""))

    return (max(originals, key=score).title or "").strip()

