"""Compiled regexes kept on disk (`nlp/regex_cache.py`): a second process builds storyweave's
module-level patterns from the kept table, each equal to the standard compile's (pattern, flags
and opcodes: `Pattern.__eq__`) and matching the same on real text; run-time patterns (which may
hold the data) and other libraries' are not kept; a damaged table falls back to the standard
compile.  Each case runs in a fresh interpreter (`install` patches `re` for its whole process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples"

# imports the modules of an add's rules, then reports the table, what was kept anew and whether
# every pattern served equals the standard compile's
SCRIPT = """
import json, re, sys
from re import _compiler
from storyweave.nlp import regex_cache
standard = _compiler.compile
regex_cache.install()
from storyweave.stages.clean import captions, chrome, lines, rules, top  # noqa
from storyweave.nlp import dates, date_patterns  # noqa
from storyweave.stages.analysis.numbers import discrepancies, quantities  # noqa
from storyweave.stages.analysis.quotes import article, attribution, candidates, matching, spans, verbs  # noqa
def made_at_run_time(name):
    return re.compile(re.escape(name) + r"\\s+said")
made_at_run_time("Zebulon Quintavalle")
import fractions  # noqa  (another library's module-level patterns)
served = [value for module in (rules, captions, top, chrome, lines, dates, date_patterns, spans, verbs, candidates, article, attribution, matching, quantities, discrepancies) for value in vars(module).values()
          if isinstance(value, re.Pattern) and isinstance(value.pattern, str)]
table, new = regex_cache._table(), regex_cache._STATE["new"]
equal = all(p == standard(p.pattern, p.flags) for p in served)
text = open(sys.argv[1], encoding="utf-8").read()
print(json.dumps({"table": len(table), "new": len(new), "served": len(served), "equal": equal,
                  "keys": sorted(new) or sorted(table),
                  "matches": [[m.span() for m in p.finditer(text)] for p in served]}))
"""


def _run(cache: Path, text: Path, env_extra: dict | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(SRC), "XDG_CACHE_HOME": str(cache), **(env_extra or {})}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(text)], capture_output=True, text=True, env=env, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture()
def text() -> Path:
    files = sorted(EXAMPLE.rglob("*.txt"))
    assert files, "the example corpus holds plain-text articles"
    return max(files, key=lambda p: p.stat().st_size)


def _tables(cache: Path) -> list[Path]:
    return sorted((cache / "storyweave").glob("regex-*.json"))


def test_second_process_builds_the_same_patterns_from_the_table(tmp_path, text):
    first = _run(tmp_path, text)
    assert first["table"] == 0 and first["new"] > 100  # clean's rules, the date scanners, quotes, numbers
    assert len(_tables(tmp_path)) == 1
    second = _run(tmp_path, text)
    assert second["table"] == first["new"] and second["new"] == 0  # all served, nothing new to write
    assert second["equal"] and first["equal"]
    assert second["served"] == first["served"] and second["matches"] == first["matches"]
    assert sum(map(len, second["matches"])) > 10  # the rules do match this text


def test_run_time_and_other_libraries_patterns_are_not_kept(tmp_path, text):
    keys = _run(tmp_path, text)["keys"]
    assert not any("Zebulon" in k for k in keys)  # a pattern built from data at run time
    import fractions

    assert not any(k.endswith(fractions._RATIONAL_FORMAT.pattern) for k in keys)  # the standard library's


def test_a_damaged_table_falls_back_to_the_standard_compile(tmp_path, text):
    fresh = _run(tmp_path, text)
    [path] = _tables(tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    for args in doc["data"].values():
        args[1] = [999999, 1, 2]  # opcodes `_sre.compile` refuses
    path.write_text(json.dumps(doc), encoding="utf-8")
    damaged = _run(tmp_path, text)
    assert damaged["equal"] and damaged["matches"] == fresh["matches"]
    path.write_text("{not json", encoding="utf-8")
    unreadable = _run(tmp_path, text)
    assert unreadable["table"] == 0 and unreadable["matches"] == fresh["matches"]


def test_the_cli_add_keeps_its_patterns_and_serves_them_next_time(tmp_path):
    """`storyweave add` installs the table before its imports: the first call writes storyweave's
    rule patterns, a second add (another article) finds them all and leaves the file as it was."""
    files = sorted(str(p) for p in (EXAMPLE / "corpus" / "txt").rglob("*.txt"))[:2]
    env = {**os.environ, "PYTHONPATH": str(SRC), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for path in files:
        subprocess.run([sys.executable, "-m", "storyweave.cli", "add", path, "--db", str(tmp_path / "s.db")],
                       capture_output=True, text=True, env=env, check=True)
        if path == files[0]:
            [table] = _tables(tmp_path / "cache")
            written = table.read_bytes()
    assert len(json.loads(written)["data"]) > 100
    assert _tables(tmp_path / "cache") == [table] and table.read_bytes() == written


def test_patterns_no_longer_compiled_drop_out_when_the_table_is_rewritten(tmp_path, text):
    """An entry the code no longer compiles (e.g. a rule edited since) is not carried over when
    a process writes the table again, so edits do not fill it up."""
    fresh = _run(tmp_path, text)
    [path] = _tables(tmp_path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    kept = dict(doc["data"])
    stale_key = "0:an edited rule that no module compiles any more"
    doc["data"] = {stale_key: kept.popitem()[1], **kept}  # one pattern missing (compiled anew), one stale
    path.write_text(json.dumps(doc), encoding="utf-8")
    again = _run(tmp_path, text)
    assert again["new"] == 1 and again["matches"] == fresh["matches"]
    rewritten = json.loads(path.read_text(encoding="utf-8"))["data"]
    assert stale_key not in rewritten and len(rewritten) == fresh["new"]


def test_a_pattern_json_cannot_hold_is_compiled_as_always_and_not_kept(tmp_path):
    """A lone surrogate in a pattern's text (UTF-8 refuses it) is never kept (`_storable`); such a
    pattern compiles and matches as always, and the process still writes the table and exits
    without a word on stderr."""
    script = (
        "import re, sys\n"
        "from storyweave.nlp import regex_cache\n"
        "regex_cache.install()\n"
        "from storyweave.nlp import normalize  # noqa\n"
        "assert not regex_cache._storable('[\\ud800]') and regex_cache._storable('[\\\\ud800-\\\\udfff]')\n"
        "p = re.compile('x\\ud800y')\n"
        "assert p.search('ax\\ud800yb') and not any('\\ud800' in k for k in regex_cache._STATE['new'])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "XDG_CACHE_HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert proc.stderr == ""
    assert len(_tables(tmp_path)) == 1
