"""Per-event analysis: canonical entities, attributed quotes, figures that disagree, dated timeline.

Each article text is parsed once (spaCy NER, one batched stream for the whole run) and the
parse is kept in `Corpus.cache["article"]` by text hash, so later runs parse only new or
changed texts.  An event's own analysis (before entity names are linked across events) is kept
in `Corpus.cache["event_analysis"]` under a signature of everything it reads (its articles'
texts, dates, outlets and copy structure, the anchors, the settings, the code), so an event
whose articles did not change is not analysed again.  Exact copies (`duplicate_of`, kind
exact) are not re-read: their ids are credited to the article they copy.  Near copies,
rewrites and translations are read, since their wording differs.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Any

from storyweave import progress
from storyweave.config import AnalyzeConfig, Config
from storyweave.memo import BoundedMemo
from storyweave.model import (
    Article,
    Corpus,
    DateRef,
    Discrepancy,
    Entity,
    Event,
    Quote,
    TimelineEntry,
    to_dict,
)
from storyweave.nlp import dates as dates_mod
from storyweave.nlp.boilerplate import is_furniture, is_photo_caption
from storyweave.nlp.stop_words import TIMELINE_OVERLAP
from storyweave.nlp.text import Sentence, content_words, remember_sentences
from storyweave.parallel import fork_map
from storyweave.serialize import from_dict
from storyweave.stages.analysis.entities import EntityIndex, link_across_events, mentions_of, missed_surnames
from storyweave.stages.analysis.numbers import Figure, extract_quantities, figure_context, find_discrepancies
from storyweave.stages.analysis.parsed import ARTICLE, fingerprint, parse_missing, parsed, text_key
from storyweave.stages.analysis.quotes import match_quotes, quotes_of
from storyweave.stages.dedup.provenance import copy_root
from storyweave.stages.events.veto import dated_by_header, inferred_how, weak_inferred_date
from storyweave.versions import digest

__all__ = ["analyze_events", "article_dates"]

EVENT_ANALYSIS = "event_analysis"  # Corpus.cache kind: an event's analysis by its signature

_REREAD_KINDS = {"near", "rewrite", "translation"}  # wording differs: read them too
_DATELINE_TAIL = re.compile(r"\s*(\([A-Za-z .]+\)\s*)?[-–—/]")


@dataclass
class _Read:
    """One article the analysis reads, and the ids it speaks for (itself + its exact/near copies)."""

    article: Article
    credited: tuple[str, ...]
    anchor: date | None = None
    trusted: bool = False  # the anchor is the report's given date, its header's or dateline's, or the run's reference date
    sentences: list[Sentence] = field(default_factory=list)


def _reused(copy: Article, original: Article) -> bool:
    """A copy whose wording matches its original reuses the original's analysis."""
    return copy.duplicate_kind not in _REREAD_KINDS


def _is_english(a: Article) -> bool:
    return not a.language or a.language.lower().startswith("en")


def _reads_of(event: Event, by_id: dict[str, Article]) -> list[_Read]:
    members = [by_id[i] for i in event.article_ids if i in by_id]
    credited: dict[str, list[str]] = defaultdict(list)
    for a in members:
        credited[copy_root(a.id, by_id, _reused)].append(a.id)
    reads = []
    for root_id, ids in credited.items():
        root = by_id[root_id]
        if root.text.strip() and _is_english(root):
            reads.append(_Read(root, tuple(sorted(set(ids) | {root_id}))))
    return reads


def _anchors(reads: list[_Read], story_anchor: date | None, fallback: date | None) -> None:
    """Anchor of each article: publication, dateline/stated date, else the event's, story's, setting's."""
    for r in reads:
        r.anchor = dates_mod.article_anchor(r.article.text, r.article.published)
        # a timeline shows weekdays and relative days ("on Monday", "yesterday") only against a trusted
        # anchor: against any other (a day read further down the text, another report's, the story's)
        # most of those resolved wrong on bare news_cluster, calendar dates stayed right (bare.md "timeline10")
        r.trusted = r.anchor is not None and dated_by_header(r.article)
    known = Counter(r.anchor for r in reads if r.anchor)
    event_anchor = known.most_common(1)[0][0] if known else (story_anchor or fallback)
    for r in reads:
        if r.anchor is None:
            r.anchor = event_anchor
            r.trusted = not known and story_anchor is None and fallback is not None  # the user's reference date


def _is_dateline(m: dates_mod.DateMention, text: str) -> bool:
    return m.kind == "explicit" and m.start < 80 and bool(_DATELINE_TAIL.match(text, m.end))


