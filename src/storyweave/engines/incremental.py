"""The incremental `add`: a few new articles folded into a large store without loading it.

`ingest(..., incremental=True)` (CLI `add`, server ingest jobs) comes here first.  Instead of
the whole store, the store loads a *working set* at the edge: the stored events nearest to the
new articles (kept static embeddings of title + lead, `store.article_vectors`; centroid cosine
and date window as `event_index.EventIndex`, at most `events.incremental_max_events`), every
event of their stories, those events' articles and links.  The unchanged stages run over it:

- clean, limit, language, dedup: the new articles get their results from the working set
  (clean's corpus statistics and dedup's candidates are those of the working set); stored
  articles keep their stored text and language (not re-cleaned) and their duplicate fields,
  unless dedup finds them to copy a new article (then their links are replaced);
- events and stories: re-clustered and re-linked over the working set, ids kept by overlap; their
  TF-IDF views are fitted on it as the store's would be (`fit_size`: `min_df` by the store's size);
- analyze and brief: only the *touched* events (a new article or a changed membership); the
  other events of the working set keep their stored analysis and briefing;
- the save writes the changed article rows, the working set's events and stories, the new
  articles' duplicate links, new cache entries and vectors; nothing outside the working set.

So the work is bounded by the working set, not by the store.  The results are those of the
batch path up to what the working set cannot see (listed in BENCHMARKS.md, Speed: add).  Any
other case (a stored id in the batch, more than `events.incremental_max_new` articles, an empty
store, `--force`/`--fresh`, another engine) returns None and the full path runs.
"""

from __future__ import annotations

import copy
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from storyweave.config import Config
from storyweave.model import Article, Corpus, DuplicateLink, Event, ReadError
from storyweave.pipeline import STAGES

if TYPE_CHECKING:
    from storyweave.engines.local import IngestResult

_STAGE = {s.name: s for s in STAGES}
_STORED_FIELDS = ("duplicate_of", "duplicate_kind", "shares_wire_with")


def ingest_incremental(conn: sqlite3.Connection, articles: list[Article], errors: list[ReadError] | None,
                       settings: Config, *, command: str = "", inputs: list[str] | None = None,
                       progress: Callable[..., None] | None = None, run_pipeline: Callable[..., Any],
                       result: Callable[..., IngestResult]) -> IngestResult | None:
    """Fold `articles` into the store through the working set; None when the full path must run.

    `run_pipeline` and `result` (the `IngestResult` type) come from `engines.local`, which calls
    this (passed in: the two modules import each other otherwise)."""
    from storyweave.io import store

    IngestResult = result  # noqa: N806

    cfg = settings.events
    if not articles or len(articles) > cfg.incremental_max_new:
        return None
    if conn.execute("SELECT 1 FROM events LIMIT 1").fetchone() is None:
        return None
    if store.stored_states(conn, list(dict.fromkeys(a.id for a in articles))):
        return None  # updated, unchanged or failed before: the full path decides
    started = datetime.now(UTC).isoformat(timespec="seconds")
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    batch, merge = store.merge_articles(Corpus(), articles)
    new = batch.articles
    near = _nearest(conn, new, settings)
    if near is None:
        return None
    part = store.load_neighbourhood(conn, near)
    before = Corpus(articles=[copy.copy(a) for a in part.articles])  # for the store's counts
    seconds["load"] = time.perf_counter() - clock
    # the working set's TF-IDF views are fitted as the store's would be (`represent.tfidf`'s min_df:
    # a working set of 20 reports or fewer dropped no n-gram, and its body cosines fell by half)
    size = len(_vectors(conn).ids) + len(new)
    settings = settings.replace("events.fit_size", size).replace("stories.fit_size", size)
    outcome = run_working_set(part, new, settings, run_pipeline, progress=progress,
                              cache=lambda kind, keys: store.load_cache_entries(conn, kind, keys))
    done, new_links, work = outcome.corpus, outcome.new_links, outcome.work
    seconds.update(outcome.seconds)
    done.errors = list(errors or []) + batch.errors + done.errors
    clock = time.perf_counter()
    kept = {a.id for a in done.articles}
    vectors = _vector_rows([a for a in done.articles if a.id in {n.id for n in new} and a.id in kept])
    counts = {"read": merge.read, "new": len(merge.new), "updated": 0, "unchanged": 0,
              "skipped": len(done.errors), "retried": 0, "failed": len(done.failed),
              "working_set": {"events": len(part.events), "articles": len(part.articles)},
              "seconds": {name: round(t, 3) for name, t in seconds.items()}}
    unchanged = _unchanged(part, done)
    work["events_written"] = sum(e.id not in unchanged for e in done.events)
    work["stories_written"] = sum(s.id not in unchanged for s in done.stories)
    run_id, totals = store.save_part(conn, done, unchanged=unchanged, replaced_events={e.id for e in part.events},
                             replaced_stories={s.id for s in part.stories}, new_links=new_links, vectors=vectors,
                             command=command, inputs=inputs, counts=counts, started=started, before=before)
    seconds["save"] = time.perf_counter() - clock
    warm = _WARM.get(conn.execute("PRAGMA database_list").fetchone()[2] or str(id(conn)))
    if warm is not None:
        warm.update(run_id, done.articles, vectors)
    return IngestResult(done, merge, True, run_id, seconds, work, totals)


