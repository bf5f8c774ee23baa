"""Whether one stored activity's records are the start of another's: what tells a damaged, shorter
copy of a recording (a truncated upload) from another ride that a converter stamped with the same
``file_id`` and start (:func:`pipeline.usecases.ingest.longer_copy`).

Read with pyarrow alone, from the records each activity's Parquet file holds
(:mod:`pipeline.store.records`): the check runs in the command's own process when it commits a
file, which imports neither pandas nor numpy otherwise, and only for a salvaged activity whose
recording the catalog already holds.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

COMPARED = ("timestamp", "elapsed_s", "distance_m", "heart_rate_bpm", "power_w", "speed_m_per_s", "cadence_rpm")
"""The columns compared (those present in both files)."""


def records_start_alike(data_dir: Path, shorter_rel: str | None, longer_rel: str | None) -> bool:
    """Whether the records of ``shorter_rel`` (a Parquet path relative to ``data_dir``) equal the first
    rows of ``longer_rel``'s, column by column, but for the shorter's last row (a damaged copy may
    end part-way through it). False when either file is missing or unreadable, or the shorter
    holds more rows than the longer."""
    if not shorter_rel or not longer_rel:
        return False
    import pyarrow.parquet as pq

    try:
        shorter = pq.read_table(Path(data_dir) / shorter_rel)
        longer = pq.read_table(Path(data_dir) / longer_rel)
    except (OSError, ValueError):
        return False
    rows = shorter.num_rows - 1
    if rows < 1 or shorter.num_rows > longer.num_rows:
        return False
    columns = [c for c in COMPARED if c in shorter.schema.names and c in longer.schema.names]
    if "timestamp" not in columns:
        return False
    for column in columns:
        ours = _values(shorter.column(column).slice(0, rows))
        theirs = _values(longer.column(column).slice(0, rows))
        if any(not _same(a, b) for a, b in zip(ours, theirs)):
            return False
    return True


def _values(column: Any) -> list[object]:
    """Plain Python values; times as integers (pyarrow would build pandas Timestamps from them)."""
    import pyarrow as pa

    if pa.types.is_timestamp(column.type):
        column = column.cast(pa.int64())
    return column.to_pylist()


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b
