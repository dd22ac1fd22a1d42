"""The one documented error type for bad input.

Every reader turns a bad file into `storyweave.model.ReadError` lines and goes on; code that
parses a single input value (readers' helpers, the Python API) raises `InputError` with a
one-line reason and nothing else (fuzzed in tests/test_fuzz.py).
"""

from __future__ import annotations


class InputError(ValueError):
    """An input (file, line, field or value) cannot be used; the message is the one-line reason."""
