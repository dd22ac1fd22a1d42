"""Event clustering on hand-written reports: look-alikes apart, outlets together, copies,
stable ids, streaming changes, and the example corpus gold."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from storyweave.config import Config
from storyweave.model import Article, Corpus
from storyweave.stages import events
from storyweave.stages.events import features
from storyweave.stages.events.event_index import EventIndex

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples" / "corpus"


def art(id: str, day: str, title: str, text: str, source: str = "x", **kw) -> Article:
    return Article(id=id, text=text, raw_text=text, title=title, published=day, source=source, **kw)


# Two look-alike rounds of talks four days apart, one unrelated fire the same day as round one.
ROUND_ONE = [
    art("r1-a", "2025-05-05", "Ostravia and Velland open peace talks in Genova",
        "GENOVA — Negotiators from Ostravia and Velland met in Genova on Monday for the first round of "
        "peace talks, mediated by the Nordic envoy Hanna Lind. The delegations discussed a ceasefire "
        "along the 340 km front line and the return of 1,200 detainees.", "wire"),
    art("r1-b", "2025-05-05", "First round of Genova talks begins",
        "The first round of talks between Ostravia and Velland began in Genova on Monday. Envoy Hanna "
        "Lind said both delegations agreed to discuss a ceasefire on the 340 km front and the fate of "
        "1,200 detainees held by both sides.", "herald"),
    art("r1-c", "2025-05-06", "Ostravia, Velland sit down in Genova",
        "Delegations of Ostravia and Velland sat down in Genova on Monday, the first direct talks since "
        "the war began. Mediator Hanna Lind said a ceasefire along the 340 km line and 1,200 detainees "
        "were on the table.", "ledger"),
]
ROUND_TWO = [
    art("r2-a", "2025-05-09", "Second round of Genova talks ends without ceasefire",
        "GENOVA — The second round of peace talks between Ostravia and Velland ended in Genova on Friday "
        "without a ceasefire, envoy Hanna Lind said. Talks lasted 14 hours; Velland rejected a proposed "
        "25 km buffer zone and an exchange of 300 prisoners.", "wire"),
    art("r2-b", "2025-05-09", "Genova talks collapse in second round",
        "Talks between Ostravia and Velland collapsed in Genova on Friday after 14 hours, mediator Hanna "
        "Lind said. Velland turned down a 25 km buffer zone and a swap of 300 prisoners in the second "
        "round of negotiations.", "herald"),
]
FIRE = [
    art("fire-a", "2025-05-05", "Fire destroys textile factory in Port Alma",
        "PORT ALMA — A fire destroyed the Brightloom textile factory in Port Alma on Monday. Firefighters "
        "fought the blaze for nine hours; 45 workers were evacuated and two were treated for smoke.", "wire"),
    art("fire-b", "2025-05-05", "Blaze guts Brightloom mill",
        "The Brightloom textile mill in Port Alma burned down on Monday. The fire service said the blaze "
        "took nine hours to control and that 45 workers got out; two needed treatment for smoke.", "ledger"),
]


def run(articles: list[Article], corpus: Corpus | None = None) -> Corpus:
    corpus = corpus or Corpus(articles=[replace(a) for a in articles])
    return events.cluster_events(corpus, Config())


def groups(corpus: Corpus) -> set[frozenset[str]]:
    return {frozenset(e.article_ids) for e in corpus.events}


def test_lookalike_rounds_stay_apart_and_outlets_join():
    corpus = run(ROUND_ONE + ROUND_TWO + FIRE)
    assert groups(corpus) == {
        frozenset({"r1-a", "r1-b", "r1-c"}),
        frozenset({"r2-a", "r2-b"}),
        frozenset({"fire-a", "fire-b"}),
    }
    by_first = {e.article_ids[0]: e for e in corpus.events}
    assert by_first["r1-a"].date == "2025-05-05"
    assert by_first["r2-a"].date == "2025-05-09"
    assert all(a.event_id for a in corpus.articles)


def test_copies_join_their_originals_event():
    copy = art("r2-copy", "2025-05-10", "Second round of Genova talks ends without ceasefire",
               ROUND_TWO[0].text, "aggregator", duplicate_of="r2-a", duplicate_kind="exact")
    # a copy re-published days later would be vetoed on its own; it must follow its original
    corpus = run(ROUND_ONE + ROUND_TWO + [replace(copy, published="2025-05-20")])
    event_of = {a.id: a.event_id for a in corpus.articles}
    assert event_of["r2-copy"] == event_of["r2-a"]


def test_ids_are_deterministic_and_stable_when_articles_are_added():
    first = run(ROUND_ONE + FIRE)
    again = run(ROUND_ONE + FIRE)
    assert {e.id for e in first.events} == {e.id for e in again.events}
    assert all(e.id.startswith("ev-") for e in first.events)
    more = run(ROUND_ONE + FIRE + ROUND_TWO)
    ids_before = {frozenset(e.article_ids): e.id for e in first.events}
    ids_after = {frozenset(e.article_ids): e.id for e in more.events}
    for members, event_id in ids_before.items():
        assert ids_after[members] == event_id


def stored(corpus: Corpus) -> list[Article]:
    return [replace(a, is_new=False) for a in corpus.articles]


def test_streaming_keeps_ids_assigns_new_articles_and_logs_changes():
    first = run(ROUND_ONE[:2] + FIRE)
    assert first.changes == []
    old_ids = {a.id: a.event_id for a in first.articles}
    batch = Corpus(articles=stored(first) + [replace(a) for a in ROUND_ONE[2:] + ROUND_TWO], events=first.events)
    second = events.cluster_events(batch, Config())
    new_ids = {a.id: a.event_id for a in second.articles}
    assert all(new_ids[i] == old_ids[i] for i in old_ids)
    assert new_ids["r1-c"] == old_ids["r1-a"]
    assert new_ids["r2-a"] == new_ids["r2-b"] not in old_ids.values()
    assert any("added 1 new article(s)" in c and old_ids["r1-a"] in c for c in second.changes)
    assert any(c.startswith("opened event") and new_ids["r2-a"] in c for c in second.changes)


def test_streaming_merge_pass_repairs_an_earlier_split():
    # an earlier (wrong) decision split round one in two; the re-clustering merges them back
    wrong = run(ROUND_ONE + FIRE)
    ids = iter(["ev-left", "ev-right"])
    split = {"r1-a": "ev-left", "r1-b": "ev-left", "r1-c": "ev-right"}
    articles = [replace(a, is_new=False, event_id=split.get(a.id, a.event_id)) for a in wrong.articles]
    stored_events = [e for e in wrong.events if "r1-a" not in e.article_ids]
    from storyweave.model import Event

    stored_events += [Event(id=next(ids), article_ids=["r1-a", "r1-b"]), Event(id=next(ids), article_ids=["r1-c"])]
    repaired = events.cluster_events(Corpus(articles=articles, events=stored_events), Config())
    event_of = {a.id: a.event_id for a in repaired.articles}
    assert event_of["r1-a"] == event_of["r1-b"] == event_of["r1-c"] == "ev-left"
    assert "merged event ev-right (1 article(s)) into ev-left" in repaired.changes


def test_untitled_text_gets_first_sentence_title_and_inferred_date():
    plain = Article(id="plain", text="Top stories\n\nGENOVA, May 9, 2025 — The second round of peace talks "
                    "between Ostravia and Velland ended without a ceasefire. Talks lasted 14 hours.")
    corpus = run([plain])
    event = corpus.events[0]
    # headline style: the lead sentence (<= 90 characters) without its final period
    assert event.title == "The second round of peace talks between Ostravia and Velland ended without a ceasefire"
    assert event.date == "2025-05-09"


def test_event_index_adds_one_article_to_the_nearest_event_in_its_date_window():
    base = ROUND_ONE + FIRE
    index = EventIndex.from_articles(base, ["talks"] * 3 + ["fire"] * 2, window_days=3, threshold=0.3)
    probe = art("fire-c", "2025-05-06", "Port Alma textile factory fire", FIRE[0].text.replace("Monday", "Sunday"))
    assert index.add(probe) == ("fire", False)
    late = replace(probe, id="fire-late", published="2025-07-01")
    event_id, created = index.add(late, new_id="ev-late")
    assert created and event_id == "ev-late"


@pytest.mark.skipif(not (EXAMPLES / "gold.json").exists(), reason="examples/corpus/gold.json not written yet")
def test_example_corpus_events_and_stories_match_gold():
    from storyweave.io.readers import read_paths
    from storyweave.pipeline import STAGES
    from storyweave.stages import stories

    gold = json.loads((EXAMPLES / "gold.json").read_text())
    articles, _ = read_paths(sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and p.name not in {"gold.json", "README.md"}))
    corpus = Corpus(articles=articles)
    for stage in STAGES:
        if stage.name in ("clean", "language", "dedup", "events"):
            corpus = stage.fn(corpus, Config())
    corpus = stories.link_stories(corpus, Config())
    labelled = [a for a in corpus.articles if a.id in gold["articles"]]
    assert len(labelled) == len(gold["articles"])
    predicted_events = {frozenset(a.id for a in labelled if a.event_id == e.id) for e in corpus.events} - {frozenset()}
    gold_events = {
        frozenset(i for i, g in gold["articles"].items() if g["event"] == name) for name in gold["events"]
    }
    assert predicted_events == gold_events
    story_of = {e.id: e.story_id for e in corpus.events}
    predicted_stories = {frozenset(a.id for a in labelled if story_of[a.event_id] == s.id) for s in corpus.stories}
    gold_stories = {
        frozenset(i for i, g in gold["articles"].items() if g["story"] == name) for name in gold["stories"]
    }
    assert predicted_stories - {frozenset()} == gold_stories
    gold_date = {frozenset(i for i, g in gold["articles"].items() if g["event"] == n): v["date"] for n, v in gold["events"].items()}
    for event in corpus.events:
        assert event.date == gold_date[frozenset(event.article_ids)]


def test_large_store_narrows_to_candidate_events_and_keeps_the_rest():
    first = run(ROUND_ONE + FIRE)
    fire_event = next(e for e in first.events if "fire-a" in e.article_ids)
    late = replace(ROUND_ONE[0], id="r1-late", published="2025-05-06")
    batch = Corpus(articles=stored(first) + [replace(a) for a in ROUND_TWO] + [late], events=first.events)
    out = events.cluster_events(batch, Config().replace("events.max_batch", 3))  # force the large-store path
    event_of = {a.id: a.event_id for a in out.articles}
    assert event_of["r1-late"] == event_of["r1-a"]
    assert event_of["r2-a"] == event_of["r2-b"] != event_of["r1-a"]
    assert next(e for e in out.events if e.id == fire_event.id) is fire_event  # untouched, not re-clustered
    # the untouched event's reports keep what was read off them (a later call comparing them reads no text)
    narrow = Config().replace("events.max_batch", 3)  # the knobs are part of the keys: both calls with the same
    kept = events.cluster_events(Corpus(articles=[replace(a) for a in ROUND_ONE + FIRE]), narrow).cache
    out = events.cluster_events(replace(batch, cache=kept), narrow)
    fire_keys = {features.signals_key(a, narrow.events) for a in first.articles if a.id in fire_event.article_ids}
    assert fire_keys and fire_keys <= set(kept[features.SIGNALS]) and fire_keys <= set(out.cache[features.SIGNALS])


def test_streaming_split_pass_moves_a_wrongly_stored_article_out():
    first = run(ROUND_ONE + FIRE)
    talks = next(e for e in first.events if "r1-a" in e.article_ids)
    fire = next(e for e in first.events if "fire-a" in e.article_ids)
    wrong = {"fire-b": talks.id}  # an earlier decision put a fire report into the talks event
    articles = [replace(a, is_new=False, event_id=wrong.get(a.id, a.event_id)) for a in first.articles]
    stored_events = [replace(talks, article_ids=talks.article_ids + ["fire-b"]), replace(fire, article_ids=["fire-a"])]
    repaired = events.cluster_events(Corpus(articles=articles, events=stored_events), Config())
    event_of = {a.id: a.event_id for a in repaired.articles}
    assert event_of["fire-b"] == event_of["fire-a"] == fire.id
    assert event_of["r1-a"] == talks.id
    assert f"split: moved 1 article(s) from event {talks.id} to {fire.id}: fire-b" in repaired.changes


FIRE_FOLLOW_UP = art(
    "fire-later", "2025-05-09", "Faulty wiring blamed for Brightloom textile factory fire",
    "PORT ALMA — Investigators said faulty wiring started the fire that destroyed the Brightloom textile "
    "factory in Port Alma. The fire service report found that alarms sounded late; all 45 workers got out "
    "and two were treated for smoke.", "herald")


def test_close_follow_up_days_later_joins_its_happening_but_not_without_the_rule():
    corpus = run(ROUND_ONE + ROUND_TWO + FIRE + [FIRE_FOLLOW_UP])
    event_of = {a.id: a.event_id for a in corpus.articles}
    assert event_of["fire-later"] == event_of["fire-a"]  # four days later, the same happening
    assert event_of["r2-a"] != event_of["r1-a"]  # look-alike rounds still apart
    strict = events.cluster_events(
        Corpus(articles=[replace(a) for a in ROUND_ONE + ROUND_TWO + FIRE + [FIRE_FOLLOW_UP]]),
        Config().replace("events.follow_up_similarity", 1.0),
    )
    strict_of = {a.id: a.event_id for a in strict.articles}
    assert strict_of["fire-later"] != strict_of["fire-a"]  # the day-gap veto alone keeps it apart


def test_placeholder_body_under_unrelated_headlines_is_compared_by_title():
    placeholder = "Chat with us in Facebook Messenger. Find out what's happening in the world as it unfolds."
    talks = art("ph-talks", "2025-05-05", "Ostravia and Velland open peace talks in Genova", placeholder, "tv")
    fire = art("ph-fire", "2025-05-05", "Brightloom textile factory fire in Port Alma", placeholder, "tv",
               duplicate_of="ph-talks", duplicate_kind="exact")
    by_id = {a.id: a for a in [talks, fire]}
    assert events.placeholder_bodies([talks, fire], by_id) == {"ph-talks", "ph-fire"}
    corpus = run(ROUND_ONE + FIRE + [talks, fire])
    event_of = {a.id: a.event_id for a in corpus.articles}
    assert event_of["ph-talks"] == event_of["r1-a"]
    assert event_of["ph-fire"] == event_of["fire-a"]


def test_a_report_of_site_notices_only_is_titled_as_having_no_readable_text():
    notice = Article(id="notice", text="Starting in 2001, the crawler has been donating its crawl data to the "
                     "archive. Flowing in every day, these data are added to the Wayback Machine after an embargo.")
    event = run([notice]).events[0]
    assert event.title == "Report with no readable text (notice)"


def test_a_readable_report_no_headline_can_be_made_from_says_so_in_its_title_never_empty(monkeypatch):
    """When neither the report's title nor any of its first sentences gives a headline (a page of
    service text did, in bare Multi-News), the event is "Report with no headline in its text (id)",
    never an empty title."""
    from storyweave.stages.events import headline

    monkeypatch.setattr(headline, "headline_from_text", lambda *args, **kwargs: "")
    page = Article(id="page", text="The new address may take up to a day to work for every visitor, the help "
                   "page says. Visitors who need more help can write to the team that runs the service.")
    event = run([page]).events[0]
    assert event.title == "Report with no headline in its text (page)"
    hashed = "bbb4e8558b8c036cd94962b2259b82e9614ce4dd7d0170a89a04b46c"  # a 56-character hash id, as news_cluster's
    event = run([replace(page, id=hashed)]).events[0]
    assert event.title == "Report with no headline in its text (bbb4e8558b8c036c…)" and len(event.title) <= 90
    assert event.article_ids == [hashed]


def test_view_memo_serves_a_subset_of_the_same_reports_and_not_a_changed_one():
    """The stories stage asks for views of a subset of the reports the events stage fitted: the
    memo slices the fitted matrix; a report whose text changed since is fitted anew."""
    reports = ROUND_ONE + ROUND_TWO
    events.release_text_cache()
    whole = events.view_similarity(reports, "body")
    subset = [reports[0], reports[2], reports[4]]
    sliced = events.view_similarity(subset, "body")
    assert sliced.tolist() == whole[[0, 2, 4]][:, [0, 2, 4]].tolist()
    changed = [replace(subset[0], text=subset[0].text + " The talks resumed."), *subset[1:]]
    refitted = events.view_similarity(changed, "body")
    assert refitted.shape == (3, 3)
    assert refitted[1, 2] != sliced[1, 2]  # fitted on three reports, not sliced from the memo
    events.release_text_cache()


def test_the_events_stage_does_not_read_an_earlier_calls_memo():
    """The memo serves the stories stage a subset of the reports the events stage just fitted; a
    later events call on a subset of an earlier call's reports (without the stories stage in
    between, which releases the memo) is fitted on its own reports, as in a fresh process."""
    reports = ROUND_ONE + ROUND_TWO + FIRE
    fresh = {a.id: a.event_id for a in run([replace(a) for a in ROUND_ONE]).articles}
    events.cluster_events(Corpus(articles=[replace(a) for a in reports]), Config())
    again = {a.id: a.event_id for a in events.cluster_events(Corpus(articles=[replace(a) for a in ROUND_ONE]),
                                                               Config()).articles}
    assert again == fresh
    subset = [replace(a) for a in ROUND_ONE]
    whole = events.view_similarity(reports, "body")
    assert events.view_similarity(subset, "body").tolist() == whole[:len(subset)][:, :len(subset)].tolist()
    events.cluster_events(Corpus(articles=subset), Config())
    assert events.view_similarity(subset, "body").tolist() != whole[:len(subset)][:, :len(subset)].tolist()
    events.release_text_cache()
