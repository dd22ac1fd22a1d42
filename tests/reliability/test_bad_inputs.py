"""A batch mixing ~70 kinds of bad input with good articles: every good article is stored,
every bad input is named in one stderr line `path: reason`, the run exits 3 (done, some
inputs skipped), and nothing is fetched, expanded, written outside the output or hung on."""

from __future__ import annotations

import json
import sqlite3

import pytest
from badcorpus import build
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.io import store
from storyweave.io.render.contract import validation_errors


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("bad")
    expect = build(root)
    out, db = root / "out", root / "s.db"
    result = CliRunner().invoke(app, ["run", str(root / "in"), *map(str, expect.extra_paths),
                                      "--out", str(out), "--db", str(db), "--max-article-chars", "20000"])
    return root, expect, result, out, db


def test_the_corpus_has_at_least_60_kinds(bad_run):
    _, expect, *_ = bad_run
    assert len(expect.kinds) >= 60, expect.kinds


def test_every_good_article_is_stored_and_the_run_exits_3(bad_run):
    _, expect, result, _, db = bad_run
    assert result.exit_code == 3, result.output
    stored = {a.id for a in store.load_corpus(db, with_cache=False).articles}
    assert stored == expect.good


def test_every_bad_input_is_named_in_one_line(bad_run):
    _, expect, result, _, _ = bad_run
    lines = [line for line in result.stderr.splitlines() if ": " in line and not line.startswith("error:")]
    named = {line.split(": ", 1)[0] for line in lines}
    assert expect.bad <= named, sorted(expect.bad - named)
    assert named <= expect.bad, sorted(named - expect.bad)  # no good file reported as bad
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("read ") and "each listed above" in summary and "entry 1" not in summary


def test_reports_list_the_errors_and_keep_the_contract(bad_run):
    _, expect, _, out, _ = bad_run
    doc = json.loads((out / "briefings.json").read_text(encoding="utf-8"))
    assert validation_errors(doc) == []
    assert {line.split(": ", 1)[0] for line in doc["errors"]} == expect.bad
    assert {a["id"] for a in doc["articles"]} == expect.good


def test_long_article_is_analysed_on_its_first_part_and_stored_whole(bad_run):
    root, _, _, _, db = bad_run
    article = store.load_corpus(db, with_cache=False).by_id()["one-line-1mb"]
    assert len(article.raw_text) == len((root / "in" / "one-line-1mb.txt").read_text(encoding="utf-8").strip())
    assert len(article.text) <= 20_000 < len(article.raw_text)
    assert any(n.startswith("analysed the first ") for n in article.notes)
    assert article.raw_text.startswith(article.text[:1000])


def test_hostile_content_is_neither_expanded_fetched_nor_written(bad_run):
    root, _, _, out, db = bad_run
    corpus = store.load_corpus(db, with_cache=False).by_id()
    assert "lollol" not in corpus["rss-lol"].raw_text and "root:" not in corpus["rss-xxe"].raw_text
    assert "\ud83d" not in corpus["sur"].raw_text and "\ufffd" in corpus["sur"].raw_text
    assert corpus["cp1252"].metadata["encoding"] == "cp1252"
    assert "\x07" not in corpus["control-chars"].raw_text
    assert {p.name for p in root.iterdir()} <= {"in", "out", "s.db", "s.db-wal", "s.db-shm", "s.db.lock"}
    assert sorted(p.name for p in out.iterdir()) == [
        ".storyweave-render.json", "articles", "briefings.json", "briefings.md", "entities", "events", "index.html",
        "outlets", "outlets.html", "run.html", "stories", "stories.html", "style.css"]
    # a page per stored article, the hostile ids among them, each inside its folder
    written = [p for p in out.rglob("*") if p.is_file()]
    assert all(len(p.resolve().relative_to(out.resolve()).parts) <= 2 for p in written)
    assert len(list((out / "articles").glob("*.html"))) == len(corpus)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
