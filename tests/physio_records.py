"""Synthetic records in the canonical RECORD_COLUMNS shape, for behaviour tests of the model."""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.fit.models import RECORD_COLUMNS


def make_records(seconds: int, **columns: object) -> pd.DataFrame:
    """1 Hz records for ``seconds`` s; keyword columns are scalars or arrays of that length."""
    elapsed = np.arange(float(seconds))
    frame = pd.DataFrame({c: np.full(seconds, np.nan) for c in RECORD_COLUMNS})
    frame["timestamp"] = pd.Timestamp("2024-06-01T08:00:00Z") + pd.to_timedelta(elapsed, unit="s")
    frame["elapsed_s"] = elapsed
    frame["timer_active"] = True
    frame["leg"] = 0
    for name, value in columns.items():
        frame[name] = value
    if "speed_m_per_s" in columns and "distance_m" not in columns:
        frame["distance_m"] = np.cumsum(np.nan_to_num(frame["speed_m_per_s"].to_numpy(dtype=float)))
    return frame[list(RECORD_COLUMNS)]
