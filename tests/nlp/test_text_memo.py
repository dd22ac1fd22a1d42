"""Sentence splits handed over from a cached parse are the splits `split_sentences` makes."""

from __future__ import annotations

from storyweave.nlp import text as text_mod


def test_remembered_split_equals_a_fresh_split(monkeypatch):
    sample = 'Talks ended on Monday. "We will meet again," he said.\n\nA second paragraph follows here.'
    fresh = text_mod.split_sentences(sample)
    assert len(fresh) == 3 and fresh[2].paragraph == 1
    monkeypatch.setattr(text_mod, "_KNOWN", {})
    text_mod.remember_sentences(sample, [(s.start, s.end, s.paragraph) for s in fresh])
    monkeypatch.setattr(text_mod, "_split_sentences", lambda t: (_ for _ in ()).throw(AssertionError("split again")))
    assert text_mod.split_sentences(sample) == fresh
