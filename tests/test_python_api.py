"""The Python API: storyweave.run from dicts/paths to a typed result; Article.from_dict."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime

import pytest

import storyweave
from storyweave.model import Article

RECORDS = [
    {"id": "p1", "source": "Post", "published": "2024-03-04", "section": "world",
     "text": "A magnitude 6.1 earthquake struck the mountain town of Valdoria on Monday, officials said. "
             "At least 1.7 million people lost power across the region."},
    {"id": "w1", "source": "Wire", "published": "2024-03-04",
     "text": "An earthquake of magnitude 6.1 hit the mountain town of Valdoria on Monday. "
             "Officials said 1.5 million people lost power across the region."},
    {"id": "bad"},
]


def test_from_dict_keeps_unknown_keys_as_metadata():
    article = Article.from_dict({"id": "a", "text": "T.", "title": "x", "desk": "city", "metadata": {"k": 1}})
    assert article.title == "x" and article.metadata == {"k": 1, "desk": "city"} and article.raw_text == "T."
    with pytest.raises(ValueError, match="text"):
        Article.from_dict({"id": "a"})
    with pytest.raises(TypeError):
        Article.from_dict(["id", "text"])  # type: ignore[arg-type]


def test_run_from_dicts_in_memory():
    result = storyweave.run(RECORDS)
    assert isinstance(result, storyweave.Result)
    assert sorted(a.id for a in result.articles) == ["p1", "w1"]
    assert [str(e) for e in result.errors] == ["record 2: article 'bad': missing or empty text"]
    assert sum(len(e.article_ids) for e in result.events) == 2 and result.stories is result.corpus.stories
    document = json.loads(result.to_json())
    from storyweave.io.render.contract import validate

    validate(document)
    assert result.event(result.events[0].id) is result.events[0]
    assert next(a for a in result.articles if a.id == "p1").metadata == {"section": "world"}


def test_run_into_a_store_then_paths(tmp_path):
    db = tmp_path / "s.db"
    first = storyweave.run(RECORDS[:2], db=db)
    assert first.run_id == 1 and len(first.articles) == 2
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "cup.txt").write_text("Harbour City beat Northfield 2-1 in the cup final on Saturday evening.\n")
    second = storyweave.run(folder, db=db)
    assert second.run_id == 2 and sorted(a.id for a in second.articles) == ["cup", "p1", "w1"]


def test_import_is_cheap():
    """Counting imported modules, not time: `import storyweave` loads none of the stages."""
    code = "import sys, storyweave; print(sorted(m for m in sys.modules if m.startswith(('storyweave', 'spacy', 'numpy'))))"
    loaded = json.loads(subprocess.run([sys.executable, "-c", code.replace("print(", "import json; print(json.dumps(")
                                         + ")"], capture_output=True, text=True, check=True).stdout)
    assert loaded == ["storyweave"]
    assert set(storyweave.__all__) <= set(dir(storyweave))


def test_records_are_read_as_the_json_reader_reads_the_same_object(tmp_path):
    """A record's `published` goes through the readers' date parsing (a written date is a date, an
    unreadable one is kept as `metadata.unparsed_published`, not taken as the event's date) and its
    strings through their normalisation; a Python date or datetime is a date, not a failed article."""
    text = RECORDS[0]["text"] + "\x07"
    records = [{"id": f"d{i}", "text": text, "published": value, "source": "Post"}
               for i, value in enumerate(["March 4, 2024", "2024-13-45", "soon", "2024-03-04T09:30:00Z"])]
    (tmp_path / "same.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    from storyweave.io.readers import read_paths

    read, problems = read_paths([tmp_path / "same.jsonl"])
    assert problems == [] and read[0].published == "2024-03-04"
    result = storyweave.run([*records, {"id": "py-date", "text": text, "published": date(2024, 3, 4)},
                             {"id": "py-datetime", "text": text, "published": datetime(2024, 3, 4, 9, 30)}])
    assert result.errors == []
    by_id = {a.id: a for a in result.articles}
    for reader_article in read:
        article = by_id[reader_article.id]
        assert article.published == reader_article.published, article.id
        assert article.metadata == reader_article.metadata, article.id
        assert article.raw_text == reader_article.raw_text, article.id
    assert by_id["d1"].published is None and by_id["d1"].metadata == {"unparsed_published": "2024-13-45"}
    assert by_id["py-date"].date == by_id["py-datetime"].date == "2024-03-04"
    monday = [d.value for d in by_id["d0"].dates if d.text.endswith("Monday")]
    assert monday == ["2024-03-04"]  # resolved against the record's date (a Monday)


def test_article_objects_are_read_as_records_are_without_changing_the_callers(tmp_path):
    """`Article` objects went in as given: a written date stayed a string the events took as is,
    control characters stayed in the text.  They are read as dicts are; the caller's object is
    left unchanged."""
    text = RECORDS[0]["text"] + "\x07"
    given = Article(id="obj", text=text, published="March 4, 2024", source="Post")
    result = storyweave.run([given, {"id": "rec", "text": text, "published": "March 4, 2024", "source": "Post"}])
    assert result.errors == []
    by_id = {a.id: a for a in result.articles}
    assert by_id["obj"].published == by_id["rec"].published == "2024-03-04"
    assert by_id["obj"].raw_text == by_id["rec"].raw_text and "\x07" not in by_id["obj"].raw_text
    assert given.published == "March 4, 2024" and given.text == text
    assert storyweave.run([Article(id="blank", text="\x07\x07")]).errors[0].path == "record 0"
