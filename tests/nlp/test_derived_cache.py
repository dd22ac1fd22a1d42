"""Derived data files (`nlp/derived_cache.py`): a table read back equals the one built; a
missing, corrupt, stale or rejected file is rebuilt; an unwritable directory still gives it."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from storyweave.nlp import derived_cache
from storyweave.stages.analysis import lexicon


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(derived_cache, "cache_dir", lambda: tmp_path / "cache")
    return tmp_path / "cache"


def _load(identity: dict, builds: list[int], accept: bool = True) -> dict[str, int]:
    def build() -> dict[str, int]:
        builds.append(1)
        return {"a": 1, "b": 2}

    return derived_cache.load("t", identity, build, dict, lambda d: dict(d) if accept and isinstance(d, dict) else None)


def test_built_once_then_read(cache):
    builds: list[int] = []
    assert _load({"v": 1}, builds) == {"a": 1, "b": 2} and builds == [1]
    assert _load({"v": 1}, builds) == {"a": 1, "b": 2} and builds == [1]
    assert derived_cache.cache_path("t", {"v": 1}).parent == cache
    assert _load({"v": 2}, builds) == {"a": 1, "b": 2} and builds == [1, 1]  # another identity: another file


@pytest.mark.parametrize("content", [b"", b"{", b"\x00\xff", b"[1, 2]", b'{"identity": {"v": 0}, "data": {}}',
                                     b'{"identity": {"v": 1}}'])
def test_corrupt_or_stale_file_is_rebuilt(cache, content):
    builds: list[int] = []
    _load({"v": 1}, builds)
    path = derived_cache.cache_path("t", {"v": 1})
    path.write_bytes(content)
    assert _load({"v": 1}, builds) == {"a": 1, "b": 2} and builds == [1, 1]
    assert orjson.loads(path.read_bytes())["data"] == {"a": 1, "b": 2}  # rewritten
    assert _load({"v": 1}, builds) == {"a": 1, "b": 2} and builds == [1, 1]


def test_rejected_by_the_callers_check_is_rebuilt(cache):
    builds: list[int] = []
    _load({"v": 1}, builds)
    assert _load({"v": 1}, builds, accept=False) == {"a": 1, "b": 2} and builds == [1, 1]


def test_unwritable_directory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setattr(derived_cache, "cache_dir", lambda: blocker / "cache")
    builds: list[int] = []
    assert _load({"v": 1}, builds) == {"a": 1, "b": 2} and _load({"v": 1}, builds) == {"a": 1, "b": 2}
    assert builds == [1, 1]


def test_currency_signs_from_the_cache_equal_a_fresh_build(cache):
    lexicon.currency_signs.cache_clear()
    try:
        fresh = lexicon.build_currency_signs()
        first = lexicon.currency_signs()
        assert list(cache.glob("currency-signs-*.json"))
        lexicon.currency_signs.cache_clear()
        second = lexicon.currency_signs()
        assert list(first.items()) == list(second.items()) == list(fresh.items())  # same order too
        assert second["€"] == "EUR" and second["£"] == "GBP"
        path = next(cache.glob("currency-signs-*.json"))
        path.write_bytes(b'{"identity": 1}')
        lexicon.currency_signs.cache_clear()
        assert lexicon.currency_signs() == fresh
    finally:
        lexicon.currency_signs.cache_clear()


def test_currency_words_from_the_cache_equal_a_fresh_build(cache):
    lexicon.currency_words.cache_clear()
    try:
        fresh = lexicon.build_currency_words()
        assert list(lexicon.currency_words().items()) == list(fresh.items())
        lexicon.currency_words.cache_clear()
        assert list(lexicon.currency_words().items()) == list(fresh.items())  # read back
        assert fresh["dollars"] == "USD" and fresh["hryvnias"] == "UAH"
    finally:
        lexicon.currency_words.cache_clear()


def test_currency_tables_match_their_build_version():
    """A change to the builders that changes a table must bump CURRENCY_TABLES_VERSION (else users
    keep a stale cache file): digests of both tables built from Babel 2.19.0 are recorded here for
    the current version. When this fails after a deliberate change, bump the version and record
    the new digests."""
    import hashlib
    from importlib.metadata import version

    if version("babel") != "2.19.0":
        pytest.skip("digests recorded for Babel 2.19.0")

    def digest(table: dict[str, str]) -> str:
        return hashlib.sha256(orjson.dumps(list(table.items()))).hexdigest()[:16]

    assert (lexicon.CURRENCY_TABLES_VERSION, digest(lexicon.build_currency_signs()),
            digest(lexicon.build_currency_words())) == (1, "f566ffaad7d3db43", "146518a54ed4918b")
