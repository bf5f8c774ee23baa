"""Every package the code imports by name is one pyproject.toml declares: a package that arrives
only through another's dependencies (numpy through pandas, Jinja2 through Prefect) can disappear
with that package's next release. The runtime (pipeline/, flows/) may import the runtime
dependencies and the optional extras it guards (``fast``, ``dask``); tests, tools, benchmarks and
the validation script may also import the test extra."""
from __future__ import annotations

import ast
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _names(requirements: list[str]) -> set[str]:
    """Normalised distribution names (PEP 503) of requirement strings such as ``"pandas>=2.2"``."""
    return {re.sub(r"[-_.]+", "-", re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0]).lower() for r in requirements}


RUNTIME = _names(PYPROJECT["dependencies"])
EXTRAS = {name: _names(reqs) for name, reqs in PYPROJECT["optional-dependencies"].items()}


def _local_modules() -> set[str]:
    """Our own top-level modules: the packages, and the helper modules of tests/ and benchmarks/
    (on sys.path when those run)."""
    local = {"pipeline", "flows", "tools", "tests", "benchmarks", "validation"}
    for folder in (ROOT / "tests", ROOT / "benchmarks", ROOT / "validation"):
        local |= {p.stem for p in folder.rglob("*.py")} | {p.name for p in folder.rglob("*") if p.is_dir()}
    return local


def _imported(folders: list[str]) -> dict[str, str]:
    """Top-level third-party module -> the first file:line importing it, over ``folders``."""
    skip = set(sys.stdlib_module_names) | _local_modules() | {"__future__"}
    found: dict[str, str] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top not in skip:
                        found.setdefault(top, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def _undeclared(folders: list[str], allowed: set[str]) -> list[str]:
    distributions = importlib.metadata.packages_distributions()
    problems = []
    for module, where in sorted(_imported(folders).items()):
        names = {re.sub(r"[-_.]+", "-", d).lower() for d in distributions.get(module, [module])}
        if not names & allowed:
            problems.append(f"{where}: imports {module} (distribution {', '.join(sorted(names))}), "
                            "which pyproject.toml does not declare")
    return problems


def test_the_runtime_imports_only_what_it_declares() -> None:
    allowed = RUNTIME | EXTRAS["fast"] | EXTRAS["dask"]
    assert _undeclared(["pipeline", "flows"], allowed) == []


def test_tests_tools_and_benchmarks_import_only_what_is_declared() -> None:
    allowed = RUNTIME | set().union(*EXTRAS.values())
    assert _undeclared(["tests", "tools", "benchmarks", "validation"], allowed) == []


def test_the_check_finds_an_undeclared_import(tmp_path: Path, monkeypatch) -> None:
    """The rule itself: numpy imported with only pandas declared is named, with its file and line."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_text("import pandas\n\ndef f():\n    import numpy.linalg\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    assert _undeclared(["pkg"], {"pandas"}) == [
        "pkg/m.py:4: imports numpy (distribution numpy), which pyproject.toml does not declare"]
