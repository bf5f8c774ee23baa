"""Real FIT files for tests, written with the project's writer (``tools.fitwriter``): a steady ride
whose every number is an input here, so expected values come from these inputs, not from our output."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tools import fitwriter as fw

START = datetime(2026, 7, 18, 12, 10, tzinfo=UTC)
"""When every written ride starts (UTC)."""


def ride_file(path: Path, seconds: int = 3600, utc_offset_s: int = 0, sport: str = "cycling",
              sub_sport: str = "road", finished: bool = True, device: fw.DeviceSpec = fw.DeviceSpec()) -> Path:
    """A steady ride, one record a second, at 8 m/s and 180 W: a real FIT file from the project's writer."""
    samples = [fw.RecordSample(timestamp=START + timedelta(seconds=i), distance_m=8.0 * i, speed_m_per_s=8.0,
                               heart_rate_bpm=140, power_w=180, temperature_c=24.0,
                               latitude_deg=51.5 + i * 1e-5, longitude_deg=-0.1)
               for i in range(seconds + 1)]
    data = fw.encode_activity(samples, sport=sport, sub_sport=sub_sport, utc_offset_s=utc_offset_s,
                              finished=finished, device=device)
    return fw.write(path, data)
