"""Compiled regular expressions kept on disk for the command-line process.

Why hand-written: Python compiles a regular expression in Python code (`re._parser` parses it,
`re._compiler` emits the opcodes of the sre engine), and `re`'s own cache lives only as long as
the process.  A cold `storyweave add` compiles ~240 patterns (clean's rules, the date scanners,
the tries of reporting verbs and number words, the analysis' and brief's rules): ~0.07-0.09 CPU-s
of every call, the same work each time (issue 12: a cold add ≤ 1 s plus model loading).  The
result of a compile is a list of integers that `_sre.compile` turns into a pattern object; this
module keeps, per pattern text and flags, the arguments of that call in a derived cache file
(`nlp/derived_cache.py`; its identity is the interpreter's exact version and the sre engine's
magic number, so another Python never reads it) and builds later compiles from them.

A pattern is kept only when the pattern object built from the kept arguments equals the one the
standard compile made (`Pattern.__eq__` compares the pattern, the flags and the opcodes), so a
served pattern matches exactly as a freshly compiled one; anything missing, unreadable or refused
by `_sre.compile` falls back to the standard compile.  `re._parser`, `re._compiler` and `_sre`
are the standard library's internals (as in `nlp/fastre.py`): without them, or laid out
otherwise, `install` does nothing.  Only the `str` patterns storyweave's modules compile as they
are imported are kept (`_ours`), at most `MAX_PATTERNS`.
"""

from __future__ import annotations

import atexit
import re
import sys
from typing import Any

from storyweave.nlp import derived_cache

try:
    import _sre  # type: ignore[import-not-found]  # the standard library's regex engine (no stubs)
except ImportError:  # pragma: no cover - CPython always has it
    _sre = None

BUILD_VERSION = 1  # bump when the kept form changes
MAX_PATTERNS = 4000  # data-built patterns (if any) cannot grow the file without bound
_STATE: dict[str, Any] = {"installed": False, "table": None, "new": {}, "used": set()}


def _identity() -> dict[str, Any] | None:
    if _sre is None:
        return None
    return {"table": "regex", "build": BUILD_VERSION, "python": sys.version, "implementation": sys.implementation.name,
            "sre": getattr(_sre, "MAGIC", None), "codesize": getattr(_sre, "CODESIZE", None)}


def _arguments(pattern: str, flags: int) -> list[Any]:
    """The arguments `re._compiler.compile` gives `_sre.compile` (its own steps, Python 3.11-3.13)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return [flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, indexgroup]


def _build(pattern: str, args: list[Any]) -> Any:
    flags, code, groups, groupindex, indexgroup = args
    return _sre.compile(pattern, flags, code, groups, groupindex, tuple(indexgroup))


def _table() -> dict[str, list[Any]]:
    """The kept table, read once (before `install` patches the compile: reading it imports
    modules that compile patterns of their own)."""
    table = _STATE["table"]
    if table is None:
        identity = _identity()
        found = derived_cache.read("regex", identity, _decode) if identity else None
        table = _STATE["table"] = found if found is not None else {}
    return table  # type: ignore[no-any-return]


def _decode(data: Any) -> dict[str, list[Any]] | None:
    return data if isinstance(data, dict) else None


def _ours(frame: Any) -> bool:
    """Whether the compile is part of importing one of storyweave's modules: the first caller
    outside `re` is storyweave's code and the nearest module body on the stack is a storyweave
    module's.  Only those patterns are kept: a pattern built at run time may hold the data
    (a speaker's name in `stages/analysis/quotes/`), and other libraries build some of theirs
    from sets (the standard `tokenize`'s string prefixes), a new text in every process."""
    caller: str | None = None
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if caller is None and name.split(".")[0] != "re":
            caller = name
        if frame.f_code.co_name == "<module>":
            return (caller or "").split(".")[0] == "storyweave" and name.split(".")[0] == "storyweave"
        frame = frame.f_back
    return False


def _storable(pattern: str) -> bool:
    """A text the JSON file can hold as it is (no lone surrogate: UTF-8 refuses it)."""
    try:
        pattern.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _compile_with(standard: Any) -> Any:
    """`re._compiler.compile` served from the kept table (`standard`: the original)."""

    def compile(p: Any, flags: int = 0) -> Any:  # noqa: A001  (the name re._compiler calls)
        if not isinstance(p, str) or flags & re.DEBUG:  # parsed trees (re.Scanner) and re.DEBUG: as always
            return standard(p, flags)
        key = f"{int(flags)}:{p}"
        table = _table()
        args = table.get(key)
        if args is not None:
            try:
                made = _build(p, args)
                _STATE["used"].add(key)
                return made
            except Exception:  # noqa: BLE001  (malformed entry: compiled as always, and dropped)
                table.pop(key, None)
        made = standard(p, flags)
        if len(table) + len(_STATE["new"]) < MAX_PATTERNS and _storable(p) and _ours(sys._getframe(1)):
            try:
                args = _arguments(p, int(flags))
                if _build(p, args) == made:
                    _STATE["new"][key] = args
            except Exception:  # noqa: BLE001, S110  (another layout of re's internals: not kept)
                pass
        return made

    return compile


def _save() -> None:
    """At exit, when this process compiled patterns anew: the table becomes the patterns this
    process used plus the new ones (patterns an older version of the code compiled drop out,
    so edits do not fill the table up to `MAX_PATTERNS`).  Nothing is written otherwise."""
    new, identity = _STATE["new"], _identity()
    if not new or identity is None:
        return
    table = _table()
    try:
        derived_cache.save("regex", identity, {**{k: table[k] for k in _STATE["used"] if k in table}, **new})
    except (TypeError, ValueError):  # not JSON after all: the next process compiles as always
        return
    finally:
        _STATE["new"] = {}


def install() -> bool:
    """Serve this process's regex compiles from the kept table (once per process); False when
    the standard library's internals are not as expected (nothing changed then)."""
    if _STATE["installed"]:
        return True
    if _sre is None:
        return False
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]  # noqa: F401

        standard = _compiler.compile
        _compiler._code  # noqa: B018  (the step `_arguments` repeats)
    except (ImportError, AttributeError):
        return False
    _table()
    _compiler.compile = _compile_with(standard)
    _STATE["installed"] = True
    atexit.register(_save)
    return True
