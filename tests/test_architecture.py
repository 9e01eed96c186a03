"""The house with three wings holds: import contracts, clean imports, no imports hidden in functions."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = PROJECT_ROOT / "benchmark"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 400


def module_names() -> list[str]:
    """Every module of the package, as a dotted name."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_import_contracts_hold() -> None:
    """`lint-imports` checks the layers (wings > web > store > core) and the pure core."""
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_crossing_between_wings_breaks_the_contract(tmp_path: Path) -> None:
    """The contract is not vacuous: in a copy of the package, a wing importing another wing is reported."""
    shutil.copytree(PACKAGE, tmp_path / "benchmark", ignore=shutil.ignore_patterns("__pycache__", "data"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    probe = tmp_path / "benchmark" / "organisations" / "crossing_probe.py"
    probe.write_text("import benchmark.intermediaries.workshops.services  # noqa: F401\n", encoding="utf-8")
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout
    assert "benchmark.organisations.crossing_probe ->" in result.stdout
    assert "1 broken" in result.stdout


FRESH_IMPORTS = """
import importlib, json, sys
failures = {}
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m == "benchmark" or m.startswith("benchmark.")]:
        del sys.modules[loaded]  # each module is imported first, as in a fresh interpreter
    try:
        importlib.import_module(name)
    except Exception as error:
        failures[name] = f"{type(error).__name__}: {error}"
print(json.dumps(failures))
"""


def test_every_module_imports_first_without_a_cycle() -> None:
    """Each module, imported before any other module of the project, imports cleanly."""
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", FRESH_IMPORTS, *module_names()],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {}


def test_no_project_import_hides_in_a_function_body() -> None:
    """Imports of the project sit at the top of a module, where a cycle shows at once."""
    hidden = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("benchmark"):
                    hidden.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
                if isinstance(node, ast.Import) and any(a.name.startswith("benchmark") for a in node.names):
                    hidden.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert hidden == []


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(PROJECT_ROOT)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}
