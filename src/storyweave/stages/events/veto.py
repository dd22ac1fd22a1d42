"""Vetoes: pairs of reports that may not share an event, whatever their texts share.

A vetoed pair is -1 in the event similarity (`events.scaled_similarity`), `1 + veto_penalty`
apart for the linkage (`linkage.agglomerate`), so no group holding both forms.  A pair is vetoed
when the days its reports give lie `veto_gap_days` or more apart (unless the texts are near-copies
or close follow-ups), or when look-alike reports, a few days apart or undated, differ in their
specifics (`specifics_diverge`).  Only a day from a source `veto_date_sources` trusts may veto
(`veto_source`); where a report's date was read from is told here too (`inferred_how`), for the
events' own dates and the analysis' timelines as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from storyweave.config import EventsConfig
from storyweave.model import Article
from storyweave.nlp import represent


@dataclass
class Signals:
    """Per-article features the similarity and the vetoes use."""

    days: list[date | None]
    happened: list[date | None]
    numbers: list[frozenset[str]]
    lead_dates: list[frozenset[date]]
    ordinals: list[frozenset[tuple[str, int]]]
    lead_names: list[frozenset[str]]
    names: list[frozenset[str]]
    lead_weekdays: list[str | None]
    veto_days: list[date | None] | None = None  # `happened` restricted to the vetoes' date sources


def inferred_how(article: Article) -> str:
    """Where the report's `published` was read from its text ("header", "lead", "body", "caption", the
    same from removed lines, a dateline; `report_date`); "" for a date the report came with."""
    return str((article.metadata.get("inferred") or {}).get("published", "")) if article.published_inferred else ""


def _from_header(how: str) -> bool:
    return how.endswith("header") or how.startswith(("date line", "dateline"))


def dated_by_header(article: Article) -> bool:
    """The report came with its date, or its header or dateline gave it: the report dates a reader
    can lean on (day vetoes with `veto_date_sources` "header"; the analysis' timeline weekdays)."""
    return not article.published_inferred or _from_header(inferred_how(article))


def veto_source(article: Article, sources: str) -> bool:
    """May this report's day veto a pair?  "all": any day; "strong": not one inferred from far
    down the text or from removed lines (about half of those are a past day the report
    recalls), nor the day of a report `report_date` left undated (`represent.article_day` then
    reads the latest date its text writes: history it recalls); "header": only a day the report
    came with or wrote in its header/dateline."""
    if sources == "all":
        return True
    if not article.published:
        return False
    how = inferred_how(article)
    if not how:
        return True
    if sources == "strong":
        return not weak_inferred_date(article)
    return _from_header(how)


def weak_inferred_date(article: Article) -> bool:
    """The report's date was inferred from a date far down its text (`report_date` "body"), or
    only from lines the cleaner removed: about half of these are a past day the report recalls."""
    return inferred_how(article).endswith(("body", "removed lines"))


def from_removed_lines(article: Article) -> bool:
    """Dated only by a line the cleaner removed (a caption): shown as `published`, but the
    clustering does not lean on it (measured: it moved news_cluster/Multi-News figures both ways)."""
    return inferred_how(article).endswith("removed lines")


def day_ordinals(days: Sequence[date | None]) -> np.ndarray:
    """The ordinal of each day (float64; NaN: unknown), as `represent.day_gaps` reads them."""
    return np.array([d.toordinal() if d else np.nan for d in days], dtype=np.float64)


def veto_ordinals(sig: Signals) -> np.ndarray:
    """`day_ordinals` of the days that may veto a pair (`Signals.veto_days`; without them, `happened`)."""
    return day_ordinals(sig.veto_days if sig.veto_days is not None else sig.happened)


def veto_matrix(sig: Signals, cfg: EventsConfig, text_sim: np.ndarray) -> np.ndarray:
    """True where two reports describe different happenings: the days they report lie
    `veto_gap_days` apart (unless the texts are near-copies, or close follow-ups fewer than
    `follow_up_days` apart), or look-alike reports a few days apart whose specifics (salient
    numbers, explicit dates in the lead) diverge."""
    every = np.arange(len(sig.days))
    return veto_block(sig, veto_ordinals(sig), cfg, text_sim, every, every)


def veto_block(sig: Signals, veto_days: np.ndarray, cfg: EventsConfig, text_sim: np.ndarray,
               rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """`veto_matrix` of the pairs `rows` x `cols` (their text similarity `text_sim`; `veto_days`:
    `veto_ordinals(sig)`)."""
    gap = represent.day_gaps(veto_days, rows, cols)
    veto: np.ndarray = (gap >= cfg.veto_gap_days) & (text_sim < cfg.same_report_similarity)  # NaN compares False
    veto &= ~((gap < cfg.follow_up_days) & (text_sim >= cfg.follow_up_similarity))  # follow-ups: look-alike check
    near = (gap >= cfg.lookalike_gap_days) & (gap <= cfg.lookalike_max_gap_days) & ~veto
    near &= text_sim > cfg.threshold  # a veto only matters where the texts would otherwise merge
    # Without a day on both sides nothing above applies: look-alike happenings (two rounds of
    # talks, two quakes in different places) are told apart by their specifics alone.
    undated = np.isnan(gap) & (text_sim > cfg.threshold * cfg.undated_factor)
    square = rows is cols
    for mask, numbers in ((near, True), (undated, cfg.undated_specifics)):
        # the whole matrix: each pair once (upper triangle), mirrored; a block: each cell (the
        # similarity is symmetric, and so is `specifics_diverge`)
        pairs = np.nonzero(np.triu(mask, 1) if square else mask & (rows[:, None] != cols[None, :]))
        for a, b in zip(*pairs, strict=False):
            i, j = int(rows[a]), int(cols[b])
            if specifics_diverge(sig, cfg, min(i, j), max(i, j), numbers=numbers):
                veto[a, b] = True
                if square:
                    veto[b, a] = True
    return veto


def specifics_diverge(sig: Signals, cfg: EventsConfig, i: int, j: int, numbers: bool = True) -> bool:
    """Two look-alike reports tell of different happenings: their first sentences number
    different rounds/phases of one thing ("second round" / "third round"), they name no place or
    person in common (`disjoint_names`), (with `numbers`) they give disjoint salient numbers, or
    their leads give explicit dates days apart."""
    oa, ob = sig.ordinals[i], sig.ordinals[j]
    if oa and ob and {n for n, _ in oa} & {n for n, _ in ob} and not (oa & ob):
        return True
    la, lb = sig.lead_names[i], sig.lead_names[j]
    na, nb = sig.names[i], sig.names[j]
    if cfg.disjoint_names and la and lb and min(len(na), len(nb)) >= cfg.min_names and not (na & nb):
        return True  # not one place, person or organisation in common: another happening
    wa, wb = sig.lead_weekdays[i], sig.lead_weekdays[j]
    if cfg.weekday_veto and wa and wb and wa != wb:
        return True  # the first sentences put the happening on different weekdays
    if numbers:
        a, b = sig.numbers[i], sig.numbers[j]
        if len(a) >= cfg.min_numbers and len(b) >= cfg.min_numbers and not (a & b):
            return True
    da, db = sig.lead_dates[i], sig.lead_dates[j]
    return bool(da and db) and min(abs((x - y).days) for x in da for y in db) >= cfg.lookalike_gap_days


def weekday_codes(weekdays: Sequence[str | None]) -> np.ndarray:
    """A code per weekday named in a report's first sentence (0: none), for the damping of pairs
    whose first sentences put the happening on different weekdays ("... on Tuesday" / "... on
    Thursday": two happenings of one matter, days apart, when the texts carry no date)."""
    code = {w: k + 1 for k, w in enumerate(sorted({w for w in weekdays if w}))}
    return np.array([code.get(w, 0) if w else 0 for w in weekdays], dtype=np.int64)
