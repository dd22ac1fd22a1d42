"""Corpus -> a Markdown briefing for analysts (briefings.md).

One section per story, one sub-section per event: cited summary, confirmed facts, quotes,
discrepancies, timeline, entities, outlet comparison, duplicate groups and the source list.
Every citation is `[article-id, ...]`; all source text is escaped so that HTML or Markdown
in an article shows as text and never as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from storyweave.io.render.view import EventView, ReportView, StoryView, anchor, build
from storyweave.model import Article, Corpus, TimelineEntry

if TYPE_CHECKING:
    import jinja2

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
_SPACE = re.compile(r"\s+")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def esc(text: str | None) -> str:
    """Source text as inert Markdown on one line (HTML and Markdown syntax shown literally)."""
    if not text:
        return ""
    text = _SPACE.sub(" ", text).strip()
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _ENTITY.sub("&amp;", text)  # "&lt;" in a source must not turn into "<"


def cite(ids: Iterable[str]) -> str:
    """A citation `[id1, id2]` of the distinct ids, in order; empty when there are none."""
    ids = list(dict.fromkeys(ids))
    return "[" + ", ".join(esc(i) for i in ids) + "]" if ids else ""


def _plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") and word[-2] not in "aeiou" else f"{n} {word}s"


def _short(text: str, limit: int = 160) -> str:
    """A shared passage cut for display (the full passages are in briefings.json)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _article_label(article: Article | None, ident: str) -> str:
    if article is None:
        return f"{esc(ident)} (not in this corpus)"
    outlet = esc(article.source) or "unknown outlet"
    return f"{esc(article.id)} ({outlet}{', ' + article.date if article.date else ''})"


def render_markdown(corpus: Corpus) -> str:
    """briefings.md: stories with their events' briefings, unassigned articles and the run log."""
    view = build(corpus)
    lines: list[str] = []
    _header(view, lines)
    for story in view.stories:
        _story(story, view, lines)
    _unassigned(view, lines)
    _log(view, lines)
    return "\n".join(lines).rstrip() + "\n"


def _outlets(total: int, unknown: int) -> str:
    """'3 outlets', or '3 outlets (2 unnamed)' when some reports name no outlet (each of
    those counts as one outlet of its own)."""
    return _plural(total, "outlet") + (f" ({unknown} unnamed)" if unknown else "")


def _header(view: ReportView, lines: list[str]) -> None:
    c = view.counts
    lines += [
        "# storyweave briefing",
        "",
        f"{_plural(c['articles'], 'article')} from {_outlets(c['sources'], c.get('unknown_outlets', 0))}; "
        f"{_plural(c['duplicates'], 'duplicate')}; {_plural(c['events'], 'event')} in "
        f"{_plural(c['stories'], 'story')}. Every sentence below is quoted verbatim from the "
        "cited articles `[id]`; the source list of each event gives outlet, date and title.",
        "",
    ]
    if view.events:
        lines += ["## Events at a glance", "",
                  "| Date | Event | Story | Articles | Outlets | Independent sources | Discrepancies |",
                  "|---|---|---|---|---|---|---|"]
        for story in view.stories:
            story_name = esc(story.heading) if story.story else ""
            for ev in story.events:
                e = ev.event
                lines.append(
                    f"| {e.date or ''} | [{esc(ev.heading)}](#{anchor('event', ev.id)}) | {story_name} | "
                    f"{len(ev.articles)} | {ev.outlet_count} | {e.independent_sources or ''} | "
                    f"{len(e.discrepancies) or ''} |"
                )
        lines.append("")


def _story(story: StoryView, view: ReportView, lines: list[str]) -> None:
    if story.single:
        _event(story.events[0], view, lines, level="##")
        return
    if story.story is None:
        lines += ['<a id="loose-events"></a>', "", f"## {esc(story.heading)}", ""]
    else:
        s = story.story
        lines += [f'<a id="{anchor("story", s.id)}"></a>', "", f"## Story: {esc(story.heading)}", ""]
        lines += [f"Story `{esc(s.id)}` links {_plural(len(story.events), 'event')}.", ""]
        _section(lines, "**Story timeline**", [_dated(t) for t in s.timeline])
    for ev in story.events:
        _event(ev, view, lines)


def _section(lines: list[str], heading: str, items: list[str]) -> None:
    """`heading`, a blank line, one bullet per item and a blank line; nothing when `items` is empty."""
    if items:
        lines += [heading, "", *(f"- {item}" for item in items), ""]


def _dated(entry: TimelineEntry) -> str:
    """A timeline entry as one bullet's text: bold date (or 'undated'), text, citations."""
    return f"**{esc(entry.date) or 'undated'}** — {esc(entry.text)} {cite(entry.article_ids)}"


def _event(ev: EventView, view: ReportView, lines: list[str], level: str = "###") -> None:
    """The event's section (templates/markdown/event.md.j2) appended to `lines`."""
    e = ev.event
    facts = [
        f"event `{esc(e.id)}`",
        f"story `{esc(e.story_id)}`" if e.story_id else None,
        f"date {e.date}" if e.date else "date unknown",
        _plural(len(ev.articles), "article"),
        _outlets(ev.outlet_count, ev.unknown_outlets),
        _plural(e.independent_sources, "independent source") if e.independent_sources else None,
    ]
    text = _template().render(ev=ev, e=e, level=level, facts=[f for f in facts if f])
    lines += text.split("\n")[:-1]  # the template ends each line with a newline


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("storyweave.io.render", "templates"), autoescape=False,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters.update(esc=esc, cite=cite, short=_short)
    env.globals.update(anchor=anchor, plural=_plural, dated=_dated, label=_article_label, safe_url=_safe_url)
    return env.get_template("markdown/event.md.j2")


def _safe_url(url: str) -> bool:
    return url.startswith(("http://", "https://")) and not re.search(r"[\s()<>]", url)


def _unassigned(view: ReportView, lines: list[str]) -> None:
    if not view.unassigned:
        return
    lines += ["## Articles not assigned to an event", ""]
    for a in view.unassigned:
        lines.append(f"- {_article_label(a, a.id)}: {esc(a.title) or '(untitled)'}")
    lines.append("")


def _log(view: ReportView, lines: list[str]) -> None:
    _section(lines, "## Changes in this run", [esc(c) for c in view.changes])
    _section(lines, "## Inputs that could not be read", [esc(e) for e in view.errors])


def render_event_markdown(corpus: Corpus, event_id: str) -> str | None:
    """The Markdown section of one event (None if there is no such event)."""
    view = build(corpus)
    for ev in view.events:
        if ev.id == event_id:
            lines: list[str] = []
            _event(ev, view, lines, level="#")
            return "\n".join(line for line in lines if not line.startswith("<a id=")).strip() + "\n"
    return None
