"""The rules of the house (docs/ARCHITECTURE.md), checked on the code itself:
the import-linter contracts in pyproject.toml (layers import downward only,
readers and writers know nothing of each other, the shared modules import
neither the command line nor the make layer); no import cycle between any two
modules; and no `_name` imported from a module outside the importer's own
package, in the package, its tests or its benchmarks."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

from conftest import ROOT

PACKAGE = ROOT / "bookmaker"


def test_the_import_contracts_are_kept() -> None:
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
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
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_module_imports_itself_through_others() -> None:
    # Imports inside functions count: a cycle deferred to run time is still one.
    assert _cycles(grimp.build_graph("bookmaker")) == []


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _private_imports(path: Path) -> list[str]:
    """`from M import _x` where M is a bookmaker module outside the package of `path`
    (for a module of bookmaker itself; for tests and benchmarks, any M)."""
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    inside = me.startswith("bookmaker.") or me == "bookmaker"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = package.split(".")[: len(package.split(".")) - node.level + 1]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        if target != "bookmaker" and not target.startswith("bookmaker."):
            continue
        if inside and (target == package or target.startswith(package + ".")):
            continue  # private to its subpackage: allowed
        found += [f"{path.relative_to(ROOT)}:{node.lineno}: {target}.{alias.name}"
                  for alias in node.names
                  if alias.name.startswith("_") and not alias.name.startswith("__")]
    return found


def test_no_private_name_is_imported_from_another_package() -> None:
    files = [*PACKAGE.rglob("*.py"), *(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    assert len(files) > 50
    found = [hit for path in sorted(files) for hit in _private_imports(path)]
    assert found == []


def test_the_private_import_check_can_fail(tmp_path: Path) -> None:
    probe = ROOT / "tests" / "_probe_private_import.py"
    probe.write_text("from bookmaker.make.plan import _select\n", encoding="utf-8")
    try:
        assert _private_imports(probe) == [
            "tests/_probe_private_import.py:1: bookmaker.make.plan._select"]
    finally:
        probe.unlink()
    assert _cycles(_Graph({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})) == [["a", "b", "c"]]


class _Graph:
    """Just enough of grimp's graph for the cycle finder's own test."""

    def __init__(self, edges: dict[str, set[str]]) -> None:
        self.edges = edges
        self.modules = set(edges)

    def find_modules_directly_imported_by(self, module: str) -> set[str]:
        return self.edges[module]
