"""A course for the watch: the route written back as a FIT course file with course points, so a
Garmin or Wahoo head unit following it alerts at each planned drink and feed.

The file follows the FIT SDK's course file ("Course file" in the FIT SDK's file types; Garmin's FIT
Cookbook, "Encoding Course Files"): ``file_id`` (``type = course``), ``course`` (sport, name),
one ``lap`` (start and end positions, time and distance), a timer ``start`` event, the
``record`` messages (position in semicircles, distance, altitude, the planned time), a timer
``stop_disable_all`` event, then the ``course_point`` messages (position, distance, planned time,
``type`` — ``water``, ``food``, ... from the FIT profile — and ``name``). Written with the
product's encoder (:mod:`pipeline.fit.encoder`); pure: bytes in memory.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from pipeline.fit.encoder import MAX_FIELD_BYTES, SEMICIRCLES_PER_DEGREE, FitEncoder, _field_spec

NAME_MIN_BYTES = 16
"""The course point ``name`` field is written at least 16 bytes wide (our figure: room for a short
cue and its NUL); wider when a name needs it. The FIT profile types the field as a
plain ``string`` with no length (Garmin FIT SDK Profile, message ``course_point``, field 6): its size
is the definition message's, one byte, so at most :data:`~pipeline.fit.encoder.MAX_FIELD_BYTES`.
One width for all the points keeps one definition for the series. A name is never cut, except past
that FIT limit (at a UTF-8 character boundary); how much of it a screen shows is the device's."""


@dataclass(frozen=True)
class Mark:
    """A course point to write: where [m from the start], its FIT ``course_point`` type and name."""

    distance_m: float
    kind: str
    name: str


def _semicircles(degrees: float) -> int:
    return int(round(degrees * SEMICIRCLES_PER_DEGREE))


def _course_point_kind(kind: str) -> str:
    values = _field_spec("course_point", "type").enum_values or {}
    return kind if kind in values else "generic"


def fit_name(name: str) -> str:
    """``name`` as a FIT string can hold it: whole, unless its UTF-8 bytes and the NUL exceed
    :data:`~pipeline.fit.encoder.MAX_FIELD_BYTES`; then cut at a character boundary to fit."""
    data = name.encode("utf-8")
    if len(data) < MAX_FIELD_BYTES:
        return name
    return data[:MAX_FIELD_BYTES - 1].decode("utf-8", errors="ignore")


def name_bytes(names: Sequence[str]) -> int:
    """The width [bytes, NUL included] of a string field that holds every one of ``names``
    (:func:`fit_name`), at least :data:`NAME_MIN_BYTES`."""
    return max([NAME_MIN_BYTES, *(len(fit_name(n).encode("utf-8")) + 1 for n in names)])


def _sport(sport: str | None) -> str | None:
    values = _field_spec("course", "sport").enum_values or {}
    return sport if sport in values else None


def encode_course(route: pd.DataFrame, start: datetime, marks: Sequence[Mark], name: str = "",
                  sport: str | None = None) -> bytes:
    """The FIT course file of ``route`` (``distance_m`` increasing, ``latitude_deg``, ``longitude_deg``,
    ``altitude_m`` (NaN: none), ``elapsed_s`` the planned time from ``start``, tz-aware) with a course
    point at each of ``marks`` (placed on the route by distance; their time interpolated). Raises
    ValueError for a route of fewer than two points or a value a FIT field cannot hold."""
    if len(route) < 2:
        raise ValueError("a course needs at least two points")
    dist = route["distance_m"].to_numpy(float)
    lat = route["latitude_deg"].to_numpy(float)
    lon = route["longitude_deg"].to_numpy(float)
    alt = route["altitude_m"].to_numpy(float)
    elapsed = route["elapsed_s"].to_numpy(float)
    when = [start + timedelta(seconds=float(s)) for s in elapsed]
    enc = FitEncoder()
    enc.add("file_id", {"type": "course", "manufacturer": "development", "product": 0, "time_created": start,
                        "serial_number": 1})
    enc.add("course", {"sport": _sport(sport), "name": fit_name(name or "Sweatline plan")})
    enc.add("lap", {"timestamp": when[-1], "start_time": when[0],
                    "start_position_lat": _semicircles(lat[0]), "start_position_long": _semicircles(lon[0]),
                    "end_position_lat": _semicircles(lat[-1]), "end_position_long": _semicircles(lon[-1]),
                    "total_elapsed_time": float(elapsed[-1]), "total_timer_time": float(elapsed[-1]),
                    "total_distance": float(dist[-1])})
    enc.add("event", {"timestamp": when[0], "event": "timer", "event_type": "start", "event_group": 0})
    for k in range(len(route)):
        enc.add("record", {"timestamp": when[k], "position_lat": _semicircles(lat[k]),
                           "position_long": _semicircles(lon[k]), "distance": float(dist[k]),
                           "altitude": None if not np.isfinite(alt[k]) else float(alt[k])})
    enc.add("event", {"timestamp": when[-1], "event": "timer", "event_type": "stop_disable_all", "event_group": 0})
    width = {"name": name_bytes([m.name for m in marks])}
    for index, mark in enumerate(sorted(marks, key=lambda m: m.distance_m)):
        at = float(np.clip(mark.distance_m, dist[0], dist[-1]))
        enc.add("course_point", {
            "message_index": index,
            "timestamp": start + timedelta(seconds=float(np.interp(at, dist, elapsed))),
            "position_lat": _semicircles(float(np.interp(at, dist, lat))),
            "position_long": _semicircles(float(np.interp(at, dist, lon))),
            "distance": at, "type": _course_point_kind(mark.kind), "name": fit_name(mark.name)}, string_bytes=width)
    return enc.to_bytes()
