"""`sweatline nightly` over an inbox of files that contradict themselves (pipeline/fit/consistency.py).

The installed command, as a user runs it: exit 0, no traceback, every file an activity, each report
folder dated by the activity's main block of records, and in each report's notes one line per
stretch set aside (the stretches are the ones the test wrote). It runs against the session's Prefect
server (what is tested is what it makes of the files; starting a temporary server is tested in
test_nightly_interrupt and test_concurrency).
"""
from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flow_support import write_config
from shared_paths import SWEATLINE

from pipeline.store.catalog import Catalog
from tools.fitwriter import DeviceSpec, FitEncoder, RecordSample, TimerPause, encode_activity

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)


def _samples(t0: datetime, seconds: int, speed: float, **channels: object) -> list[RecordSample]:
    out = []
    for i in range(seconds + 1):
        values = {k: (v(i) if callable(v) else v) for k, v in channels.items()}
        values.setdefault("speed_m_per_s", speed)
        values.setdefault("heart_rate_bpm", 148.0 + (i % 40) / 10.0)
        out.append(RecordSample(timestamp=t0 + timedelta(seconds=i), distance_m=speed * i, **values))
    return out


def _manual_entry(start: datetime) -> bytes:
    enc = FitEncoder()
    enc.add("file_id", {"type": "activity", "manufacturer": "garmin", "product": 65534, "serial_number": 3,
                        "time_created": start})
    end = start + timedelta(hours=1)
    enc.add("session", {"timestamp": end, "start_time": start, "total_elapsed_time": 3600.0,
                        "total_timer_time": 3600.0, "total_distance": 10000.0, "sport": "running",
                        "event": "session", "event_type": "stop", "message_index": 0})
    enc.add("activity", {"timestamp": end, "total_timer_time": 3600.0, "num_sessions": 1, "type": "manual",
                         "event": "activity", "event_type": "stop"})
    return enc.to_bytes()


def _inbox(inbox: Path) -> dict[str, tuple[datetime, dict[str, int]]]:
    """Writes the variants; returns file -> (the day its main block starts, {note phrase: lines expected})."""
    expected: dict[str, tuple[datetime, dict[str, int]]] = {}

    def dev(serial: int) -> DeviceSpec:
        return DeviceSpec(manufacturer="garmin", serial_number=serial)

    run = _samples(T0, 2840, 3.0)
    (inbox / "swap.fit").write_bytes(encode_activity(
        run, sport="running", device=dev(1), timer_start=T0 - timedelta(hours=5, minutes=14),
        session_fields={"total_timer_time": 21660.0, "total_elapsed_time": 2840.0}))
    expected["swap.fit"] = (T0, {"the timer was started 5 h 14 min before the first record": 1})

    day = T0 + timedelta(days=1)
    (inbox / "treadmill.fit").write_bytes(encode_activity(
        _samples(day, 3600, 2.9, speed_m_per_s=lambda i: 5.8 if 600 <= i <= 1800 else 2.9),
        sport="running", sub_sport="treadmill", device=dev(2)))
    expected["treadmill.fit"] = (day, {"speed set aside for": 1})

    day = T0 + timedelta(days=2)
    dead = (38 * 60, 3600)
    (inbox / "dropouts.fit").write_bytes(encode_activity(_samples(
        day, 3600, 8.0,
        power_w=lambda i: 0.0 if (dead[0] <= i or (i - 120) % 150 < 20 and i >= 120) else 200.0,
        cadence_rpm=lambda i: None if i >= dead[0] else 88.0), sport="cycling", device=dev(4)))
    expected["dropouts.fit"] = (day, {"power set aside for 22 min": 1, "power set aside in ": 1})

    ride_day = T0 + timedelta(days=30)
    stale = _samples(T0 + timedelta(days=3), 4, 7.0)
    ride = _samples(ride_day, 3600, 7.0, power_w=180.0)
    (inbox / "false-start.fit").write_bytes(encode_activity(
        stale + ride, sport="cycling", device=dev(5), pauses=[TimerPause(stale[-1].timestamp, ride[0].timestamp)]))
    expected["false-start.fit"] = (ride_day, {"record(s) of 4 s on": 1})

    day = T0 + timedelta(days=4)
    (inbox / "zwift.fit").write_bytes(encode_activity(
        _samples(day, 3600, 9.0, power_w=143.0, latitude_deg=lambda i: -11.64 + i * 1e-5, longitude_deg=166.9),
        sport="generic", device=DeviceSpec(manufacturer="zwift", product=1, product_name=None),
        finished=False, file_crc=False))
    expected["zwift.fit"] = (day, {"a virtual-training platform": 1})

    day = T0 + timedelta(days=5)
    (inbox / "spikes.fit").write_bytes(encode_activity(
        _samples(day, 3600, 8.0, power_w=lambda i: 30000.0 if i % 600 == 7 else 189.0), sport="cycling",
        device=dev(6)))
    expected["spikes.fit"] = (day, {"power reading(s) above 2,500 W": 1, "189 W without them": 1})

    day = T0 + timedelta(days=6)
    (inbox / "manual.fit").write_bytes(_manual_entry(day))
    expected["manual.fit"] = (day, {"a manual entry?": 1})

    ahead = datetime.now(timezone.utc).replace(hour=8, minute=0, second=0, microsecond=0) + timedelta(days=14 * 365)
    (inbox / "future.fit").write_bytes(encode_activity(_samples(ahead, 1800, 3.0), sport="running", device=dev(7)))
    expected["future.fit"] = (ahead, {"the device clock looks wrong": 1})
    return expected


@pytest.mark.slow(reason="the installed nightly over eight files: about a minute")
def test_nightly_over_files_that_contradict_themselves(tmp_path: Path, prefect_env: dict[str, str]) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    inbox.mkdir()
    expected = _inbox(inbox)
    config = write_config(tmp_path, inbox, data)
    proc = subprocess.run([str(SWEATLINE), "nightly", "--config", str(config)], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=900, env=prefect_env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr + proc.stdout
    with Catalog(data) as catalog:
        activities = {a.source: a for a in catalog.activities()}
    assert sorted(activities) == sorted(expected)
    for name, (day, phrases) in expected.items():
        folders = [p for p in (data / "reports").iterdir() if p.is_dir() and p.name.endswith(activities[name].id[:10])]
        assert len(folders) == 1, (name, sorted(p.name for p in (data / "reports").iterdir()))
        folder = folders[0]
        assert folder.name.startswith(day.strftime("%Y-%m-%d")), (name, folder.name)
        lines = (folder / "report.md").read_text().splitlines()
        for phrase, count in phrases.items():
            assert sum(phrase in line for line in lines) == count, (name, phrase, [x for x in lines if "set aside" in x])
