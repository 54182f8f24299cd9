"""The package's layers import one way only, and the model loads without the UI.

Layers (folders of ``helpers/``), lowest first; a module may import its own
layer and the ones before it, never a later one:
core -> model -> evidence -> presentation -> explorer -> lessons -> classroom.
``helpers/__init__.py`` is the public facade on top of all of them.
"""
from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

import helpers

PACKAGE = Path(helpers.__file__).resolve().parent
LAYERS = ("core", "model", "evidence", "presentation", "explorer", "lessons", "classroom")


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(("helpers",) + tuple(p for p in parts if p != "__init__"))
        found[name] = path
    return found


MODULES = _modules()
LAYERED = {name: path for name, path in MODULES.items() if name != "helpers"}


def _layer(module: str) -> int:
    return LAYERS.index(module.split(".")[1])


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module.split(".")
    if MODULES[module].name != "__init__.py":
        package = package[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str) -> list[tuple[str, ast.AST]]:
    """(imported helpers module, node) for every import statement of a module."""
    tree = ast.parse(MODULES[module].read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node) for alias in node.names if alias.name.startswith("helpers")]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            if target.startswith("helpers"):
                # "from . import x" names submodules: count each one
                subs = [f"{target}.{a.name}" for a in node.names if f"{target}.{a.name}" in MODULES]
                found += [(sub, node) for sub in subs] or [(target, node)]
    return found


@pytest.mark.parametrize("module", sorted(LAYERED))
def test_imports_go_down_the_layers_only(module):
    for target, node in _imports(module):
        if target == "helpers":
            pytest.fail(f"{module} imports the facade 'helpers' (line {node.lineno}); import the module itself")
        assert _layer(target) <= _layer(module), (
            f"{module} ({LAYERS[_layer(module)]}) imports {target} ({LAYERS[_layer(target)]}), a later layer, "
            f"at line {node.lineno}")


def test_no_import_cycles():
    graph = {m: {t for t, _ in _imports(m) if t in MODULES and t != m} for m in LAYERED}
    state: dict[str, int] = {}

    def visit(node, path):
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join(path + [nxt]))
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])


@pytest.mark.parametrize("module", sorted(LAYERED))
def test_imports_at_module_level_and_no_private_names_across_modules(module):
    tree = ast.parse(MODULES[module].read_text())
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                assert not isinstance(inner, (ast.Import, ast.ImportFrom)), (
                    f"{module}: import inside {node.name}() at line {inner.lineno}")
        if isinstance(node, ast.ImportFrom) and _resolve(module, node).startswith("helpers"):
            private = [a.name for a in node.names if a.name.startswith("_") and not a.name.endswith("_")]
            assert not private, f"{module} imports private names {private} at line {node.lineno}"
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.endswith("_"):
            owner = node.value
            assert isinstance(owner, ast.Name) and owner.id in ("self", "cls"), (
                f"{module} reaches into a private attribute .{node.attr} at line {node.lineno}")


def test_public_api_lists_what_it_exports():
    assert len(helpers.__all__) == len(set(helpers.__all__))
    for name in helpers.__all__:
        assert getattr(helpers, name) is not None, name


def test_simulate_loads_neither_widgets_nor_imaging_nor_plotting():
    code = ("import sys, helpers; helpers.simulate('oral', 50.0); helpers.simulate_population('oral', 50.0, "
            "n_patients=5); print(sorted(m for m in ('ipywidgets', 'PIL', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


SCRIPTS = sorted(path.relative_to(PACKAGE.parent)
                 for folder in ("benchmarks", "tools") for path in (PACKAGE.parent / folder).glob("*.py"))


@pytest.mark.parametrize("script", SCRIPTS, ids=str)
def test_scripts_import_names_that_exist(script):
    # benchmarks and tools import helpers inside functions that only `make bench` or a build runs:
    # a module path left behind by a refactoring must fail here, not in front of a teacher
    tree = ast.parse((PACKAGE.parent / script).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "helpers":
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name) or importlib.util.find_spec(f"{node.module}.{alias.name}"), (
                    f"{script}:{node.lineno}: {node.module} has no {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "helpers":
                    importlib.import_module(alias.name)
