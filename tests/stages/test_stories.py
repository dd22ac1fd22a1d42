"""Stories: events of one story linked over weeks, unrelated events apart, stable ids, timelines."""

from __future__ import annotations

from dataclasses import replace

from storyweave.config import Config
from storyweave.model import Article, Corpus
from storyweave.stages import events, stories


def art(id: str, day: str, title: str, text: str) -> Article:
    return Article(id=id, text=text, raw_text=text, title=title, published=day, source=id.split("-")[0])


STRIKE = [
    art("a-strike1", "2025-03-02", "Dockworkers strike at Saltmere port",
        "Dockworkers at the port of Saltmere walked off the job on Sunday over 12-hour shifts, union leader "
        "Viktor Halloran said. Ships queued outside the harbour."),
    art("b-strike1", "2025-03-02", "Saltmere port paralysed by dock strike",
        "The port of Saltmere was paralysed on Sunday as dockworkers struck over 12-hour shifts. Union "
        "leader Viktor Halloran said the walkout would last until the port authority negotiates."),
    art("a-strike2", "2025-03-16", "Wage deal ends Saltmere dock strike",
        "The Saltmere dock strike ended on Sunday after the port authority and the union of Viktor Halloran "
        "agreed a 7 percent wage rise and shorter shifts. Dockworkers return on Monday."),
    art("b-strike2", "2025-03-16", "Saltmere dockworkers accept 7 percent deal",
        "Dockworkers in Saltmere voted on Sunday to accept a 7 percent pay rise, ending their strike. Union "
        "leader Viktor Halloran called the port authority's offer a victory for the dockworkers."),
]
FLOOD = [
    art("a-flood", "2025-03-09", "River Brenna floods Lindgard",
        "The river Brenna burst its banks in Lindgard on Sunday, flooding 900 homes. Mayor Pieter Vanek "
        "said two people died and rescue boats reached stranded residents."),
    art("b-flood", "2025-03-09", "Lindgard under water as Brenna rises",
        "Floodwater from the Brenna covered Lindgard on Sunday; 900 homes were flooded and two residents "
        "died, Mayor Pieter Vanek said, as boats rescued families from rooftops."),
]


def run(articles: list[Article], corpus: Corpus | None = None) -> Corpus:
    corpus = corpus or Corpus(articles=[replace(a) for a in articles])
    return stories.link_stories(events.cluster_events(corpus, Config()), Config())


def test_events_of_one_story_link_and_unrelated_events_stay_apart():
    corpus = run(STRIKE + FLOOD)
    assert len(corpus.events) == 3  # strike begins, strike ends, flood
    story_of = {e.id: e.story_id for e in corpus.events}
    article_story = {a.id: story_of[a.event_id] for a in corpus.articles}
    assert article_story["a-strike1"] == article_story["b-strike2"]
    assert article_story["a-flood"] != article_story["a-strike1"]
    assert len(corpus.stories) == 2


def test_story_timeline_has_one_dated_entry_per_event_in_date_order():
    corpus = run(STRIKE + FLOOD)
    strike = next(s for s in corpus.stories if len(s.event_ids) == 2)
    assert [t.date for t in strike.timeline] == ["2025-03-02", "2025-03-16"]
    assert set(strike.timeline[0].article_ids) == {"a-strike1", "b-strike1"}
    assert strike.title in {a.title for a in STRIKE}
    assert strike.id.startswith("st-")


def test_story_ids_stable_when_a_later_event_joins():
    first = run(STRIKE[:2] + FLOOD)
    old_story = {a.id: next(e.story_id for e in first.events if e.id == a.event_id) for a in first.articles}
    batch = Corpus(
        articles=[replace(a, is_new=False) for a in first.articles] + [replace(a) for a in STRIKE[2:]],
        events=first.events,
        stories=first.stories,
    )
    second = run([], batch)
    story_of = {e.id: e.story_id for e in second.events}
    new_story = {a.id: story_of[a.event_id] for a in second.articles}
    assert all(new_story[i] == old_story[i] for i in old_story)
    assert new_story["a-strike2"] == old_story["a-strike1"]
    assert any("linked to story" in c and old_story["a-strike1"] in c for c in second.changes)


def test_refresh_timelines_merges_event_timelines_by_date():
    from storyweave.model import TimelineEntry

    corpus = run(STRIKE + FLOOD)
    strike = next(s for s in corpus.stories if len(s.event_ids) == 2)
    later = next(e for e in corpus.events if e.id == strike.event_ids[1])
    later.timeline = [TimelineEntry(date="2025-03-10", text="Talks resumed on Monday.", article_ids=["a-strike2"])]
    refreshed = next(s for s in stories.refresh_timelines(corpus).stories if s.id == strike.id)
    assert [t.date for t in refreshed.timeline] == ["2025-03-02", "2025-03-10", "2025-03-16"]