def _is_furniture(sentence: str) -> bool:
    """Site furniture by the summary's own sentence patterns (`boilerplate`), plus promos and labels
    glued to a sentence ("... subscribe today.", "LIVE BLOG On Monday, ..."): never a dated happening."""
    return is_furniture(sentence)


def _timeline(reads: list[_Read], start_dates: tuple[tuple[str, str], ...], limit: int,
              same_happening: float = AnalyzeConfig.timeline_same_happening) -> tuple[list[TimelineEntry], str | None]:
    """Dated happenings (sentence + resolved date) merged across articles, and the event's main date."""
    from storyweave.nlp.represent import embedding_matrix

    candidates: list[tuple[str, str, tuple[str, ...], int]] = []  # date, sentence, ids, position
    lead_votes: Counter[str] = Counter()
    for r in reads:
        text = r.article.text
        mentions = [m for m in _resolved(text, r.anchor, start_dates)  # 'last year' is no day
                    if m.date and m.granularity == "day" and not _is_dateline(m, text)
                    and (r.trusted or m.kind == "explicit")]  # a weekday or "yesterday" needs a trusted anchor
        lead_voted = False
        for pos, sent in enumerate(r.sentences):
            inside = [m for m in mentions if sent.start <= m.start < sent.end]
            if not inside or is_photo_caption(sent.text) or _is_furniture(sent.text):
                continue
            d = inside[0].date
            assert d is not None  # `mentions` keeps dated ones only
            candidates.append((d, sent.text, r.credited, pos))
            if pos < 3 and not lead_voted:
                lead_votes[d] += len(r.credited)
                lead_voted = True
    entries: list[TimelineEntry] = []
    words_of: list[set[str]] = []
    rows: list[int] = []  # row of each entry's sentence in `vectors`
    ordered = sorted(candidates, key=lambda c: (c[3], -len(c[2])))
    vectors = embedding_matrix([c[1] for c in ordered])
    for k, (d, text, ids, _) in enumerate(ordered):
        cw = content_words(text, TIMELINE_OVERLAP, numbers=False)
        for e, ew, row in zip(entries, words_of, rows, strict=False):
            if e.date != d:
                continue
            overlap = bool(cw and ew) and len(cw & ew) / min(len(cw), len(ew)) >= 0.6
            if overlap or (vectors is not None and float(vectors[k] @ vectors[row]) >= same_happening):
                e.article_ids = sorted(set(e.article_ids) | set(ids))
                break
        else:
            entries.append(TimelineEntry(date=d, text=text, article_ids=sorted(ids)))
            words_of.append(cw)
            rows.append(k)
    kept = sorted(entries, key=lambda e: -len(e.article_ids))[:limit]
    kept.sort(key=lambda e: (e.date, -len(e.article_ids)))
    main = max(lead_votes.items(), key=lambda kv: (kv[1], kv[0]))[0] if lead_votes else None
    return kept, main


@dataclass
class _RunContext:
    start_dates: dict[str, str]
    fallback: date | None
    story_anchor: dict[str, date]
    start_items: tuple[tuple[str, str], ...] = field(init=False)  # start_dates sorted: hashable, for cache keys

    def __post_init__(self) -> None:
        self.start_items = tuple(sorted(self.start_dates.items()))


def _run_context(corpus: Corpus, settings: Config) -> _RunContext:
    """Corpus-wide date anchors: start dates ('the strike began on March 2'), story dates, setting."""
    by_id = corpus.by_id()
    fallback = dates_mod.parse_iso(settings.analyze.reference_date)
    start_dates = dates_mod.find_start_dates([(a.text, dates_mod.article_anchor(a.text, a.published) or fallback)
                                              for a in corpus.originals() if _is_english(a)])
    story_anchor: dict[str, date] = {}
    for ev in corpus.events:  # an undated article falls back on its story's publication dates
        if ev.story_id and ev.story_id not in story_anchor:
            pubs = sorted(d for d in (dates_mod.parse_iso(by_id[i].published) for i in ev.article_ids if i in by_id) if d)
            if pubs:
                story_anchor[ev.story_id] = pubs[0]
    return _RunContext(start_dates, fallback, story_anchor)


