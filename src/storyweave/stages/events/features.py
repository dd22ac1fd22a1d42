"""What the events stage reads off each report, kept by content for later calls.

Before it compares reports, the events stage reads two things off each one with regular
expressions over its whole text (about 1.5 ms a report):

- the date the text states, for a report that came without one (`report_date`);
- the signals its similarity and vetoes use (`Signals`: days, salient numbers, lead dates,
  ordinals, names, weekdays).

An incremental `add` re-clusters a working set of 100-200 stored reports whose texts have not
changed, and a cold CLI call read them all again (0.04-0.12 of its ~1.4 CPU-s, issue 12;
benchmarks/results/add.md, fifteenth session).  So each report's findings are kept in `Corpus.cache`, the way the analysis keeps
its parses: `REPORT_DATES` by `date_key` (the inputs `report_date` reads) and `SIGNALS` by
`signals_key` (the report as the similarity reads it, its date filled).  A later call, or the
store for an add's working set, hands them back, and the stage returns the entries of its own
reports.  The stage stays pure: the entries are plain JSON values, read and written by the
engines at the edge.

A key holds `FORMAT`, `versions.EVENT_FEATURES_VERSION` and the events config (less the two
knobs an add sets for its working set), so a knob change or a bumped version reads afresh.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from functools import lru_cache
from typing import Any

from storyweave.config import EventsConfig
from storyweave.model import Article
from storyweave.nlp import represent
from storyweave.stages.events import report_date
from storyweave.stages.events.veto import Signals, from_removed_lines, veto_source, weak_inferred_date
from storyweave.versions import EVENT_FEATURES_VERSION, digest

REPORT_DATES = "report_date"  # Corpus.cache kind: what `report_date` read off an undated report, by `date_key`
SIGNALS = "event_signals"  # Corpus.cache kind: one report's `Signals` values, by `signals_key`
FORMAT = 1  # the layout of an entry (`signal_entries`)

Record = dict[str, Any]


@lru_cache(maxsize=64)
def _config_key(cfg: EventsConfig) -> str:
    """The config part of every key: every knob but the two an add sets for its working set
    (`fit_size`, `keep_stored`), which change no report's findings."""
    return digest(FORMAT, EVENT_FEATURES_VERSION, replace(cfg, fit_size=0, keep_stored=False))


def _key(cfg: EventsConfig, *parts: Any) -> str:
    return digest(_config_key(cfg), *parts)


def date_key(article: Article, cfg: EventsConfig) -> str:
    """The key of what `report_date` reads off `article` (its texts and removed gallery lines)."""
    return _key(cfg, "date", article.text, article.raw_text, article.removed_by("gallery"))


def signals_key(article: Article, cfg: EventsConfig) -> str:
    """The key of `article`'s signals: its title, text, date and where the date came from."""
    return _key(cfg, "signals", article.title, article.text, article.published, article.published_inferred,
                (article.metadata.get("inferred") or {}).get("published"))


def cache_keys(articles: Sequence[Article], cfg: EventsConfig) -> dict[str, list[str]]:
    """The keys, by kind, under which the stage may find earlier findings for `articles` as
    stored (their dates already filled): what an engine loads before the stage runs."""
    return {REPORT_DATES: [date_key(a, cfg) for a in articles if not a.published],
            SIGNALS: [signals_key(a, cfg) for a in articles]}


# ---------------------------------------------------------------------------- report dates


def fill_report_dates(articles: list[Article], cfg: EventsConfig, known: Mapping[str, Any]) -> dict[str, Any]:
    """`report_date.fill_report_dates` (in place), taking what it read before from `known`
    (by `date_key`); returns the findings for this call's undated articles."""
    found: dict[str, Any] = {}
    for article in articles:
        if article.published:
            report_date.fill_report_dates([article], cfg)  # marks a reader's inferred date only
            continue
        key = date_key(article, cfg)
        stated = known.get(key, ...)
        if stated is ...:
            stated = report_date.stated_date(article, cfg)
            stated = [stated[0].isoformat(), stated[1]] if stated else None
        found[key] = stated
        if stated is not None:
            report_date.apply_date(article, date.fromisoformat(stated[0]), stated[1])
    return found


# ---------------------------------------------------------------------------- signals


