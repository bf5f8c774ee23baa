"""``sweatline ride`` without a file: the newest inbox file the catalog has not already refused.

A fresh user synced a ride, then a file that is no activity landed in the inbox; ``ride`` took the
newest file, the refused one, and failed (exit 2) though the ride was there. The refused file is
passed over; a file never tried is still taken (its refusal is news), and when every file was
refused the newest is taken and its refusal names it.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline.core.config import Config
from pipeline.core.errors import RejectedFile
from pipeline.core.inputs import WeatherOverride
from pipeline.usecases.ride import resolve_fit_file, ride
from tools.fitwriter import DeviceSpec, RecordSample, encode_activity

T0 = datetime(2026, 5, 2, 6, 15, tzinfo=timezone.utc)


def _ride_bytes() -> bytes:
    samples = [RecordSample(timestamp=T0 + timedelta(seconds=i), distance_m=7.5 * i, speed_m_per_s=7.5,
                            power_w=180.0, heart_rate_bpm=135.0, temperature_c=24.0) for i in range(15 * 60 + 1)]
    return encode_activity(samples, sport="cycling", sub_sport="road",
                           device=DeviceSpec(manufacturer="garmin", serial_number=3_456_789_012))


@pytest.fixture
def config(tmp_path: Path) -> Config:
    (tmp_path / "inbox").mkdir()
    return Config(inbox=tmp_path / "inbox", data_dir=tmp_path / "data")


def _put(config: Config, name: str, data: bytes, age_s: int) -> Path:
    path = Path(config.inbox) / name
    path.write_bytes(data)
    when = 1_780_000_000 - age_s
    os.utime(path, (when, when))
    return path


def test_ride_without_a_file_passes_over_a_newer_file_already_refused(config: Config) -> None:
    ridden = _put(config, "ride.fit", _ride_bytes(), age_s=600)
    junk = _put(config, "notes.fit", b"this is not a FIT file at all" * 4, age_s=60)
    assert resolve_fit_file(None, config) == junk  # never tried: its refusal is news, so it is taken
    with pytest.raises(RejectedFile) as refused:
        ride(None, config, WeatherOverride(), orchestrator="local")
    assert str(junk) in str(refused.value)
    assert resolve_fit_file(None, config) == ridden  # refused now: the ride is the newest activity
    (result,) = ride(None, config, WeatherOverride(), orchestrator="local")
    assert result.activity.source == "ride.fit" and result.fit_file == str(ridden)


def test_when_every_inbox_file_was_refused_the_newest_is_taken_and_named(config: Config) -> None:
    older = _put(config, "old.fit", b"not a FIT file either" * 4, age_s=600)
    newer = _put(config, "new.fit", b"this is not a FIT file at all" * 4, age_s=60)
    for path in (older, newer):
        with pytest.raises(RejectedFile):
            ride(path, config, WeatherOverride(), orchestrator="local")
    assert resolve_fit_file(None, config) == newer
    with pytest.raises(RejectedFile) as refused:
        ride(None, config, WeatherOverride(), orchestrator="local")
    assert str(newer) in str(refused.value)
