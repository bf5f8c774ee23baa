"""A race plan for a watch that cannot follow a course: a FIT workout whose steps change at each
planned drink and feed, so the watch shows and sounds the cue by time.

The file follows the FIT SDK's workout file ("Workout file" in the FIT SDK's file types; Garmin's
FIT Cookbook, "Encoding Workout Files"): ``file_id`` (``type = workout``), one ``workout`` (sport,
name, ``num_valid_steps``), then the ``workout_step`` messages in order. Each step has a name and
notes (FIT ``string``: the Garmin SDK profile gives them no length, so the definition sets it: one
width for the series, :func:`pipeline.fit.course_export.name_bytes`), ``intensity = active`` and
an ``open`` target (no pace or power asked: the plan's effort is the racer's). A step lasts
``duration_type = time`` until the next cue (``duration_value`` in ms: the profile's
``duration_time`` subfield, scale 1000, s), and the last one is ``open``: it runs to the finish
however long the race takes. Written with the product's encoder (:mod:`pipeline.fit.encoder`);
pure: bytes in memory.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pipeline.fit.course_export import fit_name, name_bytes
from pipeline.fit.encoder import FitEncoder, _field_spec

MS_PER_S = 1000
"""``workout_step.duration_value`` for ``duration_type = time`` counts milliseconds (FIT profile:
subfield ``duration_time``, scale 1000, units s)."""


@dataclass(frozen=True)
class Step:
    """One workout step: its name (what the watch shows when it starts), notes, and how long it lasts
    [s] (None: open, to the finish)."""

    name: str
    notes: str
    duration_s: float | None


def encode_workout(steps: Sequence[Step], created: datetime, name: str = "", sport: str | None = None) -> bytes:
    """The FIT workout file of ``steps`` (at least one; every one timed but the last, which may be
    open), named ``name``, for ``sport`` (a FIT sport name; another is left out), created at
    ``created`` (tz-aware). Raises ValueError for no steps, a step of less than a second, or a value a
    FIT field cannot hold."""
    if not steps:
        raise ValueError("a workout needs at least one step")
    for step in steps:
        if step.duration_s is not None and not step.duration_s >= 1.0:
            raise ValueError(f"a timed step lasts at least 1 s, got {step.duration_s!r}")
    sports = _field_spec("workout", "sport").enum_values or {}
    enc = FitEncoder()
    enc.add("file_id", {"type": "workout", "manufacturer": "development", "product": 0, "time_created": created,
                        "serial_number": 1})
    enc.add("workout", {"sport": sport if sport in sports else None, "num_valid_steps": len(steps),
                        "wkt_name": fit_name(name or "Sweatline plan")})
    widths = {"wkt_step_name": name_bytes([s.name for s in steps]), "notes": name_bytes([s.notes for s in steps])}
    for index, step in enumerate(steps):
        timed = step.duration_s is not None
        enc.add("workout_step", {
            "message_index": index, "wkt_step_name": fit_name(step.name), "notes": fit_name(step.notes),
            "duration_type": "time" if timed else "open",
            "duration_value": round(step.duration_s * MS_PER_S) if step.duration_s is not None else None,
            "target_type": "open", "target_value": 0, "intensity": "active"}, string_bytes=widths)
    return enc.to_bytes()
