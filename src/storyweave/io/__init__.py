"""The I/O edge of the pipeline: readers (files and feeds -> `Corpus`), the SQLite store and the
renderers (briefings.json and its schema, Markdown, the static HTML report)."""
