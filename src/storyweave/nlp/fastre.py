"""Regular expressions that reject most positions of a text in one step.

Python's `re` has no fast scan for a pattern that opens with a word boundary or, under
IGNORECASE, with letters: `search`/`finditer` try every alternative at every position of the
text (a timeline's or a summary's furniture patterns: 15-30 alternatives, over every sentence
of a run).  `guarded` puts a lookahead for the characters a match can start with in front of
the pattern, so a position no alternative can start at fails on one character-class test.

The lookahead is a necessary condition of a match at that position and consumes nothing, so
every match (its span, groups, names and numbers, and `search`/`finditer`/`sub` results) is the
same as the unguarded pattern's; `tests/nlp/test_fastre.py` checks this on real article text.
The first-character set is read from the pattern's parse tree (`re._parser`, the standard
library's own parser); a pattern whose start it cannot bound (a negated class, `.`, a
backreference, a case-insensitive part in a case-sensitive pattern, a possible empty match) is
returned unchanged.
"""

from __future__ import annotations

import re
from typing import Any, TypeAlias

# `re._parser` / `re._constants` are the standard library's own regex parser (Python >= 3.11), not a
# public API: if a Python lacks them or lays the tree out otherwise, `guarded` returns every
# pattern unchanged (the same matches, only without the speed-up).
try:
    from re import _constants as C  # type: ignore[attr-defined]  # the standard library's sre opcodes
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - every supported Python has them
    C = P = None

_CATEGORY_CLASS = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_NOT_DIGIT: r"\D", C.CATEGORY_SPACE: r"\s",
                   C.CATEGORY_NOT_SPACE: r"\S", C.CATEGORY_WORD: r"\w", C.CATEGORY_NOT_WORD: r"\W"} if C else {}
_ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT) if C else ()


class _Unbounded(Exception):
    """The pattern can start with any character (or match the empty string)."""


def _char(code: int) -> str:
    return re.escape(chr(code))  # escapes "-", "]", "^" and "\\" too: safe inside a class


def _first(items: Any, ignorecase: bool, out: list[str]) -> bool:
    """Add to `out` (character-class items) every character a match of the sequence `items` can
    start with; True when the sequence can match the empty string."""
    for op, av in items:
        if op in _ZERO_WIDTH:  # consumes nothing: the next item starts the match
            continue
        if op is C.LITERAL:
            out.append(_char(av))
            return False
        if op is C.IN:
            for iop, iav in av:
                if iop is C.LITERAL:
                    out.append(_char(iav))
                elif iop is C.RANGE:
                    out.append(f"{_char(iav[0])}-{_char(iav[1])}")
                elif iop is C.CATEGORY and iav in _CATEGORY_CLASS:
                    out.append(_CATEGORY_CLASS[iav])
                else:  # NEGATE and the rest
                    raise _Unbounded
            return False
        if op is C.BRANCH:
            empty = False
            for alternative in av[1]:
                empty |= _first(alternative, ignorecase, out)
            if not empty:
                return False
            continue
        if op is C.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags & re.IGNORECASE and not ignorecase:  # the lookahead would be stricter
                raise _Unbounded
            if not _first(sub, ignorecase, out):
                return False
            continue
        if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if not _first(sub, ignorecase, out) and low > 0:
                return False
            continue
        if op is C.ATOMIC_GROUP:
            if not _first(av, ignorecase, out):
                return False
            continue
        raise _Unbounded  # ANY, NOT_LITERAL, GROUPREF, ...
    return True


def guarded(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """`pattern` behind a lookahead for its possible first characters (same matches), or
    `pattern` itself when its first character cannot be bounded."""
    if P is None or pattern.flags & re.VERBOSE:  # VERBOSE: a trailing comment would swallow the closing parenthesis
        return pattern
    if pattern.pattern.startswith("(?") and not pattern.pattern.startswith(("(?:", "(?P", "(?=", "(?!", "(?<")):
        return pattern  # global inline flags must stay first
    try:
        tree = P.parse(pattern.pattern, pattern.flags)
        ignorecase = bool(tree.state.flags & re.IGNORECASE)
        chars: list[str] = []
        if _first(tree.data, ignorecase, chars):
            return pattern  # can match the empty string: every position is a start
    except _Unbounded:
        return pattern
    except (AttributeError, TypeError, ValueError, IndexError, re.error):  # another Python's tree layout
        return pattern
    guard = "(?=[" + "".join(dict.fromkeys(chars)) + "])"
    return re.compile(guard + "(?:" + pattern.pattern + ")", pattern.flags)


_Trie: TypeAlias = dict[str, "_Trie"]  # a character -> the rest; "" marks the end of a word


def word_alternation(words: list[str], capital_first: bool = False) -> str:
    """`(?:w1|w2|...)` of `words` tried longest first, as a trie: "(?:s(?:a(?:id|ys?)|...)|...)".

    The same matches as the flat alternation of the words sorted by length (longest first): at
    a position the words the text can match form a chain of prefixes, and the trie tries them
    deepest first, with the same backtracking into what follows; but each character is compared
    once instead of once per word (the reporting verbs: 465 words, ~10x faster a scan).
    `capital_first`: each word's first letter in either case ("[sS]aid"), the rest as given."""
    trie: _Trie = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here

    def emit(node: _Trie, top: bool) -> str:
        branches = []
        for ch in sorted(k for k in node if k):
            head = f"[{ch}{ch.upper()}]" if top and capital_first and ch.upper() != ch else re.escape(ch)
            branches.append(head + emit(node[ch], False))
        if not branches:
            return ""
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")  # greedy: longer words first

    return emit(trie, True)
