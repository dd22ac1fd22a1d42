from datetime import date

from storyweave.analysis.dates import find_start_dates, infer_article_date, resolve_dates

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
    from storyweave.analysis import article_dates
    from storyweave.settings import Settings

    mentions = article_dates(example_corpus, Settings())
    right = 0
    for gd in gold["dates"]:
        got = [m.date for m in mentions.get(gd["article_id"], []) if gd["phrase"].lower() in m.phrase.lower()]
        right += bool(got) and got[0] == gd["date"]
    assert right / len(gold["dates"]) >= 0.9
    for ev in example_corpus.events:
        assert ev.date == gold["events"][ev.id]["date"], ev.id


def test_odd_inputs_do_not_break_the_stage():
    from storyweave.analysis import analyze_events
    from storyweave.model import Article, Corpus, Event
    from storyweave.settings import Settings

    articles = [Article(id="empty", text=""), Article(id="pt", text="Olá mundo, isto é um teste.", language="pt"),
                Article(id="bad", text="On Monday, officials said \"this is four words\".", published="not-a-date")]
    corpus = Corpus(articles=articles, events=[Event(id="e", article_ids=["missing", "empty", "pt", "bad"]),
                                               Event(id="f", article_ids=[])])
    ev, empty = analyze_events(corpus, Settings(reference_date="2024-01-10")).events
    assert ev.date == "2024-01-08"  # the Monday before the reference date, as nothing else dates it
    assert [q.article_ids for q in ev.quotes] == [["bad"]]
    assert empty.date is None and empty.timeline == []