def article_dates(corpus: Corpus, settings: Config) -> dict[str, list[dates_mod.DateMention]]:
    """Resolved date expressions of every English article in an event, as analyze_events reads them."""
    ctx = _run_context(corpus, settings)
    by_id = corpus.by_id()
    out: dict[str, list[dates_mod.DateMention]] = {}
    for ev in corpus.events:
        reads = [_Read(by_id[i], (i,)) for i in ev.article_ids if i in by_id and _is_english(by_id[i])]
        _anchors(reads, ctx.story_anchor.get(ev.story_id or ""), ctx.fallback)
        for r in reads:
            out[r.article.id] = dates_mod.resolve_dates(r.article.text, r.anchor, ctx.start_dates)
    return out


def fill_article_dates(corpus: Corpus, ctx: _RunContext, processes: int = 1,
                       keys: dict[str, _DateKey] | None = None, ready: dict[_DateKey, _DateRefs] | None = None) -> None:
    """`Article.dates` of every article (copies too, each on its own text): the resolved date
    expressions at day, month or year granularity, read against the article's own date, else its
    event's, story's or the setting's reference date.  Non-English texts get none.  `keys`:
    `_date_keys(corpus, ctx)` if made already; `ready`: results computed already (by the workers
    that analysed the events)."""
    keys = _date_keys(corpus, ctx) if keys is None else keys
    unique = list(dict.fromkeys(keys.values()))
    ready = ready or {}
    known = {k: ready[k] if k in ready else _DATE_REFS[k] for k in unique if k in ready or k in _DATE_REFS}
    todo = [k for k in unique if k not in known]
    # each text's dates are independent of the others': over forked workers when there are many
    for key, refs in zip(todo, fork_map(lambda k: _date_refs(*k), todo, processes, chunk=16,
                                        weight=lambda k: len(k[0])), strict=True):
        known[key] = refs
        _DATE_REFS.remember(key, refs)
    for a in corpus.articles:
        at = keys.get(a.id)
        a.dates = [DateRef(*ref) for ref in known[at]] if at else []


def _date_keys(corpus: Corpus, ctx: _RunContext) -> dict[str, _DateKey]:
    """(text, anchor, start dates) of every English article with a text: what its dates depend on."""
    by_id = corpus.by_id()
    event_anchor: dict[str, date | None] = {}
    for ev in corpus.events:
        reads = [_Read(by_id[i], (i,)) for i in ev.article_ids if i in by_id]
        _anchors(reads, ctx.story_anchor.get(ev.story_id or ""), ctx.fallback)
        for r in reads:
            event_anchor[r.article.id] = r.anchor
    keys: dict[str, _DateKey] = {}
    for a in corpus.articles:
        if _is_english(a) and a.text:
            anchor = event_anchor.get(a.id) or dates_mod.article_anchor(a.text, a.published) or ctx.fallback
            keys[a.id] = (a.text, anchor, ctx.start_items)
    return keys


_DateKey = tuple[str, date | None, tuple[tuple[str, str], ...]]  # text, anchor, start dates
_DateRefs = tuple[tuple[str, int, int, str, str], ...]
# pure results kept by their inputs: a warm process (server, API) re-reads the stored texts on
# every add (filled here, in the parent, also when the results were computed by forked workers)
_DATE_REFS: BoundedMemo[_DateKey, _DateRefs] = BoundedMemo(100_000)


def _date_refs(text: str, anchor: date | None, start_dates: tuple[tuple[str, str], ...]) -> _DateRefs:
    """`DateRef` fields of the dated expressions of `text` (see `fill_article_dates`): the
    mentions `dates.date_refs` keeps, from the resolution the timeline made of the same text."""
    return tuple((m.phrase, m.start, m.end, m.date, m.granularity)
                 for m in _resolved(text, anchor, start_dates) if m.date and m.granularity in _REF_GRANULARITY)


_REF_GRANULARITY = {"day", "month", "year"}  # as `dates.date_refs`


@lru_cache(maxsize=1024)  # the timeline and the article dates resolve the same texts, in the same worker
def _resolved(text: str, anchor: date | None, start_dates: tuple[tuple[str, str], ...]
              ) -> tuple[dates_mod.DateMention, ...]:
    """`dates.resolve_dates` of `text` against `anchor` (read only: the mentions are shared)."""
    return tuple(dates_mod.resolve_dates(text, anchor, dict(start_dates)))


def _event_signature(ev: Event, reads: list[_Read], ctx: _RunContext, settings: Config) -> str:
    """Everything `_analyze_event` reads, hashed: the same signature gives the same analysis."""
    return fingerprint(EVENT_ANALYSIS, settings.analyze) + ":" + digest(
        ev.date, ctx.story_anchor.get(ev.story_id or ""), ctx.fallback, list(ctx.start_items),  # a list: the signatures stored before
        [(r.article.id, text_key(r.article.text, settings.analyze.piece_chars), r.article.published, r.article.source, r.credited) for r in reads],
    )


