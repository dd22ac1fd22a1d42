"""storyweave.nlp.stop_words: the one home of the stop-word lists, and how they relate to the base."""

from __future__ import annotations

from storyweave.nlp import stop_words
from storyweave.nlp.stop_words import (
    FIGURE_CONTEXT,
    NLTK_CLASSIC,
    NOUN_PHRASE_END,
    QUOTE_OVERLAP,
    REPORTING_VERBS,
    SUMMARY,
    TIMELINE_OVERLAP,
)


def test_the_base_is_scikit_learns_list():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    assert stop_words.english() == frozenset(ENGLISH_STOP_WORDS)


def test_short_lists_are_subsets_of_the_base_plus_named_extensions():
    base = stop_words.english()
    assert TIMELINE_OVERLAP - base == {"said"}
    assert QUOTE_OVERLAP <= base
    assert len(NLTK_CLASSIC) == 127
    assert SUMMARY - NLTK_CLASSIC == {"also", "could", "would", "say"} | REPORTING_VERBS
    assert NLTK_CLASSIC - SUMMARY == {"s", "t", "don"}


def test_the_summary_list_keeps_content_words_the_base_drops():
    from storyweave.nlp.text import content_words

    kept = content_words("Officials said the fire was found in the first floor of the system building", SUMMARY, min_len=3)
    assert "said" not in kept and "the" not in kept
    assert {"fire", "found", "first", "system"} <= set(kept)


def test_spacy_list_holds_contraction_pieces():
    assert {"n't", "'s"} <= stop_words.spacy_english()


def test_the_quantity_lists_are_the_base_plus_named_words():
    base = stop_words.english()
    assert NOUN_PHRASE_END - base == {"said", "says", "according", "nearly", "far", "ago"}
    assert NOUN_PHRASE_END < FIGURE_CONTEXT
    assert FIGURE_CONTEXT - base == (NOUN_PHRASE_END - base) | {"people", "officials", "official", "total", "number", "including"}


def test_the_counted_noun_search_stops_at_the_list():
    from storyweave.stages.analysis.numbers import extract_quantities, figure_context

    fled, = extract_quantities("More than 1.7 million Ukrainian people have fled.")
    assert fled.noun == "people"
    sentence = "Officials said the floods killed 12 people in the northern provinces."
    killed, = extract_quantities(sentence)
    assert killed.noun == "people"
    assert figure_context(sentence, killed) == {"flood", "kille", "north", "provi"}  # not 'offic', 'said', 'the'


def test_the_base_is_read_without_importing_scikit_learn():
    """`english()` reads scikit-learn's list from its data file: a cold `add` must not pay for
    `import sklearn` (~0.9 CPU-s, issue 12)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    code = ("import sys; from storyweave.nlp import stop_words; words = stop_words.english(); "
            "print(len(words), 'sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=env).stdout.split()
    assert out == ["318", "False"]
