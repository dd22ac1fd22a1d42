"""Link events into stories and build story timelines.

A story is events linked over days and weeks (talks round 1 -> round 2 -> deal).  Stories
continue the event stage's clustering one level up, over the same reports (originals only):
average linkage in which each event is a must-link group, so two groups join when the mean
similarity of their reports exceeds the threshold and a large event weighs by its reports.
The similarity is the event stage's TF-IDF views with story weights (mostly body: headlines of
one story change wording), a slower date decay, no vetoes (events of one story are different
happenings), plus a bonus for key names shared by events of the same weeks.  Reports whose
body is a scraper placeholder count by their title only; a placeholder page copied under many
reports (`events.view.placeholder_ids`) links no story.  A report without a date takes its
event's day; one whose event is undated too counts `undated_factor` (0.9) of its similarity (no
date evidence that the matter is still the same), and two undated events of two or more
reports each join only above `group_threshold` (without days nothing says they are the same
weeks: undated happenings sharing a theme read alike).  Two events of two or more reports, one of
them undated, join only when their reports are nearly as alike across as within each
(`cohesion_veto`: one matter, not two happenings of one theme).  An optional rule (`shared_names`, off: it
raised Multi-News story precision but cost news_cluster story F1) keeps undated events that
share too few names apart.  Very large batches fall back to one
TF-IDF document per event (titles and leads) plus shared named entities.  Ids are stable: a
stored story keeps its id when most of its events stay together; new stories get "st-" + a
short hash of their first event id.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from scipy import sparse

from storyweave.config import Config, StoriesConfig
from storyweave.ids import hashed_id, stable_ids
from storyweave.model import Article, Corpus, Event, Story, TimelineEntry
from storyweave.nlp import represent
from storyweave.stages.events import features, keep_stored_groups, members_day, release_text_cache
from storyweave.stages.events.linkage import agglomerate

StoryConfig = StoriesConfig  # the stage's knobs: `Config.stories` (storyweave/config.py)


def config_from(settings: Config) -> StoryConfig:
    """The stories stage's section of `settings`."""
    return settings.stories


def event_document(event: Event, by_id: dict[str, Article], lead_words: int = StoryConfig.lead_words) -> str:
    """Titles and leads of the event's originals (copies add nothing new)."""
    parts = [event.title]
    for article_id in event.article_ids:
        article = by_id.get(article_id)
        if article is not None and article.duplicate_of is None:
            parts.append(represent.headline_text(article, lead_words))
    return "\n".join(parts)


def story_units(events: list[Event], by_id: dict[str, Article]) -> tuple[list[Article], list[int]]:
    """The originals of `events` (copies add nothing; an all-copies event keeps one report) and,
    per original, the index of its event."""
    articles: list[Article] = []
    owner: list[int] = []
    for k, event in enumerate(events):
        present = [i for i in event.article_ids if i in by_id]
        originals = [i for i in present if by_id[i].duplicate_of not in by_id] or present[:1]
        articles += [by_id[i] for i in originals]
        owner += [k] * len(originals)
    return articles, owner


