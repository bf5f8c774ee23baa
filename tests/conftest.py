"""Shared fixtures: the shared FIT samples and an isolated Prefect home for every test session."""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT.parent / "shared" / "fit-samples"

# Prefect state never touches the developer's ~/.prefect (PrefectHQ/examples internal/tests/conftest.py).
os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="sweatline-test-prefect-")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


def manifest_rows() -> list[dict[str, str]]:
    """The rows of ../shared/fit-samples/MANIFEST.csv (independent-decoder reference values)."""
    with open(SAMPLES / "MANIFEST.csv", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def samples() -> Path:
    assert SAMPLES.is_dir(), f"the shared FIT samples are expected at {SAMPLES}"
    return SAMPLES


@pytest.fixture
def write_config(tmp_path: Path):
    """Write a config YAML into tmp_path and return its path."""
    def _write(text: str) -> Path:
        path = tmp_path / "sweatline.yaml"
        path.write_text(text)
        return path
    return _write
