"""The floors of the code, read from its imports (every ``import`` and ``from ... import``, at module
level, inside functions and under ``TYPE_CHECKING`` alike).

From the bottom up (docs/architecture.md):

* ``pipeline.core``: the kernel, imports nothing else of ours;
* the rooms, in the order data flows through them: ``fit`` < ``physiology`` < ``advice`` and
  ``store`` < ``weather`` < ``report``, and ``store`` < ``sources`` (beside ``weather``); a room
  imports ``core`` and rooms below it, never one beside or above it;
* ``pipeline.runtime``: process machinery, imports ``core`` only (no domain module);
* ``pipeline.usecases``: what a user asks for, imports ``core``, the rooms and ``runtime``; no Prefect;
* ``flows``: imports anything of ``pipeline``; nothing in ``pipeline`` imports ``flows``.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

ROOM_RANK = {"fit": 1, "physiology": 2, "advice": 3, "store": 3, "weather": 4, "sources": 4, "report": 5}


def _floor(module: str) -> tuple[str, int]:
    """The floor of a dotted module name of ours: ('core', 0), ('room:fit', 1), ..., ('runtime', 0),
    ('usecases', 6), ('flows', 7); ('pipeline', -1) for the package itself."""
    parts = module.split(".")
    if parts[0] == "flows":
        return "flows", 7
    if len(parts) == 1:
        return "pipeline", -1
    second = parts[1]
    if second == "core":
        return "core", 0
    if second == "runtime":
        return "runtime", 0
    if second == "usecases":
        return "usecases", 6
    if second in ROOM_RANK:
        return f"room:{second}", ROOM_RANK[second]
    return f"unknown:{second}", -99


def _allowed(source: str, target: str) -> bool:
    (src_floor, src_rank), (dst_floor, dst_rank) = _floor(source), _floor(target)
    if dst_floor == "flows":
        return src_floor == "flows"
    if dst_floor == "pipeline":  # the package itself (`from pipeline import advice`): the module named is checked
        return True
    if src_floor == "flows" or src_floor == dst_floor:
        return True
    if src_floor == "core":
        return False
    if src_floor == "runtime":
        return dst_floor == "core"
    if src_floor == "usecases":
        return dst_floor in {"core", "runtime"} or dst_floor.startswith("room:")
    if src_floor.startswith("room:"):
        return dst_floor == "core" or (dst_floor.startswith("room:") and dst_rank < src_rank)
    return False


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # `from pipeline import usecases` names a module too
            found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names
                      if (ROOT / module.replace(".", "/") / alias.name).is_dir()
                      or (ROOT / module.replace(".", "/") / f"{alias.name}.py").is_file()]
    return found


def _ours(module: str) -> bool:
    return module.split(".")[0] in {"pipeline", "flows"}


def _sources() -> list[Path]:
    return sorted(p for top in ("pipeline", "flows") for p in (ROOT / top).rglob("*.py"))


def broken_arrows() -> list[str]:
    broken = []
    for path in _sources():
        source = _module_name(path)
        for line, target in _imports(path):
            if _ours(target) and not _allowed(source, target):
                broken.append(f"{path.relative_to(ROOT)}:{line}: {source} ({_floor(source)[0]}) -> "
                              f"{target} ({_floor(target)[0]})")
    return broken


def test_every_import_arrow_points_down_a_floor() -> None:
    broken = broken_arrows()
    assert not broken, "imports against the floors:\n" + "\n".join(broken)


def test_the_pipeline_root_holds_only_its_init() -> None:
    loose = sorted(p.name for p in (ROOT / "pipeline").glob("*.py") if p.name != "__init__.py")
    assert loose == []


def test_every_module_is_on_a_known_floor() -> None:
    unknown = [_module_name(p) for p in _sources() if _floor(_module_name(p))[0].startswith("unknown")]
    assert unknown == []


def test_neither_the_pipeline_nor_its_use_cases_import_prefect() -> None:
    offenders = [f"{p.relative_to(ROOT)}:{line}" for p in (ROOT / "pipeline").rglob("*.py")
                 for line, target in _imports(p) if target.split(".")[0] == "prefect"]
    assert offenders == []


@pytest.mark.parametrize("source, target", [
    ("pipeline.fit.summary", "pipeline.physiology.environment"),   # a room importing one above it
    ("pipeline.advice.texts", "pipeline.store.files"),             # rooms beside each other
    ("pipeline.core.config", "pipeline.fit.models"),                # the kernel importing a room
    ("pipeline.runtime.guard", "pipeline.usecases.ingest"),         # machinery importing the domain
    ("pipeline.runtime.guard", "pipeline.store.catalog"),
    ("pipeline.report.render", "pipeline.usecases.analyse"),        # a room importing a use case
    ("pipeline.usecases.ride", "flows.cli.ride"),                   # anything importing flows
])
def test_the_rule_names_an_arrow_that_breaks_it(source: str, target: str) -> None:
    assert not _allowed(source, target)


@pytest.mark.parametrize("source, target", [
    ("pipeline.physiology.athlete", "pipeline.fit.models"),
    ("pipeline.report.view", "pipeline.advice.texts"),
    ("pipeline.usecases.guarded", "pipeline.runtime.guard"),
    ("flows.nightly", "pipeline.usecases.nightly"),
    ("pipeline.runtime.guard", "pipeline.core.config"),
])
def test_the_rule_lets_downward_arrows_pass(source: str, target: str) -> None:
    assert _allowed(source, target)
