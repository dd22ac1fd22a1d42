"""The package's import graph keeps the architecture's direction (docs/architecture.md).

The graph is read from the source with `ast` (nothing is imported): every `import` of a
storyweave module, at module level or inside a function (the lazy imports that keep start-up
fast are real dependencies too); only `if TYPE_CHECKING:` blocks are left out, since they never
run.  An import of `storyweave.a.b` counts as an edge to the module `a/b.py` (or the package
`a/__init__.py`); `from storyweave.a import b` to `a/b.py` when `b` is a submodule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import storyweave
from storyweave.pipeline import STAGES

PACKAGE = Path(storyweave.__file__).resolve().parent
# The edges of the pipeline: a stage module imports none of them, directly or through a helper.
EDGES = ("storyweave.io.store", "storyweave.cli", "storyweave.server", "storyweave.engines",
         "storyweave.io.readers", "storyweave.io.render", "storyweave.api", "storyweave.llm")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement of `tree` except those under `if TYPE_CHECKING:`."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _resolve(name: str) -> str | None:
    """The storyweave module that `name` (a module or a module's attribute) lives in."""
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name if name in MODULES else None


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:  # relative: from the module's package, `level - 1` packages up
            package = module.split(".") if MODULES[module].name == "__init__.py" else module.split(".")[:-1]
            base = ".".join(package[: len(package) - node.level + 1] + ([node.module] if node.module else []))
        names = [f"{base}.{alias.name}" for alias in node.names]
    return {t for n in names if n.startswith("storyweave") and (t := _resolve(n)) is not None}


def import_graph() -> dict[str, set[str]]:
    """module -> the storyweave modules it imports (itself left out)."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        graph[module] = {t for node in _imports(tree) for t in _targets(module, node)} - {module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def stage_modules() -> set[str]:
    """The modules named in pipeline.STAGES (`<module>.<function>`), with every module of a
    stage package; a stage written in pipeline.py itself delegates to one of them."""
    roots = {"storyweave." + s.fn.__name__.rsplit(".", 1)[0] for s in STAGES if "." in s.fn.__name__}
    return {m for m in MODULES for r in roots if m == r or m.startswith(r + ".")}


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _path_to_edge(graph: dict[str, set[str]], start: str, edges: tuple[str, ...] = EDGES) -> list[str] | None:
    """The shortest import chain from `start` to a module under one of `edges`, None when there is none."""
    previous: dict[str, str | None] = {start: None}
    queue = [start]
    for node in queue:
        if _under(node, edges):
            chain = [node]
            while previous[chain[-1]] is not None:
                chain.append(previous[chain[-1]])  # type: ignore[arg-type]
            return chain[::-1]
        for child in sorted(graph.get(node, ())):
            if child not in previous:
                previous[child] = node
                queue.append(child)
    return None


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_graph_is_read(graph):
    """The reader finds known imports (so an empty graph cannot pass the tests below)."""
    assert "storyweave.model" in graph["storyweave.stages.clean"]
    assert "storyweave.stages.analysis.parsed" in graph["storyweave.stages.analysis"]  # from storyweave.stages.analysis.parsed import ...
    assert "storyweave.io.readers" in graph["storyweave.cli.ingest"]  # a lazy import inside a function
    assert "storyweave.stages.stories" in graph["storyweave.pipeline"]
    assert "storyweave.nlp.text" in graph["storyweave.stages.clean"]
    assert {"storyweave.stages.clean", "storyweave.stages.dedup", "storyweave.stages.analysis.quotes", "storyweave.stages.brief.summary"} <= stage_modules()


def test_every_stage_lives_under_stages():
    """pipeline.STAGES names only modules of the `stages` package, and every module there is part of a stage."""
    assert all(m.startswith("storyweave.stages.") for m in stage_modules())
    assert {m for m in MODULES if m.startswith("storyweave.stages.")} == stage_modules()


def test_no_import_cycles(graph):
    assert cycles(graph) == []


def test_stages_and_nlp_import_no_edge(graph):
    """Stages and the nlp tools never reach io (readers, store, renderers), CLI, server, engines or the Python API."""
    inner = [m for m in sorted(MODULES) if _under(m, ("storyweave.stages", "storyweave.nlp"))]
    assert len(inner) > 20
    bad = {m: chain for m in inner if (chain := _path_to_edge(graph, m))}
    assert bad == {}, "\n".join(" -> ".join(chain) for chain in bad.values())


def test_nlp_imports_no_stage(graph):
    """The shared language tools sit below the stages: nothing under nlp/ imports a stage module."""
    nlp = [m for m in sorted(MODULES) if _under(m, ("storyweave.nlp",))]
    assert "storyweave.nlp.text" in nlp
    bad = {m: chain for m in nlp if (chain := _path_to_edge(graph, m, ("storyweave.stages",)))}
    assert bad == {}, "\n".join(" -> ".join(chain) for chain in bad.values())


def test_the_checks_catch_a_cycle_and_an_edge_import():
    """The same checks on a graph with one bad import added report it."""
    graph = import_graph()
    graph["storyweave.model"] = graph["storyweave.model"] | {"storyweave.stages.clean"}  # clean imports model
    assert any({"storyweave.stages.clean", "storyweave.model"} <= set(c) for c in cycles(graph))
    graph = import_graph()
    graph["storyweave.nlp.text"] = graph["storyweave.nlp.text"] | {"storyweave.io.store"}
    assert _path_to_edge(graph, "storyweave.stages.clean") == ["storyweave.stages.clean", "storyweave.nlp.text", "storyweave.io.store"]
    graph = import_graph()
    graph["storyweave.nlp.text"] = graph["storyweave.nlp.text"] | {"storyweave.stages.clean"}
    assert _path_to_edge(graph, "storyweave.nlp.text", ("storyweave.stages",)) == ["storyweave.nlp.text", "storyweave.stages.clean"]


# network client libraries (standard library and common third-party ones): optional network work
# (the LLM rewording) runs at the edge, `storyweave.llm`, after the stages
NETWORK = ("urllib.request", "http.client", "http.server", "socket", "requests", "httpx", "aiohttp", "urllib3")


def _reachable(graph: dict[str, set[str]], starts: set[str]) -> set[str]:
    seen, queue = set(starts), list(starts)
    for node in queue:
        for child in graph.get(node, ()):
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return seen


def network_imports(module: str) -> set[str]:
    """The network libraries `module` imports (anywhere in it)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names = set()
    for node in _imports(tree):
        names |= ({a.name for a in node.names} if isinstance(node, ast.Import)
                  else {node.module or ""} | {f"{node.module}.{a.name}" for a in node.names})
    return {n for n in names for lib in NETWORK if n == lib or n.startswith(lib + ".")}


def test_stages_import_no_network_library(graph):
    """No stage module, nor any storyweave module a stage imports, imports a network client."""
    bad = {m: found for m in sorted(_reachable(graph, stage_modules())) if (found := network_imports(m))}
    assert bad == {}
    assert network_imports("storyweave.llm") >= {"urllib.request"}  # the check sees the edge's client
