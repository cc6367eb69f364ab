"""Which finding codes the tests assert: a code counts where its literal stands in an assert (or in a value an
assert compares: a name assigned in the test or its module, a parametrize value), never under `not in` or `!=`."""

from __future__ import annotations

import ast
from pathlib import Path


def _literals(node: ast.AST, codes: set[str]) -> set[str]:
    """Code literals in an expression, leaving out the right side of negative comparisons."""
    found: set[str] = set()
    if isinstance(node, ast.Constant) and node.value in codes:
        return {node.value}
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return found
    if isinstance(node, ast.Compare) and any(isinstance(op, (ast.NotIn, ast.NotEq, ast.IsNot)) for op in node.ops):
        return found
    for child in ast.iter_child_nodes(node):
        found |= _literals(child, codes)
    return found


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _assigned(body: list[ast.stmt]) -> dict[str, list[ast.AST]]:
    """Name -> values assigned to it anywhere in these statements."""
    out: dict[str, list[ast.AST]] = {}
    for stmt in body:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in _names(target):
                        out.setdefault(name, []).append(node.value)
    return out


def _parametrized(fn: ast.FunctionDef) -> dict[str, list[ast.AST]]:
    out: dict[str, list[ast.AST]] = {}
    for deco in fn.decorator_list:
        if isinstance(deco, ast.Call) and ast.unparse(deco.func).endswith("parametrize") and len(deco.args) >= 2:
            first = deco.args[0]
            names = first.value.replace(" ", "").split(",") if isinstance(first, ast.Constant) else []
            for name in names:
                out.setdefault(name, []).append(deco.args[1])
    return out


def asserted_codes(test_dir: Path, codes: set[str]) -> set[str]:
    """Every catalogue code some test in test_dir asserts."""
    found: set[str] = set()
    for path in sorted(test_dir.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_values = _assigned([s for s in tree.body if isinstance(s, ast.Assign)])
        for fn in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            values = {**module_values, **_parametrized(fn)}
            for name, assigned in _assigned(fn.body).items():
                values.setdefault(name, []).extend(assigned)
            for check in (n for n in ast.walk(fn) if isinstance(n, ast.Assert)):
                found |= _literals(check.test, codes)
                for name in _names(check.test):
                    for value in values.get(name, []):
                        found |= _literals(value, codes)
    return found
