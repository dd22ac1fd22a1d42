"""Small report charts drawn with matplotlib and returned as inline SVG markup.

Text in the SVG is kept as text (`svg.fonttype = none`) and matplotlib's SVG backend
escapes it, so source titles cannot inject markup; the XML prolog is dropped so the SVG
can sit directly inside the HTML page.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import date, timedelta
from types import ModuleType
from typing import TYPE_CHECKING

from storyweave.io.render.view import ReportView

if TYPE_CHECKING:
    from matplotlib.figure import Figure

MAX_EVENTS = 25  # events beyond this are left out of the coverage chart
MAX_BARS = 60  # more distinct days than this: articles are counted per week
_PALETTE = ["#1f6f8b", "#e07a1f", "#3a9d5d", "#c0392b", "#7d5ba6", "#8c6d31", "#d35d9c", "#5f6b6d",
            "#1aa2b8", "#b5a300"]


def _pyplot() -> ModuleType:
    """matplotlib.pyplot on the Agg backend with the report's style (imported on first use)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "font.family": "sans-serif",
                         "axes.spines.top": False, "axes.spines.right": False, "svg.hashsalt": "storyweave"})
    return plt


def _svg(fig: Figure) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(fig)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.DOTALL)


def _short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _week(day: str) -> str:
    """Monday of the ISO week of `day` (YYYY-MM-DD), as YYYY-MM-DD."""
    d = date.fromisoformat(day)
    return (d - timedelta(days=d.weekday())).isoformat()


def articles_per_day(view: ReportView) -> str | None:
    """Stacked bars: articles published per day (per week over long spans), one colour per
    (largest) event."""
    dated = [(ev, day, n) for ev in view.events for day, n in ev.per_day.items() if _is_day(day)]
    if not dated:
        return None
    plt = _pyplot()
    unit = "day"
    if len({day for _, day, _ in dated}) > MAX_BARS:
        dated, unit = [(ev, _week(day), n) for ev, day, n in dated], "week"
    days = sorted({day for _, day, _ in dated})
    biggest = sorted(view.events, key=lambda ev: -len(ev.articles))[: len(_PALETTE) - 1]
    keep = {ev.id for ev in biggest}
    series: dict[str, Counter[str]] = {}
    for ev, day, n in dated:
        label = _short(f"{ev.id}: {ev.heading}", 40) if ev.id in keep else "other events"
        series.setdefault(label, Counter())[day] += n
    fig, ax = plt.subplots(figsize=(max(5.0, min(12.0, 0.12 * len(days) + 4)), 3.2))
    bottom = [0] * len(days)
    for i, (label, per_day) in enumerate(series.items()):
        heights = [per_day.get(d, 0) for d in days]
        ax.bar(range(len(days)), heights, bottom=bottom, label=label, color=_PALETTE[i % len(_PALETTE)])
        bottom = [b + h for b, h in zip(bottom, heights, strict=False)]
    step = max(1, len(days) // 12)
    ax.set_xticks(range(0, len(days), step), [days[i] for i in range(0, len(days), step)], rotation=45, ha="right")
    ax.set_ylabel("articles")
    title = "Articles per day, by event" if unit == "day" else "Articles per week (from Monday), by event"
    ax.set_title(title, loc="left")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _svg(fig)


def _is_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def sources_per_event(view: ReportView) -> str | None:
    """Horizontal bars per event: articles, outlets and independent sources."""
    events = sorted(view.events, key=lambda ev: -len(ev.articles))[:MAX_EVENTS]
    if not events:
        return None
    plt = _pyplot()
    events.reverse()  # largest on top
    labels = [_short(f"{ev.id}: {ev.heading}") for ev in events]
    height = 0.27
    fig, ax = plt.subplots(figsize=(6.5, 0.3 * len(events) + 1.2))
    rows = range(len(events))
    series = [
        ("articles", [len(ev.articles) for ev in events], _PALETTE[0]),
        ("outlets", [ev.outlet_count for ev in events], _PALETTE[1]),
        ("independent sources", [ev.event.independent_sources for ev in events], _PALETTE[2]),
    ]
    for offset, (label, values, colour) in zip((height, 0, -height), series, strict=False):
        ax.barh([r + offset for r in rows], values, height=height, label=label, color=colour)
    ax.set_yticks(list(rows), labels)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Coverage per event", loc="left")
    ax.legend(fontsize=7, frameon=False, loc="lower right")
    return _svg(fig)


def duplicate_kinds(view: ReportView) -> str | None:
    """Bars: how many articles are originals vs each kind of copy."""
    kinds = Counter(a.duplicate_kind or "copy" if a.duplicate_of else "original" for a in view.articles.values())
    if len(kinds) < 2:
        return None
    plt = _pyplot()
    order = [k for k in ("original", "exact", "near", "rewrite", "translation", "copy") if k in kinds]
    fig, ax = plt.subplots(figsize=(4.5, 2.6))
    ax.bar(order, [kinds[k] for k in order], color=[_PALETTE[i] for i in range(len(order))])
    ax.set_ylabel("articles")
    ax.set_title("Originals and copies", loc="left")
    return _svg(fig)


def all_plots(view: ReportView) -> dict[str, str]:
    """Name -> inline SVG of every chart that has data."""
    charts = {
        "articles_per_day": articles_per_day(view),
        "sources_per_event": sources_per_event(view),
        "duplicate_kinds": duplicate_kinds(view),
    }
    return {name: svg for name, svg in charts.items() if svg}
