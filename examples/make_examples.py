"""Generate Sweatline's own example activities (examples/fit/*.fit) with the project's FIT writer.

    .venv/bin/python examples/make_examples.py        # rewrites examples/fit/ (deterministic)

Three sessions of one athlete (70 kg, 175 cm, 35 y, HR rest 55 / max 185, as the shipped config):

* ``2026-07-18-road-ride-hot.fit`` - a 2 h 30 min (timer) road ride on a hot afternoon near
  Girona: power meter, HR strap, cadence, a bike-mounted temperature sensor (about 30 -> 35 degC in the sun), a
  6 km climb, a 12-minute cafe stop and a short stop at a junction (timer stop/start), HR drift.
  Older-device style: writes the 16-bit speed/altitude fields as well as the enhanced ones.
* ``2026-10-10-hill-run-cool.fit`` - a 75-minute hilly run on a cool morning (7 -> 10 degC air)
  with a wrist watch: GPS speed, barometric altitude, wrist HR, cadence, and the wrist
  temperature a watch really reads (skin-warmed, well above the air), one 2-minute stop.
* ``2026-01-14-indoor-trainer.fit`` - a 45-minute interval session on a smart trainer: power,
  HR, cadence, virtual speed and distance; no GPS, no altitude, no temperature sensor.
* ``2026-10-10-smart-scale.fit`` - a smart scale's weight file (FIT ``weight_scale`` messages):
  the evening before, just before and just after the hill run, and the next morning. The nightly
  flow pairs the two around the run into a weigh-in (drinks unknown, so a lower bound).

The physiology is simple but sensible: cycling speed solves the power balance
P = v (0.5 rho CdA v^2 + m g (Crr + grade)) with a lag for inertia; running speed falls on
climbs; heart rate follows effort with a ~30 s lag plus a slow cardiovascular drift (faster in
heat) and recovers during stops. Recording is "smart" (1-5 s between records) for the outdoor
files, 1 s on the trainer. A fixed seed makes every run byte-identical.
"""
from __future__ import annotations

import math
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.fitwriter import (  # noqa: E402
    DeviceSpec,
    LapSplit,
    ProfileSpec,
    RecordSample,
    TimerPause,
    WeightSample,
    encode_activity,
    encode_weight_scale,
    write,
)

OUT = Path(__file__).resolve().parent / "fit"
SEED = 20260718
PROFILE = ProfileSpec(body_mass_kg=70.0, height_cm=175.0, age=35, sex="male", hr_rest_bpm=55, hr_max_bpm=185)
EARTH_RADIUS_M = 6_371_000.0
G = 9.80665


def _smart_steps(rng: np.random.Generator, total_s: float, *, smart: bool) -> np.ndarray:
    """Record times (s from start): every second, or 'smart recording' gaps of 1-5 s."""
    if not smart:
        return np.arange(0.0, total_s + 1e-9, 1.0)
    gaps = rng.choice([1, 2, 3, 4, 5], size=int(total_s), p=[0.25, 0.3, 0.2, 0.15, 0.1])
    times = np.concatenate([[0.0], np.cumsum(gaps)])
    return times[times <= total_s]


def _move(lat: float, lon: float, heading_rad: float, step_m: float) -> tuple[float, float]:
    dlat = step_m * math.cos(heading_rad) / EARTH_RADIUS_M
    dlon = step_m * math.sin(heading_rad) / (EARTH_RADIUS_M * math.cos(math.radians(lat)))
    return lat + math.degrees(dlat), lon + math.degrees(dlon)


def _bike_speed(power_w: float, grade: float, mass_kg: float, rho: float) -> float:
    """Steady speed for a power on a grade: P = v (0.5 rho CdA v^2 + m g (Crr + grade)), bisection."""
    cda, crr = 0.32, 0.004
    if power_w <= 1.0:
        # coasting: terminal speed downhill (capped by braking), rolling to a crawl elsewhere
        if grade < -0.01:
            return min(16.0, math.sqrt(max(0.0, -mass_kg * G * (crr + grade)) / (0.5 * rho * cda)))
        return 3.0
    lo, hi = 0.5, 25.0
    for _ in range(50):
        mid = (lo + hi) / 2
        need = mid * (0.5 * rho * cda * mid * mid + mass_kg * G * (crr + grade))
        lo, hi = (mid, hi) if need < power_w else (lo, mid)
    return min(lo, 18.0)


