"""Brief stage: cited extractive summary, facts, outlet comparison, title, brief_cluster."""

from __future__ import annotations

import pytest

from storyweave.brief import brief_cluster, build_briefings
from storyweave.brief.sentences import junk_reason
from storyweave.config import Config
from storyweave.model import Article, Corpus, Event
from storyweave.text import count_words, split_sentences

LEAD = ("Dockworkers at the port of Saltmere walked off the job on Monday, halting the loading of "
        "ships at the country's largest container terminal in a dispute over pay.")
UNION = "About 3,400 members of the dockworkers' union joined the strike, the union said on Monday."
OFFER = "The port authority has offered a pay rise of 4 percent, which the union rejected as too low."
SHIPS = "More than 20 container ships were waiting off the coast by Monday evening, harbour officials said."
MAYOR = "The mayor of Saltmere called on both sides to return to the negotiating table within a week."
FARM = "Farmers in the north said grain exports bound for the port would be stuck on the quays for days."


def _article(aid: str, source: str | None, *sentences: str, **kw) -> Article:
    text = "\n\n".join(sentences)
    return Article(id=aid, text=text, raw_text=text, source=source, **kw)


def _corpus(*articles: Article, title: str = "") -> Corpus:
    return Corpus(articles=list(articles), events=[Event(id="e1", article_ids=[a.id for a in articles],
                                                         title=title)])


def _brief(corpus: Corpus, words: int = 120) -> Event:
    return build_briefings(corpus, Config().replace("brief.summary_words", words)).events[0]


def test_every_summary_sentence_is_verbatim_in_each_cited_article_or_a_near_copy():
    a = _article("a", "Coast Times", LEAD, UNION, OFFER, MAYOR)
    b = _article("b", "Harbour Post", "Dockworkers at the port of Saltmere walked off the job on Monday, halting "
                 "the loading of ships at the country's biggest container terminal in a dispute over pay.",
                 SHIPS, FARM)
    event = _brief(_corpus(a, b))
    assert event.summary
    texts = {"a": a.text, "b": b.text}
    for s in event.summary:
        assert any(s.text in texts[i] for i in s.article_ids)
        assert s.text in {x.text for i in s.article_ids for x in split_sentences(texts[i])}


def test_budget_is_never_exceeded_and_is_used():
    arts = [_article("a", "X", LEAD, UNION, OFFER, MAYOR), _article("b", "Y", SHIPS, FARM, OFFER)]
    for words in (10, 25, 40, 60, 200):
        event = _brief(_corpus(*arts), words)
        used = sum(count_words(s.text) for s in event.summary)
        assert used <= words
        if 25 <= words <= 60:
            assert used >= words - 15  # fills the budget with whole sentences
    roomy = _brief(_corpus(*arts), 200).summary
    assert len(roomy) == 6  # every distinct sentence fits, the repeated OFFER only once
    assert _brief(_corpus(*arts), 5).summary == []  # no sentence is that short


def test_near_identical_sentences_become_one_summary_sentence_citing_both():
    reworded = LEAD.replace("largest", "biggest").replace("on Monday", "on Monday morning")
    event = _brief(_corpus(_article("a", "X", LEAD, UNION), _article("b", "Y", reworded, SHIPS)), 200)
    lead_like = [s for s in event.summary if "walked off the job" in s.text]
    assert len(lead_like) == 1
    assert sorted(lead_like[0].article_ids) == ["a", "b"]
    others = [s for s in event.summary if s is not lead_like[0]]
    assert all(len(s.article_ids) == 1 for s in others)


@pytest.mark.parametrize("junk", [
    "Advertisement",
    "Photo: Dockworkers gather outside the port gates on Monday morning in Saltmere.",
    "Read more: the full story of the Saltmere strike is available on our website today.",
    "Follow us on Twitter for the latest updates about the strike and the port.",
    "Visit https://example.com/strike for the full coverage of the strike in Saltmere.",
    "SALTMERE STRIKE ENTERS ITS SECOND WEEK AS TALKS STALL AT CITY HALL.",
    "Dockworkers Strike Paralyses The Busiest Port Of The Whole Country",
    "By Anna Lindqvist and Peter Holm",
    "Sign up for our newsletter to get the morning briefing in your inbox every day.",
    "You can add location information to your Tweets, such as your city, from the web.",
    "These crawls are part of an effort to archive pages as they are created and referenced.",
    "FILE - In this May 20, 2017 file photo, dockworkers march through the centre of Saltmere.",
    "The union leader said the strike would go on until the talks reached the No.",
])
def test_scrape_noise_never_enters_the_summary(junk):
    assert junk_reason(junk) is not None
    event = _brief(_corpus(_article("a", "X", junk, LEAD, UNION), _article("b", "Y", junk, OFFER)), 300)
    assert junk not in [s.text for s in event.summary]
    assert all(junk_reason(s.text) is None for s in event.summary)


