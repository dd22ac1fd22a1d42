"""Per-event briefing: cited extractive summary, facts, outlet comparison, title fallback.

Stage `build_briefings(corpus, settings)` fills, for every event, `summary` (whole verbatim
sentences, each citing every article that carries it or a near-identical version),
`facts` (claims confirmed by >= 2 independent sources), `outlets` (what each outlet alone
reports / which widely reported facts it omits), `independent_sources`, and `title` when
empty.  Knobs: `Config.brief` (`BriefConfig`; its `summary` and `facts` tables are `SummaryParams`, `FactParams`).

`brief_cluster(record, default_words)` is the core of `storyweave brief`: one line of
documents treated as one known event.

An event's briefing is kept in `Corpus.cache["event_brief"]` under a signature of everything
`brief_event` reads (its articles' text, title, date, language, outlet and copy/wire
structure, the event's title, the `brief` config section, `ANALYSIS_VERSION`), so a later run re-briefs only events
whose inputs changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from storyweave import progress
from storyweave.config import Config, SummaryParams
from storyweave.model import Article, Corpus, Event, Fact, OutletCoverage, SummarySentence, to_dict
from storyweave.nlp.text import count_words
from storyweave.serialize import from_dict
from storyweave.stages.analysis.parsed import fingerprint, text_key
from storyweave.stages.brief.facts import extract_facts, sentence_embeddings
from storyweave.stages.brief.outlets import UNKNOWN, compare_outlets
from storyweave.stages.brief.sentences import warm_tagger
from storyweave.stages.brief.summary import EventSentences, analyse, summarize
from storyweave.stages.brief.titles import best_title
from storyweave.stages.dedup import count_independent
from storyweave.stages.dedup.provenance import copy_root
from storyweave.versions import digest

__all__ = ["SummaryParams", "brief_cluster", "brief_event", "build_briefings"]



def brief_cluster(record: dict[str, Any], default_words: int) -> dict[str, Any]:
    """Brief one already-known event given as `{"id", "documents": [text], "max_words"?}`.

    Documents get ids "0", "1", ... in input order.  Returns `{"id", "summary": [{"text",
    "article_ids"}], "words"}`; the summary never exceeds `max_words` (else `default_words`).
    """
    docs = record.get("documents")
    if not isinstance(docs, list):
        raise ValueError("'documents' must be a list of texts")
    max_words = int(record.get("max_words") or default_words)
    texts = [(str(i), t) for i, t in enumerate(_clean_documents([d if isinstance(d, str) else "" for d in docs]))]
    es = analyse(texts)
    summary = summarize(es, max_words, dense=sentence_embeddings([c.text for c in es.cands]))
    return {
        "id": record.get("id"),
        "summary": [{"text": s.text, "article_ids": s.article_ids} for s in summary],
        "words": sum(count_words(s.text) for s in summary),
    }


def _clean_documents(docs: list[str]) -> list[str]:
    """Scrape noise removed by the clean stage (whole lines only, so sentences stay verbatim)."""
    from storyweave.stages.clean import clean_corpus

    corpus = Corpus(articles=[Article(id=str(i), text=d, raw_text=d) for i, d in enumerate(docs)])
    return [a.text for a in clean_corpus(corpus, Config()).articles]


def _summary_articles(articles: list[Article]) -> list[Article]:
    """Articles whose text the summary may quote: the event's main language only."""
    langs = Counter(a.language for a in articles if a.language)
    if not langs:
        return articles
    main = langs.most_common(1)[0][0]
    return [a for a in articles if a.language in (None, main)]


