"""Crash points for the crash-safety test: `STORYWEAVE_KILL_AT=<point>` kills the process (SIGKILL)
when it reaches `checkpoint(<point>)`.  Unset (always, outside tests) it costs one dict lookup.

Points: `read`, `ingest:loaded`, `stage:<name>` (before each stage), `save:begin`,
`save:articles` (half the articles written), `save:cache`, `save:commit` (just before COMMIT),
`save:done`, `reports`.  See tests/reliability/test_crash_safety.py.
"""

from __future__ import annotations

import os
import signal

ENV = "STORYWEAVE_KILL_AT"


def checkpoint(point: str) -> None:
    """SIGKILL this process when `point` is the one named in `$STORYWEAVE_KILL_AT`."""
    if os.environ.get(ENV) == point:
        os.kill(os.getpid(), signal.SIGKILL)
