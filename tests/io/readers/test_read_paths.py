"""read_paths: recursion over mixed folders, deterministic order, one-line errors, duplicate ids."""

import json

from storyweave.io.readers import read_paths


def make_folder(root):
    (root / "b" / "deep").mkdir(parents=True)
    (root / "a.txt").write_text("First report text about the floods.\nSecond line.\n", encoding="utf-8")
    (root / "b" / "c.jsonl").write_text(
        json.dumps({"id": "j1", "text": "From JSON lines."})
        + "\n"
        + json.dumps({"id": "a", "text": "dup id"})
        + "\n",
        encoding="utf-8",
    )
    (root / "b" / "deep" / "d.html").write_text(
        "<html><body><article><p>An HTML report about the floods in the valley, with enough words to count "
        "as an article for the extractor, from our correspondent.</p></article></body></html>",
        encoding="utf-8",
    )
    (root / "b" / "notes.pdf").write_bytes(b"%PDF-1.4")
    (root / "b" / "garbage.txt").write_bytes(b"\xff\xfe\x00\x01binary\x00\x00")
    (root / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (root / "README.md").write_text("# about this folder", encoding="utf-8")
    (root / "gold.json").write_text('{"articles": {"a": {"event": "E1"}}}', encoding="utf-8")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "skip.txt").write_text("hidden", encoding="utf-8")


def test_mixed_folder_recursion_and_errors(tmp_path):
    make_folder(tmp_path)
    articles, errors = read_paths([tmp_path, tmp_path / "missing.txt"])
    assert [a.id for a in articles] == ["a", "j1", "d"]
    assert all(a.is_new and a.raw_text == a.text for a in articles)
    by_file = {e.path.rsplit("/", 1)[-1]: e.reason for e in errors}
    assert "duplicate article id 'a'" in by_file["c.jsonl"] and "kept the first" in by_file["c.jsonl"]
    assert "unsupported file type '.pdf'" in by_file["notes.pdf"]
    assert "UTF-8" in by_file["garbage.txt"] or "binary" in by_file["garbage.txt"]
    assert "empty" in by_file["empty.txt"]
    assert by_file["missing.txt"] == "no such file or folder"
    assert all("\n" not in str(e) for e in errors)
    assert "README.md" not in by_file and "gold.json" not in by_file  # docs and labels: skipped


def test_unknown_extension_given_explicitly_is_an_error(tmp_path):
    path = tmp_path / "README.md"
    path.write_text("# notes", encoding="utf-8")
    articles, errors = read_paths([path])
    assert articles == [] and "unsupported file type '.md'" in errors[0].reason


def test_order_is_deterministic_and_a_file_given_twice_is_read_once(tmp_path):
    make_folder(tmp_path)
    first, _ = read_paths([tmp_path])
    second, _ = read_paths([tmp_path, tmp_path / "a.txt"])
    assert [a.id for a in first] == [a.id for a in second]


def test_single_path_string(tmp_path):
    (tmp_path / "x.txt").write_text("Some report text here.\n", encoding="utf-8")
    articles, errors = read_paths(str(tmp_path / "x.txt"))
    assert [a.id for a in articles] == ["x"] and errors == []
