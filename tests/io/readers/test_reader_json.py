"""JSON and JSON Lines readers: one article per object, bad lines reported with their number."""

import json

from storyweave.io.readers import read_paths


def test_jsonl_bad_line_unknown_field_and_date_normalisation(tmp_path):
    path = tmp_path / "dump.jsonl"
    rows = [
        json.dumps(
            {
                "id": "a1",
                "url": "https://x.example/a1",
                "source": "Wire",
                "title": "T1",
                "published": "March 3, 2026",
                "text": "First article text.",
                "section": "world",
            }
        ),
        "{not json",
        json.dumps({"id": "a2", "title": "no text here"}),
        "",
        json.dumps({"id": "a3", "text": "   "}),
        json.dumps(
            {
                "id": "a4",
                "text": "Fourth.",
                "published": "2026-03-04T08:15:00+01:00",
                "source": {"id": "dp", "name": "Daily Planet"},
            }
        ),
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    articles, errors = read_paths([path])
    assert [a.id for a in articles] == ["a1", "a4"]
    a1, a4 = articles
    assert a1.published == "2026-03-03"
    assert a1.metadata == {"section": "world"}
    assert (a1.source, a1.url, a1.title, a1.text) == (
        "Wire",
        "https://x.example/a1",
        "T1",
        "First article text.",
    )
    assert a4.published == "2026-03-04T08:15:00+01:00"
    assert a4.source == "Daily Planet"
    reasons = [e.reason for e in errors]
    assert len(reasons) == 3
    assert reasons[0].startswith("line 2: invalid JSON")
    assert reasons[1].startswith("line 3: missing text")
    assert reasons[2].startswith("line 5: empty article text")
    assert all(e.path == str(path) and "\n" not in str(e) for e in errors)


def test_json_list_and_single_object(tmp_path):
    (tmp_path / "list.json").write_text(
        json.dumps([{"id": "l1", "text": "One."}, {"id": "l2", "text": "Two.", "published": "2026-03-05"}]),
        encoding="utf-8",
    )
    (tmp_path / "one.json").write_text(json.dumps({"id": "o1", "text": "Single."}), encoding="utf-8")
    articles, errors = read_paths([tmp_path])
    assert errors == []
    assert [a.id for a in articles] == ["l1", "l2", "o1"]
    assert articles[1].published == "2026-03-05"


def test_json_object_without_text_is_reported(tmp_path):
    path = tmp_path / "gold.json"
    path.write_text(json.dumps({"articles": {"x": {"event": "E1"}}}), encoding="utf-8")
    articles, errors = read_paths([path])
    assert articles == []
    assert len(errors) == 1 and "missing text" in errors[0].reason


def test_unparseable_date_is_kept_in_metadata(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(
        json.dumps({"id": "d1", "text": "x y z.", "published": "sometime soon"}) + "\n", encoding="utf-8"
    )
    [a], _ = read_paths([path])
    assert a.published is None
    assert a.metadata["unparsed_published"] == "sometime soon"
