"""The pipeline's stages, one module or package per stage in the order `pipeline.STAGES` runs
them: clean, limits, language, dedup, events, stories, analysis (analyze), brief.

Each is a pure function over the batch with no I/O; they import `model`, `config` and `nlp`
and never `io`, `cli`, `server`, `engines` or `api` (tests/test_import_direction.py).
"""
