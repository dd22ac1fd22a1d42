import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from storyweave.nlp.dates import find_start_dates, infer_article_date, resolve_dates

TEXT = ("Talks ended on Monday, officials said. Talks will resume on Wednesday. "
        "The working group set up on Tuesday will continue. Yesterday the mayor spoke. "
        "Putin spoke last Friday. On March 3 the fund opened. Next Monday the port reopens.")


def _dates(text, anchor, start_dates=None):
    return {m.phrase: m.date for m in resolve_dates(text, anchor, start_dates)}


def test_weekdays_past_and_future():
    got = _dates(TEXT, date(2026, 3, 5))  # a Thursday
    assert got["on Monday"] == "2026-03-02"
    assert got["on Wednesday"] == "2026-03-11"  # 'will resume': the coming Wednesday
    assert got["on Tuesday"] == "2026-03-03"  # 'set up on Tuesday will continue': past
    assert got["Yesterday"] == "2026-03-04"
    assert got["last Friday"] == "2026-02-27"
    assert got["March 3"] == "2026-03-03"
    assert got["Next Monday"] == "2026-03-09"


def test_weekday_on_the_anchor_day_is_that_day():
    assert _dates("The strike began on Monday.", date(2026, 3, 2))["on Monday"] == "2026-03-02"


def test_day_of_counts_from_stated_start():
    start = find_start_dates([("The strike, which began on March 2, goes on.", date(2026, 3, 9))])
    assert start == {"strike": "2026-03-02"}
    assert _dates("On the eighth day of the strike, dockers marched.", date(2026, 3, 9), start)[
        "the eighth day of the strike"] == "2026-03-09"


def test_infer_article_date_from_dateline():
    assert infer_article_date("VALMORA, March 3, 2026 — Talks opened.") == "2026-03-03"
    assert infer_article_date("KYIV, March 1 (Reuters) - Talks.", "2022-03-01T10:00") == "2022-03-01"
    assert infer_article_date("No date here at all.") is None


def test_may_the_verb_is_not_a_month():
    assert _dates("Talks may 3 times fail.", date(2026, 3, 5)) == {}


def test_timeline_and_event_date(small_event):
    dates = [t.date for t in small_event.timeline]
    assert dates == sorted(dates)
    assert small_event.date == "2022-02-28"  # 'on Monday' in the leads, published Tuesday 2022-03-01
    for t in small_event.timeline:
        assert t.article_ids


def test_gold_dates(example_corpus, gold):
    from storyweave.config import Config
    from storyweave.stages.analysis import article_dates

    mentions = article_dates(example_corpus, Config())
    right = 0
    for gd in gold["dates"]:
        got = [m.date for m in mentions.get(gd["article_id"], []) if gd["phrase"].lower() in m.phrase.lower()]
        right += bool(got) and got[0] == gd["date"]
    assert right / len(gold["dates"]) >= 0.9
    for ev in example_corpus.events:
        assert ev.date == gold["events"][ev.id]["date"], ev.id


def test_odd_inputs_do_not_break_the_stage():
    from storyweave.config import Config
    from storyweave.model import Article, Corpus, Event
    from storyweave.stages.analysis import analyze_events

    articles = [Article(id="empty", text=""), Article(id="pt", text="Olá mundo, isto é um teste.", language="pt"),
                Article(id="bad", text="On Monday, officials said \"this is four words\".", published="not-a-date")]
    corpus = Corpus(articles=articles, events=[Event(id="e", article_ids=["missing", "empty", "pt", "bad"]),
                                               Event(id="f", article_ids=[])])
    ev, empty = analyze_events(corpus, Config().replace("analyze.reference_date", "2024-01-10")).events
    assert ev.date == "2024-01-08"  # the Monday before the reference date, as nothing else dates it
    assert [q.article_ids for q in ev.quotes] == [["bad"]]
    assert empty.date is None and empty.timeline == []


# --- tense, granularity and the contract field (sentences written for these tests) -----------------

def _values(text, published):
    return [(m.phrase, m.date, m.granularity) for m in resolve_dates(text, published)]


def test_would_open_tuesday_is_after_a_monday_report():
    got = _dates("The negotiator said civilian escape routes would open Tuesday.", "2022-03-07")
    assert got["Tuesday"] == "2022-03-08"


def test_monday_talks_without_result_are_before_a_thursday_report():
    got = _dates("The first negotiations on Monday between the two delegations brought no tangible results.",
                 "2022-03-03")
    assert got["on Monday"] == "2022-02-28"