def _unchanged(loaded: Corpus, done: Corpus) -> frozenset[str]:
    """Ids of the events and stories of `done` equal to their loaded versions (not written again)."""
    events = {e.id: e for e in loaded.events}
    stories = {s.id: s for s in loaded.stories}
    return frozenset([e.id for e in done.events if events.get(e.id) == e]
                     + [s.id for s in done.stories if stories.get(s.id) == s])


class WorkingSetRun:
    """What `run_working_set` returns: the working set after the stages, the new articles' duplicate
    links, the work counts and the seconds per stage."""

    def __init__(self, corpus: Corpus, new_links: list[DuplicateLink], work: dict[str, int], seconds: dict[str, float]):
        self.corpus, self.new_links, self.work, self.seconds = corpus, new_links, work, seconds


def run_working_set(part: Corpus, new: list[Article], settings: Config, run_pipeline: Callable[..., Any], *,
                    progress: Callable[..., None] | None = None,
                    cache: Callable[[str, list[str]], Any] | None = None) -> WorkingSetRun:
    """The stages over a working set `part` (stored, `is_new=False`) plus the `new` articles.

    Pure but for `cache(kind, keys) -> entries`, the store's lookup of cached parses (given by
    the caller at the edge; None: nothing cached).  Returns the working set after the stages
    (stored articles, events and stories outside what the new articles touched as they were) and
    the duplicate links that involve a new article (they replace the stored links of their copies)."""
    from storyweave.stages.analysis.parsed import ARTICLE, text_key

    # the working set's similarities are fitted on it alone: re-clustering its stored reports
    # would move them for that reason only, so stored events are kept and only new reports move
    keep = settings.events.incremental_keep_stored
    settings = settings.replace("events.keep_stored", keep).replace("stories.keep_stored", keep)
    # shallow copies suffice: the stages replace articles or assign their fields, never edit a
    # stored list in place
    pristine = {a.id: copy.copy(a) for a in part.articles}
    stored_events = {e.id: copy.copy(e) for e in part.events}
    new_ids = {a.id for a in new}
    step = _Steps(settings, run_pipeline, progress)

    def restored(articles: list[Article]) -> list[Article]:
        return [copy.copy(pristine[a.id]) if a.id in pristine else a for a in articles]

    # clean + limit: the working set's reports sharing a line with a new one give clean its
    # statistics (the others cannot change them); stored articles keep their text
    from storyweave.stages.clean.chrome import sharing_lines

    cleaned = step(["clean", "limit"], Corpus(articles=sharing_lines(part.articles, new) + list(new)))
    fresh = step(["language"], Corpus(articles=[a for a in cleaned.articles if a.id in new_ids])).articles
    corpus = Corpus(articles=restored(list(part.articles)) + fresh, duplicates=list(part.duplicates))
    # dedup: the new articles against the working set; stored articles keep their links
    corpus = step(["dedup"], corpus)
    new_links = _keep_stored_links(corpus, part.duplicates, pristine, new_ids)
    # events and stories over the working set (stored ids kept by overlap)
    corpus.events = [copy.copy(e) for e in part.events]
    corpus.stories = [copy.copy(s) for s in part.stories]
    corpus.cache = _stored_findings(part.articles, settings, cache)
    corpus = step(["events", "stories"], corpus)  # settings with events.keep_stored (see below)
    found = corpus.cache
    touched, events = _touched_events(corpus.events, stored_events)
    # analyze + brief: the touched events only, from the cached parses of their articles
    by_id = corpus.by_id()
    members = [by_id[i] for e in touched for i in e.article_ids if i in by_id]
    entries = cache(ARTICLE, [text_key(a.text) for a in members]) if cache and members else {}
    done = step(["analyze", "brief"], Corpus(articles=members, events=touched, cache={ARTICLE: entries}))
    analysed = {e.id: e for e in done.events}
    events = [analysed.get(e.id, e) for e in events]
    corpus.events = events
    # the stages return new articles (analyze fills their `dates` on copies): take the touched
    # events' articles from its result (an article it failed on stays as it was)
    read = {a.id: a for a in done.articles}
    corpus.articles = [read.get(a.id, a) for a in corpus.articles]
    corpus = step(["timelines"], corpus)
    corpus.cache = {**found, **done.cache}
    corpus.failed = step.failed
    corpus.changes = step.changes
    step.work["touched_events"] = len(touched)
    return WorkingSetRun(corpus, new_links, step.work, step.seconds)


