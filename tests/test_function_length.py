"""No function of the package is longer than 60 lines (issue 14: long functions hide what they do).

Every function, nested ones included, must stay within 60 lines; there are no exceptions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import storyweave

PACKAGE = Path(storyweave.__file__).resolve().parent
LIMIT = 60


def long_functions(source: str, name: str, limit: int = LIMIT) -> list[tuple[str, str, int]]:
    """(module, function, lines) of each function in `source` longer than `limit` lines."""
    return [(name, node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno is not None and node.end_lineno - node.lineno + 1 > limit]


def test_no_function_is_longer_than_the_limit():
    found = [f for path in sorted(PACKAGE.rglob("*.py"))
             for f in long_functions(path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).as_posix())]
    assert found == []


def test_the_check_counts_lines():
    body = "".join(f"    x{i} = {i}\n" for i in range(LIMIT))
    assert long_functions(f"def f():\n{body}", "m.py") == [("m.py", "f", LIMIT + 1)]
    assert long_functions(f"def g():\n{body[: body.rindex('    x')]}", "m.py") == []
