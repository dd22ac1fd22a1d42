"""stages/events/lone.py: a report the linkage left alone joins the cluster it is clearly closest to."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
from test_bare_events import FERRY, PROTEST, bare, cluster

from storyweave.config import Config
from storyweave.model import Corpus
from storyweave.nlp import represent
from storyweave.stages import events
from storyweave.stages.events.lone import attach


def attach_lone(sim: np.ndarray, labels: list[int], eligible: np.ndarray, threshold: float, ratio: float) -> list[int]:
    """The pass over a whole matrix, its lone rows read two at a time (as the stage reads blocks)."""
    return attach(labels, eligible, lambda rows: sim[rows], threshold, ratio, rows_per_block=2)


def _sim(rows: list[list[float]]) -> np.ndarray:
    sim = np.array(rows, dtype=np.float32)
    assert (sim == sim.T).all()
    return sim


def _groups(labels: list[int]) -> set[frozenset[int]]:
    out: dict[int, set[int]] = {}
    for row, label in enumerate(labels):
        out.setdefault(label, set()).add(row)
    return {frozenset(g) for g in out.values()}






def _matrix(to_first: float, to_second: float) -> np.ndarray:
    return _sim([[1.0, 0.4, 0.02, 0.03, to_first],
                 [0.4, 1.0, 0.01, 0.02, to_first],
                 [0.02, 0.01, 1.0, 0.5, to_second],
                 [0.03, 0.02, 0.5, 1.0, to_second],
                 [to_first, to_first, to_second, to_second, 1.0]])


EVERY_ROW = np.ones(5, dtype=bool)


def test_a_lone_row_clearly_closest_to_one_cluster_joins_it():
    labels = attach_lone(_matrix(0.08, 0.02), [0, 0, 1, 1, 2], EVERY_ROW, threshold=0.07, ratio=1.5)
    assert _groups(labels) == {frozenset({0, 1, 4}), frozenset({2, 3})}


def test_a_lone_row_between_two_clusters_or_far_from_all_stays_alone():
    for to_first, to_second in ((0.09, 0.08), (0.06, 0.0)):  # no margin; under the threshold
        labels = attach_lone(_matrix(to_first, to_second), [0, 0, 1, 1, 2], EVERY_ROW, threshold=0.07, ratio=1.5)
        assert _groups(labels) == {frozenset({0, 1}), frozenset({2, 3}), frozenset({4})}


def test_a_vetoed_member_keeps_a_lone_row_out_and_rows_not_eligible_stay():
    sim = _matrix(0.09, 0.0)
    sim[4, 1] = sim[1, 4] = -1.0  # a veto against one member: mean (0.09 - 1) / 2
    assert len(_groups(attach_lone(sim, [0, 0, 1, 1, 2], EVERY_ROW, 0.07, 1.5))) == 3
    fixed = EVERY_ROW.copy()
    fixed[4] = False
    assert len(_groups(attach_lone(_matrix(0.2, 0.0), [0, 0, 1, 1, 2], fixed, 0.07, 1.5))) == 3
    assert len(_groups(attach_lone(_matrix(0.2, 0.0), [0, 0, 1, 1, 2], EVERY_ROW, 0.0, 1.5))) == 3  # off


def test_two_lone_rows_that_choose_each_other_form_one_cluster():
    sim = _sim([[1.0, 0.5, 0.0, 0.0],
                [0.5, 1.0, 0.01, 0.0],
                [0.0, 0.01, 1.0, 0.09],
                [0.0, 0.0, 0.09, 1.0]])
    assert _groups(attach_lone(sim, [0, 0, 1, 2], np.ones(4, dtype=bool), 0.07, 1.5)) == {
        frozenset({0, 1}), frozenset({2, 3})}


def test_an_undated_angle_under_the_single_threshold_joins_its_event_by_its_margin():
    """The protest report (mean similarity 0.103 to the two sonar reports, 0.035 to the two wreck
    reports): with `single_threshold` raised to 0.11 the linkage leaves it alone and the lone pass
    adds it to the search; with the pass off it stays alone; the wreck phase stays apart."""
    reports = [bare(a.id, a.text) for a in [*FERRY, PROTEST]]
    got = cluster(reports, **{"events.single_threshold": 0.11})
    assert got["protest"] == got["sonar-a"] == got["sonar-b"] != got["wreck-a"] == got["wreck-b"]
    off = cluster(reports, **{"events.single_threshold": 0.11, "events.lone_threshold": 0.0})
    assert off["protest"] not in {off["sonar-a"], off["wreck-a"]}


def test_dated_reports_are_left_as_the_linkage_put_them():
    """Every report dated the same day: the batch is cut at `threshold` (0.11) and the protest
    report (0.103) stays alone; the lone pass moves only undated reports (`lone_undated_only`)."""
    reports = [replace(bare(a.id, a.text), published="2021-03-04") for a in [*FERRY, PROTEST]]
    got = cluster(reports)
    assert got["protest"] not in {got["sonar-a"], got["wreck-a"]}
    moved = cluster(reports, **{"events.lone_undated_only": False})
    assert moved["protest"] == moved["sonar-a"]


def test_a_report_whose_text_only_recalls_a_day_counts_as_undated():
    """The protest report recalling a past day ("since May 4, 1952"): `report_date` gives it no
    date (a span is no "now"), so the lone pass moves it as an undated report, though
    `represent.article_day` reads that day for the date decay."""
    recalled = bare(PROTEST.id, PROTEST.text + " The ferry line has sailed since May 4, 1952.")
    corpus = events.cluster_events(Corpus(articles=[bare(a.id, a.text) for a in FERRY] + [recalled]),
                                   Config().with_values({"events.single_threshold": 0.11}))
    got = {a.id: a.event_id for a in corpus.articles}
    assert corpus.by_id()["protest"].published is None
    assert represent.article_day(corpus.by_id()["protest"]) == date(1952, 5, 4)
    assert got["protest"] == got["sonar-a"] == got["sonar-b"] != got["wreck-a"] == got["wreck-b"]


def test_a_stored_lone_report_stays_where_it_is_when_stored_events_are_kept():
    """`keep_stored` (the incremental add): stored events neither merge nor split, so a stored
    lone report is not moved; a new one with the same margin is."""
    knobs = Config().with_values({"events.single_threshold": 0.11})
    stored = events.cluster_events(Corpus(articles=[bare(a.id, a.text) for a in [*FERRY, PROTEST]]),
                                   knobs.with_values({"events.lone_threshold": 0.0}))
    kept = events.cluster_events(stored, knobs.with_values({"events.keep_stored": True}))
    got = {a.id: a.event_id for a in kept.articles}
    assert got["protest"] not in {got["sonar-a"], got["wreck-a"]}
    first = events.cluster_events(Corpus(articles=[bare(a.id, a.text) for a in FERRY]), knobs)
    added = replace(first, articles=[*first.articles, bare(PROTEST.id, PROTEST.text)])
    now = {a.id: a.event_id for a in events.cluster_events(added, knobs.with_values({"events.keep_stored": True})).articles}
    assert now["protest"] == now["sonar-a"] != now["wreck-a"]


def test_the_blocked_path_reads_a_lone_reports_rows_across_every_part():
    """Above `events.dense_max_units` a batch is clustered part by part (`blocks.py`: parts linked
    by pairs at or above the lowest merge threshold).  With every merge threshold at 0.2 the
    protest report (pairs 0.10 to the search reports) is a part of its own, yet the lone pass
    reads its rows against every unit: the same events as the whole matrix."""
    import warnings

    from storyweave.config import Config
    from storyweave.model import Corpus
    from storyweave.stages import events
    from storyweave.stages.events import blocks

    knobs = Config().with_values({"events.threshold": 0.2, "events.single_threshold": 0.2,
                                  "events.group_threshold": 0.2})
    reports = [bare(a.id, a.text) for a in [*FERRY, PROTEST]]
    dense = events.cluster_events(Corpus(articles=reports), knobs)
    events.release_text_cache()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", blocks.LargeComponentWarning)
        blocked = events.cluster_events(Corpus(articles=reports), knobs.with_values({"events.dense_max_units": 1}))
    got = {a.id: a.event_id for a in blocked.articles}
    assert got["protest"] == got["sonar-a"] != got["wreck-a"]
    assert blocked.events == dense.events
