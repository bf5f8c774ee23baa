"""A 9.5 h ride at 1 s recording for the speed benchmarks (built with the project's FIT writer).

    .venv/bin/python benchmarks/long_file.py OUT.fit [--hours 9.5]

The shared samples hold nothing this long (the longest is a 6 h 50 min multisport file, 1.0 MB),
so the benchmarks build one: every channel a triathlon bike computer records (GPS, distance,
speed and altitude in both the 16-bit and the enhanced fields, heart rate, power, cadence,
temperature, calories), one record a second, deterministic (fixed seed): the same bytes every run.
"""
from __future__ import annotations

import argparse
import math
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from tools.fitwriter import DeviceSpec, LapSplit, ProfileSpec, RecordSample, encode_activity  # noqa: E402

START = datetime(2026, 7, 19, 6, 40, tzinfo=timezone.utc)


def long_ride(hours: float = 9.5, seed: int = 16) -> bytes:
    """FIT bytes of a ``hours`` ride, one record a second."""
    rng = np.random.default_rng(seed)
    n = int(hours * 3600) + 1
    t = np.arange(n, dtype=float)
    power = np.clip(190 + 40 * np.sin(t / 900) + rng.normal(0, 25, n), 0, 600)
    speed = np.clip(8.5 + 1.5 * np.sin(t / 1200) + rng.normal(0, 0.3, n), 1.0, 16.0)
    distance = np.cumsum(speed)
    altitude = 120 + 80 * np.sin(t / 3000)
    hr = np.clip(128 + 0.0006 * t + 10 * np.sin(t / 900) + rng.normal(0, 2, n), 80, 190)
    temperature = 24 + 8 * np.sin(math.pi * t / n)
    heading = np.cumsum(rng.normal(0, 0.01, n))
    lat = 41.98 + np.cumsum(speed * np.cos(heading)) / 111_320.0
    lon = 2.82 + np.cumsum(speed * np.sin(heading)) / (111_320.0 * math.cos(math.radians(42)))
    samples = [RecordSample(
        timestamp=START + timedelta(seconds=float(t[i])), latitude_deg=float(lat[i]), longitude_deg=float(lon[i]),
        distance_m=float(distance[i]), speed_m_per_s=float(speed[i]), altitude_m=float(altitude[i]),
        heart_rate_bpm=float(round(hr[i])), power_w=float(round(power[i])), cadence_rpm=float(round(85 + rng.normal(0, 4))),
        temperature_c=float(round(temperature[i])), calories_kcal=float(round(i * 0.2)))
        for i in range(n)]
    laps = [LapSplit(START + timedelta(hours=h)) for h in range(1, int(hours) + 1)]
    return encode_activity(samples, sport="cycling", sub_sport="road", laps=laps, legacy_speed_altitude=True,
                           device=DeviceSpec(manufacturer="garmin", product=3121, product_name=None),
                           profile=ProfileSpec(body_mass_kg=72.0, height_cm=178.0, age=38, sex="male",
                                               hr_rest_bpm=48, hr_max_bpm=186))


def ensure(path: Path, hours: float = 9.5) -> Path:
    """``path``, built once (deterministic bytes)."""
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(long_ride(hours))
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--hours", type=float, default=9.5)
    args = parser.parse_args()
    out = ensure(args.out, args.hours)
    print(f"{out}: {out.stat().st_size / 1e6:.2f} MB")
