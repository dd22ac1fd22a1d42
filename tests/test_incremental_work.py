"""`add` of one article to a store does not redo the per-article work of the stored ones.

Checked by counting work (`IngestResult.work`, filled by the stages), not by timing: languages
detected, texts parsed, events analysed and briefed, article rows written.  The corpus-wide
stages (clean's statistics, dedup's candidate search, clustering) are still given the whole
store (`<stage>_input`); see BENCHMARKS.md, section Speed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storyweave.config import Config
from storyweave.engines.local import ingest
from storyweave.io import store
from storyweave.io.readers import read_paths
from storyweave.model import Article
from storyweave.nlp import represent
from storyweave.stages import analysis as analysis_mod
from storyweave.stages import events as events_mod


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
    real = store.tables.upsert_article
    monkeypatch.setattr(store.tables, "upsert_article", lambda c, a, now: written.append(a.id) or real(c, a, now))
    dated = count_calls(monkeypatch, analysis_mod, "_date_refs")  # an article's dates (`dates.date_refs`' mentions)
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


def _partition(conn) -> tuple:
    full = store.load_corpus(conn, with_cache=False)
    return (sorted(tuple(sorted(e.article_ids)) for e in full.events),
            sorted(tuple(sorted(s.event_ids)) for s in full.stories),
            sorted((d.copy, d.original, d.kind) for d in full.duplicates))


def test_incremental_add_works_on_the_events_near_the_new_article_only(tmp_path, monkeypatch):
    """`ingest(..., incremental=True)` (CLI `add`): the stages see the new article and the stored
    events near it, not the store; the touched event alone is analysed and briefed; no stored row
    is rewritten; the store ends as the full path leaves it."""
    articles = sorted(read_paths([CORPUS / "jsonl"])[0], key=lambda a: a.id)
    held = next(a for a in articles if a.id == "md-0303-talks-open")  # a near copy of a stored report
    dbs = {}
    for mode in (False, True):
        conn = store.connect(tmp_path / f"{mode}.db")
        ingest(conn, [a for a in articles if a is not held])
        dbs[mode] = conn
    stored = len(articles) - 1
    reference = ingest(dbs[False], [Article(**held.__dict__)], command="add")
    assert reference.work["clean_input"] == stored + 1  # the full path: every stage sees the store

    written: list[str] = []
    real = store.tables.upsert_article
    monkeypatch.setattr(store.tables, "upsert_article", lambda c, a, now: written.append(a.id) or real(c, a, now))
    event_rows: list[str] = []
    real_rows = store.tables.event_values
    monkeypatch.setattr(store.tables, "event_values", lambda events: event_rows.extend(e.id for e in events) or real_rows(events))
    built = count_calls(monkeypatch, events_mod, "build_event")  # event ids rebuilt by the events stage
    loaded = store.load_corpus(dbs[True], with_cache=False)
    added = ingest(dbs[True], [Article(**held.__dict__)], command="add", incremental=True)
    assert added.totals is not None and added.totals["articles"] == stored + 1
    assert added.totals == store.store_totals(dbs[True])  # counts moved by the working set = counted in SQL
    assert 1 < added.work["events_input"] < stored + 1  # the working set: the near events, not the store
    assert added.work["clean_input"] <= added.work["events_input"]  # clean: those sharing a line with it
    assert added.work["language"] == 1 and added.work["parse"] <= 1
    assert added.work["touched_events"] == 1 and added.work["analyze"] == 1 and added.work["brief"] == 1
    assert written == [held.id]  # no stored article row rewritten
    assert _partition(dbs[True]) == _partition(dbs[False])  # same events, stories and copies as the full path
    dates = [store.load_corpus(c, with_cache=False).by_id()[held.id].dates for c in (dbs[True], dbs[False])]
    assert dates[0] == dates[1] != []  # the analyze stage's article dates (on its copies) are saved too
    assert [c for c in added.corpus.changes if held.id in c] == [c for c in reference.corpus.changes if held.id in c]
    event = added.corpus.by_id()[held.id].event_id
    assert store.get_event(dbs[True], event).summary  # the touched event was briefed and saved
    # the working set's other events are kept as stored: not rebuilt, not written again
    assert added.work["events_input"] > added.work["touched_events"] + 1
    assert built == [event] and event_rows == [event] and added.work["events_written"] == 1
    after = store.load_corpus(dbs[True], with_cache=False)
    assert [e for e in after.events if e.id != event] == [e for e in loaded.events if e.id != event]
    stories_before = {s.id: s for s in loaded.stories}
    rewritten = [s.id for s in after.stories if stories_before.get(s.id) != s]
    assert added.work["stories_written"] == len(rewritten) <= 1  # only the story of the touched event changed
    for conn in dbs.values():
        conn.close()


def test_a_cold_add_reads_only_the_new_report_off_its_text(tmp_path, monkeypatch):
    """A new process (CLI `add`) has no per-text results in memory: the events stage takes what
    it read off the stored reports (their report dates and signals) from the store's cache, and
    clusters as it does when it reads them all again."""
    from storyweave.engines import incremental
    from storyweave.stages.events import features, report_date

    articles = sorted(read_paths([CORPUS / "txt"])[0], key=lambda a: a.id)  # bare reports: dates read off the text
    held = next(a for a in articles if a.id == "ct-strike-day-eight")  # its working set holds undated reports
    dbs = {}
    for kept in (True, False):
        conn = store.connect(tmp_path / f"{kept}.db")
        ingest(conn, [a for a in articles if a is not held])
        incremental._refresh_vectors(conn)  # once per store written by a run: the first add's upkeep, not an add's work
        if not kept:  # as a store written before the findings were kept
            with conn:
                conn.execute("DELETE FROM cache WHERE kind IN (?, ?)", (features.REPORT_DATES, features.SIGNALS))
        dbs[kept] = conn
    assert dbs[True].execute("SELECT count(*) FROM cache WHERE kind = ?", (features.SIGNALS,)).fetchone()[0] > 0
    read, stated = count_calls(monkeypatch, features, "_read_signals"), count_calls(monkeypatch, report_date, "stated_date")
    text_days: list[str] = []  # undated reports whose day is read off their text (events and stories stages)
    day_of = represent.article_day
    monkeypatch.setattr(represent, "article_day", lambda a, from_text=True: (
        text_days.append(a.id) if from_text and not a.date else None) or day_of(a, from_text))
    added = {}
    for kept, conn in dbs.items():
        for calls in (read, stated, text_days):
            calls.clear()
        added[kept] = ingest(conn, [Article(**held.__dict__)], command="add", incremental=True)
        assert added[kept].totals is not None  # the incremental path
        if kept:
            assert [a.id for a in read] == [held.id] and {a.id for a in stated} <= {held.id}
            assert set(text_days) <= {held.id}
        else:  # every report of the working set read again, the undated ones' dates too
            assert len(read) == added[kept].work["events_input"] > 1 and {a.id for a in stated} - {held.id}
            assert set(text_days) - {held.id}
    assert _partition(dbs[True]) == _partition(dbs[False])
    assert added[True].corpus.by_id()[held.id].published == added[False].corpus.by_id()[held.id].published
    # the new report's findings are kept for the next add
    again = features.cache_keys([added[True].corpus.by_id()[held.id]], Config().events)
    assert store.load_cache_entries(dbs[True], features.SIGNALS, again[features.SIGNALS])
    for conn in dbs.values():
        conn.close()


def test_incremental_add_falls_back_to_the_full_path(tmp_path):
    """A stored id in the batch (an update) or an empty store take the full path (`totals` unset)."""
    articles = sorted(read_paths([CORPUS / "jsonl"])[0], key=lambda a: a.id)
    conn = store.connect(tmp_path / "s.db")
    first = ingest(conn, articles[:3], command="add", incremental=True)
    assert first.totals is None and first.work["clean_input"] == 3  # empty store: full path
    text = articles[0].raw_text + "\n\nCorrection: a date was wrong."
    changed = Article(**{**articles[0].__dict__, "text": text, "raw_text": text})
    again = ingest(conn, [changed], command="add", incremental=True)
    assert again.totals is None and again.merge.updated == [articles[0].id]
    conn.close()


@contextmanager
def _collector_passes() -> Iterator[list[int]]:
    """The generations of the cyclic collector's passes inside, under a low threshold (100) that
    would otherwise collect many times; the thresholds restored and anything frozen unfrozen after."""
    import gc

    passes: list[int] = []

    def counted(phase: str, info: dict) -> None:
        if phase == "start":
            passes.append(info["generation"])

    threshold = gc.get_threshold()
    gc.set_threshold(100, 10, 10)
    gc.callbacks.append(counted)
    try:
        yield passes
    finally:
        gc.callbacks.remove(counted)
        gc.set_threshold(*threshold)
        gc.unfreeze()  # what a paused collector froze inside


def test_paused_collector_runs_no_pass_in_the_incremental_path_only(tmp_path, monkeypatch):
    """`ingest(..., pause_collector=True)` (the CLI's `add`): no cyclic-collector pass while the
    incremental path runs nor when it ends (what is alive is frozen), the collector on again after
    it; the full path (here: an empty store) collects as usual.  Counted by `gc.callbacks` with a low threshold that would otherwise
    collect many times."""
    import gc

    articles = sorted(read_paths([CORPUS / "jsonl"])[0], key=lambda a: a.id)
    with _collector_passes() as passes:
        conn = store.connect(tmp_path / "s.db")
        full = ingest(conn, articles[:-1], command="add", incremental=True, pause_collector=True)
        assert full.totals is None and passes  # the full path: collected
        passes.clear()
        added = ingest(conn, [articles[-1]], command="add", incremental=True, pause_collector=True)
        assert added.totals is not None and passes == []  # the incremental path: no pass, none on leaving it
        assert gc.isenabled() and gc.get_freeze_count() > 0  # what was alive is frozen, not scanned
        passes.clear()
        again = ingest(conn, [Article(id="harlow-budget", text=NEW, published="2024-05-07")], command="add",
                       incremental=True)
        assert again.totals is not None and passes  # not asked: collected as before
        conn.close()


def test_paused_collector_stays_off_when_a_library_turns_it_on():
    """srsly's msgpack readers (spaCy's model loading reads through them) call `gc.enable()`
    whatever the state was: inside the pause no pass runs all the same, and after it the
    thresholds and the collector are as they were."""
    import gc

    import srsly

    from storyweave.engines.local import _collector_paused

    with _collector_passes() as passes:
        with _collector_paused(True):
            assert srsly.msgpack_loads(srsly.msgpack_dumps({"a": [1, 2]})) == {"a": [1, 2]}
            assert gc.isenabled()  # srsly turned it on
            cycles = []
            for _ in range(5_000):
                cycle: list = []
                cycle.append(cycle)
                cycles.append(cycle)
        assert passes == []
        assert gc.get_threshold() == (100, 10, 10) and gc.isenabled()


def test_a_warm_process_applies_the_saved_vectors_only_when_it_searches_again(tmp_path):
    """After an add, a process's kept vectors (`incremental._WARM`) only record what it saved (a
    CLI add ends there: no index of the ids, no copy of the store's matrix); the next search
    applies it, and the rows and events equal the ones a fresh process reads from the store."""
    from storyweave.engines import incremental

    articles = sorted(read_paths([CORPUS / "jsonl"])[0], key=lambda a: a.id)
    conn = store.connect(tmp_path / "s.db")
    ingest(conn, articles[1:])
    incremental._WARM.clear()
    ingest(conn, [articles[0]], command="add", incremental=True)
    (warm,) = incremental._WARM.values()
    stored = len(warm.ids)
    assert len(warm._pending) == 1 and warm._row is None and len(warm.matrix) == stored  # recorded only
    ingest(conn, [Article(id="harlow-budget", text=NEW, published="2024-05-07")], command="add", incremental=True)
    assert incremental._WARM[next(iter(incremental._WARM))] is warm and len(warm.ids) == stored + 1  # applied
    assert len(warm._pending) == 1 and len(warm.matrix) == stored + 1  # the second add's rows: recorded only
    searched = incremental._vectors(conn)
    assert searched is warm and warm._pending == [] and len(warm.ids) == len(warm.matrix) == stored + 2
    incremental._WARM.clear()
    fresh = incremental._vectors(conn)
    assert ({i: warm.matrix[k].tobytes() for k, i in enumerate(warm.ids)}
            == {i: fresh.matrix[k].tobytes() for k, i in enumerate(fresh.ids)})
    assert dict(zip(warm.ids, warm.events, strict=True)) == dict(zip(fresh.ids, fresh.events, strict=True))
    conn.close()