def test_large_store_relinks_only_events_near_new_ones():
    first = run(STRIKE[:2] + FLOOD)
    flood = next(e for e in first.events if "a-flood" in e.article_ids)
    late = [replace(a, published="2025-09-16") for a in STRIKE[2:]]  # far from the flood's date
    batch = Corpus(
        articles=[replace(a, is_new=False) for a in first.articles] + late,
        events=first.events,
        stories=first.stories,
    )
    settings = Config().with_values({"stories.max_events": 1, "stories.max_gap_days": 30})
    out = stories.link_stories(events.cluster_events(batch, Config()), settings)
    flood_after = next(e for e in out.events if e.id == flood.id)
    assert flood_after.story_id == flood.story_id
    assert {e.story_id for e in out.events} == {s.id for s in out.stories}
    assert sum(len(s.event_ids) for s in out.stories) == len(out.events)


def test_key_name_bonus_fades_with_the_gap_between_events():
    from storyweave.model import Event

    def event(id: str, day: str, names: str) -> tuple[Event, list[Article]]:
        arts = [art(f"{s}-{id}", day, f"{names} meet", f"{names} met on Sunday. {names} talked.") for s in "ab"]
        return Event(id=id, article_ids=[a.id for a in arts], date=day), arts

    first, a1 = event("e1", "2025-03-02", "Viktor Halloran and Pieter Vanek")
    near, a2 = event("e2", "2025-03-05", "Viktor Halloran and Pieter Vanek")
    far, a3 = event("e3", "2025-06-05", "Viktor Halloran and Pieter Vanek")
    by_id = {a.id: a for a in a1 + a2 + a3}
    bonus = stories.key_entity_bonus([first, near, far], by_id, stories.StoryConfig())
    assert bonus[0, 1] > 10 * bonus[0, 2] > 0
    assert bonus[0, 1] <= stories.StoryConfig().weight_key_entities


def test_key_name_bonus_needs_both_events_dated():
    from storyweave.model import Event

    arts = [art(f"{s}-{k}", "2025-03-02", "Viktor Halloran meets", "Viktor Halloran met Pieter Vanek.") for k in "12" for s in "ab"]
    by_id = {a.id: a for a in arts}
    dated = Event(id="e1", article_ids=["a-1", "b-1"], date="2025-03-02")
    undated = Event(id="e2", article_ids=["a-2", "b-2"], date=None)
    cfg = stories.StoryConfig()
    assert stories.key_entity_bonus([dated, undated], by_id, cfg)[0, 1] == 0.0
    undated_counts = replace(cfg, key_entities_undated=1.0)
    assert stories.key_entity_bonus([dated, undated], by_id, undated_counts)[0, 1] == cfg.weight_key_entities


def test_story_units_are_originals_with_their_event():
    corpus = events.cluster_events(Corpus(articles=[replace(a) for a in STRIKE + FLOOD]), Config())
    copy = replace(STRIKE[0], id="c-strike1", duplicate_of="a-strike1", duplicate_kind="exact")
    corpus.events[0].article_ids.append(copy.id)
    by_id = {a.id: a for a in corpus.articles + [copy]}
    units, owner = stories.story_units(corpus.events, by_id)
    assert "c-strike1" not in {a.id for a in units}
    assert sorted(a.id for a in units) == sorted(a.id for a in STRIKE + FLOOD)
    assert all(a.id in corpus.events[k].article_ids for a, k in zip(units, owner, strict=True))


def test_streaming_in_date_order_gives_the_batch_stories():
    ordered = sorted(STRIKE + FLOOD, key=lambda a: (a.published, a.id))
    batch = run(ordered)
    stored: list[Article] = []
    corpus = Corpus(articles=[])
    for chunk in (ordered[:2], ordered[2:4], ordered[4:]):
        corpus = Corpus(articles=stored + [replace(a) for a in chunk], events=corpus.events, stories=corpus.stories)
        corpus = stories.link_stories(events.cluster_events(corpus, Config()), Config())
        stored = [replace(a, is_new=False) for a in corpus.articles]

    def partition(c: Corpus) -> set[frozenset[str]]:
        story_of = {e.id: e.story_id for e in c.events}
        out: dict[str, set[str]] = {}
        for a in c.articles:
            out.setdefault(story_of[a.event_id], set()).add(a.id)
        return {frozenset(v) for v in out.values()}

    assert partition(corpus) == partition(batch)
    first_story = next(e.story_id for e in corpus.events if "a-strike1" in e.article_ids)
    assert first_story == next(e.story_id for e in batch.events if "a-strike1" in e.article_ids)