def _stored_findings(stored: list[Article], settings: Config,
                     cache: Callable[[str, list[str]], Any] | None) -> dict[str, dict[str, Any]]:
    """What the events stage read off the `stored` reports before, from the store's cache (their
    texts are stored as they were read): it does not read them again."""
    from storyweave.stages.events import features

    if cache is None:
        return {}
    return {kind: cache(kind, keys) for kind, keys in features.cache_keys(stored, settings.events).items()}


class _Steps:
    """`run_working_set`'s stage runs: each call runs the named stages (numbered in pipeline order
    for `progress`) and adds up their work counts, seconds, failed articles and logged changes."""

    def __init__(self, settings: Config, run_pipeline: Callable[..., Any],
                 progress: Callable[..., None] | None) -> None:
        self.settings, self.run_pipeline, self.progress = settings, run_pipeline, progress
        self.work: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.failed: list[Article] = []
        self.changes: list[str] = []
        self.steps = iter(range(len(STAGES)))

    def __call__(self, names: Sequence[str], corpus: Corpus) -> Corpus:
        indices = {name: next(self.steps) for name in names}
        progress = self.progress
        shown = None if progress is None else (lambda name, _i, _n, done: progress(name, indices[name], len(STAGES), done))
        logged = len(corpus.changes)  # a stage may extend the input's list in place
        run = self.run_pipeline(corpus, self.settings, stages=[_STAGE[n] for n in names], progress=shown)
        for key, value in run.work.items():
            self.work[key] = self.work.get(key, 0) + value
        self.seconds.update(run.seconds)
        self.failed.extend(a for a in run.corpus.failed if a.id not in {f.id for f in self.failed})
        self.changes.extend(run.corpus.changes[logged:])
        corpus_after: Corpus = run.corpus
        return corpus_after


def _keep_stored_links(corpus: Corpus, stored: list[DuplicateLink], pristine: dict[str, Article],
                       new_ids: set[str]) -> list[DuplicateLink]:
    """After dedup over the working set: the links that involve a new article.  Stored articles
    keep their stored duplicate fields and links, except those found to copy a new article
    (their links are replaced by the new ones); sets `corpus.duplicates` accordingly."""
    new_links = [d for d in corpus.duplicates if d.copy in new_ids or d.original in new_ids]
    recopied = {d.copy for d in new_links if d.copy in pristine}  # stored reports found to copy a new one
    for article in corpus.articles:
        if article.id in pristine and article.id not in recopied:
            for name in _STORED_FIELDS:
                setattr(article, name, copy.copy(getattr(pristine[article.id], name)))
    corpus.duplicates = [d for d in stored if d.copy not in recopied] + new_links
    return new_links


def _touched_events(events: list[Event], stored: dict[str, Event]) -> tuple[list[Event], list[Event]]:
    """(touched, all): the events whose membership is new or changed, to analyse and brief again,
    and every event in order, an untouched one as stored (its analysis and briefing kept)."""
    touched, kept = [], []
    for event in events:
        old = stored.get(event.id)
        if old is not None and set(old.article_ids) == set(event.article_ids):
            kept.append(replace(old, story_id=event.story_id))  # analysis and briefing as stored
        else:
            touched.append(event)
            kept.append(event)
    return touched, kept


