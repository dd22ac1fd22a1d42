"""One article that makes a stage raise costs that article, never the batch: the runner finds
it by bisection, marks it failed (stage + reason), stores it as failed, lists it in errors[],
`storyweave runs` and exit 3, and retries it on the next run that reads it."""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.config import Config
from storyweave.engines import local
from storyweave.engines.local import StageError, run_pipeline
from storyweave.io import store
from storyweave.model import Article, Corpus
from storyweave.pipeline import STAGES, Stage

POISON = "POISONPILL"


def _picky(corpus: Corpus, settings: Config) -> Corpus:
    """A stage that raises whenever the batch holds an article with the marker (like spaCy on a
    text it cannot take): it fails as a whole, whichever article is the cause."""
    bad = [a.id for a in corpus.articles if POISON in a.text]
    if bad:
        raise ValueError(f"cannot take {len(bad)} article(s)")
    return corpus


def _articles(n: int, poisoned: set[int]) -> list[Article]:
    return [Article(id=f"a{i}", text=f"Article {i} about the harbour. " + (POISON if i in poisoned else ""),
                    raw_text="", path=f"/in/a{i}.txt") for i in range(n)]


@pytest.mark.parametrize("poisoned", [{3}, {0, 7}, {1, 2, 3, 4, 5}])
def test_the_culprits_are_found_and_the_rest_goes_on(poisoned):
    corpus = Corpus(articles=_articles(10, poisoned))
    stage = Stage("picky", _picky, "fails on marked articles")
    result = run_pipeline(corpus, Config(), stages=[STAGES[0], stage]).corpus
    assert {a.id for a in result.failed} == {f"a{i}" for i in poisoned}
    assert {a.id for a in result.articles} == {f"a{i}" for i in range(10)} - {f"a{i}" for i in poisoned}
    for a in result.failed:
        assert a.status == "failed" and "stage 'picky' raised ValueError" in a.failure
        assert a.event_id is None and POISON in a.raw_text
    assert len(result.errors) == len(poisoned)
    assert all(str(e).startswith("/in/a") and "failed" in str(e) and "\n" not in str(e) for e in result.errors)
    # without a store (Python API, in memory) the line must not claim the article was stored
    assert all("left out of the results" in str(e) and "stored as failed," not in str(e) for e in result.errors)


def test_a_stage_that_fails_without_any_new_article_still_stops_the_run():
    def broken(corpus: Corpus, settings: Config) -> Corpus:
        raise RuntimeError("bug")

    with pytest.raises(StageError, match="stage 'broken' failed: RuntimeError: bug"):
        run_pipeline(Corpus(articles=_articles(4, set())), Config(), stages=[Stage("broken", broken, "")])


def test_stored_articles_are_never_blamed():
    stored = _articles(3, {1})
    for a in stored:
        a.is_new = False
    corpus = Corpus(articles=stored)
    with pytest.raises(StageError):  # the culprit is a stored article: not an input problem of this batch
        run_pipeline(corpus, Config(), stages=[Stage("picky", _picky, "")])


GOOD = {
    "quake.txt": "Quake hits Valdoria\n\nA magnitude 6.1 earthquake struck the town of Valdoria on Monday, "
                 "officials said. Power was cut across the region.\n",
    "cup.txt": "Harbour City wins the cup\n\nHarbour City beat Northfield 2-1 in the cup final on Saturday. "
               "The winning goal came in the last minute.\n",
    "flood.txt": "Floods close the coastal road\n\nHeavy rain flooded the coastal road near Porto Lume on Tuesday, "
                 "the council said. Schools stayed shut.\n",
}


def _rows(db) -> list[tuple[str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, json_extract(extra, '$.status') FROM articles ORDER BY id").fetchall()


def test_failed_article_is_stored_reported_listed_and_retried(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")
    bad = folder / "bad.txt"
    bad.write_text(f"Strange report\n\nThis report carries the {POISON} marker and a few more words.\n",
                   encoding="utf-8")
    db, out = tmp_path / "s.db", tmp_path / "out"
    picky_stages = [*STAGES[:3], Stage("picky", _picky, "fails on marked articles"), *STAGES[3:]]
    monkeypatch.setattr(local, "STAGES", picky_stages)
    runner = CliRunner()
    first = runner.invoke(app, ["run", str(folder), "--db", str(db), "--out", str(out)])
    assert first.exit_code == 3, first.output
    [line] = [x for x in first.stderr.splitlines() if x.startswith(str(bad))]
    assert "article 'bad' failed: stage 'picky' raised ValueError" in line
    assert _rows(db) == [("bad", "failed"), ("cup", "ok"), ("flood", "ok"), ("quake", "ok")]
    corpus = store.load_corpus(db, with_cache=False)
    assert {a.id for a in corpus.articles} == {"cup", "flood", "quake"} and [a.id for a in corpus.failed] == ["bad"]
    assert all("bad" not in e.article_ids for e in corpus.events)
    doc = json.loads((out / "briefings.json").read_text(encoding="utf-8"))
    assert any(e.startswith(f"{bad}: article 'bad' failed") for e in doc["errors"]) and doc["counts"]["failed"] == 1
    runs = runner.invoke(app, ["runs", "--db", str(db)])
    assert runs.exit_code == 0 and "stored as failed" in runs.stdout and "stage 'picky'" in runs.stdout
    assert store.runs(db, 1)[0].counts["failed"] == 1

    report = runner.invoke(app, ["report", "--db", str(db), "--out", str(tmp_path / "report")])
    doc = json.loads((tmp_path / "report" / "briefings.json").read_text(encoding="utf-8"))
    assert report.exit_code == 0 and any("article 'bad' failed" in e for e in doc["errors"])

    # the stage no longer fails (say, a fixed version): the next run that reads it retries it
    monkeypatch.setattr(local, "STAGES", STAGES)
    again = runner.invoke(app, ["add", str(folder), "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "0 new, 0 updated, 3 unchanged, 1 retried" in again.stdout
    assert _rows(db) == [("bad", "ok"), ("cup", "ok"), ("flood", "ok"), ("quake", "ok")]
    corpus = store.load_corpus(db, with_cache=False)
    assert not corpus.failed and any("bad" in e.article_ids for e in corpus.events)
    assert store.runs(db, 1)[0].counts["retried"] == 1