def _event_record(ev: Event) -> dict[str, Any]:
    return {"date": ev.date, "entities": to_dict(ev.entities), "quotes": to_dict(ev.quotes),
            "discrepancies": to_dict(ev.discrepancies), "timeline": to_dict(ev.timeline)}


def _apply_record(ev: Event, record: dict[str, Any]) -> None:
    ev.date = record["date"]
    ev.entities = [from_dict(Entity, x) for x in record["entities"]]
    ev.quotes = [from_dict(Quote, x) for x in record["quotes"]]
    ev.discrepancies = [from_dict(Discrepancy, x) for x in record["discrepancies"]]
    ev.timeline = [from_dict(TimelineEntry, x) for x in record["timeline"]]


def analyze_events(corpus: Corpus, settings: Config) -> Corpus:
    """Fill entities, quotes, discrepancies, timeline (and a missing date) of every event.

    Parses and event analyses found in `corpus.cache` are reused; the returned corpus carries
    the cache entries of its current articles and events only (an empty cache: all recomputed).
    """
    # pure: the fields are filled on copies of the events and articles (entities too: names are
    # linked across events in place); the input corpus is left as it was
    events = [replace(ev, entities=[replace(e, aliases=list(e.aliases)) for e in ev.entities]) for ev in corpus.events]
    corpus = replace(corpus, articles=[replace(a) for a in corpus.articles], events=events)
    by_id = corpus.by_id()
    reads_by_event = {ev.id: _reads_of(ev, by_id) for ev in corpus.events}
    ctx = _run_context(corpus, settings)
    cfg = settings.analyze
    articles = dict(corpus.cache.get(ARTICLE, {}))
    analyses = dict(corpus.cache.get(EVENT_ANALYSIS, {}))
    signature = {ev.id: _event_signature(ev, reads_by_event[ev.id], ctx, settings)
                 for ev in corpus.events if reads_by_event[ev.id]}
    todo = [ev for ev in corpus.events if ev.id in signature and signature[ev.id] not in analyses]
    parsed_now = parse_missing((r.article.text for ev in todo for r in reads_by_event[ev.id]), articles,
                               processes=parse_processes(settings), started=progress.start, parsed=progress.advance,
                               piece_chars=cfg.piece_chars, min_texts_per_process=settings.run.min_texts_per_process)
    for ev in corpus.events:  # the briefs read the same sentences: the splits come with the parses
        for r in reads_by_event[ev.id]:
            record = articles.get(text_key(r.article.text, cfg.piece_chars))
            if record is not None:
                remember_sentences(r.article.text, record["sentences"])
    progress.start(len(todo), "events")
    # events are analysed independently (each from its own reads and the parses): over forked
    # workers when there are many; every event takes its record, computed now or cached
    _warm_models(cfg)
    keys = _date_keys(corpus, ctx)  # the article dates are resolved with the events (same texts)

    def analyse(ev: Event) -> tuple[dict[str, Any], dict[str, _DateRefs]]:
        record = _event_record(_analyze_event(ev, reads_by_event[ev.id], articles, ctx, cfg))
        return record, {i: _date_refs(*keys[i]) for i in ev.article_ids if i in keys and keys[i] not in _DATE_REFS}

    ready: dict[_DateKey, _DateRefs] = {}
    for ev, (record, refs) in zip(todo, fork_map(analyse, todo, parse_processes(settings), done=lambda ev: progress.advance(),
                                                 weight=lambda ev: sum(len(r.article.text) for r in reads_by_event[ev.id])),
                                  strict=True):
        analyses[signature[ev.id]] = record  # before names are linked across events
        for i, found in refs.items():
            ready[keys[i]] = found
            _DATE_REFS.remember(keys[i], found)
    for ev in corpus.events:
        if ev.id in signature:  # else nothing readable (e.g. only non-English reports): fields left as they are
            _apply_record(ev, analyses[signature[ev.id]])
    link_across_events(corpus.events)
    fill_article_dates(corpus, ctx, parse_processes(settings), keys, ready)
    keep = {text_key(r.article.text, cfg.piece_chars) for reads in reads_by_event.values() for r in reads}
    corpus.cache = {**corpus.cache,
                    ARTICLE: {k: v for k, v in articles.items() if k in keep},
                    EVENT_ANALYSIS: {sig: analyses[sig] for sig in signature.values()}}
    corpus.work = {**corpus.work, "parse": parsed_now, "analyze": len(todo)}
    return corpus


