"""The package is a one-way house: base modules, the configuration leaf, the steps, and the round's API with the
CLI and web page on top; no import cycle (imports for type checking only are left out)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "thidua_xlsx"
BASE = {"errors", "text", "findings", "files", "processes", "catalogue", "presets", "votes"}
CONFIG = {"config"}
TOP = {"campaign", "cli", "demo", "__init__", "__main__"}


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


def _runtime_imports(tree: ast.AST) -> set[str]:
    """thidua_xlsx modules imported anywhere in a module (functions included), outside `if TYPE_CHECKING:`."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("thidua_xlsx"):
            base = node.module.removeprefix("thidua_xlsx").lstrip(".")
            for alias in node.names:
                candidate = f"{base}.{alias.name}".lstrip(".")
                found.add(candidate if (PACKAGE / Path(*candidate.split("."))).with_suffix(".py").exists() else base)
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("thidua_xlsx.") for a in node.names if a.name.startswith("thidua_xlsx."))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m}


def import_graph() -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports at run time."""
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        graph[_module(path)] = _runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
    return graph


def _layer(module: str) -> int:
    top = module.split(".")[0]
    if top in BASE:
        return 0
    if top in CONFIG:
        return 1
    if top in TOP or top == "web":
        return 3
    return 2


def test_imports_go_down_the_layers_only():
    upward = [f"{m} -> {i}" for m, imports in import_graph().items() for i in imports
              if _layer(i) > _layer(m)]
    assert upward == []


def test_no_import_cycle():
    graph = import_graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in state:
                walk(nxt, trail + [nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert cycles == []


def test_the_layer_test_sees_a_cycle_and_an_upward_import(tmp_path):
    """The checks above can fail: a module pair importing each other, and a step importing the API, are caught."""
    tree = ast.parse("from thidua_xlsx.campaign import Campaign\nif TYPE_CHECKING:\n    from thidua_xlsx import cli\n"
                     "def f():\n    from thidua_xlsx.reader import read_return\n")
    assert _runtime_imports(tree) == {"campaign", "reader"}
    assert _layer("campaign") > _layer("reader") > _layer("config") > _layer("text")


def test_the_coverage_gate_counts_asserted_codes_only(tmp_path):
    from asserted import asserted_codes

    (tmp_path / "test_a.py").write_text(
        "EXPECTED = [('CODE_A', 1)]\n"
        "def test_x(report):\n    assert report.rows(['code']) == EXPECTED\n"
        "def test_y(codes):\n    assert 'CODE_B' not in codes and not 'CODE_C' in codes\n"
        "def test_z(result):\n    seen = {'CODE_D'}\n    run(result)\n", encoding="utf-8")
    assert asserted_codes(tmp_path, {"CODE_A", "CODE_B", "CODE_C", "CODE_D"}) == {"CODE_A"}
