"""Corpus -> a self-contained HTML report (index.html): inline CSS and SVG charts, no CDN.

All source text goes through jinja2 autoescaping; the only unescaped markup is the SVG
that `plots.py` draws itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2

from storyweave.model import Article, Corpus
from storyweave.render.plots import all_plots
from storyweave.render.view import anchor, build

_SAFE_URL = re.compile(r"^https?://[^\s\"'<>]+$")


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("storyweave.render", "templates"),
        autoescape=True,  # templates end in .j2, so turn escaping on explicitly
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.globals.update(
        anchor=anchor,
        art_anchor=lambda ident: anchor("art", ident),
        story_anchor=lambda s: anchor("story", s.story.id) if s.story else "loose-events",
        safe_url=lambda url: bool(_SAFE_URL.match(url or "")),
        outlets_with_differences=lambda outlets: [o for o in outlets if o.only_here or o.omits],
    )
    return env


def _tooltip(articles: dict[str, Article]):
    def tip(ident: str) -> str:
        a = articles.get(ident)
        if a is None:
            return "not in this corpus"
        return " — ".join(x for x in (a.source, a.date, a.title) if x)

    return tip


_HASH_LIKE = re.compile(r"[0-9a-fA-F-]{20,}")


def _citation_label(articles: dict[str, Article]):
    """Readable ids are shown as they are; hash-like or very long ones as outlet + id prefix,
    with the full id in the link target and tooltip."""

    def label(ident: str) -> str:
        if len(ident) <= 40 and not _HASH_LIKE.fullmatch(ident):
            return ident
        a = articles.get(ident)
        return f"{a.source} {ident[:6]}…" if a and a.source else f"{ident[:10]}…"

    return label


def render_html(corpus: Corpus, title: str = "storyweave briefing", plots: bool = True, add_form: bool = False,
                svgs: dict[str, str] | None = None, drawn: dict[str, str] | None = None) -> str:
    """The report page; `add_form` adds the server's "add an article" form (POST /articles).
    `svgs`: charts drawn earlier for the same content (not redrawn); `drawn` receives the charts drawn now."""
    view = build(corpus)
    if plots and svgs is None:
        svgs = all_plots(view)
        if drawn is not None:
            drawn.update(svgs)
    template = _environment().get_template("report.html.j2")
    return template.render(
        view=view,
        title=title,
        add_form=add_form,
        plots=svgs if plots else {},
        articles=list(view.articles.values()),
        art_tip=_tooltip(view.articles),
        cite_label=_citation_label(view.articles),
    )


__all__ = ["render_html"]
