"""Per-event briefing: cited extractive summary, facts, outlet comparison, title fallback.

Stage `build_briefings(corpus, settings)` fills, for every event, `summary` (whole verbatim
sentences, each citing every article that carries it or a near-identical version),
`facts` (claims confirmed by >= 2 independent sources), `outlets` (what each outlet alone
reports / which widely reported facts it omits), `independent_sources`, and `title` when
empty.  Optional overrides in `settings.extra["brief"]`: any `SummaryParams` field, plus
`max_facts` and `max_only_here`.

`brief_cluster(record, default_words)` is the core of `storyweave brief`: one line of
documents treated as one known event.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import fields, replace

from storyweave.brief.facts import extract_facts, sentence_embeddings
from storyweave.brief.outlets import UNKNOWN, compare_outlets
from storyweave.brief.summary import EventSentences, SummaryParams, analyse, summarize
from storyweave.brief.titles import best_title
from storyweave.model import Article, Corpus, Event
from storyweave.settings import Settings
from storyweave.text import count_words

__all__ = ["SummaryParams", "brief_cluster", "brief_event", "build_briefings"]

MAX_CANDIDATE_SENTENCES = 3000  # keeps the sentence similarity matrix small on huge events


def brief_cluster(record: dict, default_words: int) -> dict:
    """Brief one already-known event given as `{"id", "documents": [text], "max_words"?}`.

    Documents get ids "0", "1", ... in input order.  Returns `{"id", "summary": [{"text",
    "article_ids"}], "words"}`; the summary never exceeds `max_words` (else `default_words`).
    """
    docs = record.get("documents")
    if not isinstance(docs, list):
        raise ValueError("'documents' must be a list of texts")
    max_words = int(record.get("max_words") or default_words)
    texts = list(enumerate(_clean_documents([d if isinstance(d, str) else "" for d in docs])))
    texts = [(str(i), t) for i, t in texts]
    es = analyse(texts)
    summary = summarize(es, max_words, dense=sentence_embeddings([c.text for c in es.cands]))
    return {
        "id": record.get("id"),
        "summary": [{"text": s.text, "article_ids": s.article_ids} for s in summary],
        "words": sum(count_words(s.text) for s in summary),
    }


def _clean_documents(docs: list[str]) -> list[str]:
    """Scrape noise removed by the clean stage (whole lines only, so sentences stay verbatim)."""
    from storyweave.clean import clean_corpus

    corpus = Corpus(articles=[Article(id=str(i), text=d, raw_text=d) for i, d in enumerate(docs)])
    return [a.text for a in clean_corpus(corpus, Settings()).articles]


def _params(settings: Settings) -> tuple[SummaryParams, dict]:
    extra = dict(settings.extra.get("brief", {}) or {})
    known = {f.name for f in fields(SummaryParams)}
    return replace(SummaryParams(), **{k: v for k, v in extra.items() if k in known}), extra


def _count_independent():
    try:
        from storyweave.dedup import count_independent

        return count_independent
    except ImportError:  # dedup stage not available: count distinct outlets of originals
        def fallback(ids: list[str], corpus: Corpus, wire_as_one: bool = False) -> int:
            by_id = corpus.by_id()
            arts = [by_id[i] for i in ids if i in by_id]
            originals = [a for a in arts if a.duplicate_of is None] or arts[:1]
            return len({a.source or a.id for a in originals})

        return fallback


def _summary_articles(articles: list[Article]) -> list[Article]:
    """Articles whose text the summary may quote: the event's main language only."""
    langs = Counter(a.language for a in articles if a.language)
    if not langs:
        return articles
    main = langs.most_common(1)[0][0]
    return [a for a in articles if a.language in (None, main)]


def brief_event(event: Event, corpus: Corpus, settings: Settings) -> Event:
    """The briefing fields of one event (a new Event; the input is not modified)."""
    params, extra = _params(settings)
    by_id = corpus.by_id()
    articles = [by_id[i] for i in event.article_ids if i in by_id]
    articles.sort(key=lambda a: (a.date or "9999", a.id))
    readable = _summary_articles(articles)
    per_article = max(8, MAX_CANDIDATE_SENTENCES // max(1, len(readable)))
    es: EventSentences = analyse([(a.id, a.text) for a in readable], params.same_content,
                                 max_per_article=per_article)
    preferred = {a.id for a in readable if a.duplicate_of is None} or None
    count = _count_independent()
    dense = sentence_embeddings([c.text for c in es.cands])
    summary = summarize(es, settings.summary_words, params, preferred, dense)
    facts, groups = extract_facts(es, lambda ids: count(ids, corpus, wire_as_one=True), preferred,
                                  limit=int(extra.get("max_facts", 25)), dense=dense)
    outlet_of = {a.id: a.source or UNKNOWN for a in readable}
    outlets = compare_outlets(es, groups, facts, outlet_of, preferred, int(extra.get("max_only_here", 5)))
    title = event.title or best_title(articles, summary)
    return replace(event, summary=summary, facts=facts, outlets=outlets, title=title,
                   independent_sources=count(event.article_ids, corpus) if articles else 0)


def build_briefings(corpus: Corpus, settings: Settings) -> Corpus:
    """Fill summary, facts, outlets, title and independent_sources of every event."""
    events = [brief_event(e, corpus, settings) for e in corpus.events]
    return replace(corpus, events=events)
