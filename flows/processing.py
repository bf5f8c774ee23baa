"""The work both flows do on one inbox file, as plain functions (no Prefect import).

``flows/nightly.py`` and ``flows/after_ride.py`` wrap these in Prefect tasks; the fast path of
``sweatline ride`` calls them directly. Keeping Prefect out of this module also keeps it cheap
to import in worker processes (see :mod:`flows.parallel`).

One file, start to finish (:func:`process_file`):

1. hash it (SHA-256 of the bytes as stored: the catalog key);
2. decode it (``pipeline.fit``): a :class:`~pipeline.errors.RejectedFile` becomes a
   :class:`~pipeline.store.RejectionRow` with its one-line reason — bad data is an outcome,
   not a failure, so it is never retried;
3. analyse each activity (``pipeline.analysis``);
4. write its records (Parquet) and its report folder, each atomically;
5. return a :class:`FileOutcome` that :func:`record_outcome` commits to the catalog in one
   transaction — after the files, so a catalog row never points at a missing report.

An ``OSError`` while reading the inbox or writing ``data_dir`` propagates: the Prefect task
retries those (and only those).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from pipeline.analysis import Analysis, WeatherOverride, analyse_activity
from pipeline.config import Config
from pipeline.errors import RejectedFile
from pipeline.fit.models import Activity, ScaleReading
from pipeline.store.catalog import ActivityRow, Catalog, FileRow, RejectionRow, utc_now
from pipeline.store.files import atomic_directory, sha256_file
from pipeline.store.layout import report_relpath
from pipeline.store.records import write_records
from pipeline.store.weighins import absorb_scale_readings, calibration_for

INBOX_SUFFIXES: tuple[str, ...] = (".fit", ".fit.gz", ".zip")


@dataclass(frozen=True)
class InboxFile:
    """A candidate file found in the inbox."""

    path: Path
    size_bytes: int
    mtime_ns: int


def is_inbox_file(path: Path) -> bool:
    """``.fit``, ``.fit.gz`` or ``.zip`` (any case), not hidden."""
    name = path.name.lower()
    return not name.startswith(".") and name.endswith(INBOX_SUFFIXES)


def scan_inbox(inbox: Path) -> list[InboxFile]:
    """Every ``.fit`` / ``.fit.gz`` / ``.zip`` under ``inbox`` (sub-folders too), sorted by path.

    Read-only: nothing in the inbox is opened for writing, moved or deleted. Hidden files and
    folders (``.Trash``, ``.sync``) are skipped; symbolic links to folders are not followed.
    """
    inbox = Path(inbox)
    found: list[InboxFile] = []
    for folder, dirnames, filenames in os.walk(inbox, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            path = Path(folder) / name
            if not is_inbox_file(path):
                continue
            try:
                stat = path.stat()
            except OSError:
                continue  # vanished or a dangling link: nothing to read
            if os.path.isfile(path):
                found.append(InboxFile(path=path, size_bytes=stat.st_size, mtime_ns=stat.st_mtime_ns))
    return sorted(found, key=lambda f: str(f.path))


def newest_inbox_file(inbox: Path) -> Path | None:
    """The most recently modified inbox file (what a watch synced last), or None."""
    files = scan_inbox(inbox)
    if not files:
        return None
    return max(files, key=lambda f: (f.mtime_ns, str(f.path))).path


class ProcessedActivity(BaseModel):
    """One activity written to ``data_dir``: its catalog row and its report folder (absolute)."""

    row: ActivityRow
    report_dir: Path
    warnings: list[str] = []


class FileOutcome(BaseModel):
    """What processing one inbox file gave; committed to the catalog by :func:`record_outcome`."""

    file: FileRow
    status: Literal["processed", "rejected"]
    activities: list[ProcessedActivity] = []
    rejections: list[RejectionRow] = []
    seconds: float = 0.0

    @property
    def reason(self) -> str | None:
        return "; ".join(r.reason for r in self.rejections) or None


def read_file_activities(path: Path) -> tuple[list[Activity], list[RejectedFile], list[ScaleReading]]:
    """Decode an inbox file: the activities it holds, the refusals (of the file, or of zip members)
    and a smart scale's weight-scale readings (issue #6).

    A ``.fit`` / ``.fit.gz`` gives one activity, one weight-scale file or one refusal; a ``.zip``
    may give several activities and refusals. A file that gives nothing at all is refused as a whole.
    """
    from pipeline.fit import read_fit

    result = read_fit(path)
    if not result.activities and not result.rejections and not result.scale_files:
        return [], [RejectedFile(path.name, "no FIT file inside (.fit or .fit.gz members)", "archive")], []
    return list(result.activities), list(result.rejections), result.scale_readings


def _member(refusal: RejectedFile, path: Path) -> str:
    """The zip member a refusal is about ("" when it is about the file itself)."""
    for prefix in (f"{path.name}:", f"{path}:"):
        if refusal.source.startswith(prefix):
            return refusal.source[len(prefix):]
    return ""


def write_activity_outputs(analysis: Analysis, data_dir: Path, report_dir_rel: str) -> str | None:
    """Write the records (Parquet) and the report folder of one analysed activity, each atomically.

    Returns the records path relative to ``data_dir`` (None when there are no records).
    """
    activity = analysis.activity
    records_rel = None
    if activity is not None and activity.records is not None and len(activity.records.columns):
        records_rel = write_records(data_dir, analysis.report.activity.id, activity.records)  # type: ignore[union-attr]
    from pipeline.report.writer import write_reports  # matplotlib: imported only when a report is drawn

    with atomic_directory(Path(data_dir) / report_dir_rel) as tmp:
        write_reports(analysis, tmp)
    return records_rel


def process_file(path: Path, config: Config, override: WeatherOverride | None = None,
                 run_id: str | None = None, sha256: str | None = None) -> FileOutcome:
    """Decode, analyse and write one inbox file; bad data comes back as a rejected outcome.

    Raises ``OSError`` for I/O trouble (worth a retry) and anything else for an internal error.
    """
    started = utc_now()
    path = Path(path)
    sha = sha256 or sha256_file(path)
    size = path.stat().st_size
    override = override or WeatherOverride()
    activities: list[ProcessedActivity] = []
    rejections: list[RejectionRow] = []
    decoded, refusals, readings = read_file_activities(path)
    scale_readings = None  # issue #6: a smart scale's weight file is kept for weigh-ins, not refused
    if readings:
        scale_readings = absorb_scale_readings(config.data_dir, readings, sha, path.name, config.athlete.body_mass_kg)
    for refusal in refusals:
        rejections.append(RejectionRow(file_sha256=sha, member=_member(refusal, path), name=path.name, path=str(path),
                                       kind=refusal.kind, reason=refusal.reason, rejected_at=utc_now(),
                                       run_id=run_id))
    for activity in decoded:
        analysis = analyse_activity(activity, config, override,
                                    calibration_for(config.data_dir, activity.summary.sport))
        block = analysis.report.activity
        assert block is not None, "analyse_activity returns a report with its activity block"
        report_rel = report_relpath(block.id, block.sport, block.start_time)
        records_rel = write_activity_outputs(analysis, config.data_dir, report_rel)
        row = ActivityRow.from_report(
            analysis.report, file_sha256=sha, report_dir=report_rel, records_path=records_rel,
            model_total_l=analysis.model_total_l,
            override_temperature_c=override.temperature_c, override_humidity_pct=override.humidity_pct,
            run_id=run_id)
        activities.append(ProcessedActivity(row=row, report_dir=Path(config.data_dir) / report_rel,
                                            warnings=list(block.warnings)))
    status: Literal["processed", "rejected"] = "processed" if activities or scale_readings is not None else "rejected"
    now = utc_now()
    file_row = FileRow(sha256=sha, name=path.name, path=str(path), size_bytes=size, status=status,
                       activities=len(activities), first_seen_at=started, processed_at=now, run_id=run_id)
    return FileOutcome(file=file_row, status=status, activities=activities, rejections=rejections,
                       seconds=(now - started).total_seconds())


def record_outcome(catalog: Catalog, outcome: FileOutcome) -> None:
    """Commit one file's outcome to the catalog (one transaction)."""
    if outcome.status == "processed":
        catalog.record_processed(outcome.file, [a.row for a in outcome.activities], outcome.rejections)
    else:
        catalog.record_rejected(outcome.file, outcome.rejections)


def override_matches(row: ActivityRow, override: WeatherOverride) -> bool:
    """Whether a stored activity was estimated with this same weather override."""
    return (row.override_temperature_c == override.temperature_c
            and row.override_humidity_pct == override.humidity_pct)


def describe_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else "?"