def article_level_similarity(articles: list[Article], by_id: dict[str, Article], cfg: StoryConfig,
                             event_days: list[str | None] | None = None) -> np.ndarray:
    """Story similarity of reports: the event stage's TF-IDF views with the story weights (title
    and body: a story keeps its subject, its headlines change wording), damped by the date gap
    with the story half-life; no vetoes (events of one story are different happenings).
    `event_days`: the day of each report's event as `timed_events` gives it, for undated reports."""
    from storyweave.stages.events import weighted_views
    from storyweave.stages.events.view import clustering_view, placeholder_bodies

    view = clustering_view(articles, placeholder_bodies(list(by_id.values()), by_id))
    sim = weighted_views(view, {"body": cfg.weight_body, "headline": cfg.weight_headline, "title": cfg.weight_title,
                                 "names": cfg.weight_names}, cfg.lead_words, fit_size=cfg.fit_size)
    if event_days is None:  # each report's own day (with `day_from_text`, its text's when it came undated)
        ordinals = np.array([_ordinal(a.date) if a.date else _day_ordinal(a, cfg.day_from_text) for a in articles],
                            dtype=np.float64)
    else:  # an undated report of an event `timed_events` left without a day gives none either (its text gives
        # none: the event would have taken it), so its text is not read again
        ordinals = np.array([_ordinal(a.date or d) for a, d in zip(articles, event_days, strict=True)], dtype=np.float64)
    decay = represent.date_decay(represent.day_gaps(ordinals), cfg.half_life_days, cfg.date_floor, cfg.undated_factor)
    sim *= decay.astype(np.float32)
    np.fill_diagonal(sim, 1.0)
    return sim


def _day_ordinal(article: Article, from_text: bool = True) -> float:
    day = represent.article_day(article, from_text)
    return float(day.toordinal()) if day else np.nan


def key_entities(event: Event, by_id: dict[str, Article], lead_words: int = StoryConfig.lead_words) -> frozenset[str]:
    """Names written in at least half (and 2+) of the event's originals; all names of the
    title and lead for one-report events."""
    return _shared_names(event, by_id, lead_words, 2)


def story_names(event: Event, by_id: dict[str, Article], lead_words: int = StoryConfig.lead_words) -> frozenset[str]:
    """The names an event's reports share (in 2+ of its originals and at least a third of them);
    every name of its title and lead when it has one report.  The participants of a matter."""
    return _shared_names(event, by_id, lead_words, 3)


def _shared_names(event: Event, by_id: dict[str, Article], lead_words: int, part: int) -> frozenset[str]:
    """Names written in 2+ of the event's originals and at least 1/`part` of them; every name
    of the title and lead of a one-report event."""
    originals = [by_id[i] for i in event.article_ids if i in by_id and by_id[i].duplicate_of is None]
    if len(originals) <= 1:
        return represent.entity_set(represent.headline_text(originals[0], lead_words)) if originals else frozenset()
    counts = Counter(name for a in originals for name in represent.entity_set(represent.full_text(a)))
    return frozenset(n for n, c in counts.items() if c >= max(2, len(originals) / part))


def key_entity_bonus(events: list[Event], by_id: dict[str, Article], cfg: StoryConfig) -> np.ndarray:
    """weight x Jaccard of the events' key entities x 0.5 ** (gap / half-life): the same names
    in the news the same weeks tie events of one story; months apart they mark a topic.  With an
    event undated nothing says they are the same weeks: the bonus keeps `key_entities_undated` of
    its weight (0: bare text's undated events sharing names are as often one theme as one matter)."""
    keys = represent.jaccard_matrix([key_entities(e, by_id, cfg.lead_words) for e in events])
    ordinals = np.array([_ordinal(e.date) for e in events], dtype=np.float64)
    decay = represent.date_decay(represent.day_gaps(ordinals), cfg.key_entities_half_life_days,
                                 undated=cfg.key_entities_undated)
    bonus: np.ndarray = (cfg.weight_key_entities * keys * decay).astype(np.float32)
    return bonus


def story_similarity(events: list[Event], by_id: dict[str, Article], cfg: StoryConfig) -> np.ndarray:
    """Event-by-event similarity: text and shared names, damped by the days between the events (-1 when too
    far apart)."""
    every = np.arange(len(events))
    return story_block(story_source(events, by_id, cfg), cfg, every, every)


@dataclass
class StorySource:
    """What `story_block` computes the similarity of any two events from."""

    text: sparse.csr_matrix  # TF-IDF of each event's document (titles and leads) ...
    text_t: sparse.csr_matrix  # ... and its transpose
    names: sparse.csr_matrix  # incidence of each document's names (`represent.jaccard_rows`) ...
    names_t: sparse.csr_matrix
    sizes: np.ndarray
    days: np.ndarray  # day ordinals, NaN: undated


