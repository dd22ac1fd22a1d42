"""Cluster articles into events (batch and streaming, stable ids).

An event is one happening.  Articles are grouped by average-linkage agglomerative clustering
(scipy's, `linkage.py`) over a pairwise similarity that mixes three TF-IDF views of each report (body with
bigrams, headline + lead, headline alone; each view memoised for the stories stage), damped softly by the gap between publication days.
Copies found by the dedup stage are not clustered on their own: they join their original's event.
A report whose body the dedup stage found under an unrelated headline (a scraper placeholder
such as a chat widget's notice) is compared by its title only; a page that was all
photo gallery (which the cleaner removes) by its gallery's captions.

Reports whose leads give days three or more apart are *vetoed* (`veto.py`: cannot-link, as a large
distance), unless their texts are near-copies or close follow-ups less than a week apart.
Look-alike events of one story (two rounds of talks, two missile launches days apart) read
alike, so a pair is also vetoed when the days the leads report differ by two days or more AND
their specifics diverge: disjoint salient numbers, or disjoint explicit dates in the leads.

Bare text (no title, date or outlet): a report without `published` first gets the date its text
states (`report_date`: dateline, "Updated:" line, latest stated date; `published_inferred`).
A pair with a day still unknown has no date evidence, so its similarity counts `undated_factor`
(0.9) of its value; and look-alikes are told apart by their specifics alone, with no day gap
needed: first sentences numbering different rounds/phases ("second round" / "third round"),
or no place or person named in common; first sentences naming different weekdays keep
`weekday_factor` of their similarity.  A short text carried verbatim by five or more reports
(an archive notice or a sign-in box stored for many stories), or by two or more when no paragraph
of it ends like a sentence (a crawl's seed list), is a placeholder:
it stays alone instead of joining everything it was stored under (a title read off its own first
line is part of the placeholder, not a title of its own).  Only days a report came with or states
near its top veto a pair (`veto_date_sources`): a day found far down a text, or the latest date an
undated report writes, is often a past day it recalls, so it feeds the date decay only.  The
linkage is cut by group size where reports are undated (`group_threshold`, `single_threshold`):
two groups of two or more undated reports each are one matter at two times (two phases of a
search, two court nominations) unless their mean similarity clears the higher `group_threshold`;
a single undated report (one more outlet's angle) joins at the lower `single_threshold`.  A batch
with every report dated is cut at `threshold`.

An event's date is the day its reports came with or `report_date` read (a day recalled far down a
text only when nothing better): never a date a report merely writes when `report_date` left it
undated (history it recalls, `date_from_text` off), never a photo caption's day ("in this undated
photo released ... on <date>").  The clustering still reads those days as weak evidence, and the
stories stage times an undated event by them for linking only (`stories.day_from_text`).

Streaming: stored articles (`is_new=False`) arrive with their `event_id` and `corpus.events`
holds the stored events.  The whole working set is re-clustered (an optional stickiness bonus
for stored pairs that were together is off by default: the clustering is deterministic, and on
news_cluster the bonus kept early wrong merges made on a small working set); the resulting
groups are mapped back onto stored ids by overlap, so ids stay stable, and every merge, split,
growth or new event is written to `corpus.changes`.  Stores too large to re-cluster are
narrowed first to the stored events near the new articles (centroid index, date window).
The one-article fast path is `storyweave.stages.events.event_index.EventIndex`.

A fresh batch above `dense_max_units` units is clustered part by part, without an n x n matrix:
the parts are the components of the pairs at or above the lowest merge threshold, found in
blocks of rows with the same per-pair function (`scaled_similarity`), and give the same events
(`storyweave.stages.events.blocks`).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from scipy import sparse

from storyweave.config import Config, EventsConfig, HeadlineParams
from storyweave.ids import hashed_id, stable_ids
from storyweave.model import Article, Corpus, Event
from storyweave.nlp import represent
from storyweave.nlp.text import split_sentences
from storyweave.stages.events import features, headline, lone
from storyweave.stages.events.linkage import agglomerate
from storyweave.stages.events.veto import (
    Signals,
    day_ordinals,
    from_removed_lines,
    inferred_how,
    veto_block,
    veto_ordinals,
    weak_inferred_date,
    weekday_codes,
)
from storyweave.stages.events.view import (
    clustering_view,
    original_roots,
    own_title,
    placeholder_bodies,
    repeated_placeholders,
)

EventConfig = EventsConfig  # the stage's knobs: `Config.events` (storyweave/config.py)


def config_from(settings: Config) -> EventConfig:
    """The events stage's section of `settings`."""
    return settings.events


# ---------------------------------------------------------------------------- similarity


def signals(articles: Sequence[Article], cfg: EventConfig | None = None) -> Signals:
    """Per-article features (dates, numbers, ordinals, names, weekdays) of `articles`, in their order."""
    return features.signals(articles, cfg)


