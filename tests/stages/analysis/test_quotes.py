from pathlib import Path

import pytest

from storyweave.stages.analysis.quotes import find_quotes


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
    from tests.stages.analysis.conftest import PAPER, WIRE

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
    from storyweave.nlp.spacy_model import get_nlp
    from storyweave.stages.analysis.entities import EntityIndex, mentions_of
    from storyweave.stages.analysis.quotes import quotes_of

    text = ("Union leader Viktor Halloran addressed the crowd outside city hall on Monday.\n"
            "\"We will not go back to work for promises,\" the union leader said.")
    doc = get_nlp()(text)
    index = EntityIndex(mentions_of(doc, "a", ("a",)))
    (q,) = quotes_of(doc, "a", ("a",), index)
    assert q.speaker == "Viktor Halloran"


def _speakers(text):
    from storyweave.nlp.spacy_model import get_nlp
    from storyweave.stages.analysis.entities import EntityIndex, mentions_of, missed_surnames
    from storyweave.stages.analysis.quotes import quotes_of

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


# ---- attribution on news-style sentences (written for these tests; names invented) --------------

# Each of these failed before the reporting-clause rules (speaker None, an outlet, or dropped).
ATTRIBUTION_CASES = [
    # inverted "said" + abbreviated title + party tag + appositive
    ("“We will not back down on this,” said Rep. Maria Lindqvist (D-Ore.), head of the caucus.", ["Maria Lindqvist"]),
    # "Mr." is no sentence end; the next quote in the paragraph continues the speaker
    ('"The numbers speak for themselves," Mr. Halvorsen said. "We will publish all of them."',
     ["Halvorsen", "Halvorsen"]),
    # dash attribution after the quote
    ("“I voted for change and I would do it again.” ― Teresa Mombasa\n“Nobody asked us what we wanted here.” "
     "― Carlos Brandt", ["Teresa Mombasa", "Carlos Brandt"]),
    # a partial quote inside a sentence: the subject after an introductory phrase said it
    ("In July, Halvorsen dismissed the plan as “a gift to our rivals abroad” and left the room.", ["Halvorsen"]),
    # "X continued:" then the quote as the next paragraph
    ("Anna Kowalczyk continued:\n\n“The health of the party is the health of the country, and we know it.”",
     ["Anna Kowalczyk"]),
    # a one-word quotation is kept when someone said it; an unattributed one-word scare quote is not
    ("Ms. Ferreira called the ruling “outrageous” on Monday. Critics called the plan a “cancer” on the city.",
     ["Ferreira"]),
    # "said former Sen. X, a ...": descriptor words before the name
    ("“It was the least bad outcome,” said former Sen. Paula Whitcombe, a moderate who retired in 2010.",
     ["Paula Whitcombe"]),
]


@pytest.mark.parametrize("text, speakers", ATTRIBUTION_CASES)
def test_speaker_from_the_reporting_clause(text, speakers):
    assert _speakers(text) == speakers


# Shapes the earlier rules already read; kept so the new ones do not break them.
@pytest.mark.parametrize("text, speakers", [
    ("“Honest work deserves honest pay,” Harbor police Chief Daniel Okafor said Monday.", ["Daniel Okafor"]),
    ("“It is a fragile peace,” Ingrid Solberg, the foreign minister of Eldoria, one of the mediators, said on "
     "Tuesday.", ["Ingrid Solberg"]),
    ("Westmarch Gov. Mark Delaney signed the bill on Friday.\n“This law protects working families,” the governor said.",
     ["Mark Delaney"]),
    ("Senator Ruth Abernathy spoke to voters in Millbrook on Monday.\n“We can win this state in November,” she told "
     "Reuters.", ["Ruth Abernathy"]),
    ("“Absolutely shameful from start to finish,” Daniel Brooks, a writer for the magazine, said on Twitter.",
     ["Daniel Brooks"]),
    ("“We are ready to talk at any moment,” the Ukrainian president said.", [None]),
    ("Pollster Gene Okonkwo: “Turnout will decide this race, not the debates.”", ["Gene Okonkwo"]),
    ("House Speaker Dana Whitfield told reporters that the senator’s comments “show a clear bias to me.”",
     ["Dana Whitfield"]),
])
def test_speaker_shapes_kept(text, speakers):
    assert _speakers(text) == speakers


