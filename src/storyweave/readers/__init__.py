"""Readers: paths (files or folders, searched recursively, mixed formats) -> Articles."""

from __future__ import annotations

from pathlib import Path

from storyweave.model import Article, ReadError


def read_paths(paths: list[str | Path]) -> tuple[list[Article], list[ReadError]]:
    """TODO(owner): placeholder until readers land."""
    return [], []
