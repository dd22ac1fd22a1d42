"""What both report renderers (Markdown, HTML) show, computed once from a Corpus.

Pure data shaping: grouping events under stories, per-event source lists, who copied whom
and articles per day.  No formatting here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from storyweave import __version__
from storyweave.graph import components_of
from storyweave.io.render.contract import counts
from storyweave.model import Article, Corpus, DuplicateLink, Event, Story

UNDATED = "undated"


def anchor(kind: str, ident: str) -> str:
    """A stable HTML id for an object (`event-e1`), safe in URLs and attributes."""
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_.-]+", "-", ident).strip("-").lower()


@dataclass
class CopyLine:
    """One 'who copied whom' statement inside an event."""

    copy: Article
    original: Article | None
    original_id: str
    kind: str
    score: float | None = None
    original_known: bool = True


@dataclass
class EventView:
    """An event as the reports show it: members, outlets, articles per day, copies and wire groups."""

    event: Event
    articles: list[Article]  # members known to the corpus, in event order
    originals: list[Article]  # members that are not copies
    sources: list[str]  # outlets, most articles first
    per_day: dict[str, int]  # YYYY-MM-DD (or 'undated') -> article count
    copies: list[CopyLine]
    wire_groups: list[list[Article]]  # articles sharing wire passages
    unknown_outlets: int = 0  # reports that name no outlet: each counts as one outlet of its own
    # (article id, article id, the passages they share as written) for each wire link in the event
    wire_passages: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def id(self) -> str:
        """The event's id."""
        return self.event.id

    @property
    def outlet_count(self) -> int:
        """Named outlets plus one unknown outlet per report that names none."""
        return len(self.sources) + self.unknown_outlets

    @property
    def heading(self) -> str:
        """The event's title, else its first article's title, else its id."""
        return self.event.title or (self.articles[0].title if self.articles and self.articles[0].title else self.event.id)


@dataclass
class StoryView:
    """A story as the reports show it, with the views of its events."""

    story: Story | None  # None: events not linked into any story
    events: list[EventView]

    @property
    def heading(self) -> str:
        """The story's title, else its id (a fixed heading for the events of no story)."""
        if self.story is None:
            return "Events not linked to a story"
        return self.story.title or self.story.id

    @property
    def single(self) -> bool:
        """A story of one event: shown as that event alone (a story heading would repeat it)."""
        return self.story is not None and len(self.events) == 1


@dataclass
class ReportView:
    """Everything a report shows, built once from the corpus (`build`)."""

    version: str
    counts: dict[str, int]
    stories: list[StoryView]
    events: list[EventView]
    articles: dict[str, Article]
    unassigned: list[Article]  # articles in no event
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    duplicates: list[DuplicateLink] = field(default_factory=list)


def _event_sort_key(view: EventView) -> tuple[str, str]:
    return (view.event.date or "9999", view.event.id)


def _copies(members: list[Article], by_id: dict[str, Article], links: list[DuplicateLink]) -> list[CopyLine]:
    link_of = {(d.copy, d.original): d for d in links if d.kind != "wire"}
    out = []
    for article in members:
        if not article.duplicate_of:
            continue
        link = link_of.get((article.id, article.duplicate_of))
        out.append(
            CopyLine(
                copy=article,
                original=by_id.get(article.duplicate_of),
                original_id=article.duplicate_of,
                kind=article.duplicate_kind or (link.kind if link else "copy"),
                score=link.score if link else None,
                original_known=link.original_known if link else True,
            )
        )
    return out


def _wire_groups(members: list[Article], by_id: dict[str, Article]) -> list[list[Article]]:
    """Connected groups of articles that share wire passages (components of the links)."""
    pairs = [(article.id, other) for article in members for other in article.shares_wire_with if other in by_id]
    return [sorted((by_id[i] for i in g), key=lambda a: (a.date or "", a.id)) for g in components_of(pairs) if len(g) > 1]


def _wire_passages(members: list[Article], links: list[DuplicateLink]) -> list[tuple[str, str, list[str]]]:
    """The passages each pair of the event's members shares as wire copy (from the wire links)."""
    ids = {a.id for a in members}
    return [(link.original, link.copy, list(link.shared_sentences)) for link in links
            if link.kind == "wire" and link.copy in ids and link.original in ids and link.shared_sentences]


def event_view(event: Event, by_id: dict[str, Article], links: list[DuplicateLink]) -> EventView:
    """The view of `event` over the known articles `by_id` and the corpus' copy `links`."""
    members = [by_id[i] for i in event.article_ids if i in by_id]
    outlets = Counter(a.source for a in members if a.source)
    per_day = Counter(a.date or UNDATED for a in members)
    return EventView(
        event=event,
        articles=members,
        originals=[a for a in members if not a.duplicate_of],
        sources=[name for name, _ in outlets.most_common()],
        per_day=dict(sorted(per_day.items())),
        copies=_copies(members, by_id, links),
        wire_groups=_wire_groups(members, by_id),
        unknown_outlets=sum(1 for a in members if not a.source),
        wire_passages=_wire_passages(members, links),
    )


def build(corpus: Corpus) -> ReportView:
    """The report view of `corpus`: stories (then events of no story), article lookup and counts."""
    by_id = corpus.by_id()
    events = [event_view(e, by_id, corpus.duplicates) for e in corpus.events]
    by_event = {v.id: v for v in events}
    stories: list[StoryView] = []
    placed: set[str] = set()
    for story in corpus.stories:
        members = [by_event[i] for i in story.event_ids if i in by_event and i not in placed]
        placed.update(v.id for v in members)
        stories.append(StoryView(story, sorted(members, key=_event_sort_key)))
    loose = [v for v in events if v.id not in placed]
    if loose:
        stories.append(StoryView(None, sorted(loose, key=_event_sort_key)))
    in_event = {i for e in corpus.events for i in e.article_ids}
    return ReportView(
        version=__version__,
        counts=counts(corpus),
        stories=stories,
        events=[v for s in stories for v in s.events],
        articles=by_id,
        unassigned=[a for a in corpus.articles if a.id not in in_event],
        changes=list(corpus.changes),
        errors=[str(e) for e in corpus.errors],
        duplicates=list(corpus.duplicates),
    )