def signals(articles: Sequence[Article], cfg: EventsConfig | None = None, known: Mapping[str, Record] | None = None,
            keys: Sequence[str] | None = None) -> Signals:
    """The `Signals` of `articles`, in their order; an article whose key (`keys`, by
    `signals_key`) is in `known` gets the values found there instead of reading its text."""
    rows = [_read_signals(article, cfg) if not known or key is None or key not in known else _from_record(known[key])
            for article, key in zip(articles, keys if keys is not None else [None] * len(articles), strict=True)]
    columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(9)]
    days, happened, numbers, lead_dates, ordinals, lead_names, names, lead_weekdays, veto_days = columns
    return Signals(days=days, happened=happened, numbers=numbers, lead_dates=lead_dates, ordinals=ordinals,
                   lead_names=lead_names, names=names, lead_weekdays=lead_weekdays, veto_days=veto_days)


def signal_entries(keys: Sequence[str], sig: Signals) -> dict[str, Record]:
    """The kept entry of each report of `sig` under its key: built once the stage is done with
    its matrices, so a large batch holds no second copy of its signals while it clusters."""
    assert sig.veto_days is not None
    return {key: {"day": _iso(sig.days[i]), "happened": _iso(sig.happened[i]), "veto_day": _iso(sig.veto_days[i]),
                  "numbers": sorted(sig.numbers[i]), "lead_dates": sorted(d.isoformat() for d in sig.lead_dates[i]),
                  "ordinals": sorted([noun, rank] for noun, rank in sig.ordinals[i]),
                  "lead_names": sorted(sig.lead_names[i]), "names": sorted(sig.names[i]),
                  "lead_weekday": sig.lead_weekdays[i]}
            for i, key in enumerate(keys)}


def kept_entries(articles: Sequence[Article], cfg: EventsConfig, known: Mapping[str, Record]) -> dict[str, Record]:
    """The entries of `known` that belong to `articles` as they are now (reports a call did not
    compare keep theirs, so a later call that compares them does not read their texts again)."""
    keys = (signals_key(a, cfg) for a in articles)
    return {key: known[key] for key in keys if key in known}


def text_days(articles: Sequence[Article], cfg: EventsConfig, known: Mapping[str, Record]) -> dict[str, date | None]:
    """The day each undated article's text gives (`represent.article_day`, the signals' `day`)
    where `known` holds its signals: the stories stage times undated events by it, and so reads
    no text the events stage read (by id)."""
    days: dict[str, date | None] = {}
    for article in articles:
        if not article.date and (record := known.get(signals_key(article, cfg))) is not None:
            days[article.id] = _day(record["day"])
    return days


_Row = tuple[date | None, date | None, frozenset[str], frozenset[date], frozenset[tuple[str, int]],
             frozenset[str], frozenset[str], str | None, date | None]  # the columns unpacked in `signals`


def _read_signals(article: Article, cfg: EventsConfig | None) -> _Row:
    """One report's signals, read off its text."""
    trust_body = cfg.body_dates if cfg else True
    day = (None if (not trust_body and weak_inferred_date(article)) or from_removed_lines(article)
           else represent.article_day(article))
    happened = represent.happening_day(article, day)
    lead = represent.title_or_first_sentence(article, limit=400)
    return (day, happened, _numbers_of(represent.full_text(article)),
            frozenset(represent.text_dates(represent.body_lead(article.text, 60))), represent.ordinal_set(lead),
            _name_words_of(lead), _name_words_of(represent.full_text(article)), represent.lead_weekday(article),
            happened if veto_source(article, cfg.veto_date_sources if cfg else "all") else None)


def _from_record(r: Record) -> _Row:
    return (_day(r["day"]), _day(r["happened"]), frozenset(r["numbers"]),
            frozenset(map(date.fromisoformat, r["lead_dates"])), frozenset((noun, rank) for noun, rank in r["ordinals"]),
            frozenset(r["lead_names"]), frozenset(r["names"]), r["lead_weekday"], _day(r["veto_day"]))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


# Pure in the text and kept in the process: in a warm process (server, Python API) an entry
# missing from the cache reads only texts the process has not read before.
@lru_cache(maxsize=100_000)
def _numbers_of(text: str) -> frozenset[str]:
    return represent.number_set(text)


@lru_cache(maxsize=100_000)
def _name_words_of(text: str) -> frozenset[str]:
    return name_words(represent.proper_names(text))


def name_words(names: frozenset[str]) -> frozenset[str]:
    """The words of `names` without possessives ("lena marash", "marash's" share "marash"):
    names are compared word by word, so a shorter or longer form of one name still meets."""
    return frozenset(w for n in names for w in re.sub(r"['’]s\b", "", n).split() if len(w) > 2)
