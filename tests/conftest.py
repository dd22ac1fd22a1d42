"""Fixtures shared by several test modules."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

EXAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="session")
def example_run():
    """(corpus after every stage, read errors) of examples/corpus: one pipeline run per session,
    shared by the end-to-end and the gold tests (read-only: do not modify it)."""
    from storyweave.engines.local import run_pipeline
    from storyweave.io.readers import read_paths
    from storyweave.model import Corpus

    articles, errors = read_paths([EXAMPLE_CORPUS])
    return run_pipeline(Corpus(articles=articles, errors=list(errors))).corpus, errors


# ---- real headless Chromium (Debian's `chromium`, driven by Playwright with `executable_path`;
# nothing is downloaded), for the web UI (tests/server) and the static report (tests/render)

CHROMIUM = os.environ.get("STORYWEAVE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A Chromium context with a fresh profile of its own (skips without Chromium or Playwright)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium; .ci/run installs it)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (dev extra) not installed")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as p:
        # a persistent context gives Chromium a fresh --user-data-dir of our own
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900})
        yield context
        context.close()


@pytest.fixture
def page(browser):
    """A new page; the test fails if a script on it raised."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.close()
    assert not errors, errors


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory) -> Path:
    """Where screenshots go: $STORYWEAVE_ARTIFACTS or a tmp dir."""
    folder = Path(os.environ.get("STORYWEAVE_ARTIFACTS") or tmp_path_factory.mktemp("browser-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
