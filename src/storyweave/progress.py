"""Per-item progress from inside a stage (e.g. "120 of 383 articles parsed") to the edge that
shows it (the CLI), without I/O in the stage: a stage calls `start` and `advance`, which do
nothing unless an edge installed a sink with `reporting(...)`.

The sink lives in a ContextVar, so only the thread (and context) that installed it reports:
the server's background ingests and forked workers (`parallel.py` silences them) stay quiet.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# sink(done, total, unit): `done` of `total` units of the running stage's current work are finished
Sink = Callable[[int, int, str], None]

_SINK: ContextVar[Sink | None] = ContextVar("storyweave_progress_sink", default=None)


@dataclass
class _Work:
    """The running stage's current piece of work: `done` of `total` `unit`."""

    done: int = 0
    total: int = 0
    unit: str = ""


_STATE: ContextVar[_Work | None] = ContextVar("storyweave_progress_state", default=None)


@contextmanager
def reporting(sink: Sink) -> Iterator[None]:
    """Send the progress of the stages run inside this block to `sink`."""
    token, state = _SINK.set(sink), _STATE.set(_Work())
    try:
        yield
    finally:
        _SINK.reset(token)
        _STATE.reset(state)


def silence() -> None:
    """No progress from this context (a forked worker must not write to the parent's display)."""
    _SINK.set(None)


def start(total: int, unit: str = "articles") -> None:
    """A stage begins a piece of work of `total` items (`unit`: what they are, plural)."""
    sink, state = _SINK.get(), _STATE.get()
    if sink is None or state is None:
        return
    state.done, state.total, state.unit = 0, total, unit
    sink(0, total, unit)


def advance(n: int = 1) -> None:
    """`n` more items of the current work are done."""
    sink, state = _SINK.get(), _STATE.get()
    if sink is None or state is None or not n:
        return
    state.done = min(state.done + n, state.total)
    sink(state.done, state.total, state.unit)
