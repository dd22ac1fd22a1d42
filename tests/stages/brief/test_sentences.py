"""The summary's verb check (`sentences.has_verb`): sure verb forms without the tagger."""

from __future__ import annotations


def test_sure_verb_forms_skip_the_tagger_and_agree_with_it(monkeypatch):
    from storyweave.stages.brief import sentences

    sure = ["Officials said the bridge would reopen next week.", "The talks were cut short by the storm."]
    other = ["The minister resigned on Monday.", "The minister of finance, in a grey suit."]
    tagged = [any(t.pos_ in ("VERB", "AUX") for t in sentences._tagger()(s)) for s in sure + other]
    assert tagged == [True, True, True, False]
    sentences.has_verb.cache_clear()
    calls: list[str] = []
    real = sentences._tagger()
    monkeypatch.setattr(sentences, "_tagger", lambda: calls.append("tagger") or real)
    assert [sentences.has_verb(s) for s in sure + other] == tagged
    assert len(calls) == len(other)  # only the sentences without a sure verb form were tagged
    sentences.has_verb.cache_clear()
