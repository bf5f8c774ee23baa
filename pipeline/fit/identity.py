"""An activity's identity: the activity, not the bytes of its container.

The same ride reaches the inbox as ``ride.fit`` and ``ride.fit.gz``, or inside an export zip and
loose beside it: the bytes (and so the SHA-256 that keys the catalog's ``files``) differ, the
activity does not. Its key:

* ``fit-serial:<manufacturer>:<serial>:<time_created>:<timer s>`` when the FIT ``file_id`` has
  both the device's ``serial_number`` and an absolute ``time_created`` (FIT SDK, ``file_id``: with
  the manufacturer they identify a file): a device creates one activity file per start, and every
  copy of it — the watch's, a ``.gz`` of it, an export zip's member — carries the same ``file_id``.
  The session timer time (whole seconds) and a digest of the decoded content are part of the key
  because two *different* files can share a ``file_id``: test generators and converters stamp one,
  a device that saved a partial copy before the whole one gives both the same ``time_created``,
  and a tool that "repairs" a file (zeroed sensors blanked, a bad total fixed) keeps it;
* else ``fit-content:<sha256>``: the hash of the decoded content alone.

The content digest covers the records' canonical columns and the legs (sport, start, times,
distance) **as the file writes them**, before any check corrects them, which every copy of one file
decodes to alike, whatever container held it. Two undamaged files whose sessions say different
things are two activities even when the checks correct one into the other (a file whose timer and
elapsed times are swapped and the same recording written correctly, as a tool that repairs files
writes it): the README's promise that undamaged files are never folded together holds whatever the
checks make of their totals, and each keeps its own report.

A *damaged, shorter copy* of a recording (a truncated upload, a partial copy a device saved before
the whole file) has a key of its own, but the same recording
(:func:`pipeline.usecases.copies.recording_of`), start and first records:
:mod:`pipeline.usecases.copies` counts it as a duplicate of the longer copy, whichever
arrives first.
"""
from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd

from pipeline.fit.clock import RELATIVE_TIME_LIMIT
from pipeline.fit.messages import fit_name, fit_number
from pipeline.fit.models import Leg

_CONTENT_COLUMNS = ("elapsed_s", "timer_active", "heart_rate_bpm", "power_w", "speed_m_per_s", "distance_m",
                    "altitude_m", "cadence_rpm", "temperature_c", "latitude_deg", "longitude_deg")


def activity_key(file_id: dict[str, Any] | None, records: pd.DataFrame, legs: list[Leg]) -> str:
    """The activity's identity (see the module docstring)."""
    fid = file_id or {}
    digest = hashlib.sha256()
    for leg in legs:
        digest.update(repr((leg.sport, leg.sub_sport, leg.start_time, leg.elapsed_s, leg.timer_s,
                            leg.distance_m)).encode())
    if len(records):
        frame = records[[c for c in _CONTENT_COLUMNS if c in records.columns]]
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        stamps = records["timestamp"]
        digest.update(repr((str(stamps.iloc[0]), str(stamps.iloc[-1]), len(records))).encode())
    serial = fit_number(fid.get("serial_number"))
    created = fit_number(fid.get("time_created"))
    if serial is not None and serial > 0 and created is not None and created >= RELATIVE_TIME_LIMIT:
        maker = fit_name(fid.get("manufacturer")) or ""
        timer_s = round(sum(leg.timer_s or 0.0 for leg in legs))
        return f"fit-serial:{maker}:{int(serial)}:{int(created)}:{timer_s}:{digest.hexdigest()[:16]}"
    return f"fit-content:{digest.hexdigest()}"

