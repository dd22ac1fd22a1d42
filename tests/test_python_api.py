"""The Python API: storyweave.run from dicts/paths to a typed result; Article.from_dict."""

from __future__ import annotations

import json
import subprocess
import sys

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