# Second round of rules (general English; names invented). Each failed before its rule.
@pytest.mark.parametrize("text, speakers", [
    # a capitalised verb word inside a name ("... Post") is no reporting verb
    ("Mayor Tom Reyes told the Riverside Post, “We will rebuild the bridge by spring.”", ["Tom Reyes"]),
    # the name after "told" is the person told; adverbs between subject and verb
    ("Governor Ellen Marsh later Thursday told Channel Nine News: “The budget will pass this week.”",
     ["Ellen Marsh"]),
    # "continue to" + infinitive is no reporting verb: the subject of "said" spoke
    ("Senator Hal Brody said he is certain Dana Kim will continue to be “a strong voice for working families.”",
     ["Hal Brody"]),
    # a pronoun inside a relative clause ("X, whom he called") does not refer to X
    ("With the race over, Paul Grant said he has two options: back Lena Ortiz, whom he called “a gifted "
     "organiser of volunteers,” or stay home.", ["Paul Grant"]),
    # a preposition ends the name after an inverted "said"
    ("“That was a serious mistake,” said former state senator Joan Pike during the Tuesday debate in Hartford.",
     ["Joan Pike"]),
    # a "City, State" place closing an aside set off by commas is not the subject
    ("Karen Wells, at a rally in Dayton, Ohio, said she was “going to fight for every single job here.”",
     ["Karen Wells"]),
    # a sentence quoting phrases and closing on ", X said." credits X with all of them
    ("Her backing gives the campaign “a real boost” and brings the “people on the ground” it lacks, "
     "party spokesman Neil Varga said.", ["Neil Varga", "Neil Varga"]),
    # a quotation closed with a full stop, then a sentence that is only its attribution
    ("The senator answered quickly.\n\n“We will publish every one of the budget files.” Neil Varga said.",
     ["Neil Varga"]),
])
def test_speaker_second_round_rules(text, speakers):
    assert _speakers(text) == speakers


def test_verb_words_inside_names_and_before_infinitives():
    from storyweave.stages.analysis.quotes.verbs import _before_infinitive, _say_matches

    text = "The Daily Post reported it. Post your view. They continue to win; she continued, smiling."
    assert [m.group() for m in _say_matches(text, 0, len(text))] == ["reported", "Post", "continue", "continued"]
    cont = [m for m in _say_matches(text, 0, len(text)) if m.group().startswith("continue")]
    assert [_before_infinitive(text, m) for m in cont] == [True, False]


def test_reporting_verbs_are_verbs_not_nouns():
    from storyweave.stages.analysis.quotes.verbs import _VERB

    assert _VERB.search("officials said") and _VERB.search("Said Ellis") and _VERB.search("she went on")
    assert not _VERB.search("the so-called plan") and not _VERB.search("statesman")


POLNEAR = Path(__file__).resolve().parents[4] / "shared" / "benchmarks" / "polnear" / "articles.jsonl"
SCORER = POLNEAR.parents[2] / "scoring" / "score_quotes.py"


@pytest.mark.skipif(not (POLNEAR.exists() and SCORER.exists()),
                    reason="../shared/benchmarks/polnear (PolNeAR dev) or the shared scorer not found")
def test_polnear_dev_attribution_floor():
    """PolNeAR dev (real news, independent gold), each article as its own event, scored with the
    shared scorer's matching rules: speaker right end to end on named sources (0.93 when written)."""
    import importlib.util
    import json

    from storyweave.nlp.spacy_model import get_nlp
    from storyweave.stages.analysis.entities import EntityIndex, mentions_of, missed_surnames
    from storyweave.stages.analysis.quotes import match_quotes, quotes_of

    spec = importlib.util.spec_from_file_location("score_quotes", SCORER)
    sq = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sq)
    docs = [json.loads(line) for line in POLNEAR.open()]
    named = right = 0
    for d, doc in zip(docs, get_nlp().pipe([d["text"] for d in docs], batch_size=16), strict=True):
        ids = (d["id"],)
        mentions = mentions_of(doc, d["id"], ids)
        index = EntityIndex(mentions + missed_surnames(d["text"], d["id"], ids, mentions))
        quotes = match_quotes(quotes_of(doc, d["id"], ids, index))
        cands = [(q.speaker, [sq.words(t) for t in [q.text, *q.variants]]) for q in quotes]
        for g in d["gold_quotes"]:
            if not g["source_is_name"]:
                continue
            named += 1
            gw = sq.words(g["text"])
            hit = next((c for c in cands if any(sq.shares(gw, t) for t in c[1])), None)
            right += hit is not None and sq.right_speaker(hit[0], g["source"])
    assert named > 300
    assert right / named >= 0.90


# Third round (general English; names invented). Each failed before its rule.
@pytest.mark.parametrize("text, speakers", [
    # "said X <adverbial>, adding that “...”": the participle continues the named speaker
    ("“It is not new here,” said Rep. Nora Quill (D-Va.) at the time, adding that “we have elected such "
     "candidates for a long time.”", ["Nora Quill", "Nora Quill"]),
    # a reporting verb's form used as a noun after a hyphenated modifier is no reporting verb
    ("Arlo Penn offered a Vance-style retort on the rival's favourite platform, tweeting at him, "
     "“you are not just a loser, you are a whiner.”", ["Arlo Penn"]),
])
def test_third_round_shapes(text, speakers):
    assert _speakers(text) == speakers


