"""English stop words: one base list, and the named extensions its users add to it.

The base is scikit-learn's `ENGLISH_STOP_WORDS` (the Glasgow Information Retrieval Group's
list, shipped with scikit-learn, which scikit-learn's TF-IDF calls `stop_words="english"`),
loaded on first use so commands that run no stage stay light.

One user keeps a shorter list: the summary (`brief`) weighs sentences with the classic
127-word list of NLTK's English stop-word corpus (written out below: NLTK ships the corpus as
a separate data download), because the base list also drops content-bearing words such as
"fire", "found", "first" or "system" and changes which sentences a summary picks.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

# Reporting verbs: in news every report "said" and "told"; they carry no content (general English).
REPORTING_VERBS = frozenset({"said", "says", "told"})


@cache
def english() -> frozenset[str]:
    """scikit-learn's English stop-word list: the one base list.

    Read from scikit-learn's own data module (`sklearn/feature_extraction/_stop_words.py`, a
    frozenset literal) without importing the package: `import sklearn` costs ~0.9 CPU-s
    (`sklearn.base`, `sklearn.utils`, `scipy.stats`), most of a cold `storyweave add`'s budget.
    The same list object as `sklearn.feature_extraction.text.ENGLISH_STOP_WORDS`
    (`tests/nlp/test_stop_words.py`); imported the usual way when the file is not found."""
    spec = importlib.util.find_spec("sklearn")  # a top-level spec: finds the package, runs nothing
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "feature_extraction" / "_stop_words.py"
        data_spec = importlib.util.spec_from_file_location("_storyweave_sklearn_stop_words", path)
        if path.is_file() and data_spec is not None and data_spec.loader is not None:
            module = importlib.util.module_from_spec(data_spec)
            data_spec.loader.exec_module(module)
            return frozenset(module.ENGLISH_STOP_WORDS)
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


# NLTK's English stop-word list, its original 127 words (nltk_data corpora/stopwords/english).
NLTK_CLASSIC = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
    her hers herself it its itself they them their theirs themselves what which who whom this that these
    those am is are was were be been being have has had having do does did doing a an the and but if or
    because as until while of at by for with about against between into through during before after
    above below to from up down in out on off over under again further then once here there when where
    why how all any both each few more most other some such no nor not only own same so than too very s
    t can will just don should now""".split()
)

# The summary's list: NLTK's without the contraction pieces "s", "t", "don" (the tokeniser keeps
# contractions whole), plus "also", the modals "could" and "would", and the reporting verbs.
SUMMARY = (NLTK_CLASSIC - {"s", "t", "don"}) | {"also", "could", "would", "say"} | REPORTING_VERBS


@cache
def spacy_english() -> frozenset[str]:
    """spaCy's English stop-word list.  The bare-text reader's heading test and the quote
    scanner's name-boundary tests were tuned on it (it holds the contraction pieces such as
    "n't" and "'s" that spaCy's tokens carry); the base list in their place changes results."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


# Two short subsets of the base list (general English function words, plus "said" and "us"),
# for word-overlap tests that must still count words the base list drops ("first", "found",
# "fire"): putting the base list in their place changes the news_cluster briefings.
# The timeline's test whether two dated sentences tell one happening:
TIMELINE_OVERLAP = frozenset({"the", "a", "an", "and", "of", "to", "in", "on", "is", "was", "were", "that", "for",
                              "with", "said", "at", "by", "it", "as", "from", "has", "have", "had", "be", "this"})
# The quote matcher's test whether two quotes say the same thing:
QUOTE_OVERLAP = frozenset({"the", "a", "an", "and", "of", "to", "in", "on", "is", "are", "was", "were", "be", "that",
                           "this", "it", "for", "with", "as", "at", "by", "we", "i", "you", "they", "our", "us",
                           "will", "have", "has"})

# The quantity finder (`stages/analysis/numbers/`), two lists of its own:
# the words that end the search for the noun a figure counts ("1.7 million Ukrainian people have
# fled": 'people'; "$2 billion in aid": none before 'in'): function words of the base list plus the
# reporting and hedging words "said", "says", "according", "nearly", "far", "ago";
NOUN_PHRASE_END = frozenset({
    "have", "has", "had", "were", "was", "are", "is", "be", "been", "will", "would", "could", "in",
    "on", "at", "from", "to", "who", "that", "which", "and", "or", "but", "for", "by", "with", "as",
    "since", "after", "before", "into", "than", "the", "a", "an", "this", "these", "those", "their",
    "its", "his", "her", "our", "over", "under", "per", "each", "so", "far", "last", "ago", "said",
    "says", "according", "of", "more", "less", "about", "around", "nearly", "almost", "some", "up",
})
# and the words left out of a figure's context (the words near a figure that tell two figures
# of one sentence apart): those, pronouns and negations, and words every report of a count
# carries ("people", "officials", "total", "number", "including").
FIGURE_CONTEXT = NOUN_PHRASE_END | {"it", "he", "she", "they", "we", "not", "no", "there", "than", "about"} | {
    "people", "more", "than", "least", "some", "about", "around", "over", "nearly", "almost", "said",
    "says", "according", "officials", "official", "total", "number", "including", "also", "were",
    "have", "been", "from", "their", "with", "this", "that", "there", "they", "which", "after"}
