"""Helpers shared by the ingest tests (imported by name: tests/fit is on sys.path under pytest)."""
from __future__ import annotations

import csv
import functools
from pathlib import Path

from pipeline.fit import Activity, read_activity

PROJECT = Path(__file__).resolve().parents[1]
from shared_paths import CASES, SAMPLES, SWEATLINE  # noqa: E402,F401


def manifest() -> list[dict[str, str]]:
    """MANIFEST.csv rows: values from the Garmin SDK, cross-checked with fitdecode (README there)."""
    with open(SAMPLES / "MANIFEST.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def manifest_row(name: str) -> dict[str, str]:
    return next(row for row in manifest() if row["file"] == name)


@functools.lru_cache(maxsize=None)
def sample_activity(name: str) -> Activity:
    """``read_activity`` of a shared sample, decoded once per test session (do not mutate it)."""
    return read_activity(SAMPLES / name)


def sample_bytes(name: str) -> bytes:
    """A sample's bytes, read at test time (never copied into the project)."""
    return (SAMPLES / name).read_bytes()



CONFIG = """inbox: {inbox}
data_dir: {data}
nightly: {{cron: "0 3 * * *", timezone: "UTC"}}
climate: {{temperature_c: 20, humidity_pct: 50}}
advice: {{long_session_min: 60, bottle_ml: 750}}
athlete: {{name: test, body_mass_kg: 70, height_cm: 178, sex: male, age: 35,
          hr_rest_bpm: 55, hr_max_bpm: 185, ftp_w: 250}}
"""
"""A config for the installed command in the ingest tests (format with inbox= and data=)."""
