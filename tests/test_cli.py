"""CLI end to end on tiny inputs written here (real readers, real stages, real store)."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.engines import local
from storyweave.io import store
from storyweave.io.render.contract import validate
from storyweave.pipeline import STAGES, Stage

QUAKE = (
    "Quake hits Valdoria\n\n"
    "A magnitude 6.1 earthquake struck the mountain town of Valdoria on Monday, officials said. "
    "At least 1.7 million people lost power across the region. "
    '"We need help now," said Mayor Ana Varga.\n'
)
QUAKE_REWRITE = (
    "Valdoria earthquake leaves region dark\n\n"
    "An earthquake of magnitude 6.1 hit the mountain town of Valdoria on Monday. "
    "Officials said 1.5 million people lost power across the region. "
    'Mayor Ana Varga said: "We need help immediately."\n'
)
FOOTBALL = (
    "Harbour City wins the cup\n\n"
    "Harbour City beat Northfield 2-1 in the cup final on Saturday evening in front of 40,000 fans. "
    "The winning goal came in the last minute of extra time.\n"
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def inputs(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "quake-post.txt").write_text(QUAKE, encoding="utf-8")
    (folder / "quake-wire.txt").write_text(QUAKE_REWRITE, encoding="utf-8")
    (folder / "cup.txt").write_text(FOOTBALL, encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\xff\xfe\x00\x81 not text")
    return folder


def _counts(db) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("articles", "events", "stories", "duplicate_links", "articles_fts")}


def test_run_reports_bad_file_in_one_line_and_processes_the_rest(runner, inputs, tmp_path):
    # `inputs` holds one unreadable file (broken.txt): every run over it exits 3 (done, one input skipped)
    out, db = tmp_path / "out", tmp_path / "s.db"
    result = runner.invoke(app, ["run", str(inputs), "--out", str(out), "--db", str(db), "--words", "60", "-v"])
    assert result.exit_code == 3, result.output  # done, but one input skipped
    assert all(f"stage {stage.name}: " in result.stderr for stage in STAGES)
    errors = [line for line in result.stderr.splitlines() if "broken.txt" in line]
    assert len(errors) == 1 and errors[0].startswith(str(inputs / "broken.txt") + ": ")
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("read 3 articles (3 new, 0 updated, 0 unchanged); skipped 1 (1 ")
    assert "events" in summary and "stories" in summary
    doc = json.loads((out / "briefings.json").read_text(encoding="utf-8"))
    validate(doc)  # real pipeline output meets the contract
    assert {a["id"] for a in doc["articles"]} == {"quake-post", "quake-wire", "cup"}
    assert "quake-post" in (out / "briefings.md").read_text(encoding="utf-8")
    assert "<svg" in (out / "index.html").read_text(encoding="utf-8")


def test_second_run_on_same_input_adds_nothing(runner, inputs, tmp_path):
    db = tmp_path / "s.db"
    args = ["run", str(inputs), "--out", str(tmp_path / "out"), "--db", str(db)]
    first = runner.invoke(app, args)
    assert first.exit_code == 3, first.output
    counts = _counts(db)
    second = runner.invoke(app, args)
    assert second.exit_code == 3, second.output
    assert "(0 new, 0 updated, 3 unchanged)" in second.stdout
    assert _counts(db) == counts
    assert counts["articles"] == 3 and counts["articles_fts"] == 3
    last_two = store.runs(db, 2)
    assert last_two[0].counts["events"] == last_two[1].counts["events"]


def test_an_add_under_other_knobs_says_the_events_it_did_not_touch_keep_their_results(runner, inputs, tmp_path):
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["add", str(inputs), "--db", str(db)]).exit_code == 3
    late, later = tmp_path / "late.txt", tmp_path / "later.txt"  # one new file each: the incremental add
    late.write_text(FOOTBALL + "\nThe captain lifted the trophy.\n", encoding="utf-8")
    result = runner.invoke(app, ["add", str(late), "--db", str(db), "--words", "40"])
    assert result.exit_code == 0 and "(1 new, 0 updated, 0 unchanged)" in result.stdout, result.output
    assert "note:" in result.stderr and "did not touch keep them" in result.stderr
    later.write_text(QUAKE + "\nPower came back on Tuesday.\n", encoding="utf-8")
    same = runner.invoke(app, ["add", str(later), "--db", str(db)])  # the knobs that made the stored results
    assert same.exit_code == 0 and "(1 new, 0 updated, 0 unchanged)" in same.stdout and "note:" not in same.stderr


def test_changed_file_is_updated_and_recorded(runner, inputs, tmp_path):
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["add", str(inputs), "--db", str(db)]).exit_code == 3
    (inputs / "cup.txt").write_text(FOOTBALL + "\nThe captain lifted the trophy.\n", encoding="utf-8")
    result = runner.invoke(app, ["add", str(inputs), "--db", str(db)])
    assert result.exit_code == 3, result.output
    assert "(0 new, 1 updated, 2 unchanged)" in result.stdout
    assert "trophy" in store.load_corpus(db).by_id()["cup"].raw_text
    assert any("cup" in change for change in store.runs(db, 1)[0].changes)
    assert _counts(db)["articles"] == 3


def test_nothing_readable_is_a_clear_failure(runner, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x81")
    result = runner.invoke(app, ["run", str(bad), str(tmp_path / "missing"), "--out", str(tmp_path / "o"),
                                 "--db", str(tmp_path / "s.db")])
    assert result.exit_code != 0
    assert "nothing could be read" in result.stderr
    assert not (tmp_path / "s.db").exists() and not (tmp_path / "o").exists()


def test_failing_stage_leaves_store_unchanged(runner, inputs, tmp_path, monkeypatch):
    db = tmp_path / "s.db"
    (inputs / "cup.txt").unlink()
    assert runner.invoke(app, ["add", str(inputs), "--db", str(db)]).exit_code == 3
    before = _counts(db), store.load_corpus(db)
    (inputs / "cup.txt").write_text(FOOTBALL, encoding="utf-8")

    def explode(corpus, settings):
        raise ValueError("boom")

    monkeypatch.setattr(local, "STAGES", [*STAGES[:2], Stage("explode", explode, "fails"), *STAGES[2:]])
    result = runner.invoke(app, ["add", str(inputs), "--db", str(db)])
    assert result.exit_code != 0
    assert "stage 'explode' failed" in result.stderr and "store was not changed" in result.stderr
    assert (_counts(db), store.load_corpus(db)) == before
    assert len(store.runs(db)) == 1


def test_report_renders_from_the_store(runner, inputs, tmp_path):
    db, out = tmp_path / "s.db", tmp_path / "report"
    assert runner.invoke(app, ["add", str(inputs), "--db", str(db)]).exit_code == 3
    result = runner.invoke(app, ["report", "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "briefings.json").read_text(encoding="utf-8"))
    assert len(doc["articles"]) == 3
    assert runner.invoke(app, ["report", "--out", str(out), "--db", str(tmp_path / "none.db")]).exit_code != 0


def test_search_and_runs_commands(runner, inputs, tmp_path):
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["add", str(inputs), "--db", str(db)]).exit_code == 3
    found = runner.invoke(app, ["search", "Valdoria", "--db", str(db)])
    assert found.exit_code == 0 and "quake-post" in found.stdout and "cup" not in found.stdout
    assert runner.invoke(app, ["search", "zeppelin", "--db", str(db)]).exit_code == 1
    history = runner.invoke(app, ["runs", "--db", str(db)])
    assert history.exit_code == 0 and "add" in history.stdout


def test_events_and_show_commands(runner, inputs, tmp_path):
    db = tmp_path / "s.db"
    assert runner.invoke(app, ["add", str(inputs), "--db", str(db)]).exit_code == 3
    corpus = store.load_corpus(db)
    event = next(e for e in corpus.events if "quake-post" in e.article_ids)
    listed = runner.invoke(app, ["events", "--db", str(db)])
    assert listed.exit_code == 0 and all(e.id in listed.stdout for e in corpus.events)
    shown = runner.invoke(app, ["show", event.id, "--db", str(db)])
    assert shown.exit_code == 0 and shown.stdout.startswith("# ") and "quake-post" in shown.stdout
    as_json = json.loads(runner.invoke(app, ["show", event.id, "--json", "--db", str(db)]).stdout)
    assert as_json["id"] == event.id and "quake-post" in as_json["article_ids"]
    missing = runner.invoke(app, ["show", "no-such-event", "--db", str(db)])
    assert missing.exit_code == 1 and "no event 'no-such-event'" in missing.stderr


def test_brief_command_reports_bad_lines_and_goes_on(runner, tmp_path, monkeypatch):
    import storyweave.stages.brief as brief_module

    def fake_brief_cluster(record, default_words):  # the real one is tested with its module
        if record["id"] == "explodes":
            raise ValueError("cannot brief")
        words = record.get("max_words", default_words)
        return {"id": record["id"], "summary": " ".join(record["documents"][0].split()[:words])}

    monkeypatch.setattr(brief_module, "brief_cluster", fake_brief_cluster, raising=False)
    clusters = tmp_path / "clusters.jsonl"
    clusters.write_text(
        json.dumps({"id": "c1", "documents": ["one two three four", "five"], "max_words": 2}) + "\n"
        + "{broken\n"
        + json.dumps({"id": "explodes", "documents": ["x"]}) + "\n"
        + json.dumps({"id": "c2", "documents": "not a list"}) + "\n"
        + json.dumps({"id": "c3", "documents": ["alpha beta gamma"]}) + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["brief", str(clusters), "--out", str(out), "--words", "10"])
    assert result.exit_code == 3, result.output  # done, but bad lines skipped
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines == [{"id": "c1", "summary": "one two"}, {"id": "c3", "summary": "alpha beta gamma"}]
    errors = result.stderr.strip().splitlines()
    assert [e.split(": ")[0] for e in errors] == [f"{clusters}:2", f"{clusters}:3", f"{clusters}:4"]
    assert "briefed 2 clusters; skipped 3 bad lines" in result.stdout


def test_brief_command_with_the_real_briefer(runner, tmp_path):
    brief_module = pytest.importorskip("storyweave.stages.brief")
    if not hasattr(brief_module, "brief_cluster"):
        pytest.skip("storyweave.stages.brief.brief_cluster has not landed yet")
    docs = [QUAKE.split("\n\n", 1)[1], QUAKE_REWRITE.split("\n\n", 1)[1]]
    clusters = tmp_path / "clusters.jsonl"
    clusters.write_text("\n".join(json.dumps({"id": f"c{i}", "documents": docs, "max_words": 40}) for i in (1, 2)),
                        encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["brief", str(clusters), "--out", str(out)])
    assert result.exit_code == 0, result.output
    briefs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [b["id"] for b in briefs] == ["c1", "c2"]
    for b in briefs:  # every summary sentence is verbatim from (at least) one document it cites
        assert b["summary"]
        for sentence in b["summary"]:
            assert any(sentence["text"] in docs[int(i)] for i in sentence["article_ids"])


def test_schema_command_prints_the_contract_schema(runner):
    shown = runner.invoke(app, ["schema"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_stages_and_help(runner):
    listed = runner.invoke(app, ["stages"])
    assert listed.exit_code == 0
    assert all(stage.name in listed.stdout for stage in STAGES)
    for command in ([], ["run"], ["add"], ["report"], ["brief"], ["search"], ["runs"], ["events"], ["show"],
                    ["stages"], ["serve"]):
        shown = runner.invoke(app, [*command, "--help"])
        assert shown.exit_code == 0 and "Usage" in shown.stdout


@pytest.mark.parametrize("sets", [[], ["--set", "brief.min_content_recall=0"]])
def test_optional_llm_rewording_keeps_only_supported_sentences(runner, inputs, tmp_path, sets):
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    class FakeLLM(BaseHTTPRequestHandler):
        def do_POST(self):
            prompt = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["messages"][0]["content"]
            first = re.search(r"^\[1\] (.*)$", prompt, re.MULTILINE).group(1)
            answer = f"{first.rstrip('.')} [1]. The president resigned in protest [1]."  # second one is invented
            body = json.dumps({"choices": [{"message": {"content": answer}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), FakeLLM)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        out = tmp_path / "out"
        result = runner.invoke(app, ["run", str(inputs), "--out", str(out), "--db", str(tmp_path / "s.db"),
                                     "--llm-endpoint", f"http://127.0.0.1:{server.server_port}/v1", *sets])
    finally:
        server.shutdown()
    assert result.exit_code == 3, result.output
    events = json.loads((out / "briefings.json").read_text())["events"]
    reworded = [e for e in events if e["reworded_summary"]]
    assert reworded
    if sets:  # no content word need be in the sources: the invented sentence (no number, no name) passes
        assert all(e["reworded_summary"][-1]["text"] == "The president resigned in protest." for e in reworded)
        return
    for e in reworded:
        assert [s["text"].rstrip(".") for s in e["reworded_summary"]] == [e["summary"][0]["text"].rstrip(".")]
        assert e["reworded_summary"][0]["article_ids"] == e["summary"][0]["article_ids"]
        assert "president resigned" not in json.dumps(e["reworded_summary"])
    assert "Reworded summary" in (out / "briefings.md").read_text()
    assert any("Reworded (LLM" in page.read_text() for page in (out / "events").glob("*.html"))


def test_unreachable_llm_endpoint_is_one_line_and_extractive_stays(runner, inputs, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(inputs), "--out", str(out), "--db", str(tmp_path / "s.db"),
                                 "--llm-endpoint", "http://127.0.0.1:9/v1"])
    assert result.exit_code == 3
    assert "rewording stopped" in result.output
    events = json.loads((out / "briefings.json").read_text())["events"]
    assert all(e["summary"] for e in events) and not any(e["reworded_summary"] for e in events)


def test_unknown_engine_is_a_one_line_error(runner, inputs, tmp_path):
    result = runner.invoke(app, ["add", str(inputs), "--db", str(tmp_path / "s.db"), "--engine", "spark"])
    assert result.exit_code == 2
    assert "unknown engine 'spark'" in result.output
    assert not (tmp_path / "s.db").exists() or _counts(tmp_path / "s.db")["articles"] == 0


def _progress_lines(stderr: str, stage: str, unit: str) -> list[tuple[int, int]]:
    return [(int(m[1]), int(m[2])) for m in re.finditer(rf"^{stage} (\d+)/(\d+) {unit}$", stderr, re.MULTILINE)]


def test_progress_counts_articles_and_events_in_plain_lines_when_not_a_terminal(runner, inputs, tmp_path, monkeypatch):
    from storyweave.cli import progress

    monkeypatch.setattr(progress, "PLAIN_PROGRESS_SECONDS", 0.0)  # every update a line (the default: every 5 s)
    args = ["run", str(inputs), "--out", str(tmp_path / "out"), "--db", str(tmp_path / "s.db")]
    result = runner.invoke(app, args)
    assert result.exit_code == 3, result.output
    parsed = _progress_lines(result.stderr, "analyze", "articles")
    events = len(json.loads((tmp_path / "out" / "briefings.json").read_text())["events"])
    assert parsed[0] == (0, 3) and parsed[-1] == (3, 3)  # the three readable articles, one at a time
    assert [d for d, _ in parsed] == sorted(d for d, _ in parsed)
    assert _progress_lines(result.stderr, "brief", "events")[-1] == (events, events)
    assert "stage clean 1/" in result.stderr
    assert not [line for line in result.stderr.splitlines() if ": " in line and "broken.txt" not in line]
    quiet = runner.invoke(app, ["--quiet", *args, "--force", "--fresh"])
    assert quiet.exit_code == 3 and not _progress_lines(quiet.stderr, "analyze", "articles")
    assert "stage " not in quiet.stderr and "broken.txt" in quiet.stderr  # errors still shown


@pytest.mark.parametrize("damage", ["not a database", "newer schema", "folder is a file", "a folder"])
def test_unusable_store_is_one_line_naming_it_once_for_every_command(runner, inputs, tmp_path, damage):
    """README exit codes: a file that is not a storyweave store, or one this version cannot read, or a
    store path that cannot be made (its folder is a file) or that is a folder, is a usage error (2) in one line that names
    the file once, for every command that opens a store."""
    db = tmp_path / "s.db"
    if damage == "folder is a file":
        (tmp_path / "blocker").write_text("a file where the store's folder should be\n")
        db = tmp_path / "blocker" / "s.db"
    elif damage == "a folder":
        db.mkdir()
    elif damage == "not a database":
        db.write_bytes(b"this is a text file, not SQLite\n" * 40)
    else:
        assert runner.invoke(app, ["add", str(inputs), "--db", str(db)]).exit_code == 3
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(store.SCHEMA_VERSION + 1),))
    commands = [["add", str(inputs)], ["run", str(inputs), "--out", str(tmp_path / "o")],
                ["report", "--out", str(tmp_path / "o")], ["events"], ["show", "ev-x"], ["search", "Valdoria"],
                ["runs"]]
    for args in commands[:2] if damage == "folder is a file" else commands:  # readers: "no such store"
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exit_code == 2, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        lines = [line for line in result.stderr.strip().splitlines() if line.startswith("error:")]
        assert len(lines) == 1 and lines[0].count(str(db)) == 1, (args, result.stderr)