def story_source(events: list[Event], by_id: dict[str, Article], cfg: StoryConfig) -> StorySource:
    """The per-event inputs of `story_block`."""
    docs = [event_document(e, by_id, cfg.lead_words) for e in events]
    text = represent.tfidf(docs, (1, 2))
    names, sizes = represent.jaccard_rows([represent.entity_set(d) for d in docs])
    return StorySource(text=text, text_t=text.T.tocsr(), names=names, names_t=names.T.tocsr(), sizes=sizes,
                       days=np.array([_ordinal(e.date) for e in events], dtype=np.float64))


def story_block(source: StorySource, cfg: StoryConfig, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """`story_similarity` of the events `rows` x `cols` (ascending): per pair, so a block of rows of
    the whole matrix gets its values bit for bit.  Nothing raises a pair after the fact."""
    right = source.text_t if len(cols) == source.text_t.shape[1] else source.text_t[:, cols]
    text = np.asarray((source.text[rows] @ right).toarray(), dtype=np.float32)
    ents = represent.jaccard_block(source.names, source.names_t, source.sizes, rows, cols)
    sim = (text + cfg.weight_entities * ents) / (1 + cfg.weight_entities)
    gap = represent.day_gaps(source.days, rows, cols)
    sim = sim * represent.date_decay(gap, cfg.half_life_days, cfg.date_floor)
    sim[gap > cfg.max_gap_days] = -1.0  # NaN compares False: undated events stay linkable
    represent.set_self_pairs(sim, rows, cols)
    weighted: np.ndarray = sim.astype(np.float32)
    return weighted


def _event_level_labels(events: list[Event], by_id: dict[str, Article], cfg: StoryConfig, limit: int,
                        cells: int) -> list[int]:
    """Story labels of `events` linked one document per event; above `limit` events, part by part
    (the parts that pairs above the threshold link, `events/blocks.py`: the same labels)."""
    if len(events) <= limit:
        return agglomerate(story_similarity(events, by_id, cfg), cfg.threshold)
    from storyweave.stages.events import blocks

    source = story_source(events, by_id, cfg)
    labels = [0] * len(events)
    count = 0
    for part in blocks.components(len(events), lambda r, c: story_block(source, cfg, r, c),
                                  cfg.threshold - blocks.MARGIN, cells, limit, what="events"):
        part_labels = agglomerate(story_block(source, cfg, part, part), cfg.threshold)
        for i, label in zip(part.tolist(), part_labels, strict=True):
            labels[i] = count + label
        count += max(part_labels) + 1
    return labels


def _ordinal(iso: str | None) -> float:
    try:
        return float(date.fromisoformat(iso[:10]).toordinal()) if iso else np.nan
    except ValueError:
        return np.nan


def link_stories(corpus: Corpus, settings: Config) -> Corpus:
    """Fill `corpus.stories` and `event.story_id`; keep stored story ids; log changes."""
    cfg = config_from(settings)
    # pure: the events get new story ids on copies; the input corpus is left as it was
    corpus = replace(corpus, events=[replace(e) for e in corpus.events], changes=list(corpus.changes))
    events = corpus.events
    if not events:
        return replace(corpus, stories=[])
    by_id = corpus.by_id()
    previous = {e.id: e.story_id for e in events if e.story_id}
    for story in corpus.stories:
        for event_id in story.event_ids:
            previous.setdefault(event_id, story.id)

    active, frozen = _working_set(corpus, previous, cfg)
    units, owner = story_units(active, by_id)
    undated_members = [by_id[i] for e in active if not e.date for i in e.article_ids if i in by_id]
    timed = timed_events(active, by_id, cfg, features.text_days(undated_members, settings.events,
                                                                corpus.cache.get(features.SIGNALS, {})))
    if units and len(units) <= cfg.max_articles:
        undated = np.array([not e.date for e in active], dtype=bool)  # shown dates, before any timing by text
        labels = _article_level_labels(timed, units, owner, by_id, previous, settings, undated)
    else:
        labels = _event_level_labels(timed, by_id, cfg, settings.events.dense_max_units, settings.events.block_cells)
    release_text_cache()  # the events stage's matrices are no longer needed: free their memory
    groups: dict[int, list[Event]] = defaultdict(list)
    for event, label in zip(active, labels, strict=False):
        groups[label].append(event)
    ordered = sorted(groups.values(), key=lambda g: min((e.date or "9999", e.id) for e in g))
    members = _name_stories(ordered, frozen, previous, corpus.changes)
    corpus.stories = sorted(
        (build_story(story_id, group) for story_id, group in members.items()),
        key=lambda s: (s.timeline[0].date if s.timeline and s.timeline[0].date else "9999", s.id),
    )
    return corpus


def timed_events(events: list[Event], by_id: dict[str, Article], cfg: StoryConfig,
                 text_days: Mapping[str, date | None] | None = None) -> list[Event]:
    """`events` as the linkage times them: with `day_from_text`, an undated event takes the day its
    reports' texts give (a date they write, a photo caption's: weak evidence of when, often a day
    they recall), for linking only; its shown date stays empty (the events stage does not take such
    days, `events.date_from_text`).  Without it, an undated event's reports are timed by their own
    dates only (measured: news_cluster bare story F1 0.869 -> 0.830, bare.md "bare5").
    `text_days`: the days already read off undated reports' texts, by id (`members_day`)."""
    if not cfg.day_from_text:
        return events
    return [e if e.date else replace(e, date=members_day([by_id[i] for i in e.article_ids if i in by_id], True, True,
                                                         text_days=text_days))
            for e in events]


def _article_level_labels(
    active: list[Event], units: list[Article], owner: list[int], by_id: dict[str, Article],
    previous: dict[str, str], settings: Config, undated: np.ndarray | None = None,
) -> list[int]:
    """The story label of each event of `active`, clustering their original reports (`units`, of
    event `owner[k]`) with each event a must-link group; an event takes its reports' majority label.
    `undated`: per event, no date of its own (`cohesion_veto`)."""
    cfg = config_from(settings)
    sim = _unit_similarity(active, units, owner, by_id, settings)
    if cfg.cohesion > 0 and undated is not None and not (cfg.keep_stored and previous):
        cohesion_veto(sim, owner, undated, cfg.cohesion)
    must_link = stored_story_groups(active, owner, previous, sim) if cfg.keep_stored and previous else owner
    strict = None
    if cfg.group_threshold > cfg.threshold and not (cfg.keep_stored and previous):
        strict = np.array([not active[k].date for k in owner], dtype=bool)
    unit_labels = agglomerate(sim, cfg.threshold, groups=must_link,
                              group_threshold=cfg.group_threshold if strict is not None else None, strict_rows=strict,
                              size_cut_rows=settings.events.size_cut_rows)
    votes: dict[int, Counter[int]] = defaultdict(Counter)
    for k, label in zip(owner, unit_labels, strict=False):
        votes[k][label] += 1
    return [votes[k].most_common(1)[0][0] if votes[k] else -1 - k for k in range(len(active))]


def cohesion_veto(sim: np.ndarray, owner: list[int], undated: np.ndarray, ratio: float) -> None:
    """Keep apart (in place: -1) the reports of two events of 2+ reports each, one of them undated,
    whose mean similarity across is below `ratio` x the geometric mean of each event's own mean
    similarity: one matter told twice reads nearly as alike across as within; two happenings of one
    theme (two budget fights, a missile launch and a peace offer) are each tight and loosely alike.
    Relative, not absolute: a tight event needs more to join than a loose one (the relative closeness
    of Chameleon clustering, Karypis, Han & Kumar, IEEE Computer 1999).  Dated pairs are left to
    their days (a batch with every event dated is linked as before)."""
    own = np.asarray(owner)
    sizes = np.bincount(own) if own.size else np.zeros(0, dtype=int)
    multi = np.flatnonzero(sizes >= 2)  # only these events have a cohesion of their own
    if multi.size < 2 or not undated[multi].any():
        return
    rows = np.flatnonzero(sizes[own] >= 2)
    local = np.searchsorted(multi, own[rows])  # each row's event among `multi`
    member = sparse.csr_matrix((np.ones(rows.size), (np.arange(rows.size), local)), shape=(rows.size, multi.size))
    totals = np.zeros((multi.size, multi.size))
    for start in range(0, rows.size, _COHESION_BLOCK):  # row blocks: no second matrix of the batch's size
        block = np.clip(sim[np.ix_(rows[start:start + _COHESION_BLOCK], rows)], 0.0, None)  # a veto counts as unlike
        block[np.arange(block.shape[0]), np.arange(start, start + block.shape[0])] = 0.0  # not a report with itself
        totals += np.asarray(member[start:start + _COHESION_BLOCK].T @ (block @ member))
    size = sizes[multi].astype(np.float64)
    within = np.diag(totals) / (size * (size - 1.0))
    across = totals / np.outer(size, size)
    apart = (across < ratio * np.sqrt(np.outer(within, within))) & (undated[multi][:, None] | undated[multi][None, :])
    pairs = np.nonzero(np.triu(apart, 1))
    if not pairs[0].size:
        return
    rows_of = np.split(rows[np.argsort(local, kind="stable")], np.cumsum(sizes[multi])[:-1])  # each event's rows, once
    for a, b in zip(*pairs, strict=True):
        sim[np.ix_(rows_of[a], rows_of[b])] = sim[np.ix_(rows_of[b], rows_of[a])] = -1.0


_COHESION_BLOCK = 1024  # rows of the report similarity summed at a time by `cohesion_veto`


def _unit_similarity(
    active: list[Event], units: list[Article], owner: list[int], by_id: dict[str, Article], settings: Config
) -> np.ndarray:
    """Similarity of the reports `units` for story linkage: article level, placeholder pages
    apart (`placeholders_alone`), plus the key-entity bonus and the shared-names rule when on."""
    cfg = config_from(settings)
    sim = article_level_similarity(units, by_id, cfg, [active[k].date for k in owner])  # undated: its event's day
    if cfg.placeholders_alone:  # a page stored under many stories (archive notice) links none of them
        from storyweave.stages.events.view import placeholder_ids

        alone = placeholder_ids(list(by_id.values()), settings.events)
        lone = np.array([a.id in alone for a in units], dtype=bool)
        sim[lone, :] = sim[:, lone] = -1.0
        np.fill_diagonal(sim, 1.0)
    if cfg.weight_key_entities:
        sim += key_entity_bonus(active, by_id, cfg)[np.ix_(owner, owner)]
    if cfg.shared_names > 0:  # one matter: the same participants, not only the same theme
        apart = represent.jaccard_matrix([story_names(e, by_id, cfg.lead_words) for e in active]) < cfg.shared_names
        if cfg.names_undated_only:  # dated events are kept apart by their days already
            undated = np.array([not e.date for e in active], dtype=bool)
            apart &= undated[:, None] | undated[None, :]
        own = np.asarray(owner)
        sim[apart[np.ix_(own, own)] & (own[:, None] != own[None, :])] = -1.0
    return sim


def _name_stories(
    ordered: list[list[Event]], frozen: list[Event], previous: dict[str, str], changes: list[str]
) -> dict[str, list[Event]]:
    """Story id -> its events: each group of `ordered` under its stable id (set on its events, the
    moves logged to `changes`), and each event of `frozen` under its stored story."""
    members: dict[str, list[Event]] = defaultdict(list)
    for group, story_id in zip(ordered, _stable_ids(ordered, previous), strict=False):
        for event in group:
            old = previous.get(event.id)
            if previous and old != story_id:
                was = f" (was in {old})" if old else ""
                changes.append(f"event {event.id} linked to story {story_id}{was}")
            event.story_id = story_id
            members[story_id].append(event)
    for event in frozen:  # far from anything new: keeps its stored story
        members[previous[event.id]].append(event)
    return members


def stored_story_groups(active: list[Event], owner: list[int], previous: dict[str, str], sim: np.ndarray) -> list[int]:
    """`keep_stored`: the reports of one stored story must-link (an event without a story: its
    own group), reports of different stored stories vetoed in `sim` (in place)."""
    story = [previous.get(e.id) for e in active]
    return keep_stored_groups([story[k] for k in owner], owner, sim)


def _working_set(corpus: Corpus, previous: dict[str, str], cfg: StoryConfig) -> tuple[list[Event], list[Event]]:
    """All events; for stores with more than `max_events`, only events with new articles or no
    story yet, and stored events within `max_gap_days` of them (the rest keep their story)."""
    events = corpus.events
    if len(events) <= cfg.max_events or not previous:
        return list(events), []
    new_articles = {a.id for a in corpus.articles if a.is_new}
    touched = [e for e in events if e.id not in previous or any(i in new_articles for i in e.article_ids)]
    days = np.array([_ordinal(e.date) for e in touched])
    days = days[~np.isnan(days)]
    touched_ids = {e.id for e in touched}
    active: list[Event] = []
    frozen: list[Event] = []
    for event in events:
        day = _ordinal(event.date)
        near = bool(days.size) and not np.isnan(day) and np.abs(days - day).min() <= cfg.max_gap_days
        (active if event.id in touched_ids or near else frozen).append(event)
    if len(active) > cfg.max_events:  # keep the most recent neighbours
        rest = sorted((e for e in active if e.id not in touched_ids), key=lambda e: e.date or "", reverse=True)
        extra = rest[: max(0, cfg.max_events - len(touched))]
        frozen += rest[len(extra):]
        active = touched + extra
    return active, frozen


def _stable_ids(groups: list[list[Event]], previous: dict[str, str]) -> list[str]:
    """Stored story ids kept by overlap; new stories named after their first event (date, id)."""
    def new_id(g: int) -> str:
        return hashed_id("st-", min(groups[g], key=lambda e: (e.date or "9999", e.id)).id)

    return stable_ids([[e.id for e in group] for group in groups], previous, new_id)


def build_story(story_id: str, events: list[Event]) -> Story:
    """Title of its largest event (earliest on ties); timeline = the events' timelines merged."""
    events = sorted(events, key=lambda e: (e.date or "9999", e.id))
    lead = max(events, key=lambda e: (len(e.article_ids), -events.index(e)))
    entries: list[TimelineEntry] = []
    for event in events:
        entries.append(TimelineEntry(date=event.date or "", text=event.title, article_ids=list(event.article_ids)))
        entries.extend(t for t in event.timeline if (t.date, t.text) != (event.date or "", event.title))
    entries.sort(key=lambda t: (t.date or "9999", t.text))
    return Story(id=story_id, event_ids=[e.id for e in events], title=lead.title, timeline=entries)


def refresh_timelines(corpus: Corpus) -> Corpus:
    """Rebuild story timelines from the events' own timelines once the analyze stage has
    filled them (stories run before analyze, so at that point each event has one entry)."""
    by_event = {e.id: e for e in corpus.events}
    stories = []
    for story in corpus.stories:
        members = [by_event[i] for i in story.event_ids if i in by_event]
        stories.append(replace(story, timeline=build_story(story.id, members).timeline) if members else story)
    return replace(corpus, stories=stories)
