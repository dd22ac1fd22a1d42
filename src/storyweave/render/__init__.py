"""Renderers at the output edge: briefings.json (+ JSON Schema), briefings.md, index.html."""

from __future__ import annotations

import os
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
    _write_atomic(paths["json"], dumps(to_briefings(corpus)))
    _write_atomic(paths["markdown"], render_markdown(corpus))
    _write_atomic(paths["html"], render_html(corpus, plots=plots))
    return paths


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and a rename: a crash never leaves a half-written report."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