def road_ride(rng: np.random.Generator) -> bytes:
    start = datetime(2026, 7, 18, 12, 10, tzinfo=timezone.utc)  # 14:10 local (CEST)
    moving_s = 150 * 60.0
    cafe = (82 * 60.0, 12 * 60.0)   # (timer time when it starts, length)
    junction = (31 * 60.0, 75.0)
    lat, lon, heading = 41.9794, 2.8214, math.radians(20)
    altitude, distance, speed, hr, ou = 95.0, 0.0, 0.0, 92.0, 0.0
    samples: list[RecordSample] = []
    pauses: list[TimerPause] = []
    clock = 0.0  # elapsed seconds (includes stops)
    last_t = 0.0
    for t in _smart_steps(rng, moving_s, smart=True):
        dt = t - last_t
        last_t = t
        for at, length in (junction, cafe):
            if t - dt < at <= t:  # a stop: timer off, body recovers, no records
                stop_at = clock + (at - (t - dt))
                pauses.append(TimerPause(start + timedelta(seconds=stop_at),
                                         start + timedelta(seconds=stop_at + length)))
                clock += length
                hr = 80.0 + (hr - 80.0) * math.exp(-length / 60.0)
                speed = 0.0
        clock += dt
        km = distance / 1000.0
        grade = 0.012 * math.sin(km / 3.1) + 0.008 * math.sin(km / 1.3 + 1.0)
        if 30.0 <= km < 36.0:
            grade += 0.05   # the climb
        elif 36.0 <= km < 41.0:
            grade -= 0.055  # and down again
        ou += -ou * dt / 40.0 + 18.0 * math.sqrt(dt / 20.0) * rng.standard_normal()
        target = 185.0 + 1500.0 * grade + ou
        if 30.0 <= km < 36.0:
            target = 255.0 + ou * 0.5
        coasting = grade < -0.03 and rng.random() < 0.7
        power = 0.0 if coasting else float(np.clip(target, 40.0, 520.0))
        air_c = 29.0 + 5.0 * min(1.0, clock / 6000.0) - 1.0 * max(0.0, (clock - 7800.0) / 1800.0)
        steady = _bike_speed(power, grade, 78.0, 1.15)
        speed += (steady - speed) * (1 - math.exp(-dt / 8.0)) if speed > 0 else steady * 0.5
        distance += speed * dt
        altitude += grade * speed * dt
        heading += rng.normal(0.0, 0.02) * math.sqrt(dt) + 2 * math.pi / (moving_s * 1.0) * dt
        lat, lon = _move(lat, lon, heading, speed * dt)
        drift = 0.12 * clock / 60.0  # bpm per minute of cardiovascular drift in the heat
        hr_target = 95.0 + 0.25 * power + drift
        hr += (hr_target - hr) * (1 - math.exp(-dt / 30.0))
        cadence = None if power == 0.0 else float(np.clip(88 + rng.normal(0, 3) + 60 * grade, 60, 110))
        samples.append(RecordSample(
            timestamp=start + timedelta(seconds=clock),
            latitude_deg=lat, longitude_deg=lon, distance_m=distance, speed_m_per_s=speed,
            altitude_m=altitude, heart_rate_bpm=round(hr + rng.normal(0, 1)), power_w=round(power),
            cadence_rpm=0.0 if cadence is None else round(cadence),
            temperature_c=round(air_c + 0.8 + rng.normal(0, 0.3)),
        ))
    work_kj = sum(s.power_w or 0 for s in samples) / len(samples) * moving_s / 1000.0
    laps = [LapSplit(samples[0].timestamp + timedelta(seconds=k * 40 * 60), "time") for k in (1, 2, 3)]
    return encode_activity(
        samples, sport="cycling", sub_sport="road", pauses=pauses, laps=laps,
        device=DeviceSpec(product=2, serial_number=3900000001, product_name="Sweatline example bike computer"),
        profile=PROFILE, utc_offset_s=2 * 3600, total_calories_kcal=round(work_kj / 0.22 / 4.184),
        legacy_speed_altitude=True,
    )