def _nearest(conn: sqlite3.Connection, new: list[Article], settings: Config) -> list[str] | None:
    """Ids of the stored events the working set starts from (None: no vectors to compare)."""
    from storyweave.nlp import represent
    from storyweave.stages.events.event_index import nearest_events

    warm = _vectors(conn)
    if not warm.ids:
        return None
    matrix, days, event_ids = warm.matrix, warm.days, warm.events
    queries = represent.embed([represent.headline_text(a) for a in new])
    if queries.shape[1] != matrix.shape[1]:
        return None  # another embedding (e.g. the fallback without the shipped model)
    cfg = settings.events
    return nearest_events(matrix, days, event_ids, queries, [_day(a) for a in new],
                          cfg.candidate_window_days, cfg.incremental_min_similarity, cfg.incremental_max_events,
                          cfg.incremental_copy_similarity)


class _Vectors:
    """A store's kept vectors as arrays, with each article's event id and day.  What an add saved
    is recorded by `update` and applied by `settled` when the next add of the process searches
    (a CLI add ends first: it neither indexes the ids nor copies the matrix)."""

    def __init__(self, version: int, ids: list[str], events: list[str], days: list[int], matrix: np.ndarray):
        self.version, self.ids, self.events, self.days, self.matrix = version, ids, events, days, matrix
        self._row: dict[str, int] | None = None
        self._pending: list[tuple[list[tuple[str, str]], list[tuple[Article, int, bytes]]]] = []

    def update(self, version: int, articles: list[Article], added: list[tuple[Article, int, bytes]]) -> None:
        """After this process's save: the working set's event ids, the new articles' rows."""
        self._pending.append(([(a.id, a.event_id) for a in articles if a.event_id is not None], added))
        self.version = version

    def settled(self) -> _Vectors:
        """Itself with every `update` applied."""
        if not self._pending:
            return self
        if self._row is None:
            self._row = {i: k for k, i in enumerate(self.ids)}
        row = self._row
        rows: list[bytes] = []
        for events, added in self._pending:
            for article_id, event_id in events:
                k = row.get(article_id)
                if k is not None:
                    self.events[k] = event_id
            for a, day, blob in added:
                if a.id not in row and a.event_id:
                    row[a.id] = len(self.ids)
                    self.ids.append(a.id)
                    self.events.append(a.event_id)
                    self.days.append(day)
                    rows.append(blob)
        if rows:
            stacked = np.frombuffer(b"".join(rows), dtype=np.float32).reshape(len(rows), -1)
            self.matrix = np.vstack([self.matrix, stacked])
        self._pending = []
        return self


# A warm process (server, Python API) keeps each store's vectors between adds: they are read
# again only when another process wrote the store since (its last run id is not the one this
# process saved).  Reading them is the one step of an add that grows with the store.
_WARM: dict[str, _Vectors] = {}


def _vectors(conn: sqlite3.Connection) -> _Vectors:
    from storyweave.io import store

    key = conn.execute("PRAGMA database_list").fetchone()[2] or str(id(conn))
    warm = _WARM.get(key)
    if warm is None or warm.version != store.store_version(conn):
        _refresh_vectors(conn)
        ids, events, days, matrix = store.load_vectors(conn)  # may be read-only: nothing writes it
        warm = _WARM[key] = _Vectors(store.store_version(conn), ids, events, days, matrix)
    return warm.settled()


def _refresh_vectors(conn: sqlite3.Connection, chunk: int = 500) -> None:
    """Compute the kept vectors of stored articles that have none (a store written by `run`, or
    an article whose content changed), in chunks; written at once (derived data)."""
    from storyweave.io import store

    stale = store.stale_vector_ids(conn)
    for start in range(0, len(stale), chunk):
        articles = list(store.get_articles(conn, stale[start:start + chunk]).values())
        with store.transaction(conn):
            store.save_vectors(conn, _vector_rows(articles))
    store.compact_vectors(conn)  # their snapshot written again once enough rows changed since


def _vector_rows(articles: list[Article]) -> list[tuple[Article, int, bytes]]:
    """Each article's kept vector (title and lead), of the text the events stage compares it by
    (`events.view.clustering_view`: a page the cleaner emptied because it was all photo gallery
    by its captions; an empty text would leave it out of every later add's working set)."""
    from storyweave.nlp import represent
    from storyweave.stages.events.view import clustering_view

    if not articles:
        return []
    vectors = represent.embed([represent.headline_text(a) for a in clustering_view(articles, set())]).astype(np.float32)
    return [(a, _day(a), v.tobytes()) for a, v in zip(articles, vectors, strict=False)]


def _day(article: Article) -> int:
    from storyweave.stages.events.event_index import _ordinal

    return _ordinal(article)


__all__ = ["ingest_incremental", "run_working_set"]
