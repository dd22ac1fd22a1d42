"""Model dataclasses from their JSON form (the inverse of `model.to_dict`).

Used by the store at the edge and by the stages that keep their per-event results in
`Corpus.cache`; it does no I/O, so stages may import it (they never import the store).
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def from_dict(cls: type[T], data: Any) -> T:
    """Rebuild a (nested) model dataclass from `to_dict` output; unknown keys are ignored and
    missing keys take their defaults, so stored rows survive additive model changes."""
    kwargs = {}
    model: type = cls  # a class is hashable (the cache key of `_fields_of`)
    for name, convert, hint, required in _fields_of(model):
        if name in data:
            kwargs[name] = convert(data[name])
        elif required:  # required but absent
            kwargs[name] = _empty_value(hint)
    return cls(**kwargs)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


@cache
def _fields_of(cls: type) -> tuple[tuple[str, Any, Any, bool], ...]:
    """(name, converter, type hint, required) of each field: the type hints are read once per
    class, not once per value (loading a large store spent most of its time in `typing`)."""
    hints = _hints(cls)
    return tuple((f.name, _converter(hints[f.name]), hints[f.name],
                  f.default is MISSING and f.default_factory is MISSING) for f in fields(cls))


def _identity(value: Any) -> Any:
    return value


@cache
def _converter(hint: Any) -> Callable[[Any], Any]:
    """`lambda value: _coerce(hint, value)`, with the type inspection done once per hint."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(hint):
            if arg is not type(None):
                return _converter(arg)
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        each = _converter(item)
        if each is _identity:
            return lambda value: None if value is None else list(value)
        return lambda value: None if value is None else [each(v) for v in value]
    if isinstance(hint, type) and is_dataclass(hint):
        return lambda value: from_dict(hint, value) if isinstance(value, dict) else value
    return _identity


def _empty_value(hint: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin is list:
        return []
    if origin is dict:
        return {}
    if hint is str:
        return ""
    return None
