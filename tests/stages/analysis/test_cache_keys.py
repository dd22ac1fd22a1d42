"""Cache keys (`parsed.fingerprint`, docs/architecture.md "Every knob in config.py"): the config
section that decides a result plus the hand-bumped `ANALYSIS_VERSION` (and, for parses, the spaCy
model version); no key reads the package's source files."""

from __future__ import annotations

import builtins
import io
import pathlib

import pytest

import storyweave
from storyweave import versions
from storyweave.config import Config
from storyweave.stages.analysis import EVENT_ANALYSIS
from storyweave.stages.analysis.parsed import ARTICLE, fingerprint, text_key
from storyweave.stages.brief import EVENT_BRIEF
from storyweave.stages.language import LANGUAGE

PACKAGE = pathlib.Path(storyweave.__file__).resolve().parent


@pytest.fixture
def fresh_keys():
    fingerprint.cache_clear()
    yield
    fingerprint.cache_clear()


def test_a_new_analysis_version_changes_every_key(fresh_keys, monkeypatch):
    section = Config().analyze
    before = (fingerprint(EVENT_ANALYSIS, section), text_key("Talks resumed in Geneva on Monday."))
    monkeypatch.setattr(versions, "ANALYSIS_VERSION", versions.ANALYSIS_VERSION + 1)
    fingerprint.cache_clear()
    after = (fingerprint(EVENT_ANALYSIS, section), text_key("Talks resumed in Geneva on Monday."))
    assert before[0] != after[0] and before[1] != after[1]
    # each kind of cached result has keys of its own (knobs: tests/test_config.py, *_cache_follows_*)
    assert len({fingerprint(k, None) for k in (ARTICLE, EVENT_ANALYSIS, EVENT_BRIEF, LANGUAGE)}) == 4


def test_keys_read_no_source_file(fresh_keys, monkeypatch):
    """Opening any file of the package while keys are made fails the test (the spaCy model's
    own metadata, outside the package, may be read)."""
    opened: list[str] = []
    real_open, real_io_open = builtins.open, io.open

    def guarded(real):
        def open_(file, *args, **kwargs):
            if isinstance(file, (str, pathlib.Path)) and pathlib.Path(file).resolve().is_relative_to(PACKAGE):
                opened.append(str(file))
                raise AssertionError(f"a cache key read {file}")
            return real(file, *args, **kwargs)
        return open_

    monkeypatch.setattr(builtins, "open", guarded(real_open))
    monkeypatch.setattr(io, "open", guarded(real_io_open))
    for kind, section in ((ARTICLE, None), (EVENT_ANALYSIS, Config().analyze), (EVENT_BRIEF, Config().brief),
                          (LANGUAGE, Config().language)):
        assert len(fingerprint(kind, section)) == 12
    assert text_key("x" * 10).startswith(fingerprint(ARTICLE))
    assert opened == []
