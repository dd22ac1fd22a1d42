"""The `limit` stage: every article is analysed on at most `Config.limit.max_article_chars` characters.

A 5 MB scraped page must not cost a batch its memory or spaCy's `max_length` (1,000,000
characters by default): after cleaning, a longer `text` is cut at the last paragraph (or
sentence) break before the limit and the article gets a note saying so.  `raw_text` keeps the
full text, which is what the store saves and what the next run's cleaning starts from.
"""

from __future__ import annotations

from dataclasses import replace

from storyweave.config import Config
from storyweave.model import Corpus

SPACY_MAX_LENGTH = 1_000_000  # spaCy's default `nlp.max_length`: never reached, whatever the settings


def analysis_limit(settings: Config) -> int:
    """Characters of an article the analysis reads: `limit.max_article_chars`, kept within spaCy's maximum."""
    return max(1_000, min(int(settings.limit.max_article_chars), SPACY_MAX_LENGTH - 1))


def cut_text(text: str, limit: int) -> str:
    """The first part of `text`, at most `limit` characters, ending at a paragraph break, else a
    sentence end, when one falls in the last fifth of the allowance; else a hard cut."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    floor = int(limit * 0.8)
    for mark in ("\n", ". ", "? ", "! "):
        at = head.rfind(mark)
        if at >= floor:
            return head[: at + (1 if mark != "\n" else 0)].rstrip()
    return head.rstrip()


def limit_articles(corpus: Corpus, settings: Config) -> Corpus:
    """Cut each article's analysed text to the limit (full text kept in `raw_text`), with a note."""
    limit = analysis_limit(settings)
    if all(len(a.text) <= limit for a in corpus.articles):
        return corpus
    articles = []
    for article in corpus.articles:
        if len(article.text) > limit:
            cut = cut_text(article.text, limit)
            note = (f"analysed the first {len(cut):,} of {len(article.text):,} characters "
                    f"(limit max_article_chars={limit:,}); the full text is stored")
            notes = [n for n in article.notes if not n.startswith("analysed the first ")] + [note]
            article = replace(article, text=cut, notes=notes)
        articles.append(article)
    return replace(corpus, articles=articles)