def test_real_sentences_are_not_junk():
    for s in (LEAD, UNION, OFFER, SHIPS, MAYOR, FARM):
        assert junk_reason(s) is None, s


def test_facts_count_independent_sources_and_wire_copies_count_once():
    wire = _article("w1", "Continental Press", LEAD, UNION, OFFER)
    reprint = _article("w2", "Meridian Daily", LEAD, UNION, OFFER, duplicate_of="w1", duplicate_kind="near")
    own = _article("o1", "Northern Ledger",
                   "About 3,400 members of the dockworkers' union joined the strike on Monday, union officials said.",
                   MAYOR)
    event = _brief(_corpus(wire, reprint, own))
    by_text = {f.text: f for f in event.facts}
    union_fact = next(f for f in event.facts if "3,400" in f.text)
    assert set(union_fact.article_ids) == {"w1", "w2", "o1"}
    assert union_fact.independent_sources == 2  # the wire story and its reprint are one source
    # the pay offer is carried only by the wire story and its reprint: not a confirmed fact
    assert not any("4 percent" in t for t in by_text)
    assert event.independent_sources == 2


def test_conflicting_figures_are_not_merged_into_one_fact():
    a = _article("a", "X", "Some 1.7 million people have been displaced by the fighting, the commission said.")
    b = _article("b", "Y", "Some 1.5 million people have been displaced by the fighting, the commission said.")
    event = _brief(_corpus(a, b))
    assert event.facts == []


def test_outlet_comparison_only_here_and_omits():
    x = _article("x", "Coast Times", LEAD, UNION, MAYOR)
    y = _article("y", "Harbour Post", LEAD, UNION, SHIPS)
    z = _article("z", None, LEAD, FARM)
    event = _brief(_corpus(x, y, z))
    outlets = {o.source: o for o in event.outlets}
    # a report that names no outlet is one unknown outlet of its own, labelled with its id
    assert set(outlets) == {"Coast Times", "Harbour Post", "unknown (z)"}
    assert MAYOR in outlets["Coast Times"].only_here
    assert SHIPS in outlets["Harbour Post"].only_here
    assert FARM in outlets["unknown (z)"].only_here
    assert LEAD not in outlets["Coast Times"].only_here
    assert any("3,400" in t for t in outlets["unknown (z)"].omits)
    assert not any("3,400" in t for t in outlets["Coast Times"].omits)


def test_single_outlet_event_has_no_outlet_comparison():
    event = _brief(_corpus(_article("a", "X", LEAD, UNION), _article("b", "X", OFFER, SHIPS)))
    assert event.outlets == []


def test_title_is_kept_or_filled_with_the_most_representative_headline():
    a = _article("a", "X", LEAD, UNION, title="Saltmere dockworkers strike over pay")
    b = _article("b", "Y", LEAD, SHIPS, title="Dockworkers strike at Saltmere port")
    c = _article("c", "Z", LEAD, FARM, title="Farm news roundup")
    assert _brief(_corpus(a, b, c)).title in {a.title, b.title}
    assert _brief(_corpus(a, b, c, title="Given title")).title == "Given title"
    untitled = _brief(_corpus(_article("d", "X", LEAD, UNION)))
    # no headline anywhere: a headline (<= 90 characters, complete) made from the summary's lead
    assert untitled.summary[0].text.startswith(untitled.title) and 0 < len(untitled.title) <= 90


def test_empty_and_noise_only_events_do_not_fail():
    event = _brief(_corpus(_article("a", "X", "Advertisement", "Photo"), _article("b", None, "")))
    assert event.summary == [] and event.facts == []
    assert build_briefings(Corpus(), Config()).events == []


def test_brief_cluster_contract():
    docs = ["\n\n".join([LEAD, UNION, OFFER]), "\n\n".join([SHIPS, MAYOR, FARM])]
    out = brief_cluster({"id": "c7", "documents": docs, "max_words": 40}, 120)
    assert out["id"] == "c7"
    assert 0 < out["words"] <= 40
    assert out["words"] == sum(count_words(s["text"]) for s in out["summary"])
    for s in out["summary"]:
        assert s["article_ids"] and set(s["article_ids"]) <= {"0", "1"}
        assert all(s["text"] in docs[int(i)] for i in s["article_ids"])
    longer = brief_cluster({"id": "c8", "documents": docs}, 200)
    assert longer["words"] > 40 and longer["words"] <= 200
    with pytest.raises(ValueError):
        brief_cluster({"id": "bad", "documents": "not a list"}, 100)


