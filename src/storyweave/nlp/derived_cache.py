"""Derived data kept on disk: tables built in Python from the data of installed packages (the
GeoNames index of `stages/analysis/gazetteer.py`, Babel's currency signs of
`stages/analysis/lexicon.py`) take longer to build than a whole warm `storyweave add`, so each is
built once and kept as a JSON file (orjson) in the user cache directory (`platformdirs`;
`~/.cache/storyweave/` on Linux); the GeoNames index, read a few keys at a time, is kept as a
SQLite file of the same name and place (`gazetteer.py` writes and checks it).

A file is named by a hash of its *identity* (what decides its content: the builder's version
constant, the versions of the packages it reads, its parameters) and holds that identity again;
a missing, unreadable, corrupt or stale file (another identity, or rejected by the caller's
check) is rebuilt from the package data, never downloaded.  An unwritable cache directory only
means the table is built in memory each time.  Results never depend on the cache: a table read
back equals the one built (tested per user).
"""

from __future__ import annotations

import gc
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    """Where derived data files are kept: the user cache directory of storyweave."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("storyweave", appauthor=False))


def package_version(name: str) -> str:
    """The installed version of distribution `name` (part of an identity)."""
    from importlib.metadata import version

    return version(name)


def cache_path(name: str, identity: dict[str, Any]) -> Path:
    """The file of table `name` with this identity: `<cache_dir>/<name>-<hash of identity>.json`."""
    import orjson

    digest = hashlib.sha256(orjson.dumps(identity, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return cache_dir() / f"{name}-{digest[:16]}.json"


def _write(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (a temporary file renamed into place); an unwritable
    cache directory is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass


def _read(path: Path, identity: dict[str, Any], decode: Callable[[Any], T | None]) -> T | None:
    import orjson

    try:
        doc = orjson.loads(path.read_bytes())
        if not isinstance(doc, dict) or doc.get("identity") != identity or "data" not in doc:
            return None
        return decode(doc["data"])
    except OSError:
        return None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):  # not this format (JSONDecodeError is a ValueError)
        return None


def read(name: str, identity: dict[str, Any], decode: Callable[[Any], T | None]) -> T | None:
    """`decode(data)` of table `name`'s file when it holds this identity and `decode` accepts it
    (returns not None; it may raise on malformed data), else None."""
    enabled = gc.isenabled()
    gc.disable()  # a table of ~10^5 new objects: full collections of a large heap (spaCy loaded) would triple the time
    try:
        return _read(cache_path(name, identity), identity, decode)
    finally:
        if enabled:
            gc.enable()


def save(name: str, identity: dict[str, Any], data: Any) -> None:
    """Write table `name` (`data` JSON-serialisable) with its identity, for the next process."""
    import orjson

    _write(cache_path(name, identity), orjson.dumps({"identity": identity, "data": data}))


def load(name: str, identity: dict[str, Any], build: Callable[[], T], encode: Callable[[T], Any],
         decode: Callable[[Any], T | None]) -> T:
    """Table `name`: `decode(data)` of its cache file when that file holds this identity and
    `decode` accepts it (returns not None; it may raise on malformed data), else `build()`,
    written as `encode(table)` (JSON-serialisable) for the next process."""
    table = read(name, identity, decode)
    if table is None:
        table = build()
        save(name, identity, encode(table))
    return table
