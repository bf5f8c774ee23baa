"""A date the tool itself calls wrong (a device clock years ahead) anchors nothing.

The file keeps its date on its own report (with the decoder's note), but `latest`, the history's and
the report index's "newest", the digest's week and the weather request are decided by the believable
dates: an activity more than two days ahead of now (pipeline.core.dates) is listed, marked, with the
undated ones. Expected values: which rows the test wrote with believable dates, and their days.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.core.dates import CLOCK_MARK, clock_ahead
from pipeline.fit import decode_activity
from pipeline.report.digest import build_digest, history_table
from pipeline.report.index import build_index
from pipeline.store.catalog import ActivityRow, Catalog, FileRow, utc_now
from pipeline.weather.service import asks_for
from tools.fitwriter import RecordSample, encode_activity


def _file(sha: str, name: str) -> FileRow:
    now = utc_now()
    return FileRow(sha256=sha, name=name, path=f"/inbox/{name}", size_bytes=10, status="processed",
                   activities=1, first_seen_at=now, processed_at=now)


def _row(activity_id: str, sha: str, name: str, start: datetime) -> ActivityRow:
    return ActivityRow(id=activity_id, file_sha256=sha, source=name, sport="running", start_time=start,
                       timer_s=3600.0, sweat_total_l=0.8, sweat_low_l=0.6, sweat_high_l=1.0,
                       report_dir=f"reports/{activity_id[:10]}", processed_at=utc_now())


@pytest.mark.parametrize("ahead", [timedelta(days=365 * 5), timedelta(days=30), timedelta(days=3)])
@pytest.mark.parametrize("processed_last", [True, False])
def test_a_start_ahead_of_today_anchors_nothing(tmp_path: Path, ahead: timedelta, processed_last: bool) -> None:
    """Three real runs over the last days and one file dated ``ahead`` of now, processed first or last."""
    now = datetime.now(UTC).replace(microsecond=0)
    real = [now - timedelta(days=d, hours=3) for d in (6, 2, 1)]
    future = now + ahead
    rows = [(f"r{i}", _row(c * 64, f"s{i}", f"r{i}.fit", t)) for i, (c, t) in enumerate(zip("abc", real))]
    wrong = ("w", _row("f" * 64, "sw", "wrong.fit", future))
    ordered = rows + [wrong] if processed_last else [wrong] + rows
    with Catalog(tmp_path) as catalog:
        for name, row in ordered:
            catalog.record_processed(_file(row.file_sha256, f"{name}.fit"), [row])
        assert catalog.resolve_activity("latest").id == "c" * 64  # the newest believable start: 1 day ago
        listed = catalog.activities()
    assert len(listed) == 4  # it stays listed
    digest = build_digest(listed, timezone="UTC")
    assert digest.last_day == real[-1].date()
    assert sum(d.activities for d in digest.days) == 3
    table = history_table(listed).splitlines()
    assert "r2.fit" in table[2]  # newest first: the run a day ago heads the list
    assert "wrong.fit" in table[-1] and CLOCK_MARK in table[-1]
    index = build_index(listed, today=now)
    assert index.rows[0].source == "r2.fit"
    assert index.rows[-1].source == "wrong.fit" and CLOCK_MARK in index.rows[-1].date


def test_a_start_today_or_tomorrow_is_believed(tmp_path: Path) -> None:
    """A start within two days of now (time zones, a computer's clock a little off) is a date like any."""
    now = datetime.now(UTC)
    assert not clock_ahead(now + timedelta(hours=30), now)
    assert clock_ahead(now + timedelta(days=3), now)
    with Catalog(tmp_path) as catalog:
        catalog.record_processed(_file("s1", "a.fit"), [_row("a" * 64, "s1", "a.fit", now - timedelta(days=1))])
        catalog.record_processed(_file("s2", "b.fit"), [_row("b" * 64, "s2", "b.fit", now + timedelta(hours=20))])
        assert catalog.resolve_activity("latest").id == "b" * 64


def test_only_wrong_clocks_latest_is_the_newest_of_them(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    with Catalog(tmp_path) as catalog:
        catalog.record_processed(_file("s1", "a.fit"), [_row("a" * 64, "s1", "a.fit", now + timedelta(days=400))])
        catalog.record_processed(_file("s2", "b.fit"), [_row("b" * 64, "s2", "b.fit", now + timedelta(days=800))])
        assert catalog.resolve_activity("latest").id == "b" * 64


@pytest.mark.parametrize("years", [5, 14])
def test_no_weather_is_asked_for_a_day_that_has_not_come(years: int) -> None:
    """An outdoor run with positions, dated ``years`` ahead: no weather request; the same run today: one."""
    def run(t0: datetime) -> bytes:
        return encode_activity([RecordSample(timestamp=t0 + timedelta(seconds=i), distance_m=3.0 * i,
                                             speed_m_per_s=3.0, heart_rate_bpm=150.0,
                                             latitude_deg=46.0 + i * 2.7e-5, longitude_deg=7.0)
                                for i in range(1801)], sport="running")

    today = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)
    ahead = today.replace(year=today.year + years) if not (today.month == 2 and today.day == 29) else \
        today + timedelta(days=round(365.25 * years))
    assert asks_for(decode_activity(run(today), "today.fit"))
    future = decode_activity(run(ahead), "future.fit")
    assert not asks_for(future)
    assert any("no weather is asked for it" in w for w in future.summary.warnings)
    assert date.today() < ahead.date()