def similarity_matrix(articles: Sequence[Article], cfg: EventConfig, sig: Signals | None = None) -> np.ndarray:
    """Pairwise event similarity of `articles` (float32, diagonal 1, vetoed pairs -1)."""
    n = len(articles)
    if n == 0:
        return np.zeros((0, 0), dtype=np.float32)
    source = pair_source(articles, cfg, sig or signals(articles, cfg), features=False)
    every = np.arange(n)
    return scaled_similarity(source, cfg, every, every, text_similarity(articles, cfg))


@dataclass
class PairSource:
    """What the similarity of any pair of a batch is computed from (`scaled_similarity`), so the
    whole matrix and a block of its rows (`blocks.py`, large batches) are computed alike."""

    sig: Signals
    views: list[tuple[float, np.ndarray | sparse.csr_matrix, np.ndarray | sparse.csr_matrix]]  # share, rows, rows.T
    days: np.ndarray  # day ordinals (NaN: unknown) of `sig.days` ...
    veto_days: np.ndarray  # ... and of the days that may veto
    undated: np.ndarray
    weekdays: np.ndarray  # a code per weekday named in the first sentence, 0: none


def pair_source(articles: Sequence[Article], cfg: EventConfig, sig: Signals, features: bool = True) -> PairSource:
    """The per-report inputs of `scaled_similarity`; with `features`, the fitted view rows too
    (for `text_block`; the whole matrix reads the memoised view matrices instead)."""
    views: list[tuple[float, np.ndarray | sparse.csr_matrix, np.ndarray | sparse.csr_matrix]] = []
    if features:
        for view, share in _view_shares(_event_weights(cfg)).items():
            rows = view_rows(articles, view, cfg.lead_words, cfg.embed_words, cfg.fit_size)
            views.append((share, rows, rows.T if isinstance(rows, np.ndarray) else rows.T.tocsr()))
    return PairSource(sig=sig, views=views, days=day_ordinals(sig.days), veto_days=veto_ordinals(sig),
                      undated=np.array([d is None for d in sig.days], dtype=bool),
                      weekdays=weekday_codes(sig.lead_weekdays))


