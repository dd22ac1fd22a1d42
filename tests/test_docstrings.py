"""A docstring on every public module, class, function and method of the package.

ruff's pydocstyle rules (D100-D106, pyproject.toml) check this too, but they take a module's
`__all__` as the whole of its public interface and skip modules whose name starts with "_";
this test counts every name that does not start with "_" (a module's helpers that other modules
import are public to them), in every module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import storyweave

PACKAGE = Path(storyweave.__file__).resolve().parent
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def _public(node: Definition) -> bool:
    return not node.name.startswith("_")


def missing_docstrings(source: str, name: str) -> list[str]:
    """`name` and `name:line def` of the module, its public classes, functions and the public
    methods of its public classes that have no docstring (nested functions are not public)."""
    tree = ast.parse(source)
    missing = [] if ast.get_docstring(tree) else [name]
    for node in tree.body:
        if isinstance(node, Definition) and _public(node):
            if not ast.get_docstring(node):
                missing.append(f"{name}:{node.lineno} {node.name}")
            if isinstance(node, ast.ClassDef):
                missing += [f"{name}:{m.lineno} {node.name}.{m.name}" for m in node.body
                            if isinstance(m, Definition) and _public(m) and not ast.get_docstring(m)]
    return missing


def test_every_public_definition_has_a_docstring():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 80
    missing = [m for path in files
               for m in missing_docstrings(path.read_text(encoding="utf-8"), str(path.relative_to(PACKAGE)))]
    assert missing == []


def test_the_check_finds_what_is_missing():
    source = '"""Module."""\n\ndef f():\n    pass\n\nclass C:\n    """C."""\n\n    def m(self):\n        pass\n\n' \
             '    def _private(self):\n        pass\n\ndef _helper():\n    pass\n'
    assert missing_docstrings(source, "m.py") == ["m.py:3 f", "m.py:9 C.m"]
    assert missing_docstrings("x = 1\n", "n.py") == ["n.py"]
