"""The summary's verb check (`sentences.has_verb`): sure verb forms without the tagger."""

from __future__ import annotations


def test_sure_verb_forms_skip_the_tagger_and_agree_with_it(monkeypatch):
    from storyweave.nlp.spacy_model import load_pipeline
    from storyweave.stages.brief import sentences

    sure = ["Officials said the bridge would reopen next week.", "The talks were cut short by the storm."]
    other = ["The minister resigned on Monday.", "The minister of finance, in a grey suit."]
    ruled = load_pipeline(sentences.TAGGER | {"attribute_ruler"})  # coarse tags (pos_) too
    tagged = [any(t.pos_ in ("VERB", "AUX") for t in ruled(s)) for s in sure + other]
    assert tagged == [True, True, True, False]
    sentences.has_verb.cache_clear()
    calls: list[str] = []
    real = sentences._tagger()
    monkeypatch.setattr(sentences, "_tagger", lambda: calls.append("tagger") or real)
    assert [sentences.has_verb(s) for s in sure + other] == tagged
    assert len(calls) == len(other)  # only the sentences without a sure verb form were tagged
    sentences.has_verb.cache_clear()


def test_candidates_skip_a_notice_paragraph_and_a_subheading_question():
    """An (invented) web-archive notice's later sentences go with its opening one; a
    headline-length question alone as a paragraph is a subheading, one going on to address the
    reader or to exclaim is a promotion; a quotation, a question
    inside a paragraph and a long question opening a report stay candidates."""
    from storyweave.stages.brief.sentences import candidates

    text = "\n".join([
        "These crawls are part of an effort to archive pages as they are created by the sites. "
        "That way, as the pages that are referenced are changed or taken from the web, a link stays.",
        "Flood water broke through the Marrow river levee at Tollbridge on Tuesday, officials said.",
        "Why is the levee called the Marrow wall?",
        'Mayor Ana Ruiz asked: "Who will pay for the pumps now?"',
        "Residents asked who would pay for the pumps. Will the levee hold another winter of storms?",
        "With twelve hundred residents evacuated and the main road closed for days, could the town "
        "afford another flood before the new levee is finished next year?",
        "Want more stories about the river delivered to your phone? Download the town's news app now!",
        "Have a question about the levee works? Send it to the council office. You can also call the hotline.",
    ])
    got = [c.text for c in candidates([("a", text)])]
    assert got == [
        "Flood water broke through the Marrow river levee at Tollbridge on Tuesday, officials said.",
        'Mayor Ana Ruiz asked: "Who will pay for the pumps now?"',
        "Residents asked who would pay for the pumps.",
        "Will the levee hold another winter of storms?",
        "With twelve hundred residents evacuated and the main road closed for days, could the town "
        "afford another flood before the new levee is finished next year?",
    ]


def test_verb_tags_are_the_coarse_verb_and_aux_on_real_sentences():
    """`VERB_TAGS` (fine tags, no attribute ruler) marks the same tokens as the model's coarse
    VERB/AUX (after its attribute ruler) on every sentence of the example corpus' articles, and
    has_verb agrees with a check by coarse tags on each sentence."""
    from storyweave.io.readers import read_paths
    from storyweave.nlp.spacy_model import load_pipeline
    from storyweave.nlp.text import sentence_texts
    from storyweave.stages.brief import sentences
    from tests.conftest import EXAMPLE_CORPUS

    articles, _ = read_paths([str(EXAMPLE_CORPUS)])
    texts = [s for a in articles for s in sentence_texts(a.text)]
    assert len(texts) > 300
    fine, ruled = sentences._tagger(), load_pipeline(sentences.TAGGER | {"attribute_ruler"})
    marked = [[t.tag_ in sentences.VERB_TAGS and not t.is_space for t in doc] for doc in fine.pipe(texts)]
    coarse = [[t.pos_ in ("VERB", "AUX") for t in doc] for doc in ruled.pipe(texts)]
    assert marked == coarse
    assert sum(not any(m) for m in marked) > 5  # some sentences have no verb: both sides are exercised
    sentences.has_verb.cache_clear()
    assert [sentences.has_verb(s) for s in texts] == [any(c) for c in coarse]
    sentences.has_verb.cache_clear()
