"""What processing one inbox file gives: its activities written to ``data_dir``, its refusals and
its copies of activities already held, as one picklable :class:`FileOutcome` (pydantic: it crosses
process boundaries from the guard's child and the nightly's workers) that
:func:`pipeline.usecases.commit.record_outcome` commits to the catalog."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from pipeline.fit.readings import ScaleReading
from pipeline.store.catalog import ActivityRow, DuplicateRow, FileRow, RejectionRow, utc_now
from pipeline.weather.models import HourlyWeather


class ProcessedActivity(BaseModel):
    """One activity written to ``data_dir``: its catalog row and its report folder (absolute)."""

    row: ActivityRow
    report_dir: Path
    warnings: list[str] = []
    kept_manual: bool = False  # the stored answer made with the rider's own weather override was kept (not rewritten)
    weather_provider: str | None = None
    weather_hours: list[HourlyWeather] = []  # what the provider answered, for the cache: kept at commit


class FileOutcome(BaseModel):
    """What processing one inbox file gave; committed to the catalog by
    :func:`pipeline.usecases.commit.record_outcome`.

    Everything the catalog is to hold travels here — a smart scale's readings, the weather hours
    each activity's provider answered — because the reader may run on another machine (a Dask
    worker, where SQLite's WAL does not work over a network file system): only the flow's machine
    writes ``catalog.sqlite``."""

    file: FileRow
    status: Literal["processed", "rejected", "duplicate"]
    activities: list[ProcessedActivity] = []
    rejections: list[RejectionRow] = []
    duplicates: list[DuplicateRow] = []
    skipped_members: list[tuple[str, str]] = []  # zip members left unread: ("file:member", why), not FIT
    scale_readings: list[ScaleReading] = []  # a smart scale's readings, kept for weigh-ins at commit
    scale_reference_mass_kg: float | None = None  # the configured body mass, to tell a family scale's people apart
    seconds: float = 0.0

    @property
    def reason(self) -> str | None:
        return "; ".join([r.reason for r in self.rejections] + [d.reason for d in self.duplicates]) or None


def file_outcome(path: Path, sha: str, size: int, started: datetime, run_id: str | None,
                 activities: list[ProcessedActivity], rejections: list[RejectionRow], duplicates: list[DuplicateRow],
                 *, kept_scale: bool, skipped_members: list[tuple[str, str]] | None = None,
                 scale_readings: list[ScaleReading] | None = None,
                 scale_reference_mass_kg: float | None = None) -> FileOutcome:
    """The file's outcome: processed (an activity, or a scale's readings kept), duplicate (nothing
    new but copies of activities already held), else rejected. ``skipped_members``: a zip's members
    not read, ``("file:member", why)``; ``scale_readings``: a smart scale's, to keep at commit."""
    status: Literal["processed", "rejected", "duplicate"]
    if activities or kept_scale:
        status = "processed"
    elif duplicates:
        status = "duplicate"
    else:
        status = "rejected"
    now = utc_now()
    reason = "; ".join(f"{d.member}: {d.reason}" if d.member else d.reason for d in duplicates) or None
    file_row = FileRow(sha256=sha, name=path.name, path=str(path), size_bytes=size, status=status,
                       activities=len(activities), first_seen_at=started, processed_at=now, run_id=run_id,
                       reason=reason)
    return FileOutcome(file=file_row, status=status, activities=activities, rejections=rejections,
                       duplicates=duplicates, skipped_members=skipped_members or [],
                       scale_readings=scale_readings or [], scale_reference_mass_kg=scale_reference_mass_kg,
                       seconds=(now - started).total_seconds())


def remove_outputs(data_dir: Path, row: ActivityRow) -> None:
    """The report folder and records an activity wrote that no catalog row will point at (a copy
    found to be a duplicate as it was committed, or a damaged copy a longer one replaced)."""
    import shutil

    report = Path(data_dir) / row.report_dir
    if report.is_dir():
        shutil.rmtree(report, ignore_errors=True)
    if row.records_path:
        (Path(data_dir) / row.records_path).unlink(missing_ok=True)
