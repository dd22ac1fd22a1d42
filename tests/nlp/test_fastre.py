"""storyweave.nlp.fastre: a first-character guard changes no match of any pattern it guards,
checked on the example corpus's texts, sentences and lines for every guarded pattern of the
package, and on the case-folding corner cases of `re.IGNORECASE`."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from storyweave.nlp import boilerplate, date_patterns, dates, fastre
from storyweave.nlp.fastre import guarded
from storyweave.nlp.text import split_sentences
from storyweave.stages.analysis.numbers import quantities
from storyweave.stages.clean import rules as clean_rules

CORPUS = Path(__file__).resolve().parents[2] / "examples" / "corpus"
# The shared benchmark's news_cluster scrapes (furniture, captions, notices), when present
NEWS = Path(os.environ.get("STORYWEAVE_BENCH_DATA", Path(__file__).resolve().parents[3] / "shared" / "benchmarks")) \
    / "news_cluster" / "articles.jsonl"


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "txt").rglob("*.txt"))]
    paths = sorted((CORPUS / "jsonl").glob("*.jsonl")) + ([NEWS] if NEWS.exists() else [])
    for path in paths:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        texts += [json.loads(line)["text"] or "" for line in lines[::3]]
    return texts


TEXTS = _texts()
PIECES = TEXTS + [s.text for t in TEXTS for s in split_sentences(t)] + \
    [line.strip() for t in TEXTS for line in t.splitlines() if line.strip()]


def _unguarded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern `guarded` was given: the guard "(?=[...])(?:" and the last ")" taken off."""
    assert pattern.pattern.startswith("(?=[")
    end = re.search(r"(?<!\\)\]\)\(\?:", pattern.pattern)
    assert end is not None
    return re.compile(pattern.pattern[end.end():-1], pattern.flags)


def _matches(pattern: re.Pattern[str], texts: list[str]) -> list[list[tuple]]:
    return [[(m.span(), m.groups(), m.groupdict()) for m in pattern.finditer(t)] for t in texts]


GUARDED = {
    "SENTENCE_ANYWHERE": boilerplate.SENTENCE_ANYWHERE, "SENTENCE_NOTICE": boilerplate.SENTENCE_NOTICE,
    **{name: getattr(dates, name) for name in
       ("_EXPLICIT", "_MONTH_ORD", "_MONTH_YEAR", "_MONTH", "_YEARS", "_RELATIVE", "_START_VERBS")},
    **{name: getattr(date_patterns, name) for name in
       ("FULL_DATE_MDY", "STATED_DATE_MDY", "STATED_DATE_DMY", "DATE_OR_YEAR")},
    "_num_re": quantities._num_re(), "_AGE": quantities._AGE, "_SUBJECT_BEFORE": quantities._SUBJECT_BEFORE,
    **{f"rule {r.name}": r.pattern for r in clean_rules.RULES if r.name in clean_rules._GUARDED},
}


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_every_guarded_pattern_matches_as_before_on_real_text(name):
    pattern = GUARDED[name]
    original = _unguarded(pattern)  # fails when the pattern is not guarded (any more)
    found = _matches(pattern, PIECES)
    assert found == _matches(original, PIECES)
    assert sum(map(len, found)) > 0 or not NEWS.exists()  # the scrapes exercise every pattern
    assert [pattern.sub("#", t) for t in TEXTS] == [original.sub("#", t) for t in TEXTS]


def test_the_guard_lets_through_exactly_the_possible_first_characters():
    pattern = guarded(re.compile(r"\b(?:cat|dog)s?\b|(?<!\d)\d+ ?km", re.IGNORECASE))
    assert pattern.pattern.startswith("(?=[")
    text = "Cats, a DOG and 12 km; hotdogs 7km"
    assert _matches(pattern, [text]) == _matches(_unguarded(pattern), [text])
    assert [m.group() for m in pattern.finditer(text)] == ["Cats", "DOG", "12 km", "7km"]


@pytest.mark.parametrize("source, flags", [
    (r"(?:the )?end", 0),          # optional start: the guard takes both first characters
    (r"x*", 0),                    # can match the empty string: every position starts one
    (r"[^a]b", 0),                 # a negated class: any character may start
    (r".b", 0),                    # any character
    (r"(a)\1?b|(?i:c)d", 0),       # a case-insensitive part of a case-sensitive pattern
    (r"(?x) a b  # spaced", 0),    # global flags first
    (r"a b # comment", re.VERBOSE),
])
def test_unboundable_starts_are_left_alone_or_kept_exact(source, flags):
    pattern = re.compile(source, flags)
    result = guarded(pattern)
    texts = ["the end", "end", "xxb", "cb", "Cd", "aab", "ab", "b", ""] + TEXTS[:3]
    assert _matches(result, texts) == _matches(pattern, texts)
    if source in (r"x*", r"[^a]b", r".b", r"(a)\1?b|(?i:c)d", r"(?x) a b  # spaced") or flags:
        assert result is pattern


