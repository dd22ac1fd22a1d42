"""SQLite store: round trip, idempotent merge, updates, rollback, migrations, search."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace

import pytest

from storyweave.io import store
from storyweave.model import (
    Article,
    Corpus,
    Discrepancy,
    DiscrepancyValue,
    DuplicateLink,
    Entity,
    Event,
    Quote,
    Story,
    SummarySentence,
    TimelineEntry,
)


def _article(ident: str, text: str, **kw) -> Article:
    return Article(id=ident, text=text, raw_text=text, **kw)


def _batch() -> list[Article]:
    return [
        _article("a1", "The river flooded Kelm on Monday.", source="Post", published="2024-05-06",
                 title="Floods", metadata={"author": "R. Lee"}, removed=["Subscribe now"]),
        _article("a2", "Floods hit Kelm; 300 people were evacuated.", source="Wire", published="2024-05-06T09:30"),
        _article("a3", "Storm damage in Orsk, officials say.", source="Herald"),
    ]


def _processed(articles: list[Article]) -> Corpus:
    """What the stages would have produced, built by hand."""
    for a in articles:
        a.event_id = "E1" if a.id != "a3" else "E2"
    articles[1].duplicate_of, articles[1].duplicate_kind = "a1", "rewrite"
    e1 = Event(
        id="E1", article_ids=["a1", "a2"], title="Floods in Kelm", date="2024-05-06", story_id="S1",
        independent_sources=1,
        summary=[SummarySentence("The river flooded Kelm on Monday.", ["a1"])],
        entities=[Entity("Kelm", "GPE", ["Kelm"], ["a1", "a2"], role=None)],
        quotes=[Quote(None, "We lost everything", ["We lost everything"], ["a1"])],
        discrepancies=[Discrepancy("evacuated", [DiscrepancyValue("300", "300 people", ["a2"], "2024-05-06"),
                                                  DiscrepancyValue("250", "250 people", ["a1"])], note="update?")],
        timeline=[TimelineEntry("2024-05-06", "The river flooded Kelm on Monday.", ["a1"])],
    )
    e2 = Event(id="E2", article_ids=["a3"], title="Storm in Orsk")
    return Corpus(
        articles=articles, events=[e1, e2], stories=[Story("S1", ["E1"], "Kelm floods")],
        duplicates=[DuplicateLink("a2", "a1", "rewrite", 0.8, ["x"], original_known=False)],
        changes=["event E1 created"],
    )


@pytest.fixture
def db(tmp_path):
    return tmp_path / "store.db"


def test_round_trip_keeps_every_field(db):
    corpus = _processed(_batch())
    store.save_corpus(db, corpus)
    loaded = store.load_corpus(db)
    assert all(a.is_new is False for a in loaded.articles)
    expected = [replace(a, is_new=False) for a in corpus.articles]
    assert loaded.articles == expected
    assert loaded.events == corpus.events
    assert loaded.stories == corpus.stories
    assert loaded.duplicates == corpus.duplicates


def test_merge_same_input_twice_adds_nothing(db):
    first, report = store.merge_articles(store.load_corpus(db), _batch())
    assert report.new == ["a1", "a2", "a3"]
    store.save_corpus(db, _processed(first.articles))

    again, report = store.merge_articles(store.load_corpus(db), _batch())
    assert report.new == [] and report.updated == []
    assert report.unchanged == ["a1", "a2", "a3"]
    assert [a.id for a in again.articles] == ["a1", "a2", "a3"]
    assert not any(a.is_new for a in again.articles)
    store.save_corpus(db, again)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 2
    assert len(store.runs(db)) == 2


def test_changed_content_updates_the_article_and_is_recorded(db):
    store.save_corpus(db, _processed(_batch()))
    with sqlite3.connect(db) as conn:
        first_seen = conn.execute("SELECT first_seen FROM articles WHERE id='a1'").fetchone()[0]
    changed = _batch()
    changed[0] = _article("a1", "The river flooded Kelm on Monday. Two bridges collapsed.", source="Post",
                          published="2024-05-06", title="Floods")
    corpus, report = store.merge_articles(store.load_corpus(db), changed)
    assert report.updated == ["a1"] and report.unchanged == ["a2", "a3"]
    updated = corpus.by_id()["a1"]
    assert updated.is_new and "bridges" in updated.raw_text
    assert updated.event_id == "E1"  # the stored event is kept as a hint for the events stage
    assert any("a1" in change and "updated" in change for change in corpus.changes)
    store.save_corpus(db, corpus)
    assert "bridges" in store.load_corpus(db).by_id()["a1"].raw_text
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT first_seen FROM articles WHERE id='a1'").fetchone()[0] == first_seen
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert any("a1" in c for c in store.runs(db, 1)[0].changes)
    assert [h.id for h in store.search(db, "bridges")] == ["a1"]


def test_repeated_id_in_one_batch_is_reported_not_added():
    batch = _batch() + [_article("a1", "another text with the same id")]
    corpus, report = store.merge_articles(Corpus(), batch)
    assert report.repeated == ["a1"]
    assert [a.id for a in corpus.articles] == ["a1", "a2", "a3"]
    assert any("duplicate id" in e.reason for e in corpus.errors)


def test_failed_save_rolls_back_everything(db, monkeypatch):
    store.save_corpus(db, _processed(_batch()))
    before = store.load_corpus(db)
    grown = _processed(_batch() + [_article("a4", "A fourth report.")])
    grown.events = []
    for a in grown.articles[:3]:
        a.event_id = "E9"  # changed, so written (unchanged rows are skipped)
    calls = {"n": 0}
    real_upsert = store.tables.upsert_article

    def crash_on_fourth(conn, article, now):
        calls["n"] += 1
        if article.id == "a4":
            raise RuntimeError("disk on fire")
        real_upsert(conn, article, now)

    monkeypatch.setattr(store.tables, "upsert_article", crash_on_fourth)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.save_corpus(db, grown)
    assert calls["n"] == 4  # three articles were written before the crash ...
    after = store.load_corpus(db)  # ... and none of it is visible
    assert after.articles == before.articles
    assert after.events == before.events
    assert len(store.runs(db)) == 1


def test_unchanged_articles_are_not_rewritten(db, monkeypatch):
    store.save_corpus(db, _processed(_batch()))
    written = []
    real_upsert = store.tables.upsert_article
    monkeypatch.setattr(store.tables, "upsert_article", lambda conn, a, now: written.append(a.id) or real_upsert(conn, a, now))
    grown = _processed(_batch() + [_article("a4", "A fourth report.")])
    grown.articles[2].event_id = "E7"
    store.save_corpus(db, grown)
    assert written == ["a3", "a4"]
    loaded = {a.id: a for a in store.load_corpus(db).articles}
    assert loaded["a3"].event_id == "E7" and loaded["a4"].text == "A fourth report."
    assert [h.id for h in store.search(db, "fourth")] == ["a4"]


def test_new_database_has_current_schema_and_old_one_is_migrated(db):
    conn = store.connect(db)
    assert store.schema_version(conn) == store.SCHEMA_VERSION
    conn.close()

    old = db.with_name("old.db")
    conn = sqlite3.connect(old, isolation_level=None)
    for statement in store.schema.statements(store.MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    conn.execute(
        "INSERT INTO articles(id, text, raw_text, content_hash, first_seen, updated) "
        "VALUES ('old1', 'Volcano erupts near Tarn', 'Volcano erupts near Tarn', 'h', 't', 't')"
    )
    conn.close()
    migrated = store.connect(old)
    assert store.schema_version(migrated) == store.SCHEMA_VERSION
    assert [h.id for h in store.search(migrated, "volcano")] == ["old1"]  # FTS filled from old rows
    migrated.close()


def test_unusable_database_files_give_a_clear_error(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_text("this is not sqlite " * 100)
    with pytest.raises(store.StoreError, match="junk.db"):
        store.connect(junk)
    future = tmp_path / "future.db"
    store.connect(future).execute("UPDATE meta SET value='999' WHERE key='schema_version'")
    with pytest.raises(store.StoreError, match="newer"):
        store.connect(future)


def test_search_ranks_matches_and_tolerates_bad_query_syntax(db):
    store.save_corpus(db, _processed(_batch()))
    hits = store.search(db, "Kelm")
    assert {h.id for h in hits} == {"a1", "a2"}
    assert all("[Kelm]" in h.snippet for h in hits)
    assert {h.id for h in store.search(db, "Kelm)")} == {"a1", "a2"}  # not valid FTS5: searched as a phrase
    assert store.search(db, "nowhere-to-be-found") == []


def test_from_dict_ignores_unknown_and_fills_missing_fields():
    event = store.from_dict(Event, {"id": "E9", "article_ids": ["x"], "future_field": 1,
                                    "summary": [{"text": "t", "article_ids": ["x"], "extra": True}]})
    assert event.summary == [SummarySentence("t", ["x"])]
    assert event.facts == [] and event.title == ""
    story = store.from_dict(Story, {"id": "S1"})  # required list missing in an old row
    assert story.event_ids == []


def test_using_closes_only_the_connections_it_opened(tmp_path):
    db = tmp_path / "s.db"
    with store.using(db) as opened:
        assert opened.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    with pytest.raises(sqlite3.ProgrammingError):  # opened from a path: closed on leaving
        opened.execute("SELECT 1")
    own = store.connect(db)
    with store.using(own) as same:
        assert same is own
    assert own.execute("SELECT 1").fetchone()[0] == 1  # the caller's connection stays open
    own.close()


def _store_before(db, marker: str) -> sqlite3.Connection:
    """A store at the schema version before the first migration containing `marker`."""
    conn = sqlite3.connect(db, isolation_level=None)
    before = store.MIGRATIONS.index(next(m for m in store.MIGRATIONS if marker in m))
    for script in store.MIGRATIONS[:before]:
        for statement in store.schema.statements(script):
            conn.execute(statement)
    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(before),))
    return conn


def _vectors_of(conn) -> dict[str, str]:
    return dict(conn.execute("SELECT id, content_hash FROM article_vectors").fetchall())


def test_kept_vectors_follow_their_articles_and_the_stale_check_reads_two_counts(db):
    """A vector is dropped when its article's content changes or the article goes, whatever writes
    the row (the schema's triggers); kept when the article is written again unchanged or the
    transaction is rolled back; so as many vectors as articles means none is stale and
    `stale_vector_ids` answers from two counts without joining the articles."""
    store.save_corpus(db, _processed(_batch()))
    conn = store.connect(db)
    articles = store.load_corpus(conn).by_id()
    store.save_vectors(conn, [(a, 1, b"\0" * 8) for a in articles.values()])
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    assert store.stale_vector_ids(conn) == [] and not any("JOIN" in s for s in statements)
    conn.set_trace_callback(None)
    with store.transaction(conn):
        store.tables.upsert_article(conn, articles["a1"], "t")  # the same content again
    assert set(_vectors_of(conn)) == {"a1", "a2", "a3"}
    changed = replace(articles["a2"], raw_text="Floods hit Kelm; 400 people were evacuated.")
    with pytest.raises(RuntimeError), store.transaction(conn):
        store.tables.upsert_article(conn, changed, "t")
        assert "a2" not in _vectors_of(conn)
        raise RuntimeError("crash before the commit")
    assert set(_vectors_of(conn)) == {"a1", "a2", "a3"} and store.stale_vector_ids(conn) == []
    with store.transaction(conn):
        store.tables.upsert_article(conn, changed, "t")
    assert set(_vectors_of(conn)) == {"a1", "a3"} and store.stale_vector_ids(conn) == ["a2"]
    conn.execute("DELETE FROM articles WHERE id = 'a3'")
    assert set(_vectors_of(conn)) == {"a1"} and store.stale_vector_ids(conn) == ["a2"]
    stored = dict(conn.execute("SELECT id, content_hash FROM articles").fetchall())
    assert _vectors_of(conn) == {"a1": stored["a1"]}
    conn.close()


def test_migration_drops_the_kept_vectors_of_changed_or_removed_articles(db):
    """A store of the schema before the triggers, with a vector of an older content and one of a
    removed article: the migration drops both (their articles are then stale, recomputed by the
    next add) and keeps the current one."""
    conn = _store_before(db, "articles_vector_insert")
    for ident, digest in (("a1", "h1"), ("a2", "h2")):
        conn.execute("INSERT INTO articles(id, text, raw_text, content_hash, first_seen, updated, event_id) "
                     "VALUES (?, 'text', 'text', ?, 't', 't', 'e1')", (ident, digest))
    conn.executemany("INSERT INTO article_vectors VALUES (?, ?, 1, x'0000803f')",
                     [("a1", "h1"), ("a2", "an older content"), ("gone", "h3")])
    conn.close()
    migrated = store.connect(db)
    assert store.schema_version(migrated) == store.SCHEMA_VERSION
    assert _vectors_of(migrated) == {"a1": "h1"} and store.stale_vector_ids(migrated) == ["a2"]
    # the kept vectors' snapshot (`io/vectors.py`) starts empty, every kept vector logged
    assert [tuple(r) for r in migrated.execute("SELECT id FROM vector_log")] == [("a1",)]
    ids, events, days, matrix = store.load_vectors(migrated)
    assert (ids, events, days, matrix.tolist()) == (["a1"], ["e1"], [1], [[1.0]])
    migrated.close()


def test_events_of_one_day_and_undated_ones_are_listed_largest_first(db):
    """Newest first and undated last; within a day and among the undated (most events of a
    bare-text corpus), the event with more independent sources, then more reports, comes first,
    not the one whose id happens to sort first; an event without a summary (a page with no news
    text) after all the others."""
    articles = [_article(f"a{k}", f"Report {k}.") for k in range(8)]
    said = [SummarySentence("Report 0.", ["a0"])]
    sizes = {"E-a": (["a0"], 1, None, said), "E-b": (["a1", "a2", "a3"], 3, None, said),
             "E-c": (["a4", "a5"], 1, None, said), "E-d": (["a6"], 1, "2024-05-06", said),
             "E-e": (["a7"], 1, "2024-05-09", [])}
    events = [Event(id=ident, article_ids=ids, independent_sources=indep, date=day, summary=summary)
              for ident, (ids, indep, day, summary) in sizes.items()]
    for e in events:
        for a in e.article_ids:
            next(x for x in articles if x.id == a).event_id = e.id
    conn = store.connect(db)
    store.save_corpus(conn, Corpus(articles=articles, events=events))
    assert [r.id for r in store.list_events(conn, 10, 0)] == ["E-d", "E-b", "E-c", "E-a", "E-e"]
    assert [r.id for r in store.list_events(conn, 2, 1)] == ["E-b", "E-c"]
    plan = " ".join(str(tuple(r)) for r in conn.execute(
        f"EXPLAIN QUERY PLAN SELECT e.id FROM event_summaries e ORDER BY {store.queries._EVENT_ORDER} LIMIT 5"))
    assert "event_summaries_order" in plan and "TEMP B-TREE" not in plan  # the page read off the index
    conn.close()


def test_migration_fills_the_summary_count_of_stored_events(db):
    """A store made before events were ordered by their summary: the migration counts each stored
    event's summary sentences, and later writes keep the count (the triggers were re-made)."""
    conn = _store_before(db, "ADD COLUMN summary")
    data = {"id": "E1", "article_ids": ["a1"], "summary": [{"text": "x", "article_ids": ["a1"]}] * 2}
    conn.execute("INSERT INTO events VALUES ('E1', NULL, NULL, ?)", (json.dumps(data),))
    conn.execute("INSERT INTO events VALUES ('E2', NULL, NULL, ?)", (json.dumps({**data, "id": "E2", "summary": []}),))
    conn.close()
    migrated = store.connect(db)
    assert store.schema_version(migrated) == store.SCHEMA_VERSION
    assert dict(migrated.execute("SELECT id, summary FROM event_summaries").fetchall()) == {"E1": 2, "E2": 0}
    migrated.execute("UPDATE events SET data = ? WHERE id = 'E2'", (json.dumps({**data, "id": "E2"}),))
    assert dict(migrated.execute("SELECT id, summary FROM event_summaries").fetchall()) == {"E1": 2, "E2": 2}
    migrated.close()
