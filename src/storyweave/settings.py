"""Tunable settings of every stage, in one place, with the defaults that the benchmarks use."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Settings:
    summary_words: int = 120  # length of each event's summary
    reference_date: str | None = None  # resolves dates when nothing else anchors them
    clean_min_articles: int = 3  # a non-sentence line in >= this many unrelated articles is chrome
    clean_min_outlet_articles: int = 2  # ... or in >= this many unrelated articles of one outlet
    max_article_chars: int = 200_000  # longer articles are analysed on their first part only (limits.py)
    max_file_mb: int = 64  # larger input files are reported and not read (readers)
    extra: dict[str, object] = field(default_factory=dict)  # stage-specific overrides by name
