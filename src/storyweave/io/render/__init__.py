"""Renderers at the output edge: briefings.json (+ JSON Schema), briefings.md, and a folder of
HTML pages (index.html and a page per story, event, article, entity and outlet)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyweave.model import Corpus

STAMP = ".storyweave-render.json"  # in the report folder: what the last write validated and drew
# Bump by hand when a change to the renderers, their templates or the JSON Schema changes the
# pages, the charts or what validation reports for the same document: the stamp's key is this
# version plus the document, never a hash of the package's files (docs/architecture.md).
RENDER_VERSION = 2  # 2: inferred dates and outlets marked on the pages (`inferred_from`)


@dataclass
class _LastKey:
    """The last document hashed and its key (checked, then written: hashed once)."""

    document: dict[str, Any] | None = None
    key: str = ""


_LAST_KEY = _LastKey()


def _stamp_key(document: dict[str, Any]) -> str:
    """Hash of the report content that validation and charts depend on: the document without what
    only says how this run went (the run log `changes`/`errors`, plain strings, and each article's
    boolean `is_new`), plus `RENDER_VERSION` (the document names the storyweave version too)."""
    if _LAST_KEY.document is document:
        return _LAST_KEY.key
    import hashlib
    import json

    h = hashlib.sha1(f"render\0{RENDER_VERSION}\0".encode())
    body = {k: v for k, v in document.items() if k not in ("changes", "errors", "articles")}
    body["articles"] = [{k: v for k, v in a.items() if k != "is_new"} for a in document.get("articles", [])]
    h.update(json.dumps(body, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8", "surrogatepass"))
    _LAST_KEY.document, _LAST_KEY.key = document, h.hexdigest()
    return _LAST_KEY.key


def _read_stamp(out: Path, key: str) -> dict[str, Any]:
    import json

    try:
        stamp = json.loads((out / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stamp if isinstance(stamp, dict) and stamp.get("key") == key else {}


def _write_stamp(out: Path, key: str, **parts: Any) -> None:
    import json

    stamp = {**_read_stamp(out, key), **parts, "key": key}
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / STAMP).write_text(json.dumps(stamp, ensure_ascii=False), encoding="utf-8")
    except OSError:
        pass  # only a speed-up: the next write validates and draws again


def check_document(document: dict[str, Any], out_dir: str | Path, processes: int = 0) -> list[str]:
    """`validation_errors(document)`, skipped when the last report written to `out_dir` had the
    same content (only the run log, plain strings, is validated again): an unchanged re-run does
    not re-validate the whole output.  `processes`: forked workers for a large document (0:
    `storyweave.parallel.default_processes`)."""
    from storyweave.io.render.contract import schema, validation_errors
    from storyweave.parallel import default_processes

    out = Path(out_dir)
    key = _stamp_key(document)
    stamp = _read_stamp(out, key)
    if "problems" in stamp:
        log = {k: document.get(k, []) for k in ("changes", "errors")}
        sub = {"type": "object", "properties": {k: schema().get("properties", {}).get(k, {}) for k in log},
               **({"$defs": schema()["$defs"]} if "$defs" in schema() else {})}
        import jsonschema

        extra = [f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
                 for e in jsonschema.Draft202012Validator(sub).iter_errors(log)]
        return list(stamp["problems"]) + extra
    problems = validation_errors(document, processes=default_processes(processes))
    _write_stamp(out, key, problems=problems)
    return problems


def write_reports(corpus: Corpus, out_dir: str | Path, *, plots: bool = True,
                  document: dict[str, Any] | None = None, processes: int = 0) -> dict[str, Path]:
    """Write briefings.json, briefings.md and the HTML pages (index.html, run.html, stories.html,
    outlets.html and the folders `stories/ events/ articles/ entities/ outlets/`, see `html.py`)
    into `out_dir`; returns name -> path (`html`: index.html).

    When the last write into `out_dir` had the same content (`STAMP`) and its pages are all
    there, the pages are not written again (only run.html, the run log); otherwise the charts
    (matplotlib, the slow part) are still reused when the stamp has them. `document` is
    `to_briefings(corpus)` if already made."""
    from storyweave.io.render.contract import dumps, to_briefings
    from storyweave.io.render.markdown import render_markdown

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    document = to_briefings(corpus) if document is None else document
    key = _stamp_key(document)
    stamp = _read_stamp(out, key)
    paths = {"json": out / "briefings.json", "markdown": out / "briefings.md", "html": out / "index.html"}
    _write_atomic(paths["json"], dumps(document))
    _write_atomic(paths["markdown"], render_markdown(corpus))
    pages = stamp.get("pages")
    if (isinstance(pages, list) and stamp.get("plotted") == plots
            and all(isinstance(p, str) and (out / p).is_file() for p in pages)):
        _write_run_page(corpus, out)  # the run log is not part of the stamp's key
        return paths
    from storyweave.io.render.html import write_site

    svgs = stamp.get("plots") if plots else None
    drawn: dict[str, str] = {}
    written = write_site(corpus, out, _write_atomic, plots=plots, svgs=svgs, drawn=drawn, processes=processes)
    _write_stamp(out, key, pages=written, plotted=plots, **({"plots": drawn} if plots and svgs is None else {}))
    return paths


def _write_run_page(corpus: Corpus, out: Path) -> None:
    from storyweave.io.render.html import TOP, run_page

    _write_atomic(out / TOP["run"], run_page(corpus))


def _write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file and a rename: a crash never leaves a half-written report."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
