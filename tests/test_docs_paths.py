"""docs/architecture.md names only files and folders that exist (the layout it describes is the real one)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"


def doc_paths() -> list[str]:
    """Every backticked `src/storyweave/...` path in docs/architecture.md."""
    return re.findall(r"`(src/storyweave/[^`\s]*)`", DOC.read_text(encoding="utf-8"))


def test_the_doc_names_paths():
    """The pattern finds the doc's paths (so an empty list cannot pass the test below)."""
    assert {"src/storyweave/model.py", "src/storyweave/stages/dedup/", "src/storyweave/nlp/text.py"} <= set(doc_paths())


def test_every_path_in_the_doc_exists():
    missing = [p for p in doc_paths() if not (ROOT / p).exists()]
    assert missing == []
