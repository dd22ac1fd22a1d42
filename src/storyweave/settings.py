"""Deprecated: the knobs live in `storyweave.config` (`Config`, one section per stage).

`Settings(...)` is kept for old call sites and builds a `Config` from the old flat keywords and
the old `extra` overrides (`"events.<knob>"`, `"stories.<knob>"`, `{"dedup": {...}}`,
`{"brief": {...}}`, `"timeline_max"`, `"parse_processes"`); an unknown key is an error.
"""

from __future__ import annotations

from typing import Any

from storyweave.config import Config, ConfigError, SummaryParams

_FLAT = {
    "summary_words": "brief.summary_words",
    "reference_date": "analyze.reference_date",
    "clean_min_articles": "clean.min_articles",
    "clean_min_outlet_articles": "clean.min_outlet_articles",
    "max_article_chars": "limit.max_article_chars",
    "max_file_mb": "readers.max_file_mb",
}
_EXTRA = {"timeline_max": "analyze.timeline_max", "parse_processes": "run.processes"}


def Settings(extra: dict[str, Any] | None = None, **flat: Any) -> Config:  # noqa: N802 (the old class name)
    """A `Config` from the old `Settings` keywords (see the module docstring)."""
    config = Config()
    for name, value in flat.items():
        if name not in _FLAT:
            raise ConfigError(f"unknown setting '{name}'")
        config = config.replace(_FLAT[name], value)
    for name, value in (extra or {}).items():
        if name in _EXTRA:
            config = config.replace(_EXTRA[name], value)
        elif name.split(".")[0] in ("events", "stories") and "." in name:
            config = config.replace(name, value)
        elif name in ("dedup", "brief"):
            for key, v in dict(value).items():
                summary = name == "brief" and key in SummaryParams.__dataclass_fields__
                config = config.replace(f"brief.summary.{key}" if summary else f"{name}.{key}", v)
        else:
            raise ConfigError(f"unknown setting 'extra[{name!r}]'")
    return config