def brief_event(event: Event, corpus: Corpus, settings: Config, by_id: dict[str, Article] | None = None) -> Event:
    """The briefing fields of one event (a new Event; the input is not modified).  `by_id`:
    `corpus.by_id()` when the caller has it (made once per stage, not once per event)."""
    cfg = settings.brief
    by_id = corpus.by_id() if by_id is None else by_id
    articles = [by_id[i] for i in event.article_ids if i in by_id]
    articles.sort(key=lambda a: (a.date or "9999", a.id))
    readable = _summary_articles(articles)
    per_article = max(8, cfg.max_candidate_sentences // max(1, len(readable)))
    es: EventSentences = analyse([(a.id, a.text) for a in readable], cfg.summary.same_content,
                                 max_per_article=per_article, word_range=(cfg.sentence_min_words, cfg.sentence_max_words))
    preferred = {a.id for a in readable if a.duplicate_of is None} or None
    dense = sentence_embeddings([c.text for c in es.cands])
    summary = summarize(es, cfg.summary_words, cfg.summary, preferred, dense)
    wire_mostly = settings.dedup.wire_mostly
    facts, groups = extract_facts(es, lambda ids: count_independent(ids, corpus, True, wire_mostly, by_id), preferred,
                                  limit=cfg.max_facts, dense=dense, params=cfg.facts)
    outlet_of = {a.id: a.source or f"{UNKNOWN} ({a.id})" for a in readable}  # each unnamed report: an outlet of its own
    outlets = compare_outlets(es, groups, facts, outlet_of, preferred, cfg.max_only_here)
    title = event.title or best_title(articles, summary, settings.events.headline)
    return replace(event, summary=summary, facts=facts, outlets=outlets, title=title,
                   independent_sources=count_independent(event.article_ids, corpus, False, wire_mostly, by_id) if articles else 0)


EVENT_BRIEF = "event_brief"  # Corpus.cache kind: an event's briefing fields by its signature
_BRIEF_FIELDS = {"summary": SummarySentence, "facts": Fact, "outlets": OutletCoverage}


def _brief_signature(event: Event, by_id: dict[str, Article], settings: Config) -> str:
    """Everything `brief_event` reads for `event`, hashed: the same signature, the same briefing."""
    rows: list[tuple[Any, ...]] = []
    for i in event.article_ids:
        a = by_id.get(i)
        if a is None:
            rows.append((i,))
            continue
        root = by_id.get(copy_root(i, by_id))
        wire = sorted((o, copy_root(o, by_id)) for o in a.shares_wire_with)
        rows.append((i, text_key(a.text), a.title, a.published, a.language, a.source, a.url, a.duplicate_of,
                     a.duplicate_kind, root.id if root else None, root.source if root else None,
                     root.url if root else None, wire))
    # the headline limits decide the fallback title (`best_title`), `wire_mostly` the source counts
    section = (settings.brief, settings.events.headline, settings.dedup.wire_mostly)
    return fingerprint(EVENT_BRIEF, section) + ":" + digest(event.title, rows)


def _brief_record(event: Event) -> dict[str, Any]:
    return {"title": event.title, "independent_sources": event.independent_sources,
            **{name: to_dict(getattr(event, name)) for name in _BRIEF_FIELDS}}


def _from_record(event: Event, record: dict[str, Any]) -> Event:
    return replace(event, title=record["title"], independent_sources=record["independent_sources"],
                   summary=[from_dict(SummarySentence, x) for x in record["summary"]],
                   facts=[from_dict(Fact, x) for x in record["facts"]],
                   outlets=[from_dict(OutletCoverage, x) for x in record["outlets"]])


def build_briefings(corpus: Corpus, settings: Config) -> Corpus:
    """Fill summary, facts, outlets, title and independent_sources of every event (events
    whose signature is in `corpus.cache["event_brief"]` take the cached briefing)."""
    from storyweave.parallel import default_processes, fork_map, forks

    by_id = corpus.by_id()
    cached = corpus.cache.get(EVENT_BRIEF, {})
    signatures = [_brief_signature(e, by_id, settings) for e in corpus.events]
    todo: dict[str, Event] = {}  # one event per signature that is not cached
    for e, sig in zip(corpus.events, signatures, strict=False):
        if sig not in cached and sig not in todo:
            todo[sig] = e
    # events are briefed independently: over forked workers when there are many (same records)
    progress.start(len(todo), "events")
    processes = default_processes(settings.run.processes)
    if settings.brief.summary.check_verb and forks(len(todo), processes):
        warm_tagger()  # loaded here once, not once in each forked worker
    records = fork_map(lambda e: _brief_record(brief_event(e, corpus, settings, by_id)), list(todo.values()),
                       processes, weight=lambda e: len(e.article_ids),
                       done=lambda e: progress.advance())
    computed = dict(zip(todo, records, strict=False))
    fresh: dict[str, dict[str, Any]] = {}
    events = []
    for e, sig in zip(corpus.events, signatures, strict=False):
        record = cached.get(sig) or computed[sig]
        events.append(_from_record(e, record))
        fresh[sig] = record
    briefed = len(todo)
    return replace(corpus, events=events, cache={**corpus.cache, EVENT_BRIEF: fresh},
                   work={**corpus.work, "brief": briefed})
