"""Where things live under ``data_dir`` (SPEC "Data directory").

::

    data_dir/
      catalog.sqlite                    the catalog (pipeline.store.catalog)
      records/<activity id>.parquet     parsed records (pipeline.store.records)
      reports/<date>-<sport>-<id10>/    report.json, report.md, report.html of one activity
      reports/index.html|.md            (written by the nightly flow) every activity, newest first
      digests/<run time>-nightly.md     one run summary per nightly run (:func:`run_summary_path`)
      prefect/                          the local Prefect server's database when `sweatline serve` starts one
      synced/<source>/                  files the sources downloaded (pipeline.sources), read like the inbox

The inbox is elsewhere and only ever read.
"""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

REPORTS_DIR = "reports"
DIGESTS_DIR = "digests"
PREFECT_DIR = "prefect"
CACHE_DIR = "cache"  # what can be rebuilt from the catalog at any time (the front door's table)
SYNCED_DIR = "synced"

_UNSAFE = re.compile(r"[^a-z0-9_]+")


def report_slug(activity_id: str, sport: str | None, start_time: datetime | None) -> str:
    """A readable, unique and file-system-safe folder name: ``2024-06-01-cycling-3fa2b1c9d0``.

    ``sport`` comes from the file (untrusted): only ``[a-z0-9_]`` survive, so no path tricks.
    """
    sport_part = _UNSAFE.sub("_", (sport or "activity").lower()).strip("_")[:24] or "activity"
    parts = [start_time.strftime("%Y-%m-%d")] if start_time is not None else []
    parts += [sport_part, activity_id[:10]]
    return "-".join(parts)


def report_relpath(activity_id: str, sport: str | None, start_time: datetime | None) -> str:
    """The report folder of an activity, relative to ``data_dir``."""
    return f"{REPORTS_DIR}/{report_slug(activity_id, sport, start_time)}"


def reports_dir(data_dir: Path) -> Path:
    return Path(data_dir) / REPORTS_DIR


def digests_dir(data_dir: Path) -> Path:
    return Path(data_dir) / DIGESTS_DIR


def synced_dir(data_dir: Path, source: str | None = None) -> Path:
    """Where the sources write the files they download (``synced/``), or one source's folder in it."""
    folder = Path(data_dir) / SYNCED_DIR
    return folder / source if source is not None else folder


def cache_dir(data_dir: Path) -> Path:
    return Path(data_dir) / CACHE_DIR


def prefect_dir(data_dir: Path) -> Path:
    return Path(data_dir) / PREFECT_DIR


NIGHTLY_RUN = "nightly"
"""The runs-table name of a nightly run (the nightly flow's name too)."""


def run_summary_path(digests: Path, started_at: datetime) -> Path:
    """The run summary of the nightly run started at ``started_at`` (UTC) under ``digests``:
    ``20260601T030000.250Z-nightly.md``. Named to the millisecond: a night with little to do ends
    within the second it began, and the next night started in that second must not replace its
    summary (the nightly lock keeps two nights from starting together). Names sort as the nights ran."""
    return Path(digests) / f"{started_at:%Y%m%dT%H%M%S}.{started_at.microsecond // 1000:03d}Z-{NIGHTLY_RUN}.md"


def data_dir_problem(data_dir: Path) -> str | None:
    """Why ``data_dir`` cannot be Sweatline's data folder, in a few words, or None: a file where the
    folder is (``is a file, not a folder``) or where one of its parents is (``is inside a file:
    /x/y``), or a path the system cannot look at (``cannot be a folder (File name too long)``). A folder that does not exist yet is no problem: it is created when first written."""
    path = Path(data_dir)
    try:
        for existing in (path, *path.parents):
            if existing.exists():
                if existing.is_dir():
                    return None
                return "is a file, not a folder" if existing == path else f"is inside a file: {existing}"
    except OSError as exc:  # a name longer than the file system allows, a symlink loop
        return f"cannot be a folder ({exc.strerror or exc})"
    return None
