"""The activity as it happened, through the real nightly flow: long timer stops and copies of one ride in one inbox.

Every file ends processed or recorded as a duplicate (skipped, with the reason); no traceback.
"""
from __future__ import annotations

import gzip
import io
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flow_support import write_config

from flows.nightly import nightly
from pipeline.store.catalog import Catalog
from tools.fitwriter import DeviceSpec, RecordSample, TimerPause, encode_activity

T0 = datetime(2026, 4, 4, 9, 0, tzinfo=timezone.utc)


def _samples(start: datetime, seconds: int, distance0: float = 0.0) -> list[RecordSample]:
    return [RecordSample(timestamp=start + timedelta(seconds=i), distance_m=distance0 + 7.0 * i, speed_m_per_s=7.0,
                         power_w=170.0, heart_rate_bpm=132.0, temperature_c=26.0) for i in range(seconds + 1)]


def _with_stop(start: datetime, stop: timedelta, serial: int) -> bytes:
    first = _samples(start, 600)
    resume = first[-1].timestamp + stop
    second = _samples(resume, 600, distance0=first[-1].distance_m + 1.0)
    return encode_activity(first + second, sport="cycling", pauses=[TimerPause(first[-1].timestamp, resume)],
                           device=DeviceSpec(manufacturer="garmin", serial_number=serial))


def test_nightly_over_long_stops_and_copies_of_one_ride(prefect_api: str, tmp_path: Path) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    ride = encode_activity(_samples(T0, 900), sport="cycling", device=DeviceSpec(manufacturer="garmin", serial_number=7))
    (inbox / "ride.fit").write_bytes(ride)
    (inbox / "ride.fit.gz").write_bytes(gzip.compress(ride))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("activities/ride.fit", ride)
    (inbox / "export.zip").write_bytes(buffer.getvalue())
    (inbox / "stop-12h.fit").write_bytes(_with_stop(T0 + timedelta(days=1), timedelta(hours=12), 8))
    (inbox / "stop-27d.fit").write_bytes(_with_stop(T0 + timedelta(days=3), timedelta(days=27), 9))
    false_start = _samples(T0 + timedelta(days=40), 4)
    real = _samples(false_start[-1].timestamp + timedelta(days=27), 1800, distance0=50.0)
    (inbox / "false-start.fit").write_bytes(encode_activity(
        false_start + real, sport="cycling", pauses=[TimerPause(false_start[-1].timestamp, real[0].timestamp)],
        device=DeviceSpec(manufacturer="garmin", serial_number=10)))

    summary = nightly(config_path=str(write_config(tmp_path, inbox, data)))

    assert not summary.failed and not summary.rejected
    assert summary.skipped == 2 and len(summary.activities) == 4
    assert "duplicate of " in summary.line()
    with Catalog(data) as catalog:
        activities = {a.source: a for a in catalog.activities()}
        statuses = sorted(f.status for f in (catalog.file(d.file_sha256) for d in catalog.duplicates()))
    assert statuses == ["duplicate", "duplicate"]
    assert len(activities) == 4
    for name in ("stop-12h.fit", "stop-27d.fit", "false-start.fit"):
        assert activities[name].sweat_total_l > 0.1, name  # the riding is counted wherever it lies in time
    # a stop of 27 days costs what one of 12 h does: both are left out after the recovery
    assert activities["stop-27d.fit"].sweat_total_l == pytest.approx(activities["stop-12h.fit"].sweat_total_l, rel=0.02)
