"""The package layout of ARCHITECTURE.md holds: the import contracts in ``pyproject.toml`` (import-linter)
are kept, they break when a change imports against them, and every module is inside the contracts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "server" / "natoasia"
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run import-linter on the ``natoasia`` and ``bench`` packages found below ``root``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / "server"), str(root)]))
    command = [str(Path(sys.executable).with_name("lint-imports")), str(root / "pyproject.toml"), "--no-cache"]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_the_import_contracts_are_kept():
    """No circle, no upward dependency, no web stack below the endpoint (see ARCHITECTURE.md)."""
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(CONTRACTS)} kept, 0 broken" in result.stdout, result.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """A copy of the package, the benchmarks and the contracts, to break on purpose."""
    root = tmp_path_factory.mktemp("layout")
    shutil.copytree(PACKAGE, root / "server" / "natoasia", ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copytree(ROOT / "bench", root / "bench", ignore=shutil.ignore_patterns("__pycache__", ".venv*"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.mark.parametrize(("module", "line", "contract", "says"), [
    ("dataset/build.py", "import natoasia.site.pages", "layers", "natoasia.dataset.build -> natoasia.site.pages"),
    ("stores/embedded.py", "from natoasia.endpoint import pool", "layers", "natoasia.stores.embedded -> natoasia.endpoint.pool"),
    ("site/links.py", "from natoasia.site import pages", "no-cycles", "No cycles are allowed in natoasia.site"),
    ("dataset/checks/findings.py", "import natoasia.dataset.validate", "pipeline",
     "natoasia.dataset.checks.findings -> natoasia.dataset.validate"),
    ("site/argument.py", "from natoasia.dataset import validate", "site-reads-outputs",
     "natoasia.site.argument -> natoasia.dataset.validate"),
    ("dataset/sources.py", "import flask", "no-web-below-the-endpoint", "natoasia.dataset.sources -> flask"),
    ("endpoint/worker.py", "import rdflib", "confined-code", "natoasia.endpoint.worker -> rdflib"),
], ids=lambda value: value if isinstance(value, str) and "/" in value else None)
def test_an_import_against_the_layout_breaks_its_contract(copy, module, line, contract, says):
    """Each contract can fail: one import against it, added to a copy, is reported by name."""
    path = copy / "server" / "natoasia" / module
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{line}  # against the layout\n", encoding="utf-8")
    try:
        result = lint_imports(copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode == 1, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[1]
    assert CONTRACTS[contract]["name"].split(":")[0] in " ".join(broken.split()), broken
    assert says in broken, broken


def test_a_cycle_between_benchmarks_breaks_the_contract(copy):
    """The benchmarks share bench/harness.py instead of importing each other."""
    path = copy / "bench" / "harness.py"
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "\nfrom bench import run_bench  # against the layout\n", encoding="utf-8")
    try:
        result = lint_imports(copy)
    finally:
        path.write_text(original, encoding="utf-8")
    assert result.returncode == 1 and "No cycles are allowed in bench" in result.stdout, result.stdout


def _names(layers: list[str]) -> set[str]:
    return {name.strip() for layer in layers for name in layer.replace(":", "|").split("|")}


def _children(folder: Path) -> set[str]:
    modules = {p.stem for p in folder.glob("*.py") if p.stem not in ("__init__", "__main__")}
    packages = {p.name for p in folder.iterdir() if (p / "__init__.py").is_file()}
    return modules | packages


@pytest.mark.parametrize(("contract", "folder"), [("layers", PACKAGE), ("pipeline", PACKAGE / "dataset")])
def test_every_module_stands_in_a_layer(contract, folder):
    """A new module must be placed in the layers (a module no layer names is checked by no layer)."""
    assert _children(folder) == _names(CONTRACTS[contract]["layers"])
