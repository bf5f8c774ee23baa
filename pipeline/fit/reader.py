"""Decoding FIT files with fitparse (placeholder until issue #2's ingest lands)."""
from __future__ import annotations

from pathlib import Path

from pipeline.errors import NotYetAvailable
from pipeline.fit.models import Activity


def read_activity(path: Path) -> Activity:
    raise NotYetAvailable(str(path), "FIT ingest is not available yet")