def test_paraphrases_sharing_a_quantity_are_one_fact_but_shared_datelines_are_not():
    from storyweave.represent import static_model

    if static_model() is None:
        pytest.skip("static embedding model not shipped in this build")
    x = _article("x", "Coast Times",
                 "SALTMERE, March 9, 2026 — The strike has left more than 40 container ships waiting off the coast.",
                 "SALTMERE, March 9, 2026 — Police closed the main square before the march set off.")
    y = _article("y", "Harbour Post",
                 "More than 40 ships are now waiting outside the port, according to the harbour master's office.",
                 "SALTMERE, March 9, 2026 — Shopkeepers boarded up their windows along the route.")
    event = _brief(_corpus(x, y))
    assert len(event.facts) == 1
    assert "40" in event.facts[0].text and sorted(event.facts[0].article_ids) == ["x", "y"]


def test_summary_prefers_widely_carried_content_and_fills_the_budget_with_whole_sentences():
    from storyweave.brief.summary import SummaryParams, analyse, summarize

    texts = [("a", f"{LEAD}\n\n{UNION}\n\n{OFFER}\n\n{MAYOR}"), ("b", f"{SHIPS}\n\n{OFFER}\n\n{FARM}"),
             ("c", "\n\n".join([UNION.replace("joined", "took part in"), FARM]))]
    es = analyse(texts)
    assert len(es.spread) == len(es.cands) and len(es.quote) == len(es.cands)
    assert es.spread.max() <= 1.0 and es.spread.min() >= 0.0
    for budget in (30, 45, 70):
        summary = summarize(es, budget)
        used = sum(count_words(s.text) for s in summary)
        assert used <= budget
        # the swap pass may only ever use more of the budget than plain greedy selection
        plain = summarize(es, budget, SummaryParams(fill_tolerance=-1e9))
        assert used >= sum(count_words(s.text) for s in plain)
    top = summarize(es, 20)  # room for one sentence: one that several articles carry
    assert len(top) == 1 and len(top[0].article_ids) >= 2


def test_a_sentence_quoted_inside_a_longer_one_cites_that_article_too():
    longer = ("Speaking to reporters outside the crowded town hall late on Tuesday night, after a long day of "
              "meetings with shipping firms, farmers and the local chamber of commerce, a spokesman repeated "
              "the plea: " + MAYOR)
    docs = [f"{LEAD}\n\n{MAYOR}\n\n{UNION}", f"{SHIPS}\n\n{longer}\n\n{FARM}"]
    out = brief_cluster({"id": "q", "documents": docs, "max_words": 200}, 200)
    mayor = [s for s in out["summary"] if s["text"] == MAYOR]
    assert mayor and sorted(mayor[0]["article_ids"]) == ["0", "1"]


def test_quotes_without_a_named_speaker_stay_out_of_summaries():
    from storyweave.brief.sentences import junk_reason

    assert junk_reason('"We have fruit, machinery and chemicals sitting on the quay," he said.')
    assert junk_reason('"Now they are being asked to work longer for less."')
    assert junk_reason('"Our members have carried this port through two hard winters," Halloran said.') is None
    assert junk_reason('Union leader Viktor Halloran said the walkout had "total support" on the docks.') is None
    assert junk_reason("Just fill in your contact details in the form below to join our mailing list today.")


def test_a_quotation_cut_by_the_splitter_is_one_verbatim_candidate():
    from storyweave.brief.sentences import whole_quotations
    from storyweave.text import split_sentences

    text = ('Witnesses spoke. "It happened immediately after the fireworks. We ran. But then, people were '
            'still running," said Anna Marx. Police arrived.')
    got = whole_quotations(split_sentences(text), text)
    assert [s.text for s in got] == ["Witnesses spoke.", '"It happened immediately after the fireworks. We ran. '
                                     'But then, people were still running," said Anna Marx.', "Police arrived."]
    assert all(text[s.start:s.end] == s.text for s in got)
    unclosed = 'He said: "this never closes. At all. Not here. Nor here. Nor there.'
    assert [s.text for s in whole_quotations(split_sentences(unclosed), unclosed)] == \
        [s.text for s in split_sentences(unclosed)]