def parse_processes(settings: Config) -> int:
    """Worker processes for the spaCy parses (see `storyweave.parallel.default_processes`)."""
    from storyweave.parallel import default_processes

    return default_processes(settings.run.processes)


def texts_to_parse(corpus: Corpus, settings: Config) -> list[str]:
    """The texts `analyze_events` would parse now (events without a cached analysis, texts
    without a cached parse): an engine may parse them ahead, in parallel, into `corpus.cache`."""
    by_id = corpus.by_id()
    ctx = _run_context(corpus, settings)
    analyses = corpus.cache.get(EVENT_ANALYSIS, {})
    parsed_already = corpus.cache.get(ARTICLE, {})
    texts: list[str] = []
    for ev in corpus.events:
        reads = _reads_of(ev, by_id)
        if reads and _event_signature(ev, reads, ctx, settings) not in analyses:
            texts += [r.article.text for r in reads
                      if text_key(r.article.text, settings.analyze.piece_chars) not in parsed_already]
    return list(dict.fromkeys(texts))


def _warm_models(cfg: AnalyzeConfig) -> None:
    """Load what `_analyze_event` reads lazily (the static sentence model, the currency tables,
    the model's lemma tables, the place-name index) in this process before workers are forked:
    they then share this copy instead of each loading its own."""
    from storyweave.nlp.represent import static_model
    from storyweave.stages.analysis.entities import place_of
    from storyweave.stages.analysis.lexicon import currency_words, is_verb_form
    from storyweave.stages.analysis.numbers import extract_quantities

    static_model()
    currency_words()
    is_verb_form("said")
    extract_quantities("$5 million")
    place_of("Warmup", "GPE", [], cfg)  # any usable name: loads the place-name index


def _own_day_known(reads: list[_Read], ctx: _RunContext) -> bool:
    """Some report of the event has a day of its own to read its lead against: a `published` it came
    with or that `report_date` read from its text (not a photo caption's day, nor one read only from
    lines the cleaner removed, nor the latest date written far down the text, "body": an embedded
    post's or a caption's day, which dates the event through the events stage,
    `events.weak_event_dates`, but is no anchor for the timeline's relative days; bare.md "Tenth
    session"), or the run's `reference_date`.  Otherwise an event the events stage
    left undated stays undated: the anchors left are another event's (the story's first date) or a
    photo's, and the dates read against them were wrong more often than right (news_cluster bare:
    9 right, 14 wrong; benchmarks/results/bare.md "bare5")."""
    if ctx.fallback is not None:
        return True
    return any(dates_mod.parse_iso(r.article.published) and not inferred_how(r.article).endswith("caption")
               and not weak_inferred_date(r.article) for r in reads)  # weak: "body" or "removed lines"


def _analyze_event(ev: Event, reads: list[_Read], cache: dict[str, Any], ctx: _RunContext, cfg: AnalyzeConfig) -> Event:
    """Fill `ev`'s entities, quotes, discrepancies, timeline (and a missing date); returns `ev`."""
    if not reads:
        return ev
    _anchors(reads, ctx.story_anchor.get(ev.story_id or ""), ctx.fallback)
    docs = {r.article.id: parsed(r.article.text, cache, cfg.piece_chars) for r in reads}
    mentions = [m for r in reads for m in mentions_of(docs[r.article.id], r.article.id, r.credited, cfg)]
    mentions += [x for r in reads for x in missed_surnames(r.article.text, r.article.id, r.credited, mentions)]
    index = EntityIndex(mentions)
    ev.entities = index.entities()
    ev.quotes = match_quotes([q for r in reads for q in quotes_of(docs[r.article.id], r.article.id,
                                                                   r.credited, index, cfg.quote_min_words)])
    figures = []
    for r in reads:
        r.sentences = docs[r.article.id].sentences
        for sent in r.sentences:
            for q in extract_quantities(sent.text):
                figures.append(Figure(q, sent.text, r.article.id, r.credited,
                                      r.anchor.isoformat() if r.anchor else None, r.article.source,
                                      figure_context(sent.text, q)))
    ev.discrepancies = find_discrepancies(figures, cfg.discrepancies)
    ev.timeline, main_date = _timeline(reads, ctx.start_items, cfg.timeline_max, cfg.timeline_same_happening)
    if ev.date is None and _own_day_known(reads, ctx):
        anchors = Counter(r.anchor.isoformat() for r in reads if r.anchor)
        ev.date = main_date or (anchors.most_common(1)[0][0] if anchors else None)
    return ev