def test_monday_talks_in_a_monday_report_are_that_day():
    assert _dates("Monday's talks ended without a deal.", "2022-03-07")["Monday"] == "2022-03-07"


def test_passive_with_will_is_future_and_with_was_is_past():
    got = _dates("The plant will be closed on Friday.", "2022-03-07")
    assert got["on Friday"] == "2022-03-11"
    got = _dates("The plant was closed on Friday.", "2022-03-07")
    assert got["on Friday"] == "2022-03-04"


def test_infinitive_after_past_verb_looks_ahead():
    got = _dates("The ministers agreed to meet Thursday in the capital.", "2022-03-07")
    assert got["Thursday"] == "2022-03-10"


def test_months_and_years_at_their_own_granularity():
    got = _values("Sales fell last year, rose this month and will grow next year. "
                  "Prices rose in November, the agency said. The plant will reopen in June.", "2022-03-07")
    assert got == [("last year", "2021", "year"), ("this month", "2022-03", "month"),
                   ("next year", "2023", "year"), ("November", "2021-11", "month"), ("June", "2022-06", "month")]


def test_month_year_and_relative_years():
    got = _values("The firm was founded in August 1988 and sold two years ago; in January this year it "
                  "moved, and last February it hired staff.", "2022-03-07")
    assert got == [("August 1988", "1988-08", "month"), ("two years ago", "2020", "year"),
                   ("January this year", "2022-01", "month"), ("last February", "2021-02", "month")]


def test_future_month_across_the_year_end():
    assert _dates("The plant will reopen in January.", "2022-11-20")["January"] == "2023-01"
    assert _dates("The dividend is payable Jan. 2 to holders.", "2022-11-20")["Jan. 2"] == "2023-01-02"


def test_years_and_not_numbers():
    got = _values("In 1998 some 1,998 people paid $2000 each; in the 1990s, prices rose 2001%.", "2022-03-07")
    assert got == [("1998", "1998", "year")]


def test_habitual_weekdays_and_names_are_not_dates():
    got = _values("Flights leave every Monday and on Tuesday nights. He hosts Morning Today. "
                  "The leaders of tomorrow met.", "2022-03-07")
    assert got == []


def test_weekday_with_its_date_is_one_expression():
    got = _values("The day is this coming Sunday, March eighth.", "1998-03-05")
    assert got == [("this coming Sunday, March eighth", "1998-03-08", "day")]


def test_no_report_date_resolves_only_stated_years():
    got = _values("On Monday, talks began; the treaty of May 3, 1998 and June 2001 were cited.", None)
    assert got[0] == ("On Monday", None, "day")  # found, but nothing anchors it
    assert got[1:] == [("May 3, 1998", "1998-05-03", "day"), ("June 2001", "2001-06", "month")]


def test_a_recalled_date_is_no_anchor_for_an_undated_report():
    from storyweave.config import Config
    from storyweave.model import Article, Corpus, Event
    from storyweave.stages.analysis import analyze_events

    # bare text: the only full date is a past happening the report recalls; "last year" stays
    # unresolved rather than read against 1994
    text = "Ministers met on Monday to study the crash of April 6, 1994, and prices rose last year."
    corpus = Corpus(articles=[Article(id="a", text=text)], events=[Event(id="e", article_ids=["a"])])
    got = {d.text: d.value for d in analyze_events(corpus, Config()).by_id()["a"].dates}
    assert got == {"April 6, 1994": "1994-04-06"}
    # the same text with its date (given, or inferred by the events stage) resolves against it
    dated = Corpus(articles=[Article(id="a", text=text, published="2022-03-09")], events=[Event(id="e", article_ids=["a"])])
    got = {d.text: d.value for d in analyze_events(dated, Config()).by_id()["a"].dates}
    assert got["last year"] == "2021" and "2022-03-07" in got.values()


def test_article_dates_in_the_corpus_match_their_text():
    from storyweave.config import Config
    from storyweave.model import Article, Corpus, Event
    from storyweave.stages.analysis import analyze_events

    text = "FILE - In this March 3, 2020 file photo, the mayor speaks.\nThe council voted on Monday to close the port."
    articles = [Article(id="a", text=text, published="2022-03-09"),
                Article(id="copy", text=text, published="2022-03-09", duplicate_of="a", duplicate_kind="exact"),
                Article(id="alone", text="Prices rose last year.", published="2022-03-09")]
    corpus = Corpus(articles=articles, events=[Event(id="e", article_ids=["a", "copy"]),
                                               Event(id="f", article_ids=["alone"])])
    corpus = analyze_events(corpus, Config())
    by_id = corpus.by_id()
    for a in corpus.articles:
        assert a.dates, a.id
        for d in a.dates:
            assert a.text[d.start:d.end] == d.text
    assert [(d.text, d.value) for d in by_id["copy"].dates] == [("March 3, 2020", "2020-03-03"),
                                                                ("on Monday", "2022-03-07")]
    assert [(d.value, d.granularity) for d in by_id["alone"].dates] == [("2021", "year")]
    ev = corpus.events[0]
    assert [t.date for t in ev.timeline] == ["2022-03-07"]  # the file photo's date is not a happening