def test_event_level_linkage_part_by_part_gives_the_same_stories():
    """Above `events.dense_max_units` events, the one-document-per-event linkage runs on the parts
    that pairs above the threshold link (`events/blocks.py`): the same stories as the whole matrix."""
    import warnings
    from pathlib import Path

    import numpy as np

    from storyweave.io.readers import read_paths
    from storyweave.pipeline import STAGES
    from storyweave.stages.events import blocks

    articles, _ = read_paths([Path(__file__).resolve().parents[2] / "examples" / "corpus"])
    corpus = Corpus(articles=articles)
    for stage in STAGES:
        if stage.name == "stories":
            break
        corpus = stage.fn(corpus, Config())
    one_doc = Config().replace("stories.max_articles", 0)  # the large-batch path: one document per event
    timed = stories.timed_events(corpus.events, corpus.by_id(), one_doc.stories)
    every = np.arange(len(timed))
    source = stories.story_source(timed, corpus.by_id(), one_doc.stories)
    whole = stories.story_similarity(timed, corpus.by_id(), one_doc.stories)
    halves = np.vstack([stories.story_block(source, one_doc.stories, rows, every) for rows in np.array_split(every, 2)])
    assert np.array_equal(halves, whole)
    dense = stories.link_stories(corpus, one_doc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", blocks.LargeComponentWarning)
        parts = stories.link_stories(corpus, one_doc.replace("events.dense_max_units", 1).replace("events.block_cells", 7))
    assert len(dense.stories) < len(corpus.events)  # events were linked
    assert parts.stories == dense.stories
    assert [e.story_id for e in parts.events] == [e.story_id for e in dense.events]


def bare(id: str, text: str) -> Article:
    return Article(id=id, text=text, raw_text=text, title="", published=None, source=id.split("-")[0])


# Two undated dock strikes at two ports: one theme, different participants and causes.
SALTMERE = [
    bare("a-s1", "Dockworkers at the port of Saltmere walked off the job over 12-hour shifts, union leader Viktor "
                 "Halloran said. Ships queued outside the harbour as the strike began."),
    bare("b-s1", "The port of Saltmere was paralysed as dockworkers struck over 12-hour shifts. Union leader Viktor "
                 "Halloran said the walkout would last until the port authority negotiates."),
]
CORVENNA = [
    bare("a-s2", "Dockworkers at the port of Corvenna walked off the job over unpaid overtime, union chief Lena Marsh "
                 "said. Cargo piled up on the quays as the strike began."),
    bare("b-s2", "The port of Corvenna came to a halt as dockworkers struck over unpaid overtime. Union chief Lena "
                 "Marsh said the stoppage would go on until the port authority pays."),
]


def test_undated_events_of_one_theme_stay_apart_by_cohesion():
    def stories_of(cohesion: float) -> set[str | None]:
        settings = Config()
        settings = replace(settings, stories=replace(settings.stories, cohesion=cohesion))
        corpus = events.cluster_events(Corpus(articles=[replace(a) for a in SALTMERE + CORVENNA]), settings)
        assert len(corpus.events) == 2 and not any(e.date for e in corpus.events)
        return {e.story_id for e in stories.link_stories(corpus, settings).events}

    assert len(stories_of(0.0)) == 1  # alike enough across for the plain threshold: one theme
    assert len(stories_of(stories.StoryConfig().cohesion)) == 2  # each strike far tighter than the pair


def test_cohesion_veto_compares_across_with_within():
    import numpy as np

    # events 0 and 1 tight (0.6 within) and loosely alike (0.2 across: ratio 0.33); events 2 and 3
    # loose (0.2 within) and as alike across (0.15: ratio 0.75); event 4 a single report
    owner = [0, 0, 1, 1, 2, 2, 3, 3, 4]
    within = {0: 0.6, 1: 0.6, 2: 0.2, 3: 0.2}
    sim = np.full((9, 9), 0.15)
    sim[:4, :4] = 0.2
    for k, value in within.items():
        rows = [i for i, o in enumerate(owner) if o == k]
        sim[np.ix_(rows, rows)] = value
    sim[8, :] = sim[:, 8] = 0.2
    np.fill_diagonal(sim, 1.0)

    def vetoed(undated: list[bool]) -> set[tuple[int, int]]:
        out = sim.copy()
        stories.cohesion_veto(out, owner, np.array(undated), 0.41)
        return {(owner[i], owner[j]) for i in range(9) for j in range(9) if out[i, j] == -1.0 and i < j}

    assert vetoed([True] * 5) == {(0, 1)}
    assert vetoed([False, True, False, False, False]) == {(0, 1)}  # one of the two undated is enough
    assert vetoed([False] * 5) == set()  # dated events are kept apart by their days


def test_cohesion_veto_sums_row_blocks_as_one(monkeypatch):
    import numpy as np

    rng = np.random.default_rng(7)
    owner = [k for k in range(6) for _ in range(k % 3 + 1)]
    sim = rng.uniform(0.0, 0.5, (len(owner), len(owner))).astype(np.float32)
    sim = (sim + sim.T) / 2
    np.fill_diagonal(sim, 1.0)
    undated = np.ones(6, dtype=bool)
    whole = sim.copy()
    stories.cohesion_veto(whole, owner, undated, 0.9)
    monkeypatch.setattr(stories, "_COHESION_BLOCK", 3)
    parts = sim.copy()
    stories.cohesion_veto(parts, owner, undated, 0.9)
    assert (whole == -1.0).any() and np.array_equal(whole, parts)
