"""Scriptable CLI: --format/--json on listings, data on stdout, messages on stderr, --quiet,
`-` reads JSON Lines from stdin, no markup interpretation of data or help text."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from storyweave.cli import app

LINES = [
    {"id": "quake-post-with-a-rather-long-identifier-0001", "source": "Post", "published": "2024-03-04",
     "title": "Quake hits Valdoria",
     "text": "A magnitude 6.1 earthquake struck the mountain town of Valdoria on Monday, officials said. "
             "At least 1.7 million people lost power across the region."},
    {"id": "quake-wire", "source": "Wire", "published": "2024-03-04",
     "text": "An earthquake of magnitude 6.1 hit the mountain town of Valdoria on Monday. "
             "Officials said 1.5 million people lost power across the region.", "desk": "world"},
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "s.db"
    stdin = "\n".join(json.dumps(x) for x in LINES) + "\n{not json\n"
    result = CliRunner().invoke(app, ["add", "-", "--db", str(path)], input=stdin)
    assert result.exit_code in (0, 3), result.output  # 3: some input was bad (reliability's exit code)
    assert "-: line 3: invalid JSON" in result.stderr
    return path


def test_stdin_articles_are_stored_with_unknown_keys_as_metadata(db):
    from storyweave.io import store

    conn = store.connect(db)
    try:
        assert store.get_article(conn, "quake-wire").metadata == {"desk": "world"}
        assert store.get_article(conn, LINES[0]["id"]).title == "Quake hits Valdoria"
    finally:
        conn.close()


@pytest.mark.parametrize("args", [["--json"], ["--format", "json"]])
def test_events_json_on_stdout(db, args):
    result = CliRunner().invoke(app, ["events", "--db", str(db), *args])
    assert result.exit_code == 0
    events = json.loads(result.stdout)
    assert sum(e["articles"] for e in events) == 2 and all(e["id"] for e in events)


def test_events_jsonl_csv_tsv_and_full_ids(db):
    runner = CliRunner()
    jsonl = [json.loads(line) for line in runner.invoke(app, ["events", "--db", str(db), "-f", "jsonl"]).stdout.splitlines()]
    ids = {e["id"] for e in jsonl}
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["events", "--db", str(db), "-f", "csv"]).stdout)))
    assert {r["id"] for r in rows} == ids
    tsv = runner.invoke(app, ["events", "--db", str(db), "-f", "tsv"]).stdout.splitlines()
    assert tsv[0].split("\t")[0] == "id" and len(tsv) == len(ids) + 1
    table = runner.invoke(app, ["events", "--db", str(db)]).stdout  # not a terminal: nothing cut
    assert all(i in table for i in ids)
    assert runner.invoke(app, ["events", "--db", str(db), "-f", "xml"]).exit_code == 2


def test_search_keeps_brackets_of_data(db):
    runner = CliRunner()
    table = runner.invoke(app, ["search", "Valdoria", "--db", str(db)])
    assert table.exit_code == 0 and "[Valdoria]" in table.stdout
    assert "quake-post-with-a-rather-long-identifier-0001" in table.stdout  # full ids off a terminal
    hits = json.loads(runner.invoke(app, ["search", "Valdoria", "--db", str(db), "--json"]).stdout)
    assert {h["id"] for h in hits} == {x["id"] for x in LINES} and all("[Valdoria]" in h["snippet"] for h in hits)
    none = runner.invoke(app, ["search", "zebra", "--db", str(db)])
    assert none.exit_code == 1 and none.stdout == "" and "no matches" in none.stderr
    assert json.loads(runner.invoke(app, ["search", "zebra", "--db", str(db), "--json"]).stdout) == []


def test_runs_and_stages_formats(db):
    runner = CliRunner()
    runs = json.loads(runner.invoke(app, ["runs", "--db", str(db), "--json"]).stdout)
    assert runs[0]["command"] == "add" and runs[0]["counts"]["new"] == 2
    stages = [json.loads(x) for x in runner.invoke(app, ["stages", "-f", "jsonl"]).stdout.splitlines()]
    from storyweave.pipeline import STAGES

    assert [s["name"] for s in stages] == [s.name for s in STAGES]


def test_help_text_is_literal():
    result = CliRunner().invoke(app, ["run", "--help"], terminal_width=200)
    assert "storyweave[ray]" in result.stdout


def test_quiet_silences_messages_not_data(db, tmp_path):
    runner = CliRunner()
    loud = runner.invoke(app, ["report", "--db", str(db), "-o", str(tmp_path / "a")])
    quiet = runner.invoke(app, ["--quiet", "report", "--db", str(db), "-o", str(tmp_path / "b")])
    assert "wrote" in loud.stderr and "wrote" not in quiet.stderr
    assert json.loads(runner.invoke(app, ["--quiet", "events", "--db", str(db), "--json"]).stdout)


def test_quiet_is_taken_after_the_command_too(db, tmp_path):
    """`storyweave report --db X -o Y --quiet` was refused ("No such option"): click reads a group's
    options only before the command."""
    runner = CliRunner()
    after = runner.invoke(app, ["report", "--db", str(db), "-o", str(tmp_path / "a"), "--quiet"])
    assert after.exit_code == 0 and "wrote" not in after.stderr and (tmp_path / "a" / "briefings.json").exists()
    short = runner.invoke(app, ["events", "--db", str(db), "-q", "--json"])
    assert short.exit_code == 0 and json.loads(short.stdout)

