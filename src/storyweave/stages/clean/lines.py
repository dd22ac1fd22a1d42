"""What the clean stage's parts share about a line: the characters a sentence ends with
(`_TERMINAL`) and a line's normal form (`_norm`: stripped, lower case, one space between words),
the key under which the title, repeated lines and chrome candidates are compared."""

from __future__ import annotations

import re

_TERMINAL = tuple(".!?…\"”’'")
_SPACES = re.compile(r"\s+")


def _norm(line: str) -> str:
    return _SPACES.sub(" ", line.strip().lower())
