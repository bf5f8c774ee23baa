"""The parsed records of each activity as Parquet: ``<data_dir>/records/<activity id>.parquet``.

The DataFrame is the canonical records contract of :mod:`pipeline.fit.models` (SI units,
tz-aware UTC timestamps); written atomically, read back with the same columns and dtypes.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.store.files import atomic_write_with

RECORDS_DIR = "records"


def records_relpath(activity_id: str) -> str:
    """Where the records of ``activity_id`` live, relative to ``data_dir``."""
    return f"{RECORDS_DIR}/{activity_id}.parquet"


def write_records(data_dir: Path, activity_id: str, records: pd.DataFrame) -> str:
    """Write ``records`` as Parquet (atomically) and return its path relative to ``data_dir``."""
    rel = records_relpath(activity_id)
    frame = records.reset_index(drop=True)
    atomic_write_with(Path(data_dir) / rel, lambda tmp: frame.to_parquet(tmp, engine="pyarrow", index=False))
    return rel


def read_records(data_dir: Path, activity_id: str) -> pd.DataFrame:
    """The records of a processed activity, as written."""
    return pd.read_parquet(Path(data_dir) / records_relpath(activity_id), engine="pyarrow")