def test_case_folding_corner_cases_match_as_before():
    # characters that re.IGNORECASE folds onto ASCII letters: long s, dotless i, capital I with a
    # dot, the Kelvin sign; and a case-sensitive part inside a case-insensitive pattern
    texts = ["ſtart", "ıt ıs", "İN THIS photo", "5 K", "Skip", "skip", "SKIP", "in this photo", "Start"]
    for source in (r"\bstart\b", r"\bit is\b", r"\bin this photo\b", r"\d k\b", r"\b(?-i:Skip)\b|\bstart"):
        pattern = re.compile(source, re.IGNORECASE)
        result = guarded(pattern)
        assert result is not pattern
        assert _matches(result, texts) == _matches(pattern, texts)


def _flat(words: list[str], capital_first: bool = False) -> str:
    """The alternation `word_alternation` replaces: the words longest first, one after the other."""
    ordered = sorted(words, key=len, reverse=True)
    return "(?:" + "|".join(f"[{w[0]}{w[0].upper()}]{re.escape(w[1:])}" if capital_first else re.escape(w)
                            for w in ordered) + ")"


def test_the_reporting_verbs_trie_matches_as_the_flat_alternation():
    from storyweave.stages.analysis.quotes import verbs

    words = verbs._SAY_WORDS
    assert [len(w) for w in words] == sorted(map(len, words), reverse=True)  # longest first, as the trie tries
    flat = re.compile(r"(?<![\w-])" + _flat(words, capital_first=True) + r"\b(?!-)")
    assert verbs._VERB.pattern != flat.pattern
    found = _matches(verbs._VERB, PIECES)
    assert found == _matches(flat, PIECES) and sum(map(len, found)) > 100
    for text in TEXTS[:40]:  # the stage scans slices (pos, endpos) and matches single tokens
        for lo in range(0, len(text), 97):
            assert [m.span() for m in verbs._VERB.finditer(text, lo, lo + 200)] == \
                [m.span() for m in flat.finditer(text, lo, lo + 200)]
    for token in ["said", "Said", "SAID", "pointed out", "pointed", "says-", "told", "tells"]:
        assert bool(verbs._VERB.fullmatch(token)) == bool(flat.fullmatch(token))


@pytest.mark.parametrize("words, follow", [
    (["go", "go on", "going", "going on", "goes"], r"(?: on)?\b"),  # a prefix word, a continuation that backtracks
    (["a", "ab", "abc", "b", "ba"], r"c?"),
    (["said", "sa", "s"], r"(?:id)?x?"),
])
def test_word_alternation_equals_the_longest_first_alternation(words, follow):
    from storyweave.nlp.fastre import word_alternation

    trie = re.compile(word_alternation(words) + follow)
    flat = re.compile(_flat(words) + follow)
    texts = ["go on going on goes", "abcabc ab a bac ba", "saidx said sax sx s", "going", "go onwards"]
    assert _matches(trie, texts) == _matches(flat, texts)


def test_the_date_number_word_tries_match_as_the_flat_alternations():
    flat_ord = "|".join(sorted(dates.ORDINALS, key=len, reverse=True))
    flat_numw = "|".join(sorted([*dates._UNITS, *dates._TENS], key=len, reverse=True))
    for name in ("_RELATIVE", "_MONTH_ORD", "_YEARS"):
        pattern = _unguarded(getattr(dates, name))
        flat = re.compile(pattern.pattern.replace(dates._ORD, flat_ord).replace(dates._NUMW, flat_numw), pattern.flags)
        assert flat.pattern != pattern.pattern
        assert _matches(pattern, TEXTS) == _matches(flat, TEXTS)
    spelled = ["nineteen eighty-four", "the twenty-first day of the siege", "three weeks ago", "the 3rd day of talks",
               "twenty two days ago", "Nineteen Ninety Nine", "an hour ago", "seventy-seven years earlier"]
    pattern = _unguarded(dates._RELATIVE)
    flat = re.compile(pattern.pattern.replace(dates._ORD, flat_ord).replace(dates._NUMW, flat_numw), pattern.flags)
    assert _matches(pattern, spelled) == _matches(flat, spelled) and sum(map(len, _matches(pattern, spelled))) >= 4


def test_without_the_standard_parser_patterns_come_back_unchanged(monkeypatch):
    """`re._parser` is private: a Python without it (or with another tree layout) gets every
    pattern as it was, never an error."""
    pattern = re.compile(r"\b(?:said|told)\b", re.IGNORECASE)
    assert fastre.guarded(pattern) is not pattern  # guarded here
    monkeypatch.setattr(fastre, "P", None)
    assert fastre.guarded(pattern) is pattern

    class Odd:
        @staticmethod
        def parse(*_args):
            raise TypeError("another layout")

    monkeypatch.setattr(fastre, "P", Odd)
    assert fastre.guarded(pattern) is pattern
