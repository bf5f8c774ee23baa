"""Lazy package exports (PEP 562): a package names where each public name lives, and the module is
imported on first use, so importing a light part of a package never loads its heavy neighbours."""
from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, where: Mapping[str, str]) -> Callable[[str], Any]:
    """The module-level ``__getattr__`` of ``package``: ``where`` maps a public name to the submodule
    (relative to ``package``) that defines it. Raises AttributeError for any other name."""
    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__
