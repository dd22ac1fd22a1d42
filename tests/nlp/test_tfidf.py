"""storyweave.nlp.tfidf: scikit-learn's TfidfVectorizer reproduced bit for bit (hand-written to keep
`import sklearn` off a cold `add`), checked against scikit-learn itself on real texts for every
configuration storyweave uses."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from storyweave.nlp import represent, tfidf
from storyweave.nlp.stop_words import SUMMARY
from storyweave.nlp.text import split_sentences, words

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"


def _texts() -> list[str]:
    """The example corpus's reports (title + text) and its sentences: long and short texts."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "txt").rglob("*.txt"))]
    for path in sorted((CORPUS / "jsonl").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                texts.append(f"{record.get('title') or ''}\n{record['text']}")
    return texts


TEXTS = _texts()
SENTENCES = [s.text for t in TEXTS[:6] for s in split_sentences(t)]


def _assert_identical(ours, theirs) -> None:
    theirs = theirs.tocsr()
    assert type(ours) is type(theirs)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    assert np.array_equal(ours.indptr, theirs.indptr)
    assert np.array_equal(ours.indices, theirs.indices)  # same vocabulary order, same order inside rows
    assert ours.data.tobytes() == theirs.data.tobytes()  # every float bit


@pytest.mark.parametrize("texts", [TEXTS[:3], TEXTS, SENTENCES], ids=["3 reports", "all reports", "sentences"])
@pytest.mark.parametrize("ngrams,min_df", [((1, 1), 1), ((1, 2), 1), ((1, 2), 2)])
def test_word_tfidf_equals_scikit_learn(texts, ngrams, min_df):
    """represent.tfidf's default: English stop words, word n-grams, float32, sublinear tf."""
    theirs = TfidfVectorizer(sublinear_tf=True, ngram_range=ngrams, min_df=min_df, dtype=np.float32,
                             stop_words="english").fit_transform(texts)
    ours = tfidf.fit_transform(texts, tfidf.word_analyzer(stop_words=ENGLISH_STOP_WORDS, ngrams=ngrams),
                               min_df=min_df, dtype=np.float32, sublinear_tf=True)
    _assert_identical(ours, theirs)


@pytest.mark.parametrize("texts", [TEXTS, SENTENCES], ids=["reports", "sentences"])
def test_pattern_tokens_equal_scikit_learn(texts):
    """represent.tfidf(token_pattern=r"\\S+"): the events stage's name view, case kept."""
    theirs = TfidfVectorizer(sublinear_tf=True, dtype=np.float32, token_pattern=r"\S+", lowercase=False,
                             stop_words=None).fit_transform(texts)
    ours = tfidf.fit_transform(texts, tfidf.word_analyzer(token_pattern=r"\S+", lowercase=False),
                               dtype=np.float32, sublinear_tf=True)
    _assert_identical(ours, theirs)


@pytest.mark.parametrize("texts", [TEXTS, SENTENCES], ids=["reports", "sentences"])
def test_tokenizer_and_stop_list_equal_scikit_learn(texts):
    """brief.sentences.vectorize: storyweave's word tokenizer, the summary's stop list, float64."""
    theirs = TfidfVectorizer(tokenizer=words, lowercase=False, token_pattern=None, stop_words=sorted(SUMMARY),
                             sublinear_tf=True).fit_transform(texts)
    ours = tfidf.fit_transform(texts, tfidf.word_analyzer(tokenizer=words, lowercase=False, stop_words=SUMMARY),
                               sublinear_tf=True)
    _assert_identical(ours, theirs)


@pytest.mark.parametrize("texts", [TEXTS[:8], SENTENCES[:40]], ids=["reports", "sentences"])
def test_char_wb_equals_scikit_learn(texts):
    """analysis.quotes.matching._char_cosines: char_wb 3-5-grams, lower-cased, float64."""
    texts = [*texts, "a b  cd\tefg", "x"]  # short words (shorter than n), runs of white space
    theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True,
                             sublinear_tf=True).fit_transform(texts)
    ours = tfidf.fit_transform(texts, tfidf.char_wb_analyzer((3, 5)), sublinear_tf=True)
    _assert_identical(ours, theirs)


def test_empty_rows_and_empty_vocabulary():
    texts = ["", "the and of", "Storm hits the coast", "storm"]
    theirs = TfidfVectorizer(sublinear_tf=True, dtype=np.float32, stop_words="english").fit_transform(texts)
    ours = tfidf.fit_transform(texts, tfidf.word_analyzer(stop_words=ENGLISH_STOP_WORDS), dtype=np.float32,
                               sublinear_tf=True)
    _assert_identical(ours, theirs)
    with pytest.raises(ValueError):
        tfidf.fit_transform(["the and", ""], tfidf.word_analyzer(stop_words=ENGLISH_STOP_WORDS))
    with pytest.raises(ValueError):  # min_df prunes every term: scikit-learn raises too
        tfidf.fit_transform(["storm coast", "flood river"], tfidf.word_analyzer(), min_df=2)
    assert represent.tfidf(["the and", ""]).shape == (2, 1)  # represent's fallback stays


def test_represent_tfidf_is_scikit_learns_over_20_texts():
    """min_df 2 for bigrams above 20 texts (or a larger `fit_size`), as before."""
    texts = (TEXTS * 2)[:25]
    theirs = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, dtype=np.float32,
                             stop_words="english").fit_transform(texts)
    _assert_identical(represent.tfidf(texts, (1, 2)), theirs)
    theirs = TfidfVectorizer(sublinear_tf=True, ngram_range=(1, 2), min_df=2, dtype=np.float32,
                             stop_words="english").fit_transform(TEXTS[:5])
    _assert_identical(represent.tfidf(TEXTS[:5], (1, 2), fit_size=100), theirs)
