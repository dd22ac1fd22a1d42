from storyweave.analysis.quotes import find_quotes


def _quote(event, fragment):
    return next(q for q in event.quotes if any(fragment in v for v in q.variants))


def test_every_quote_style_is_found():
    text = ("“Curly quotes work here,” she said. \"Straight quotes work too,\" he said.\n"
            "«Guillemets are also quotes here», wrote Ivan. „German quotes work as well“, sagte er.\n"
            "He called it 'a single-quoted statement of four words', adding Ukraine's view didn't change.")
    found = [q.text for q in find_quotes(text)]
    assert found == ["Curly quotes work here", "Straight quotes work too", "Guillemets are also quotes here",
                     "German quotes work as well", "a single-quoted statement of four words"]
    for q in find_quotes(text):
        assert text[q.start:q.end] == q.text  # verbatim slice


def test_scare_quotes_and_apostrophes_are_not_quotes():
    assert find_quotes('Moscow calls it a "special operation". It\'s the government\'s plan.') == []


def test_speaker_after_before_and_pronoun(small_event):
    assert _quote(small_event, "coming days").speaker == "Vladimir Medinsky"  # “...,” Medinsky said
    assert _quote(small_event, "our land").speaker == "Volodymyr Zelenskiy"  # He said: “...”
    assert _quote(small_event, "expectations").speaker.endswith(("Podolyak", "Podoliak"))


def test_reworded_quote_matched_across_outlets(small_event):
    q = _quote(small_event, "did not come true")
    assert any("were not fulfilled" in v for v in q.variants)
    assert set(q.article_ids) == {"wire", "paper", "reprint"}
    assert q.text in q.variants
    assert q.text in small_event_texts()


def small_event_texts() -> str:
    from tests.analysis.conftest import PAPER, WIRE

    return WIRE + PAPER


def test_different_statements_stay_apart(small_event):
    assert _quote(small_event, "coming days") is not _quote(small_event, "expectations")


def test_gold_quotes_attributed_and_matched(example_corpus, gold):
    quotes = [q for ev in example_corpus.events for q in ev.quotes]
    for gq in gold["quotes"]:
        holders = [next((q for q in quotes if any(v.rstrip(".") == x.rstrip(".") for x in q.variants)), None)
                   for v in gq["variants"]]
        assert all(h is not None for h in holders), gq["variants"]
        assert len({id(h) for h in holders}) == 1, f"variants of {gq['speaker']} split"
        assert holders[0].speaker == gq["speaker"]
        assert set(gq["article_ids"]) <= set(holders[0].article_ids)


def test_role_only_attribution_resolves_to_the_person_with_that_role():
    from storyweave.analysis.entities import EntityIndex, mentions_of
    from storyweave.analysis.nlp import get_nlp
    from storyweave.analysis.quotes import quotes_of

    text = ("Union leader Viktor Halloran addressed the crowd outside city hall on Monday.\n"
            "\"We will not go back to work for promises,\" the union leader said.")
    doc = get_nlp()(text)
    index = EntityIndex(mentions_of(doc, "a", ("a",)))
    (q,) = quotes_of(doc, "a", ("a",), index)
    assert q.speaker == "Viktor Halloran"


def _speakers(text):
    from storyweave.analysis.entities import EntityIndex, mentions_of, missed_surnames
    from storyweave.analysis.nlp import get_nlp
    from storyweave.analysis.quotes import quotes_of

    doc = get_nlp()(text)
    mentions = mentions_of(doc, "a", ("a",))
    index = EntityIndex(mentions + missed_surnames(text, "a", ("a",), mentions))
    return [q.speaker for q in quotes_of(doc, "a", ("a",), index)]


def test_according_to_prefers_the_person_over_the_institution():
    assert _speakers("“The situation is very difficult,” according to Kremlin spokesman Dmitry Peskov.") == [
        "Dmitry Peskov"]


def test_the_institution_said_resolves_to_its_full_name():
    text = ("The Commission for Refugee Affairs published its report on Thursday. \"This is the largest "
            "displacement on the continent in a generation,\" the commission said in a statement.")
    assert _speakers(text) == ["Commission for Refugee Affairs"]


def test_said_and_added_after_consecutive_quotes():
    text = ("French President Emmanuel Macron spoke in Paris. \"Nobody wants a war in Europe,\" Macron told "
            "reporters. \"We must keep talking to Moscow,\" he added.")
    assert _speakers(text) == ["Emmanuel Macron", "Emmanuel Macron"]


def test_quote_after_an_attribution_clause_continues_the_speaker(example_corpus):
    # '"...two hard winters," he said. "Now they are being asked to work longer for less."'
    quotes = [q for ev in example_corpus.events for q in ev.quotes]
    follow_on = next(q for q in quotes if any("work longer for less" in v for v in q.variants))
    assert follow_on.speaker == "Viktor Halloran"


def test_a_new_attribution_is_not_a_continuation():
    from storyweave.analysis.quotes import _ATTRIBUTION_ONLY

    assert _ATTRIBUTION_ONLY.fullmatch('," he said. "') is not None
    assert _ATTRIBUTION_ONLY.fullmatch("said the minister, who") is None
    assert _ATTRIBUTION_ONLY.fullmatch("But the union") is None
