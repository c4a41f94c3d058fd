"""No import cycles between the project's modules (imports inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

from parallax.settings import REPO_ROOT

PACKAGES = ("parallax", "flows", "tasks")


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of import nodes inside `if TYPE_CHECKING:` blocks (annotations only, no runtime import)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> project modules it imports at run time (subpackages included; a package is its
    `__init__`; `from pkg import submodule` depends on the submodule, not on the package)."""
    modules = {_module_name(p): p for pkg in PACKAGES for p in (REPO_ROOT / pkg).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_only(tree)
        deps: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = [f"{node.module}.{a.name}" for a in node.names]
                targets = [t for t in subs if t in modules]
                if len(targets) < len(subs):  # names defined in the module itself
                    targets.append(node.module)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            deps.update(t for t in targets if t in modules and t != name)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found: list[list[str]] = []

    def visit(node: str, path: list[str]) -> None:
        for dep in sorted(graph[node]):
            if dep == path[0]:
                found.append([*path, dep])
            elif dep not in path and dep > path[0]:  # each cycle once, from its smallest module
                visit(dep, [*path, dep])

    for start in sorted(graph):
        visit(start, [start])
    return found


# Modules that used to be in cycles (flows.nightly -> cli -> schedule -> flows.nightly through the
# `__main__` block; db.rollback_run importing stories; parallax.runner <-> tasks.extract, now that
# the Dask runner submits `tasks.annotate.annotate_task` over `parallax.worker`), and the modules
# extraction was split into.
UNTIED = {
    "flows.nightly",
    "parallax.cli",
    "parallax.schedule",
    "parallax.db",
    "parallax.stories",
    "parallax.runner",
    "tasks.extract",
    "tasks.annotate",
    "parallax.worker",
    "parallax.extract",
    "parallax.extract_store",
    "parallax.entity_archive",
    "parallax.schemas",
}


def test_no_import_cycles_through_the_entry_points_and_db() -> None:
    graph = import_graph()
    assert set(graph) >= UNTIED
    assert [c for c in cycles(graph) if UNTIED & set(c)] == []


def reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(graph.get(node, ()))
    return False


def test_the_runner_and_the_extract_task_do_not_import_each_other() -> None:
    graph = import_graph()
    assert reaches(graph, "tasks.extract", "parallax.runner")  # the task calls the runner
    assert not reaches(graph, "parallax.runner", "tasks.extract")
    assert reaches(graph, "parallax.runner", "tasks.annotate")  # the Dask runner submits annotate_task
    assert not reaches(graph, "tasks.annotate", "parallax.runner")


def test_no_import_cycles_anywhere() -> None:
    graph = import_graph()
    assert {"parallax.site", "parallax.site.build", "parallax.entities.resolution"} <= set(graph)
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
