"""Renderers at the output edge: briefings.json (+ JSON Schema), briefings.md, index.html."""

from __future__ import annotations

from pathlib import Path

from storyweave.model import Corpus


def write_reports(corpus: Corpus, out_dir: str | Path, *, plots: bool = True) -> dict[str, Path]:
    """Write briefings.json, briefings.md and index.html into `out_dir`; returns name -> path."""
    from storyweave.render.contract import dumps, to_briefings
    from storyweave.render.html import render_html
    from storyweave.render.markdown import render_markdown

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "briefings.json", "markdown": out / "briefings.md", "html": out / "index.html"}
    paths["json"].write_text(dumps(to_briefings(corpus)), encoding="utf-8")
    paths["markdown"].write_text(render_markdown(corpus), encoding="utf-8")
    paths["html"].write_text(render_html(corpus, plots=plots), encoding="utf-8")
    return paths
