"""storyweave: from a pile of news reports to one verified briefing per event.

Three lines from a list of dicts to briefings:

    >>> import storyweave
    >>> result = storyweave.run([{"id": "a1", "text": "..."}, {"id": "a2", "text": "..."}])  # doctest: +SKIP
    >>> print(result.to_json())                                                             # doctest: +SKIP

`run` also takes paths (files or folders, any format the CLI reads) and `Article` objects;
`result.events` and `result.stories` are the model objects (`storyweave.model`). Names are
imported on first use, so `import storyweave` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Article", "Config", "Corpus", "Event", "ReadError", "Result", "Settings", "Story", "__version__", "run",
]

_LAZY = {
    "run": "storyweave.api", "Result": "storyweave.api",
    "Article": "storyweave.model", "Corpus": "storyweave.model", "Event": "storyweave.model",
    "Story": "storyweave.model", "ReadError": "storyweave.model", "Settings": "storyweave.settings",
    "Config": "storyweave.config",
}

if TYPE_CHECKING:
    from storyweave.api import Result, run
    from storyweave.config import Config
    from storyweave.model import Article, Corpus, Event, ReadError, Story
    from storyweave.settings import Settings


def __getattr__(name: str) -> Any:
    """Import the public names lazily (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'storyweave' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
