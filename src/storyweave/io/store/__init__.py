"""Embedded SQLite store: articles, duplicate links, events, stories and a log of runs.

The store sits at the edge of the pipeline: `load_corpus` gives the stages every stored
article (`is_new=False`) with its events and stories; `merge_articles` folds a new batch in;
`save_corpus` writes the processed batch back in ONE transaction, so a crash leaves the store
exactly as it was before the run.  `Corpus.cache` is loaded and saved here too, so that the
stages, which never touch the disk, can skip work whose inputs did not change.

Callers use the package as one namespace (`from storyweave.io import store; store.connect(db)`);
its modules:

- `schema`: the migrations (append-only SQL), `SCHEMA_VERSION`, `schema_version`
- `connection`: `connect` (runs the migrations), `transaction`, `using`, `check`, `write_lock`
- `errors`: `StoreError`, `StoreBusy`
- `tables`: model objects as table rows and back, the upsert of an article, shared SQL helpers
- `corpus`: load, merge and save a whole corpus (`load_corpus`, `merge_articles`, `save_corpus`, `save_run`)
- `queries`: the read-only rows and look-ups of the CLI and the REST server (`list_events`, `get_event`,
  `search`, `entity_mentions`, `list_outlets`, `runs`, ...)
- `incremental`: the incremental add's reads and writes (kept vectors, `load_neighbourhood`, `save_part`,
  `store_totals`)
"""

from storyweave.io.store.connection import DEFAULT_DB, check, connect, transaction, using, write_lock
from storyweave.io.store.corpus import (
    MergeReport,
    corpus_counts,
    failed_articles,
    load_cache,
    load_corpus,
    merge_articles,
    results_made_by,
    save_corpus,
    save_run,
    stored_hashes,
)
from storyweave.io.store.errors import StoreBusy, StoreError
from storyweave.io.store.incremental import (
    compact_vectors,
    load_cache_entries,
    load_neighbourhood,
    load_vectors,
    save_part,
    save_vectors,
    stale_vector_ids,
    store_totals,
    stored_states,
)
from storyweave.io.store.queries import (
    ArticleFilter,
    ArticleRow,
    EntityMention,
    EventRow,
    OutletRow,
    RunRecord,
    SearchHit,
    StoryRow,
    article_rows,
    count_events,
    count_stories,
    duplicate_links_of,
    entity_index,
    entity_mentions,
    event_rows,
    get_article,
    get_articles,
    get_event,
    get_event_data,
    get_story,
    list_articles,
    list_events,
    list_outlets,
    list_stories,
    outlet_events,
    runs,
    search,
    search_articles,
    store_version,
)
from storyweave.io.store.schema import MIGRATIONS, SCHEMA_VERSION, schema_version
from storyweave.io.store.tables import content_hash
from storyweave.serialize import from_dict  # store.from_dict: its old home, used by callers

__all__ = [
    "DEFAULT_DB", "MIGRATIONS", "SCHEMA_VERSION", "ArticleFilter", "ArticleRow", "EntityMention", "EventRow",
    "MergeReport", "OutletRow", "RunRecord", "SearchHit", "StoreBusy", "StoreError", "StoryRow", "article_rows",
    "check", "compact_vectors", "connect", "content_hash", "corpus_counts", "count_events", "count_stories",
    "duplicate_links_of", "entity_index", "entity_mentions", "event_rows", "failed_articles", "from_dict",
    "get_article", "get_articles", "get_event", "get_event_data", "get_story", "list_articles", "list_events",
    "list_outlets", "list_stories", "load_cache", "load_cache_entries", "load_corpus", "load_neighbourhood",
    "load_vectors", "merge_articles", "outlet_events", "results_made_by", "runs", "save_corpus", "save_part",
    "save_run", "save_vectors", "schema_version", "search", "search_articles", "stale_vector_ids",
    "store_totals", "store_version", "stored_hashes", "stored_states", "transaction", "using", "write_lock",
]
