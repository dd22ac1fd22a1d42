"""The Python API: `storyweave.run(...)` from records, articles or paths to briefings.

    >>> import storyweave
    >>> result = storyweave.run([{"id": "a1", "text": "..."}, {"id": "a2", "text": "..."}])  # doctest: +SKIP
    >>> [e.title for e in result.events]                                                    # doctest: +SKIP
    >>> result.to_json()                                                                    # doctest: +SKIP

Without `db` everything happens in memory (nothing is written); with `db` the batch is merged
into that store like `storyweave add` (stable ids, cached work reused).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyweave.model import Article, Corpus, DuplicateLink, Event, ReadError, Story

if TYPE_CHECKING:
    from storyweave.config import Config

Record = Mapping[str, Any] | Article | str | Path


@dataclass
class Result:
    """What a run produced: the processed corpus and the errors of unreadable inputs."""

    corpus: Corpus
    errors: list[ReadError] = field(default_factory=list)
    run_id: int | None = None  # the store's run id when `db` was given

    @property
    def events(self) -> list[Event]:
        """Events, each with its cited briefing (summary, facts, quotes, discrepancies...)."""
        return self.corpus.events

    @property
    def stories(self) -> list[Story]:
        """Stories (linked events), each with its timeline."""
        return self.corpus.stories

    @property
    def articles(self) -> list[Article]:
        """Every article of the run, with its dedup, language and event fields."""
        return self.corpus.articles

    @property
    def duplicates(self) -> list[DuplicateLink]:
        """Copy links between articles (exact, near, rewrite, translation, wire)."""
        return self.corpus.duplicates

    def event(self, event_id: str) -> Event | None:
        """The event with id `event_id`, or None."""
        return next((e for e in self.corpus.events if e.id == event_id), None)

    def to_dict(self) -> dict[str, Any]:
        """The `briefings.json` document (see `storyweave schema`)."""
        from storyweave.io.render.contract import to_briefings

        return to_briefings(self.corpus)

    def to_json(self, indent: int | None = 2) -> str:
        """The `briefings.json` document as a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write briefings.json, briefings.md and the HTML pages (open index.html) into `out_dir`."""
        from storyweave.io.render import write_reports

        return write_reports(self.corpus, out_dir)


def _articles(inputs: Record | Iterable[Record]) -> tuple[list[Article], list[ReadError]]:
    if isinstance(inputs, (str, Path, Mapping, Article)):
        inputs = [inputs]
    from storyweave.io.readers._common import record_article

    articles: list[Article] = []
    errors: list[ReadError] = []
    paths: list[str] = []
    for number, item in enumerate(inputs):
        if isinstance(item, (Article, Mapping)):
            try:  # fields as the JSON reader reads them (a date object, "March 4, 2024", control characters);
                # an Article is copied first: the caller's object is left as it was given
                record = replace(item, metadata=dict(item.metadata)) if isinstance(item, Article) else Article.from_dict(dict(item))
                articles.append(record_article(record))
            except (ValueError, TypeError) as exc:  # InputError (BadInput) is a ValueError
                errors.append(ReadError(f"record {number}", str(exc)))
        elif isinstance(item, (str, Path)):
            paths.append(str(item))
        else:
            errors.append(ReadError(f"record {number}", f"expected a dict, an Article or a path, got {type(item).__name__}"))
    if paths:
        from storyweave.io.readers import read_paths

        read, bad = read_paths(paths)
        articles += read
        errors += bad
    return articles, errors


def run(
    records_or_paths: Record | Iterable[Record],
    *,
    db: str | Path | None = None,
    config: Config | None = None,
    words: int | None = None,
    settings: Config | None = None,
) -> Result:
    """Process articles into events, stories and cited briefings.

    `records_or_paths`: dicts (`id`, `text` and optionally `source`, `title`, `published`,
    `url`, `language`; other keys are kept as metadata), `Article` objects, or paths of files
    and folders in any format the CLI reads, mixed freely. Bad records and unreadable files
    are reported in `Result.errors`; the rest goes on. `config`: every knob (`storyweave.Config`,
    e.g. `Config.from_file("storyweave.toml")`; `settings` is its old name); `words`: summary
    length per event (`config.brief.summary_words`).

    >>> result = storyweave.run(["examples/corpus"])         # doctest: +SKIP
    >>> print(result.events[0].title, result.events[0].summary[0].text)  # doctest: +SKIP
    """
    from storyweave.config import Config

    settings = config or settings or Config()
    if words is not None:
        settings = settings.replace("brief.summary_words", words)
    articles, errors = _articles(records_or_paths)
    if db is None:
        from storyweave.engines.local import run_pipeline
        from storyweave.io import store

        corpus, _ = store.merge_articles(Corpus(), articles)  # same id twice: first kept, reported
        corpus.errors = errors + corpus.errors
        corpus = run_pipeline(corpus, settings).corpus
        return Result(corpus, list(corpus.errors))
    from storyweave.engines.local import ingest
    from storyweave.io import store

    with store.using(db) as conn:
        outcome = ingest(conn, articles, errors, settings, command="python", inputs=["python"])
    return Result(outcome.corpus, list(outcome.corpus.errors), outcome.run_id)


__all__ = ["Result", "run"]