def text_block(source: PairSource, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """`text_similarity` of the pairs `rows` x `cols`, from the fitted view rows: the same
    products in the same order as the whole matrix (a sparse product sums row by row), so the
    same float32 values bit for bit (`tests/stages/events/test_blocks.py`); the dense embedding
    view (off by default) goes through BLAS, equal only up to rounding."""
    sim = np.zeros((len(rows), len(cols)), dtype=np.float32)
    for share, matrix, transposed in source.views:
        left = matrix[rows]
        right = transposed if len(cols) == transposed.shape[1] else transposed[:, cols]  # cols ascending: all of them
        product = left @ right
        sim += share * np.asarray(product if isinstance(product, np.ndarray) else product.toarray(), dtype=np.float32)
    return sim


def scaled_similarity(source: PairSource, cfg: EventConfig, rows: np.ndarray, cols: np.ndarray,
                      text: np.ndarray) -> np.ndarray:
    """The event similarity of the pairs `rows` x `cols` (ascending indices) from their text
    similarity `text` (modified): vetoes, then the date decay, the undated and weekday factors,
    vetoed pairs -1, a report with itself 1.  Every factor is per pair: a block of rows gets the
    values of the whole matrix.  None raises a pair: only the must-links and the stickiness of
    stored events do (`_cluster_units`), which `blocks.py` links on its own."""
    veto = veto_block(source.sig, source.veto_days, cfg, text, rows, cols)
    gap = represent.day_gaps(source.days, rows, cols)
    text *= represent.date_decay(gap, cfg.half_life_days, cfg.date_floor).astype(np.float32)
    if cfg.undated_factor != 1.0:
        text[source.undated[rows][:, None] | source.undated[cols][None, :]] *= cfg.undated_factor
    if cfg.weekday_factor != 1.0:
        a, b = source.weekdays[rows], source.weekdays[cols]
        text[(a != 0)[:, None] & (b != 0)[None, :] & (a[:, None] != b[None, :])] *= cfg.weekday_factor
    text[veto] = -1.0
    represent.set_self_pairs(text, rows, cols)
    return text.astype(np.float32)


_Fingerprint = tuple[str, str | None, int]  # id, title, hash of the text


def _fingerprint(article: Article) -> _Fingerprint:
    return (article.id, article.title, hash(article.text))


@dataclass
class _ViewMemo:
    """One view's last article set: each article's position and fingerprint, and either its cosine
    matrix or, after a large batch that never builds one (`blocks.py`), its view rows."""

    position: dict[str, int]
    fingerprints: list[_Fingerprint]
    rows: np.ndarray | sparse.csr_matrix | None = None
    matrix: np.ndarray | None = None

    @classmethod
    def of(cls, articles: Sequence[Article], rows: np.ndarray | sparse.csr_matrix | None = None,
           matrix: np.ndarray | None = None) -> _ViewMemo:
        return cls({a.id: i for i, a in enumerate(articles)}, [_fingerprint(a) for a in articles], rows, matrix)

    def positions(self, articles: Sequence[Article]) -> list[int] | None:
        """Where each of `articles` sits in the memoised set, or None when one is not there as it is now."""
        idx: list[int] = []
        for article in articles:
            i = self.position.get(article.id)
            if i is None or self.fingerprints[i] != _fingerprint(article):
                return None
            idx.append(i)
        return idx


# per (view, lead size, embedding words, fit size): the last article set's memo
_VIEW_CACHE: dict[tuple[str, int, int, int], _ViewMemo] = {}


def release_text_cache() -> None:
    """Drop the memoised view matrices (the stories stage calls this once it is done)."""
    _VIEW_CACHE.clear()


def view_similarity(articles: Sequence[Article], view: str, lead_words: int = EventConfig.lead_words,
                    embed_words: int = EventConfig.embed_words, fit_size: int = 0) -> np.ndarray:
    """Cosine matrix of one view (`view_rows`).  The returned matrix may be the cached one: do not
    modify it.  Memoised per view for the last article set (pure: same texts -> same matrix), so
    the stories stage, which needs views of a subset of the same articles, does not refit; after a
    large batch (`blocks.py`) only the view rows are kept, and the subset's cosines are computed
    from them (the same values)."""
    key = (view, lead_words, embed_words, fit_size)
    memo = _VIEW_CACHE.get(key)
    idx = memo.positions(articles) if memo is not None else None
    if memo is not None and idx is not None:
        if memo.matrix is not None:
            return memo.matrix[np.ix_(idx, idx)]
        if memo.rows is not None:
            return represent.cosine_matrix(memo.rows[idx])
    matrix = represent.cosine_matrix(view_rows(articles, view, lead_words, embed_words, fit_size))
    # the matrix replaces the rows (a subset's cosines are sliced from it): ~40 MB less kept at 5,000 reports
    _VIEW_CACHE[key] = _ViewMemo.of(articles, matrix=matrix)
    return matrix


def view_rows(articles: Sequence[Article], view: str, lead_words: int = EventConfig.lead_words,
              embed_words: int = EventConfig.embed_words, fit_size: int = 0) -> np.ndarray | sparse.csr_matrix:
    """L2-normalised rows of one view, fitted on `articles`: "body" (title + body, TF-IDF 1-2
    grams), "headline" (title + lead), "title" (title, else first sentence), "names" (TF-IDF of the
    capitalised names in title + body) or "embedding" (static MiniLM of title + lead, centred).
    `fit_size`: the reports the TF-IDF views stand for (`represent.tfidf`; 0: `articles`).
    Memoised (without the cosine matrix) for the stories stage when the matrix is too large."""
    key = (view, lead_words, embed_words, fit_size)
    memo = _VIEW_CACHE.get(key)
    if memo is not None and memo.rows is not None and [_fingerprint(a) for a in articles] == memo.fingerprints:
        return memo.rows
    rows: np.ndarray | sparse.csr_matrix
    if view == "body":
        rows = represent.tfidf([represent.full_text(a) for a in articles], (1, 2), fit_size=fit_size)
    elif view == "headline":
        rows = represent.tfidf([represent.headline_text(a, lead_words) for a in articles])
    elif view == "title":
        rows = represent.tfidf([represent.title_or_first_sentence(a) for a in articles])
    elif view == "names":
        names = [" ".join(n.replace(" ", "_") for n in represent.entity_set(represent.full_text(a))) for a in articles]
        rows = represent.tfidf(names, token_pattern=r"\S+")
    elif view == "embedding":
        vectors = represent.embed([represent.headline_text(a, lead_words) for a in articles], embed_words)
        vectors = vectors - vectors.mean(axis=0) if len(articles) > 1 else vectors
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        rows = vectors / np.where(norms == 0, 1.0, norms)
    else:
        raise ValueError(f"unknown view {view!r}")
    _VIEW_CACHE[key] = _ViewMemo.of(articles, rows=rows)
    return rows


def _view_shares(weights: dict[str, float]) -> dict[str, float]:
    used = {view: w for view, w in weights.items() if w}
    total = sum(used.values()) or 1.0
    return {view: w / total for view, w in used.items()}


def weighted_views(articles: Sequence[Article], weights: dict[str, float], lead_words: int = EventConfig.lead_words,
                   embed_words: int = EventConfig.embed_words, fit_size: int = 0) -> np.ndarray:
    """Weighted mean of the view cosines named in `weights` (float32; zero weights skipped)."""
    sim = np.zeros((len(articles), len(articles)), dtype=np.float32)
    for view, share in _view_shares(weights).items():
        sim += share * view_similarity(articles, view, lead_words, embed_words, fit_size)
    return sim


def _event_weights(cfg: EventConfig) -> dict[str, float]:
    return {"body": cfg.weight_body, "headline": cfg.weight_headline, "title": cfg.weight_title,
            "embedding": cfg.weight_embedding, "names": cfg.weight_names}


def text_similarity(articles: Sequence[Article], cfg: EventConfig) -> np.ndarray:
    """Weighted cosine of the event stage's views (title+body 1-2 grams, title+lead, title,
    optionally the static embedding)."""
    return weighted_views(articles, _event_weights(cfg), cfg.lead_words, cfg.embed_words, cfg.fit_size)


# ---------------------------------------------------------------------------- the stage


def cluster_events(corpus: Corpus, settings: Config) -> Corpus:
    """Fill `corpus.events` and `article.event_id`; keep stored event ids; log changes."""
    cfg = config_from(settings)
    # pure: dates and event ids are set on copies of the articles; the input corpus is left as it was
    corpus = replace(corpus, articles=[replace(a) for a in corpus.articles], changes=list(corpus.changes))
    articles = corpus.articles
    release_text_cache()  # a memo of an earlier call's reports would serve a superset's fit: start afresh
    if not articles:
        return replace(corpus, events=[])
    stated = features.fill_report_dates(articles, cfg, corpus.cache.get(features.REPORT_DATES, {}))
    by_id = corpus.by_id()
    root = original_roots(articles, by_id)
    repeated = repeated_placeholders(articles, root, by_id, cfg)
    root.update({i: i for i in repeated})
    units = [a for a in articles if root[a.id] == a.id]
    previous = stored_assignment(corpus)
    stored_events = {e.id: e for e in corpus.events}

    frozen: dict[str, list[str]] = {}  # stored events left untouched (large stores)
    known = corpus.cache.get(features.SIGNALS, {})
    carried: dict[str, features.Record] = {}  # the kept signals of reports left out by the narrowing
    if previous and len(units) > cfg.max_batch:
        compared, frozen = narrow_to_candidates(units, previous, cfg)
        carried = features.kept_entries([a for a in units if a.id not in {c.id for c in compared}], cfg, known)
        units = compared

    keys = [features.signals_key(a, cfg) for a in units]
    sig = features.signals(units, cfg, known, keys)
    placeholders = placeholder_bodies(articles, by_id) | repeated
    labels, cluster_sims = _cluster(clustering_view(units, placeholders), units, sig, repeated, previous, cfg)
    unit_index = {a.id: i for i, a in enumerate(units)}
    groups = _member_groups(articles, root, unit_index, labels)

    ids, changes = assign_ids(groups, previous, by_id, stored_events)
    events = _clustered_events(groups, ids, stored_events, by_id, cluster_sims, [labels[unit_index[root[g[0]]]] for g in groups],
                               sig, cfg)
    untouched, joined = _untouched_events(frozen, articles, root, unit_index, stored_events, by_id)
    events += untouched
    changes += joined
    for event in events:
        for article_id in event.article_ids:
            by_id[article_id].event_id = event.id
    events.sort(key=lambda e: (e.date or "9999", e.id))
    corpus.events = events
    corpus.cache = {**corpus.cache, features.REPORT_DATES: stated,
                    features.SIGNALS: {**carried, **features.signal_entries(keys, sig)}}
    corpus.changes.extend(changes)
    return corpus


_ClusterSims = dict[int, tuple[np.ndarray, dict[str, int]]]  # label -> similarity among its units (as clustered), unit positions


def _cluster(
    view: list[Article], units: list[Article], sig: Signals, repeated: set[str], previous: dict[str, str],
    cfg: EventConfig,
) -> tuple[list[int], _ClusterSims]:
    """(cluster label of each unit, the similarity among each cluster's units as clustered).

    Up to `dense_max_units` units one similarity matrix is clustered.  Above, memory would grow
    with the square of the batch (39 bytes per pair, speed.md): the batch is split into the parts
    that pairs of similarity at or above the lowest merge threshold link (`blocks.py`, computed in
    blocks of rows), and each part is clustered alone, with the same labels as the whole.  Then
    reports left alone may join the cluster they are clearly closest to (`_attach_lone`), read
    over the whole batch on both paths."""
    n = len(units)
    strict = cfg.group_threshold > cfg.threshold and cfg.group_undated_only
    batch = (n, not strict or any(d is None for d in sig.days))
    alone = np.array([a.id in repeated and not own_title(a) for a in units], dtype=bool)
    source: PairSource | None = None
    if n <= cfg.dense_max_units:
        every = np.arange(n)
        parts = iter([(every, similarity_matrix(view, cfg, sig))])
    else:
        source = pair_source(view, cfg, sig)
        stored = [previous.get(a.id) for a in units] if previous and (cfg.stickiness or cfg.keep_stored) else None
        parts = ((p, scaled_similarity(source, cfg, p, p, text_block(source, p, p)))
                 for p in linked_parts(source, cfg, alone, stored))
    labels = [0] * n
    sims: _ClusterSims = {}
    whole: np.ndarray | None = None  # the dense path's matrix as clustered (the lone pass reads its rows)
    for part, part_sim in parts:
        local = [int(i) for i in part]
        sim, part_labels = _cluster_units([units[i] for i in local], part_sim, [sig.days[i] for i in local],
                                          alone[part], previous, cfg, batch)
        if source is None:
            whole = sim
        members: dict[int, list[int]] = defaultdict(list)
        for k, label in enumerate(part_labels):
            members[label].append(k)
        for ks in members.values():
            label = len(sims)
            for k in ks:
                labels[local[k]] = label
            sims[label] = (sim[np.ix_(ks, ks)], {units[local[k]].id: m for m, k in enumerate(ks)})
    if cfg.lone_threshold > 0:
        def rows_as_clustered(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
            if whole is not None:
                dense: np.ndarray = whole[np.ix_(rows, cols)]
                return dense
            assert source is not None
            block = scaled_similarity(source, cfg, rows, cols, text_block(source, rows, cols))
            return as_clustered(block, rows, cols, units, alone, previous, cfg)
        labels, sims = _attach_lone(labels, sims, units, sig, alone, previous, cfg, rows_as_clustered)
    return labels, sims


def _attach_lone(
    labels: list[int], sims: _ClusterSims, units: list[Article], sig: Signals, alone: np.ndarray,
    previous: dict[str, str], cfg: EventConfig, rows_as_clustered: Callable[[np.ndarray, np.ndarray], np.ndarray],
) -> tuple[list[int], _ClusterSims]:
    """`events/lone.py` over the whole batch: each movable unit the linkage left alone (not a
    placeholder kept alone, not a stored report under `keep_stored`, undated unless
    `lone_undated_only` is off: no day, or no `published` — the day `represent.article_day` reads
    off the text of a report `report_date` left undated is history it recalls) joins the cluster it
    is clearly closest to.  Its rows of the similarity as clustered are read `block_cells` pairs
    at a time (`rows_as_clustered`: the dense matrix, or a large batch's blocks), so both paths
    give the same labels."""
    movable = ~alone & np.array([(not (previous and cfg.keep_stored) or a.id not in previous)
                                 and (day is None or not a.published or not cfg.lone_undated_only)
                                 for a, day in zip(units, sig.days, strict=True)], dtype=bool)
    every = np.arange(len(units))
    joined = lone.attach(labels, movable, lambda rows: rows_as_clustered(rows, every), cfg.lone_threshold,
                         cfg.lone_ratio, cfg.block_cells // max(len(units), 1))
    if joined == labels:
        return labels, sims
    groups: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(joined):
        groups[label].append(i)
    out: _ClusterSims = {}
    for label, members_of in groups.items():
        old = {labels[i] for i in members_of}
        if len(old) == 1:
            out[label] = sims[old.pop()]
            continue
        idx = np.array(members_of)
        out[label] = (rows_as_clustered(idx, idx), {units[i].id: m for m, i in enumerate(members_of)})
    return joined, out


def linked_parts(source: PairSource, cfg: EventConfig, alone: np.ndarray,
                 stored_in: Sequence[str | None] | None = None) -> list[np.ndarray]:
    """The parts of a large batch clustered one by one (`blocks.components`): units linked by a pair
    at or above the lowest merge threshold (`blocks.merge_bound`); `alone` units link to nothing,
    units of one stored event (`stored_in`, when stored events are sticky or kept) to each other."""
    from storyweave.stages.events import blocks

    def block(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        sim = scaled_similarity(source, cfg, rows, cols, text_block(source, rows, cols))
        sim[alone[rows]] = -1.0
        sim[:, alone[cols]] = -1.0
        return sim

    return blocks.components(len(alone), block, blocks.merge_bound(cfg), cfg.block_cells, cfg.dense_max_units,
                             blocks.same_group(stored_in))


def _cluster_units(
    units: list[Article], sim: np.ndarray, days: list[date | None], alone: np.ndarray, previous: dict[str, str],
    cfg: EventConfig, batch: tuple[int, bool] | None = None,
) -> tuple[np.ndarray, list[int]]:
    """(similarity as clustered, cluster label of each unit): a repeated placeholder without a
    title of its own (`alone`) stays alone, stored events are sticky (`stickiness`) or kept
    (`keep_stored`), undated units join groups only above `group_threshold`.  `batch`: see `agglomerate`."""
    every = np.arange(len(units))
    sim = as_clustered(sim, every, every, units, alone, previous, cfg)
    must_link = stored_groups(units, previous, sim) if previous and cfg.keep_stored else None
    strict = None
    if cfg.group_threshold > cfg.threshold and cfg.group_undated_only:
        strict = np.array([d is None for d in days], dtype=bool)
    labels = agglomerate(sim, cfg.threshold, groups=must_link, veto_penalty=cfg.veto_penalty,
                         group_threshold=cfg.group_threshold if must_link is None else None, strict_rows=strict,
                         single_threshold=cfg.single_threshold, size_cut_rows=cfg.size_cut_rows, batch=batch)
    return sim, labels


def as_clustered(sim: np.ndarray, rows: np.ndarray, cols: np.ndarray, units: Sequence[Article], alone: np.ndarray,
                 previous: dict[str, str], cfg: EventConfig) -> np.ndarray:
    """The similarity of units `rows` x `cols` (indices into `units`) as the linkage clusters it:
    a placeholder kept `alone` is -1 to every other unit; with `stickiness`, pairs stored in one
    event are raised; with `keep_stored`, pairs stored in different events are vetoed (-1).
    Per pair, so a block of rows gets the values of the whole matrix."""
    alone_rows, alone_cols = alone[rows], alone[cols]
    if alone_rows.any() or alone_cols.any():  # a placeholder with no title of its own has nothing to cluster on
        sim[alone_rows, :] = -1.0
        sim[:, alone_cols] = -1.0
        represent.set_self_pairs(sim, rows, cols)
    if previous and (cfg.stickiness or cfg.keep_stored):
        stored = np.array([previous.get(a.id) or "" for a in units], dtype=object)
        a, b = stored[rows], stored[cols]
        same = (a[:, None] == b[None, :]) & (a[:, None] != "")
        if cfg.stickiness:
            sim = np.where(same & (sim > -1), np.minimum(sim + cfg.stickiness, 1.0), sim)
        if cfg.keep_stored:
            sim[(a[:, None] != "") & (b[None, :] != "") & ~same] = -1.0
    return sim


def _member_groups(
    articles: list[Article], root: dict[str, str], unit_index: dict[str, int], labels: list[int]
) -> list[list[str]]:
    """The article ids of each cluster: every article (copies too) joins the cluster of its original."""
    members: dict[int, list[str]] = defaultdict(list)
    for article in articles:
        r = root[article.id]
        if r in unit_index:
            members[labels[unit_index[r]]].append(article.id)
    return list(members.values())


def _clustered_events(
    groups: list[list[str]], ids: list[str], stored_events: dict[str, Event], by_id: dict[str, Article],
    cluster_sims: _ClusterSims, labels: list[int], sig: Signals, cfg: EventConfig,
) -> list[Event]:
    """The event of each cluster (of label `labels[k]`) under its id: as stored when `keep_stored`
    and its members are unchanged, else built anew (keeping a stored event's story id for the
    stories stage to check)."""
    events: list[Event] = []
    for group, event_id, label in zip(groups, ids, labels, strict=True):
        sim, unit_index = cluster_sims[label]
        as_stored = stored_events.get(event_id) if cfg.keep_stored else None
        if as_stored is not None and set(as_stored.article_ids) == set(group):
            events.append(replace(as_stored))  # `keep_stored`: an event the new reports left alone stays as stored
            continue
        event = build_event(event_id, group, by_id, sim, unit_index, cfg.headline, cfg.date_from_text,
                            cfg.weak_event_dates)
        if event_id in stored_events:  # the stories stage decides whether it still holds
            event.story_id = stored_events[event_id].story_id
        events.append(event)
    return events


def _untouched_events(
    frozen: dict[str, list[str]], articles: list[Article], root: dict[str, str], unit_index: dict[str, int],
    stored_events: dict[str, Event], by_id: dict[str, Article],
) -> tuple[list[Event], list[str]]:
    """(events, change lines) of the stored events left out of the clustering: as stored, with
    new copies of their reports joined (their original is not among the units clustered now)."""
    frozen_of = {i: event_id for event_id, ids in frozen.items() for i in ids}
    joining: dict[str, list[str]] = defaultdict(list)
    for article in articles:
        r = root[article.id]
        if r not in unit_index and article.id not in frozen_of and r in frozen_of:
            joining[frozen_of[r]].append(article.id)
    events: list[Event] = []
    changes: list[str] = []
    for event_id, article_ids in frozen.items():
        old_event = stored_events.get(event_id)
        kept = [i for i in article_ids if i in by_id] + joining.get(event_id, [])
        if joining.get(event_id):
            changes.append(f"event {event_id}: added {len(joining[event_id])} new article(s) (copies of its reports)")
        if old_event is not None and set(old_event.article_ids) == set(kept):
            events.append(old_event)
        elif old_event is not None and joining.get(event_id):
            events.append(replace(old_event, article_ids=sorted(kept, key=lambda i: (by_id[i].date or "9999", i))))
        else:
            events.append(Event(id=event_id, article_ids=kept, title=old_event.title if old_event else ""))
    return events, changes


def stored_groups(units: Sequence[Article], previous: dict[str, str], sim: np.ndarray) -> list[int]:
    """`keep_stored`: one must-link group per stored event (a new unit alone), and every pair of
    stored units of different events vetoed in `sim` (in place), so only new reports move."""
    return keep_stored_groups([previous.get(a.id) for a in units], list(range(len(units))), sim)


def keep_stored_groups(stored_in: Sequence[str | None], alone: Sequence[int], sim: np.ndarray) -> list[int]:
    """Must-link groups of units: units of one stored group (`stored_in[i]`, an event or story id)
    share a group, a unit stored in none gets group `alone[i]` past them; pairs of units stored in
    different groups are vetoed in `sim` (in place). Shared by the events and stories stages."""
    codes = {g: k for k, g in enumerate(dict.fromkeys(x for x in stored_in if x))}
    groups = np.array([codes[x] if x else len(codes) + alone[i] for i, x in enumerate(stored_in)])
    stored = np.array([x is not None for x in stored_in], dtype=bool)
    sim[stored[:, None] & stored[None, :] & (groups[:, None] != groups[None, :])] = -1.0
    out: list[int] = groups.tolist()
    return out


def stored_assignment(corpus: Corpus) -> dict[str, str]:
    """Article id -> stored event id, from `corpus.events` and stored articles' `event_id`."""
    present = {a.id for a in corpus.articles}
    out: dict[str, str] = {}
    for event in corpus.events:
        for article_id in event.article_ids:
            if article_id in present:
                out[article_id] = event.id
    for article in corpus.articles:
        if not article.is_new and article.event_id and article.id not in out:
            out[article.id] = article.event_id
    return out


def narrow_to_candidates(
    units: list[Article], previous: dict[str, str], cfg: EventConfig
) -> tuple[list[Article], dict[str, list[str]]]:
    """Keep new units and stored events near them; the rest of the store stays as stored."""
    from storyweave.stages.events.event_index import EventIndex

    stored = [a for a in units if previous.get(a.id)]
    fresh = [a for a in units if not previous.get(a.id)]
    index = EventIndex.from_articles(clustering_view(stored, set()), [previous[a.id] for a in stored],
                                     window_days=cfg.candidate_window_days)
    wanted: set[str] = set()
    for article in clustering_view(fresh, set()):  # a gallery page is looked up by its captions, as it is clustered
        wanted.update(index.candidates(article, cfg.candidate_similarity))
    keep = [a for a in stored if previous[a.id] in wanted] + fresh
    frozen: dict[str, list[str]] = defaultdict(list)
    for article_id, event_id in previous.items():
        if event_id not in wanted:
            frozen[event_id].append(article_id)
    return keep, dict(frozen)


def new_event_id(article_ids: Sequence[str], by_id: dict[str, Article]) -> str:
    """"ev-" + short hash of the group's first article (earliest date, then id): deterministic."""
    first = min(article_ids, key=lambda i: (by_id[i].date or "9999", i))
    return hashed_id("ev-", first)


def assign_ids(
    groups: list[list[str]],
    previous: dict[str, str],
    by_id: dict[str, Article],
    stored_events: dict[str, Event],
) -> tuple[list[str], list[str]]:
    """Stable ids for `groups` (stored id with the largest overlap wins) and the change log."""
    final = stable_ids(groups, previous, lambda g: new_event_id(groups[g], by_id), reserved=stored_events)
    return final, describe_changes(groups, final, previous)


def describe_changes(groups: list[list[str]], ids: list[str], previous: dict[str, str]) -> list[str]:
    """Human-readable lines for every streaming decision (empty on a first batch run)."""
    if not previous:
        return []
    lines: list[str] = []
    for group, event_id in zip(groups, ids, strict=False):
        new = sorted(i for i in group if i not in previous)
        if not new:
            continue
        shown = ", ".join(new[:5]) + (", ..." if len(new) > 5 else "")
        if any(i in previous for i in group):
            lines.append(f"added {len(new)} new article(s) to event {event_id}: {shown}")
        else:
            lines.append(f"opened event {event_id} with {len(new)} new article(s): {shown}")
    final_of = {i: e for group, e in zip(groups, ids, strict=False) for i in group}
    old_members: dict[str, list[str]] = defaultdict(list)
    for article_id, event_id in previous.items():
        if article_id in final_of:
            old_members[event_id].append(article_id)
    for old_id, article_ids in sorted(old_members.items()):
        moved: dict[str, list[str]] = defaultdict(list)
        for i in sorted(article_ids):
            if final_of[i] != old_id:
                moved[final_of[i]].append(i)
        kept = len(article_ids) - sum(len(v) for v in moved.values())
        for target, items in sorted(moved.items()):
            if kept:
                lines.append(f"split: moved {len(items)} article(s) from event {old_id} to {target}: {', '.join(items[:5])}")
            else:
                lines.append(f"merged event {old_id} ({len(items)} article(s)) into {target}")
    return lines


# ---------------------------------------------------------------------------- event fields


_HEADLINE = HeadlineParams()  # the default; the stage passes `config.events.headline`


def build_event(
    event_id: str,
    article_ids: list[str],
    by_id: dict[str, Article],
    sim: np.ndarray,
    unit_index: dict[str, int],
    limits: HeadlineParams = _HEADLINE,
    date_from_text: bool = False,
    weak_dates: bool = True,
) -> Event:
    """The Event of `article_ids`: members by date, the title of its most central (titled) report, and
    its date from the members' dates (dates recalled far down a text only when there is no other)."""
    ordered = sorted(article_ids, key=lambda i: (by_id[i].date or "9999", i))
    units = [i for i in ordered if i in unit_index]
    titled = [i for i in units if (by_id[i].title or "").strip()]
    central = most_central(titled or units, sim, unit_index)
    title = _title(central, units, by_id, limits) if central else ""
    return Event(id=event_id, article_ids=ordered, title=title,
                 date=members_day([by_id[i] for i in ordered], date_from_text, weak=weak_dates))


def members_day(members: Sequence[Article], from_text: bool = True, photos: bool = False, weak: bool = True,
                text_days: Mapping[str, date | None] | None = None) -> str | None:
    """The day of the happening `members` report (ISO), from every report's own day (also one the
    clustering left out, `body_dates`; a day recalled far down a text only when there is no other),
    never from removed lines.  Without `from_text`, only days the reports came with or `report_date`
    read; without `photos`, no photo caption's day; without `weak`, no day `report_date` read from
    far down a text (`weak_inferred_date`: the event's shown date, `events.weak_event_dates`).  The stories stage times an undated event for
    linking only with both on (the event's date before bare5: weak evidence, not shown).
    `text_days`: the day an undated report's text gives, by id, where already read (`features.text_days`)."""
    days = [(_own_day(a, from_text, photos, text_days), weak_inferred_date(a)) for a in members]
    strong = [d for d, is_weak in days if d and not is_weak]
    return event_date(strong or ([d for d, _ in days if d] if weak else []))


def _own_day(article: Article, from_text: bool = True, photos: bool = False,
             text_days: Mapping[str, date | None] | None = None) -> date | None:
    """The report's day as its event's date may use it: not one read from removed lines, nor one
    read from a photo caption (`report_date` "caption": the photo's day, for the clustering a
    clue like any stated date, but an event's date is the day of the happening, never a photo's:
    the caption of an older launch dated a report of talks weeks later, bare.md "bare5")."""
    if from_removed_lines(article) or (not photos and inferred_how(article).endswith("caption")):
        return None
    if from_text and not article.date and text_days and article.id in text_days:
        return text_days[article.id]
    return represent.article_day(article, from_text)


def _title(central: str, units: list[str], by_id: dict[str, Article], limits: HeadlineParams) -> str:
    """The central report's title or headline; the next reports' when its text gives none."""
    candidates = [central] + [u for u in units if u != central][:5]
    title = next((t for t in (headline.title_of(by_id[i], limits) for i in candidates) if t), "")
    for sentence in split_sentences("\n".join(headline.news_paragraphs(by_id[central].text)))[:10] if not title else []:
        title = headline.headline_from_text(sentence.text, limits)  # the lead gave none: a later sentence
        if title:
            break
    if not title:  # never an empty title: say what the report is instead
        readable = any(headline.news_paragraphs(by_id[i].text) for i in candidates)
        what = "no headline in its text" if readable else "no readable text"
        title = f"Report with {what} ({_short_id(central)})"
    return title


def _short_id(article_id: str, keep: int = 16) -> str:
    """`article_id`, or its first `keep` characters and an ellipsis when longer: a title stays
    within `HeadlineParams.max_chars` (90) whatever the ids (hashes of 56 characters on
    news_cluster), and the event still lists the full ids of its reports."""
    return article_id if len(article_id) <= keep + 1 else article_id[:keep] + "…"


def most_central(unit_ids: list[str], sim: np.ndarray, unit_index: dict[str, int]) -> str | None:
    """The original whose summed similarity to the others of its event is highest."""
    if not unit_ids:
        return None
    idx = [unit_index[i] for i in unit_ids]
    block = np.clip(sim[np.ix_(idx, idx)], 0, None)
    score = block.sum(axis=1)
    best = max(range(len(idx)), key=lambda k: (score[k], -k))
    return unit_ids[best]


def event_date(days: list[date]) -> str | None:
    """Most frequent reported day; ties go to the earliest of the tied days; None when undated."""
    if not days:
        return None
    counts = Counter(days)
    top = max(counts.values())
    modes = sorted(d for d, c in counts.items() if c == top)
    if top == 1 and len(days) > 2:
        return statistics.median_low(sorted(days)).isoformat()
    return modes[0].isoformat()
