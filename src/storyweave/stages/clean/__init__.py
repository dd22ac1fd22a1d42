"""Scrape-noise removal: named rules plus corpus statistics; records removed lines per article.

Cleaning works on whole lines (one paragraph per line, as the readers produce them) of
`article.raw_text` and never edits inside a line, so every kept sentence stays verbatim.
A line is noise when

1. a named rule of `RULES` matches it (`rules.py`; `rules_markdown` says what each rule is
   for), or it is a caption that the article's or the batch's other captions show to be one (a
   slideshow counter, a picture credit opening it: `captions.py`), or
2. it is one of the leading headline-like lines (the title repeated, or other teaser
   headlines before the body: `top.py`), or
3. corpus statistics say it is site chrome (`chrome.py`): the same line recurs in articles
   that are *not* copies of each other (>= `clean.min_articles` unrelated articles in the
   batch, or >= `clean.min_outlet_articles` unrelated articles of the same outlet).  Lines
   that read like reporting (a sentence, a quote, a long line) are never removed on
   statistics alone, because wire reprints and rewrites legitimately share real sentences.

`article.removed` gets the noise lines verbatim and `article.removed_reasons` the rule name
of each, so a user can always see why a line went.  This module runs the parts
(`clean_corpus`) and rebuilds each article from its kept lines; `lines.py` holds what the parts
share about a line.
"""

from __future__ import annotations

from dataclasses import replace

from storyweave.config import Config
from storyweave.model import Article, Corpus
from storyweave.nlp.text import paragraphs
from storyweave.stages.clean.captions import batch_credits, credit_captions, slide_lines
from storyweave.stages.clean.chrome import recurring_chrome, sharing_lines
from storyweave.stages.clean.lines import _norm
from storyweave.stages.clean.rules import _RULE_OF, RULES, _first_rule, rule_for, rules_markdown
from storyweave.stages.clean.top import _top_reason

__all__ = ["RULES", "clean_corpus", "rule_for", "rules_markdown", "sharing_lines"]


def clean_corpus(corpus: Corpus, settings: Config) -> Corpus:
    """Recompute `text`, `removed` and `removed_reasons` of every article from its `raw_text`.

    A title the plain-text reader inferred from the first line is dropped again when that
    line turns out to be noise (a rule or site chrome recurring across unrelated reports,
    e.g. an embed's "Tweet with a location"): the events stage then makes one from the text."""
    from storyweave.parallel import default_processes, fork_map

    cfg = settings.clean
    lines_by_article = {a.id: _lines(a) for a in corpus.articles}
    # each line's rule is its own business: the lines not seen before are ruled by forked workers
    # when there are many, their answers kept here (`rule_for` then finds them)
    todo = list(dict.fromkeys(line for lines in lines_by_article.values() for _, _, line in lines
                              if line not in _RULE_OF))
    for line, found in zip(todo, fork_map(_first_rule, todo, default_processes(settings.run.processes),
                                          min_items=1024, chunk=512), strict=True):
        _RULE_OF.remember(line, found)
    slides = {a.id: slide_lines(lines_by_article[a.id]) for a in corpus.articles}
    credits = batch_credits(lines_by_article)
    credited = {a.id: credit_captions(lines_by_article[a.id], credits) for a in corpus.articles}
    ruled = {
        a.id: [("gallery" if i in slides[a.id] else None) or rule_for(line)
               or ("agency_caption" if i in credited[a.id] else None) or _top_reason(a, lines_by_article[a.id], i)
               for i, (_, _, line) in enumerate(lines_by_article[a.id])]
        for a in corpus.articles
    }  # fmt: skip
    # an inferred title line stays a chrome candidate: site chrome can look like a headline
    candidates = {
        aid: [None if r == "title_repeat" and _title_inferred(by_id) else r for r in reasons]
        for aid, reasons, by_id in ((a.id, ruled[a.id], a) for a in corpus.articles)
    }
    chrome = recurring_chrome(corpus.articles, lines_by_article, candidates, cfg.min_articles,
                              cfg.min_outlet_articles, cfg.copy_containment, cfg.edge_lines)
    articles = []
    for article in corpus.articles:
        lines = lines_by_article[article.id]
        reasons = [
            (chrome.get((article.id, _norm(line))) if r == "title_repeat" and _title_inferred(article) else r)
            or r or chrome.get((article.id, _norm(line)))
            for r, (_, _, line) in zip(ruled[article.id], lines, strict=False)
        ]
        cleaned = _rebuild(article, lines, reasons)
        if _title_inferred(article) and any(
            why not in (None, "title_repeat") and _norm(line) == _norm(article.title or "")
            for why, (_, _, line) in zip(reasons, lines, strict=False)
        ):
            inferred = {k: v for k, v in article.metadata["inferred"].items() if k != "title"}
            cleaned = replace(cleaned, title=None, metadata={**article.metadata, "inferred": inferred})
        articles.append(cleaned)
    return replace(corpus, articles=articles)


def _title_inferred(article: Article) -> bool:
    return bool(article.title) and "title" in (article.metadata.get("inferred") or {})


def _lines(article: Article) -> list[tuple[int, int, str]]:
    raw = article.raw_text or article.text or ""
    return [(s, e, raw[s:e]) for s, e in paragraphs(raw)]


def _rebuild(article: Article, lines: list[tuple[int, int, str]], reasons: list[str | None]) -> Article:
    """Cleaned text keeps the raw separators between kept lines, so kept lines stay verbatim."""
    raw = article.raw_text or article.text or ""
    parts: list[str] = []
    removed: list[str] = []
    removed_reasons: list[str] = []
    for index, ((start, _, line), reason) in enumerate(zip(lines, reasons, strict=False)):
        if reason:
            removed.append(line)
            removed_reasons.append(reason)
            continue
        if parts:
            separator = raw[lines[index - 1][1] : start]
            parts.append(separator if separator.strip() == "" and separator else "\n")
        parts.append(line)
    for line in article.metadata.get("extraction_dropped") or []:  # left out by the HTML extractor
        removed.append(line)
        removed_reasons.append("html_extraction")
    return replace(
        article, raw_text=raw, text="".join(parts), removed=removed, removed_reasons=removed_reasons
    )
