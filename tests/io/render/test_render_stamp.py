"""Writing the same report twice into one folder neither re-validates it, nor redraws its charts,
nor writes its pages again (counted by patching the slow steps, not timed); any content change
does all of them again."""

from __future__ import annotations

import importlib

import pytest

from storyweave.io.render import check_document, write_reports
from storyweave.io.render.contract import to_briefings
from storyweave.io.render.html import file_name

html = importlib.import_module("storyweave.io.render.html")
contract = importlib.import_module("storyweave.io.render.contract")


@pytest.fixture
def counted(monkeypatch):
    calls = {"plots": 0, "validate": 0, "pages": 0}
    real_plots, real_validate, real_site = html.all_plots, contract.validation_errors, html.write_site

    def plots(view):
        calls["plots"] += 1
        return real_plots(view)

    def validate(document, *a, **k):
        calls["validate"] += 1
        return real_validate(document, *a, **k)

    def site(*a, **k):
        calls["pages"] += 1
        return real_site(*a, **k)

    monkeypatch.setattr(html, "all_plots", plots)
    monkeypatch.setattr(html, "write_site", site)
    monkeypatch.setattr(contract, "validation_errors", validate)
    return calls


def _write(corpus, out):
    document = to_briefings(corpus)
    problems = check_document(document, out)
    paths = write_reports(corpus, out, document=document)
    files = {name: path.read_text(encoding="utf-8") for name, path in paths.items()}
    files["run"] = (out / "run.html").read_text(encoding="utf-8")
    files["event"] = (out / "events" / f"{file_name('E1')}.html").read_text(encoding="utf-8")
    return problems, files


def test_unchanged_report_is_not_revalidated_or_redrawn(corpus, counted, tmp_path):
    first = _write(corpus, tmp_path)
    assert counted == {"plots": 1, "validate": 1, "pages": 1}
    assert "<svg" in first[1]["html"]
    corpus.changes = ["nothing new"]  # only the run log differs
    second = _write(corpus, tmp_path)
    assert counted == {"plots": 1, "validate": 1, "pages": 1}
    assert second[0] == first[0] == []
    assert second[1]["html"] == first[1]["html"] and second[1]["event"] == first[1]["event"]
    assert "nothing new" in second[1]["markdown"] and "nothing new" in second[1]["run"]
    assert "nothing new" not in first[1]["run"]


def test_a_page_gone_from_the_folder_is_written_again(corpus, counted, tmp_path):
    _, first = _write(corpus, tmp_path)
    (tmp_path / "events" / f"{file_name('E1')}.html").unlink()
    _, second = _write(corpus, tmp_path)
    assert counted == {"plots": 1, "validate": 1, "pages": 2}  # pages again, charts from the stamp
    assert second["event"] == first["event"] and second["html"] == first["html"]


def test_changed_content_is_validated_and_drawn_again(corpus, counted, tmp_path):
    _write(corpus, tmp_path)
    corpus.events[0].title = "Earthquake in Valdoria, day two"
    _, files = _write(corpus, tmp_path)
    assert counted == {"plots": 2, "validate": 2, "pages": 2}
    assert "day two" in files["html"] and "day two" in files["event"]
    _write(corpus, tmp_path / "elsewhere")  # another folder has no stamp
    assert counted == {"plots": 3, "validate": 3, "pages": 3}


def test_a_bad_run_log_is_still_reported(corpus, tmp_path):
    _write(corpus, tmp_path)
    document = to_briefings(corpus)
    document["changes"] = [42]
    assert any(p.startswith("changes/0") for p in check_document(document, tmp_path))


def test_the_key_is_the_render_version_and_the_document(corpus, counted, tmp_path, monkeypatch):
    """No cache key reads source files (docs/architecture.md): the stamp's key is computed with
    file reading disabled, and a new `RENDER_VERSION` (bumped by hand when the renderers change)
    makes the next write validate, draw and write its pages again."""
    import builtins
    import pathlib

    render = importlib.import_module("storyweave.io.render")
    _write(corpus, tmp_path)
    assert counted == {"plots": 1, "validate": 1, "pages": 1}

    def no_reading(*args, **kwargs):
        raise AssertionError("the stamp key read a file")

    document = to_briefings(corpus)
    with monkeypatch.context() as m:
        for name in ("read_bytes", "read_text", "open", "rglob", "iterdir"):
            m.setattr(pathlib.Path, name, no_reading)
        m.setattr(builtins, "open", no_reading)
        key = render._stamp_key(document)
    assert key == render._stamp_key(to_briefings(corpus))  # same content, same key
    monkeypatch.setattr(render, "RENDER_VERSION", render.RENDER_VERSION + 1)
    assert render._stamp_key(to_briefings(corpus)) != key
    _write(corpus, tmp_path)
    assert counted == {"plots": 2, "validate": 2, "pages": 2}
