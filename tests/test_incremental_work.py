"""`add` of one article to a store does not redo the per-article work of the stored ones.

Checked by counting work (`IngestResult.work`, filled by the stages), not by timing: languages
detected, texts parsed, events analysed and briefed, article rows written.  The corpus-wide
stages (clean's statistics, dedup's candidate search, clustering) are still given the whole
store (`<stage>_input`); see BENCHMARKS.md, section Speed.
"""

from __future__ import annotations

from pathlib import Path

from storyweave.engines.local import ingest
from storyweave.io import store
from storyweave.io.readers import read_paths
from storyweave.model import Article
from storyweave.nlp import dates as dates_mod
from storyweave.nlp import represent


def count_calls(monkeypatch, module, name: str) -> list:
    """Record the first argument of every call of `module.name` (patched, still called)."""
    calls, real = [], getattr(module, name)
    monkeypatch.setattr(module, name, lambda first, *a, **k: calls.append(first) or real(first, *a, **k))
    return calls


CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"

NEW = ("The city council of Harlow approved a new budget on Tuesday after a four-hour debate. "
       "Council leader Maria Owens said the plan would fund 12 new buses. "
       "\"This is a good day for commuters,\" Owens told reporters.")


def test_add_of_one_article_only_works_on_that_article(tmp_path, monkeypatch):
    articles = sorted(read_paths([CORPUS / "jsonl"])[0], key=lambda a: a.id)
    conn = store.connect(tmp_path / "s.db")
    first = ingest(conn, articles)
    stored = len(first.corpus.articles)
    assert first.work["language"] == len({a.text or a.raw_text for a in first.corpus.articles})  # one per text
    assert first.work["parse"] > 1 and first.work["brief"] == len(first.corpus.events)

    written: list[str] = []
    real = store._upsert_article
    monkeypatch.setattr(store, "_upsert_article", lambda c, a, now: written.append(a.id) or real(c, a, now))
    dated = count_calls(monkeypatch, dates_mod, "date_refs")
    named = count_calls(monkeypatch, represent, "proper_names")
    added = ingest(conn, [Article(id="harlow-budget", text=NEW, published="2024-05-07")], command="add")
    new_event = added.corpus.by_id()["harlow-budget"].event_id
    assert added.merge.new == ["harlow-budget"] and added.merge.unchanged == []
    assert added.work["language"] == 1  # only the new text
    assert added.work["parse"] == 1
    assert added.work["analyze"] == 1 and added.work["brief"] == 1  # only its own (new) event
    assert new_event not in {e.id for e in first.corpus.events}
    assert written == ["harlow-budget"]  # no stored article row rewritten
    # per-text results kept in the process (warm: server, Python API): stored texts are not read again
    assert dated == [NEW]  # article dates resolved for the new text only
    assert named and all(NEW.startswith(t.strip()) for t in named)  # clustering names: the new text (and its lead) only
    assert added.work["clean_input"] == stored + 1  # corpus-wide stages still see the store
    conn.close()