TIMEBANK = Path(__file__).resolve().parents[3].parent / "shared" / "benchmarks" / "timebank" / "articles.jsonl"
SCORER = TIMEBANK.parents[2] / "scoring" / "score_dates.py"


@pytest.mark.skipif(not TIMEBANK.exists() or not SCORER.exists(), reason="../shared/benchmarks/timebank not present")
def test_timebank_value_f1_floor(tmp_path):
    """The shared scorer on the resolver's output for TimeBank (0.886 in BENCHMARKS.md; floor 0.86)."""
    from storyweave.nlp.dates import date_refs

    arts = [json.loads(line) for line in TIMEBANK.read_text().splitlines()]
    doc = {"articles": [{"id": a["id"], "dates": [{"text": m.phrase, "start": m.start, "end": m.end, "value": m.date,
                                                    "granularity": m.granularity}
                                                   for m in date_refs(a["text"], a["published"])]} for a in arts]}
    out = tmp_path / "briefings.json"
    out.write_text(json.dumps(doc))
    res = subprocess.run([sys.executable, str(SCORER), str(TIMEBANK), str(out), "--min", "0.86"],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout


def test_an_undated_event_takes_no_date_from_a_photo_or_another_event():
    """The analyze stage dates an event the events stage left undated only against a day a report
    has of its own (or the run's reference date): not a photo caption's day, not the story's."""
    from storyweave.config import Config
    from storyweave.model import Article, Corpus, Event
    from storyweave.stages.analysis import analyze_events

    text = "Valmora offered talks to its neighbour on Tuesday, its leader said in a speech."
    caption = Article(id="c", text=text, published="2027-08-30", published_inferred=True,
                      metadata={"inferred": {"published": "report_date: caption"}})
    own = Article(id="o", text=text, published="2027-11-08")
    photo_only = analyze_events(Corpus(articles=[caption], events=[Event(id="e", article_ids=["c"])]), Config())
    assert photo_only.events[0].date is None
    dated = analyze_events(Corpus(articles=[own], events=[Event(id="e", article_ids=["o"])]), Config())
    assert dated.events[0].date == "2027-11-02"  # the Tuesday before the report's own day


def test_a_timeline_shows_weekdays_only_against_a_trusted_anchor():
    """A bare report dated only by a date written far down its text ("body", often a recalled
    day) keeps its calendar date ("On March 3 ...") in the timeline but not its weekday ("... on
    Monday"): against such an anchor weekdays and "yesterday" resolved wrong more often than right
    on bare news_cluster, calendar dates stayed right (bare.md "Tenth session, timeline10").  With
    its date given, or dated by its dateline, the weekday is shown."""
    from storyweave.config import Config
    from storyweave.engines.local import run_pipeline
    from storyweave.model import Article, Corpus

    story = ("Dockers at the port of Tessel walked out on Monday over pay, union leader Arno Veld said. "
             "On March 3 the port authority had rejected their demand.")
    rest = " Ships queued outside the harbour as the strike went on, and the union said it would hold out." * 6

    def timeline(text: str, published: str | None = None) -> dict[str, str]:
        corpus = run_pipeline(Corpus(articles=[Article(id="a", text=text, raw_text=text, published=published)]),
                              Config()).corpus
        return {t.text.split()[0]: t.date for e in corpus.events for t in e.timeline}

    post = " The union said: Our demand goes in today. — Tessel Dockers (@tesseldockers) February 20, 2026"
    body = timeline(story + rest + post)  # dated by the embedded post's day, far down ("body")
    assert body == {"On": "2026-03-03"}  # no "Dockers ... on Monday" (and the post's signature is no timeline entry)
    assert timeline(story + rest, published="2026-03-05")["Dockers"] == "2026-03-02"
    assert timeline("TESSEL, March 5, 2026 - " + story + rest)["TESSEL,"] == "2026-03-02"
