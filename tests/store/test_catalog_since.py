"""Catalog.activities_since: the nightly's stale check reads only recent activities, and
never misses one (exact boundary, undated rows by their processing time). Real SQLite."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline.store.catalog import ActivityRow, Catalog, FileRow

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=UTC)


def _put(catalog: Catalog, name: str, start: datetime | None, processed: datetime) -> None:
    sha = name.ljust(64, "0")
    catalog.record_processed(
        FileRow(sha256=sha, name=name, path=f"/inbox/{name}", size_bytes=1, status="processed", activities=1,
                first_seen_at=processed, processed_at=processed),
        [ActivityRow(id=sha, file_sha256=sha, source=name, sport="running", start_time=start,
                     report_dir=f"reports/{name}", processed_at=processed)])


def test_recent_activities_only_and_none_missed(tmp_path: Path) -> None:
    since = NOW - timedelta(days=30)
    with Catalog(tmp_path) as catalog:
        _put(catalog, "old", NOW - timedelta(days=200), NOW - timedelta(days=1))  # old ride, processed lately
        _put(catalog, "edge", since, NOW - timedelta(days=200))                  # exactly at the boundary
        _put(catalog, "recent", NOW - timedelta(days=2), NOW - timedelta(days=2))
        _put(catalog, "undated", None, NOW - timedelta(days=3))                  # no start time: processing time
        _put(catalog, "undated-old", None, NOW - timedelta(days=90))
        got = {row.source for row in catalog.activities_since(since)
               if (row.start_time or row.processed_at).replace(tzinfo=UTC) >= since}
        every = {row.source for row in catalog.activities()
                 if (row.start_time or row.processed_at).replace(tzinfo=UTC) >= since}
    assert got == every == {"edge", "recent", "undated"}