# Fourth round (general English; names invented). Each failed before its rule.
@pytest.mark.parametrize("text, speakers", [
    # "go on" followed by a noun is not the reporting "go on": "the Assembly goes on recess"
    ("Debate stalled. By contrast, Sen. Nora Quill said that once the Assembly goes on recess, “I will travel "
     "to every county in the state.”", ["Nora Quill"]),
    # a sentence that only credits the first quotation carries its speaker to the second
    ("Two calls were held this week. Another is planned for Sunday.\n\n“If a candidate was going into a "
     "convention, they would count their votes — making sure their supporters stay strong,” said Okonjo. "
     "“[Pratt] does not have the infrastructure to do that. He has no clue how many delegates he has.”",
     ["Okonjo", "Okonjo"]),
    # a sentence closing on "..., said X, <appositive>." credits every quotation in it
    ("The plan to “raise the wages” and “cut the red tape” appeals to voters who feel forgotten, said Alma "
     "Verhoeven, a historian at Brenn College.", ["Alma Verhoeven", "Alma Verhoeven"]),
    ("The agency found no “ties of any consequence” between the two men, aside from knowing each other "
     "“casually,” said the agency’s director, Tomas Ferrer, on Monday.", ["Tomas Ferrer", "Tomas Ferrer"]),
    # one quotation, a clause, then ", X wrote ..." at the end of the sentence
    ("“If the office finds more records, it will search them” that would answer the requests of the "
     "plaintiffs, senior trial counsel Marta Ellison wrote in a court filing.", ["Marta Ellison"]),
    # two named writers; a descriptor with initials
    ("“The mayor is filled with resentment and feels he gets no respect,” Dana Kirsch and Owen Pratt wrote.",
     ["Owen Pratt"]),
    ("“These are the darkest days for our movement,” former George W. Halvorsen speechwriter Noam Petrakis "
     "wrote in a column.", ["Noam Petrakis"]),
    # "he" after the subject of a reporting verb the recogniser did not tag as a person
    ("Lou Ferrand, a retired teacher, spoke at the rally. With a vote for Pratt ruled out, Ferrand said he is "
     "left with two options: vote for Dana Roe, whom he called “the most divisive figure in years,” or stay "
     "home.", ["Lou Ferrand"]),
    # a quotation inside a clause opened by a subordinating conjunction: that clause's subject
    ("Tom Reyes spoke first. When Penn finally wrapped up — “I will fight for you, and I will win for you!” — "
     "the balloons came down.", ["Penn"]),
    # a first name ending in -ly opens a name, not an adverbial ("Clearly, ...")
    ("Carly Ostrander threw her support behind Sen. Tom Reyes (R-Texas) Wednesday, saying it is time to have "
     "a “real conservative in the governor's office.”", ["Carly Ostrander"]),
    # a party tag "(Tex.)" ends no sentence
    ("Other candidates were bellicose. Sen. Hal Brody (Tex.) has said that he would “bomb them into oblivion "
     "and not look back.”", ["Hal Brody"]),
    # "of" inside the descriptor after an inverted verb: "said former secretary of state X"
    ("“The first line of defense is within the community,” said former secretary of state Hilda Marsh, who "
     "praised the former governor for reaching out.", ["Hilda Marsh"]),
    # a full name the recogniser tagged as a nationality, set off by an appositive, is a name
    ("“I think the state does not want another fight near its border,” stated Irish Malloy, a history teacher "
     "at a college in Brenn.", ["Irish Malloy"]),
])
def test_fourth_round_shapes(text, speakers):
    assert _speakers(text) == speakers


def test_fourth_round_guards():
    """Shapes that the fourth-round rules first got wrong on real news (found by hand-checking the
    speakers they changed); names invented."""
    # the name after "told" is the outlet told, not the speaker, at the end of a sentence too
    told = _speakers("Experts warn of the risks. “The decline in happiness might be caused by the overuse of "
                     "screens,” psychologist Jean Marrow, author of the book “Screens” and coauthor of many "
                     "studies, told Business Weekly.")
    assert told[0] != "Business Weekly"
    # "a publicist for the actress said": no descriptor read off a clause for a lone short quotation
    assert _speakers("Actress Kay Colby and her husband, Ron Sweeney, split in 2015. The couple “mutually "
                     "decided” to get a divorce after 21 months, a publicist for the actress said in a "
                     "statement.") == []
    # "called a demonstration of America’s “...”": "of" before a capital ends the descriptor
    assert _speakers("On Sunday, in what the military called a demonstration of America’s “ironclad "
                     "commitment” to its allies, two bombers flew to the base.") == []
