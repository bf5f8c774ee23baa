"""Cost of the sweat model per hour of 1 Hz data, beside the cost of decoding (run by hand).

    .venv/bin/python benchmarks/bench_model.py [FIT_FILE] [--hours H] [--runs N]

* **model, synthetic**: ``estimate_leg`` on H hours of synthetic 1 Hz cycling records (power,
  heart rate, speed, altitude, temperature varying) — the model alone, no decoding.
* **model, real file**: ``analyse_activity`` on an already decoded real activity.
* **decode**: ``read_activity`` of the same file, for scale.

Prints medians in ms, ms per hour of 1 Hz data, and the model's share of decode + model.
The model should be small beside decoding (target: < 10 % of decode time per hour of data).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from pipeline.core.config import ClimateConfig, parse_config  # noqa: E402
from pipeline.fit import read_activity  # noqa: E402
from pipeline.fit.models import RECORD_COLUMNS  # noqa: E402
from pipeline.physiology.athlete import Athlete  # noqa: E402
from pipeline.physiology.estimate import estimate_leg  # noqa: E402
from pipeline.usecases.analyse import analyse_activity  # noqa: E402

DEFAULT = PROJECT.parent / "shared" / "fit-samples" / "wahoo-elemnt-cycling-6h33-road-power-temp.fit"
TARGET_SHARE = 0.10


def synthetic_records(hours: float) -> pd.DataFrame:
    n = int(hours * 3600)
    rng = np.random.default_rng(1)
    t = np.arange(float(n))
    frame = pd.DataFrame({c: np.full(n, np.nan) for c in RECORD_COLUMNS})
    frame["timestamp"] = pd.Timestamp("2024-06-01T08:00:00Z") + pd.to_timedelta(t, unit="s")
    frame["elapsed_s"] = t
    frame["timer_active"] = True
    frame["leg"] = 0
    frame["power_w"] = np.clip(200 + 60 * np.sin(t / 300) + rng.normal(0, 30, n), 0, None)
    frame["heart_rate_bpm"] = 140 + 10 * np.sin(t / 600)
    frame["speed_m_per_s"] = 8 + np.sin(t / 200)
    frame["distance_m"] = np.cumsum(frame["speed_m_per_s"])
    frame["altitude_m"] = 100 + 50 * np.sin(t / 1000)
    frame["temperature_c"] = 15 + 15 * t / n
    return frame[list(RECORD_COLUMNS)]


def timed(fn, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fit_file", nargs="?", default=str(DEFAULT))
    parser.add_argument("--hours", type=float, default=6.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    athlete = Athlete(70, 175, "male", 35, 55, 185, 250, {})
    records = synthetic_records(args.hours)
    synth_ms = timed(lambda: estimate_leg(records, "cycling", None, "garmin edge_530", athlete, ClimateConfig()),
                     args.runs)
    print(f"model, synthetic: {args.hours:g} h of 1 Hz ({len(records)} records): {synth_ms:.1f} ms "
          f"= {synth_ms / args.hours:.1f} ms per hour of data")

    path = Path(args.fit_file)
    config = parse_config({"athlete": {"body_mass_kg": 70, "height_cm": 175, "sex": "male", "age": 35}})
    activity = read_activity(path)
    hours = max(len(activity.records) / 3600.0, 1e-9)
    decode_ms = timed(lambda: read_activity(path), max(1, args.runs // 2))
    model_ms = timed(lambda: analyse_activity(activity, config), args.runs)
    print(f"{path.name}: {len(activity.records)} records (~{hours:.2f} h at 1 Hz)")
    print(f"  decode  {decode_ms:8.1f} ms  ({decode_ms / hours:7.1f} ms per hour of records)")
    print(f"  model   {model_ms:8.1f} ms  ({model_ms / hours:7.1f} ms per hour of records; includes plan and advice)")
    share = model_ms / (model_ms + decode_ms)
    print(f"  model share of decode + model: {share:.1%} (target < {TARGET_SHARE:.0%})")
    return 0 if share < TARGET_SHARE else 1


if __name__ == "__main__":
    sys.exit(main())
