"""`storyweave serve` refuses a missing store (unless --create) and reports a corrupt one in one line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from storyweave.cli import app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_missing_store_is_refused_and_not_created(runner, tmp_path):
    db = tmp_path / "typo" / "store.db"
    result = runner.invoke(app, ["serve", "--db", str(db)])
    assert result.exit_code == 2 and "no such store" in result.output and "--create" in result.output
    assert not db.parent.exists()


def test_corrupt_store_is_one_line(runner, tmp_path):
    db = tmp_path / "bad.db"
    db.write_bytes(b"\x00garbage" * 500)
    result = runner.invoke(app, ["serve", "--db", str(db)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1
    assert str(db) in result.output


def test_unreadable_token_file_is_one_line(runner, tmp_path):
    db = tmp_path / "s.db"
    result = runner.invoke(app, ["serve", "--db", str(db), "--create", "--token-file", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "cannot read the token file" in result.output


def test_binds_to_loopback_by_default(runner):
    import typer.main

    command = typer.main.get_command(app).commands["serve"]
    host = next(p for p in command.params if p.name == "host")
    assert host.default == "127.0.0.1"