def hill_run(rng: np.random.Generator) -> bytes:
    start = datetime(2026, 10, 10, 6, 40, tzinfo=timezone.utc)  # 07:40 local (BST)
    moving_s = 75 * 60.0
    stop = (41 * 60.0, 120.0)
    lat, lon, heading = 53.3811, -1.4701, math.radians(250)
    altitude, distance, hr = 160.0, 0.0, 88.0
    samples: list[RecordSample] = []
    pauses: list[TimerPause] = []
    clock = 0.0
    last_t = 0.0
    for t in _smart_steps(rng, moving_s, smart=True):
        dt = t - last_t
        last_t = t
        if t - dt < stop[0] <= t:
            stop_at = clock + (stop[0] - (t - dt))
            pauses.append(TimerPause(start + timedelta(seconds=stop_at),
                                     start + timedelta(seconds=stop_at + stop[1])))
            clock += stop[1]
            hr = 95.0 + (hr - 95.0) * math.exp(-stop[1] / 45.0)
        clock += dt
        km = distance / 1000.0
        grade = 0.055 * math.sin(2 * math.pi * km / 2.4) + 0.015 * math.sin(2 * math.pi * km / 0.7)
        warmup = min(1.0, clock / 480.0)
        speed = (2.6 + 0.6 * warmup) * (1.0 - 3.5 * max(grade, 0.0) + 1.5 * max(-grade, 0.0))
        speed = max(1.6, speed + rng.normal(0, 0.08))
        distance += speed * dt
        altitude += grade * speed * dt
        heading += rng.normal(0.0, 0.03) * math.sqrt(dt)
        lat, lon = _move(lat, lon, heading, speed * dt)
        hr_target = 118.0 + 26.0 * warmup + 300.0 * max(grade, 0.0) + 0.08 * clock / 60.0
        hr += (hr_target - hr) * (1 - math.exp(-dt / 25.0))
        air_c = 7.0 + 3.0 * clock / 4800.0
        wrist_c = air_c + 12.0 + 2.0 * min(1.0, clock / 900.0)  # skin-warmed watch
        samples.append(RecordSample(
            timestamp=start + timedelta(seconds=clock),
            latitude_deg=lat, longitude_deg=lon, distance_m=distance, speed_m_per_s=round(speed, 3),
            altitude_m=round(altitude, 1), heart_rate_bpm=round(hr + rng.normal(0, 1.2)),
            cadence_rpm=round(84 + 6 * (speed - 3.0) + rng.normal(0, 1.5)),
            temperature_c=round(wrist_c + rng.normal(0, 0.4)),
        ))
    km_marks = []
    next_km = 1000.0
    for sample in samples:
        if sample.distance_m is not None and sample.distance_m >= next_km:
            km_marks.append(LapSplit(sample.timestamp, "distance"))
            next_km += 1000.0
    return encode_activity(
        samples, sport="running", sub_sport="generic", pauses=pauses, laps=km_marks,
        device=DeviceSpec(product=3, serial_number=3900000002, product_name="Sweatline example running watch"),
        profile=PROFILE, utc_offset_s=3600, total_calories_kcal=round(1.0 * 70.0 * distance / 1000.0),
    )


def indoor_trainer(rng: np.random.Generator) -> bytes:
    start = datetime(2026, 1, 14, 18, 30, tzinfo=timezone.utc)
    total_s = 45 * 60.0
    distance, speed, hr = 0.0, 0.0, 78.0
    samples: list[RecordSample] = []
    for t in _smart_steps(rng, total_s, smart=False):
        minute = t / 60.0
        if minute < 10:
            target = 120.0 + 6.0 * minute
        elif minute < 40:
            target = 290.0 if ((minute - 10) % 6) < 3 else 140.0
        else:
            target = 120.0
        power = max(0.0, target + rng.normal(0, 6))
        steady = _bike_speed(power, 0.0, 78.0, 1.2)
        speed += (steady - speed) * (1 - math.exp(-1.0 / 6.0))
        distance += speed
        hr_target = 58.0 + 0.36 * power + 0.1 * minute
        hr += (hr_target - hr) * (1 - math.exp(-1.0 / 28.0))
        samples.append(RecordSample(
            timestamp=start + timedelta(seconds=t), distance_m=distance, speed_m_per_s=round(speed, 3),
            heart_rate_bpm=round(hr + rng.normal(0, 1)), power_w=round(power),
            cadence_rpm=round((95 if target > 200 else 88) + rng.normal(0, 2)),
        ))
    work_kj = sum(s.power_w or 0 for s in samples) / 1000.0
    return encode_activity(
        samples, sport="cycling", sub_sport="indoor_cycling",
        device=DeviceSpec(product=4, serial_number=3900000003, product_name="Sweatline example trainer app"),
        profile=PROFILE, total_calories_kcal=round(work_kj / 0.22 / 4.184),
    )


def smart_scale() -> bytes:
    """Body mass around the hill run (start 06:40 UTC, end 07:56:58 UTC): about 1.1 kg lighter after
    75 minutes with nothing drunk, and back up by the next morning."""
    readings = [
        WeightSample(datetime(2026, 10, 9, 18, 5, tzinfo=timezone.utc), 70.95, percent_fat=17.8),
        WeightSample(datetime(2026, 10, 10, 6, 18, tzinfo=timezone.utc), 70.45, percent_fat=17.9),
        WeightSample(datetime(2026, 10, 10, 8, 21, tzinfo=timezone.utc), 69.35, percent_fat=17.6),
        WeightSample(datetime(2026, 10, 11, 6, 30, tzinfo=timezone.utc), 70.60, percent_fat=17.8),
    ]
    return encode_weight_scale(readings, device=DeviceSpec(product=5, serial_number=3900000004,
                                                           product_name="Sweatline example smart scale"),
                               profile=PROFILE)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    made = {
        "2026-07-18-road-ride-hot.fit": road_ride(np.random.default_rng(SEED)),
        "2026-10-10-hill-run-cool.fit": hill_run(np.random.default_rng(SEED + 1)),
        "2026-01-14-indoor-trainer.fit": indoor_trainer(np.random.default_rng(SEED + 2)),
        "2026-10-10-smart-scale.fit": smart_scale(),
    }
    for name, data in made.items():
        path = write(OUT / name, data)
        print(f"{path.relative_to(ROOT)}  {len(data):,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
