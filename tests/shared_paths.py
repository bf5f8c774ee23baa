"""Where the tests find what is not in the repository: the shared FIT files beside the project and
the installed ``sweatline`` command. The one place these are spelled out.

``tests/`` is on ``sys.path`` (its ``conftest.py`` is rootdir-level), so any test imports
``from shared_paths import SAMPLES``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("SWEATLINE_SHARED") or PROJECT.parent / "shared")
"""The shared test material: ``../shared`` beside the clone, or the folder ``SWEATLINE_SHARED`` names."""
SAMPLES = SHARED / "fit-samples"
"""The 52 real FIT files and MANIFEST.csv (independent-decoder reference values)."""
CASES = SHARED / "fit-cases"
"""Synthetic files reproducing publicly reported faults; README.md gives the right answers."""
SWEATLINE = Path(sys.executable).with_name("sweatline")
"""The ``sweatline`` console script installed beside the interpreter running the tests."""


def json_error_or_nothing(stdout: str, stderr: str) -> bool:
    """What ``--json`` prints on stdout for a refused input: the error object carrying the same one
    line as stderr, or nothing when the command was run without ``--json``."""
    import json

    if stdout == "":
        return True
    return json.loads(stdout) == {"error": stderr.strip(), "exit": 2}
