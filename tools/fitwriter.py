"""A small FIT encoder: activity files and weight-scale files, as watches and smart scales write them.

Not part of the installed package: it lives in the repository's ``tools/`` folder. Sweatline
uses it for its own example activities (``examples/make_examples.py``) and in tests (weight-scale files
around an activity, files with features a test needs). It is the mirror image of the reader. The
byte-level encoder (:class:`FitEncoder`: headers, definition and data messages, CRCs, values
through fitparse's FIT profile) is the product's own :mod:`pipeline.fit.encoder`, which ``plan
--export-fit`` writes courses with at runtime; this module adds the typed activity and
weight-scale files on top and re-exports the encoder's names.

Everything here is pure (bytes in memory) except :func:`write`, the one helper that touches disk.

Typed API: :class:`RecordSample` (one ``record``), :class:`TimerPause`, :class:`DeviceSpec`,
:class:`ProfileSpec`, :func:`encode_activity` (file_id, device_info, user_profile, timer events,
records, laps, session, activity, with the lap and session totals computed from the samples),
:class:`WeightSample` and :func:`encode_weight_scale`, and the lower-level :class:`FitEncoder`.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pipeline.fit.encoder import (  # noqa: F401  (re-exported: the encoder's names, as before)
    _FIELD_CACHE,
    _INVALID,
    _MESSAGES_BY_NAME,
    _RANGE,
    FIT_EPOCH,
    PROFILE_VERSION,
    PROTOCOL_VERSION,
    SEMICIRCLES_PER_DEGREE,
    FitEncoder,
    _field_spec,
    _FieldSpec,
    _fit_seconds,
    _raw,
    _whole_second,
)

__all__ = [
    "FIT_EPOCH", "FitEncoder", "RecordSample", "TimerPause", "DeviceSpec", "ProfileSpec", "LapSplit",
    "WeightSample", "encode_activity", "encode_weight_scale", "write",
]


# ---------------------------------------------------------------------------------------------
# Typed activity API
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RecordSample:
    """One FIT ``record`` in physical units (None = the device had no such value)."""

    timestamp: datetime
    latitude_deg: float | None = None
    longitude_deg: float | None = None
    distance_m: float | None = None
    speed_m_per_s: float | None = None
    altitude_m: float | None = None
    heart_rate_bpm: float | None = None
    power_w: float | None = None
    cadence_rpm: float | None = None
    temperature_c: float | None = None
    calories_kcal: float | None = None


@dataclass(frozen=True)
class TimerPause:
    """The timer stopped at ``stop`` and started again at ``start`` (no records in between)."""

    stop: datetime
    start: datetime


@dataclass(frozen=True)
class DeviceSpec:
    """Who wrote the file (FIT ``file_id`` / ``device_info``). Defaults: the FIT 'development' maker."""

    manufacturer: str | int = "development"
    product: int = 1
    serial_number: int = 1234567890
    product_name: str | None = "Sweatline example generator"
    software_version: float = 1.0


@dataclass(frozen=True)
class ProfileSpec:
    """FIT ``user_profile``: what the device knows about its wearer."""

    body_mass_kg: float | None = None
    height_cm: float | None = None
    age: int | None = None
    sex: str | None = None  # "male" | "female"
    hr_rest_bpm: int | None = None
    hr_max_bpm: int | None = None


@dataclass(frozen=True)
class LapSplit:
    """A lap boundary: a new lap starts at ``at`` (trigger as FIT ``lap_trigger`` names it)."""

    at: datetime
    trigger: str = "distance"


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _summary(samples: Sequence[RecordSample], start: datetime, end: datetime,
             pauses: Sequence[TimerPause]) -> dict[str, Any]:
    """Lap/session totals over ``samples`` in [start, end]: what a device writes in lap and session."""
    inside = [s for s in samples if start <= s.timestamp <= end]
    elapsed_s = (end - start).total_seconds()
    paused_s = sum(
        max(0.0, (min(p.start, end) - max(p.stop, start)).total_seconds()) for p in pauses
    )
    timer_s = elapsed_s - paused_s

    def col(name: str) -> list[float]:
        return [getattr(s, name) for s in inside if getattr(s, name) is not None]

    hr, power, cadence, speed = col("heart_rate_bpm"), col("power_w"), col("cadence_rpm"), col("speed_m_per_s")
    temperature, altitude, distance = col("temperature_c"), col("altitude_m"), col("distance_m")
    ascent = descent = 0.0
    for before, after in zip(altitude, altitude[1:]):
        step = after - before
        ascent += max(step, 0.0)
        descent += max(-step, 0.0)
    total_distance = (distance[-1] - distance[0]) if len(distance) >= 2 else None
    avg_speed = total_distance / timer_s if total_distance is not None and timer_s > 0 else _mean(speed)
    calories = col("calories_kcal")
    return {
        "start_time": start,
        "total_elapsed_time": elapsed_s,
        "total_timer_time": timer_s,
        "total_distance": total_distance,
        "total_calories": (calories[-1] - calories[0]) if len(calories) >= 2 else None,
        "avg_speed": avg_speed,
        "max_speed": max(speed) if speed else None,
        "avg_heart_rate": _mean(hr),
        "max_heart_rate": max(hr) if hr else None,
        "avg_cadence": _mean(cadence),
        "max_cadence": max(cadence) if cadence else None,
        "avg_power": _mean(power),
        "max_power": max(power) if power else None,
        "total_ascent": ascent if altitude else None,
        "total_descent": descent if altitude else None,
        "avg_temperature": _mean(temperature),
        "max_temperature": max(temperature) if temperature else None,
    }


def _present(samples: Sequence[RecordSample], name: str) -> bool:
    return any(getattr(s, name) is not None for s in samples)


def encode_activity(
    samples: Sequence[RecordSample],
    *,
    sport: str,
    sub_sport: str = "generic",
    pauses: Sequence[TimerPause] = (),
    laps: Sequence[LapSplit] = (),
    device: DeviceSpec = DeviceSpec(),
    profile: ProfileSpec | None = None,
    utc_offset_s: int = 0,
    total_calories_kcal: float | None = None,
    legacy_speed_altitude: bool = False,
    session_fields: Mapping[str, Any] | None = None,
    sport_name: str | None = None,
    record_raw_fields: Sequence[tuple[int, int, bytes]] = (),
    finished: bool = True,
    declared_data_size: int | None = None,
    file_crc: bool = True,
    timer_start: datetime | None = None,
) -> bytes:
    """A complete FIT activity file from record samples.

    Message order as devices write it: ``file_id``, ``device_info``, ``user_profile``, a timer
    ``start`` event, the records with ``stop_all``/``start`` events at each pause, a final
    ``stop_all``, one ``lap`` per :class:`LapSplit` interval, the ``session`` (totals computed
    from the samples; timer time = elapsed minus pauses), and the ``activity`` message.
    ``legacy_speed_altitude`` also writes the 16-bit ``speed``/``altitude`` fields beside
    ``enhanced_speed``/``enhanced_altitude`` (older devices wrote only those).

    Quirks of real files, for tests: ``session_fields`` overrides session fields after the totals
    are computed (``None`` = the field's invalid value, i.e. missing); ``sport`` may be a number
    the profile does not name, and ``sport_name`` adds a ``sport`` message carrying that name;
    ``record_raw_fields`` adds raw fields to every record (see :meth:`FitEncoder.add`);
    ``finished=False`` stops after the records (no final timer stop, laps, session or activity
    message), as a recording that was never closed; ``declared_data_size`` / ``file_crc`` as in
    :meth:`FitEncoder.to_bytes`; ``timer_start`` stamps the first timer ``start`` event at another
    moment than the first record (a watch whose timer was started long before it recorded anything).
    """
    if not samples:
        raise ValueError("an activity needs at least one record sample")
    # FIT date_time has whole seconds: quantise first so the totals match what a decoder sees
    ordered = sorted((replace(s, timestamp=_whole_second(s.timestamp)) for s in samples), key=lambda s: s.timestamp)
    start, end = ordered[0].timestamp, ordered[-1].timestamp
    pauses = sorted((TimerPause(_whole_second(p.stop), _whole_second(p.start)) for p in pauses), key=lambda p: p.stop)
    for pause in pauses:
        if not start <= pause.stop < pause.start <= end:
            raise ValueError(f"pause {pause} is not inside the activity")
    enc = FitEncoder()
    enc.add("file_id", {
        "type": "activity", "manufacturer": device.manufacturer, "product": device.product,
        "serial_number": device.serial_number, "time_created": start,
    })
    enc.add("device_info", {
        "timestamp": start, "device_index": "creator", "manufacturer": device.manufacturer,
        "product": device.product, "serial_number": device.serial_number,
        "software_version": device.software_version, "source_type": "local",
        **({"product_name": device.product_name} if device.product_name else {}),
    })
    if profile is not None:
        enc.add("user_profile", {
            "gender": profile.sex, "age": profile.age,
            "height": profile.height_cm / 100.0 if profile.height_cm is not None else None,
            "weight": profile.body_mass_kg, "resting_heart_rate": profile.hr_rest_bpm,
            "default_max_heart_rate": profile.hr_max_bpm,
        })
    if sport_name is not None:
        enc.add("sport", {"sport": sport, "sub_sport": sub_sport, "name": sport_name})
    timer = {"event": "timer", "event_group": 0}
    enc.add("event", {"timestamp": _whole_second(timer_start) if timer_start is not None else start, **timer,
                      "event_type": "start", "data": 0})

    columns = {  # RecordSample attribute -> FIT record fields
        "latitude_deg": ("position_lat",), "longitude_deg": ("position_long",),
        "distance_m": ("distance",), "heart_rate_bpm": ("heart_rate",), "power_w": ("power",),
        "cadence_rpm": ("cadence",), "temperature_c": ("temperature",), "calories_kcal": ("calories",),
        "speed_m_per_s": ("speed", "enhanced_speed") if legacy_speed_altitude else ("enhanced_speed",),
        "altitude_m": ("altitude", "enhanced_altitude") if legacy_speed_altitude else ("enhanced_altitude",),
    }
    used = {attr: names for attr, names in columns.items() if _present(ordered, attr)}
    pause_iter = iter(pauses)
    next_pause = next(pause_iter, None)
    for sample in ordered:
        while next_pause is not None and sample.timestamp >= next_pause.start:
            enc.add("event", {"timestamp": next_pause.stop, **timer, "event_type": "stop_all", "data": 0})
            enc.add("event", {"timestamp": next_pause.start, **timer, "event_type": "start", "data": 0})
            next_pause = next(pause_iter, None)
        fields: dict[str, Any] = {"timestamp": sample.timestamp}
        for attr, names in used.items():
            value = getattr(sample, attr)
            if value is not None and attr in ("latitude_deg", "longitude_deg"):
                value = int(round(value * SEMICIRCLES_PER_DEGREE))
            for name in names:
                fields[name] = value
        enc.add("record", fields, raw=record_raw_fields)
    if not finished:
        return enc.to_bytes(declared_data_size=declared_data_size, file_crc=file_crc)
    enc.add("event", {"timestamp": end, **timer, "event_type": "stop_all", "data": 0})

    bounds = [start] + sorted(lap.at for lap in laps if start < lap.at < end) + [end]
    triggers = {lap.at: lap.trigger for lap in laps}
    has_speed = "speed_m_per_s" in used
    for index, (lap_start, lap_end) in enumerate(zip(bounds, bounds[1:])):
        totals = _summary(ordered, lap_start, lap_end, pauses)
        enc.add("lap", {
            "timestamp": lap_end, "message_index": index, "event": "lap", "event_type": "stop",
            "lap_trigger": triggers.get(lap_end, "session_end"), "sport": sport, "sub_sport": sub_sport,
            **_lap_fields(totals, has_speed),
        })
    totals = _summary(ordered, start, end, pauses)
    if total_calories_kcal is not None:
        totals["total_calories"] = total_calories_kcal
    session = {
        "timestamp": end, "message_index": 0, "event": "session", "event_type": "stop",
        "sport": sport, "sub_sport": sub_sport, "first_lap_index": 0, "num_laps": len(bounds) - 1,
        "trigger": "activity_end", **_lap_fields(totals, has_speed),
    }
    session.update(session_fields or {})
    enc.add("session", session)
    enc.add("activity", {
        "timestamp": end, "total_timer_time": totals["total_timer_time"], "num_sessions": 1,
        "type": "manual", "event": "activity", "event_type": "stop",
        "local_timestamp": _fit_seconds(end) + utc_offset_s,
    })
    return enc.to_bytes(declared_data_size=declared_data_size, file_crc=file_crc)


def _lap_fields(totals: Mapping[str, Any], has_speed: bool) -> dict[str, Any]:
    fields = {key: value for key, value in totals.items() if key not in ("avg_speed", "max_speed")}
    if has_speed or totals.get("avg_speed") is not None:
        # both the 16-bit fields (read by older software) and the 32-bit enhanced ones
        fields["avg_speed"] = totals.get("avg_speed")
        fields["max_speed"] = totals.get("max_speed")
        fields["enhanced_avg_speed"] = totals.get("avg_speed")
        fields["enhanced_max_speed"] = totals.get("max_speed")
    # integer-typed summary fields are written rounded, as devices do
    for key in ("avg_heart_rate", "max_heart_rate", "avg_cadence", "max_cadence", "avg_power", "max_power",
                "total_ascent", "total_descent", "avg_temperature", "max_temperature", "total_calories"):
        if fields.get(key) is not None:
            fields[key] = int(round(fields[key]))
    return fields


# ---------------------------------------------------------------------------------------------
# Weight scale
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WeightSample:
    """One FIT ``weight_scale`` message: body mass at a moment (smart scales add composition)."""

    timestamp: datetime
    weight_kg: float
    percent_fat: float | None = None
    percent_hydration: float | None = None
    bmi: float | None = None
    user_index: int | None = None  # FIT user_profile_index: which user of a family scale


def encode_weight_scale(weighings: Iterable[WeightSample], *, device: DeviceSpec = DeviceSpec(
        product_name="Sweatline test scale"), profile: ProfileSpec | None = None) -> bytes:
    """A FIT ``weight`` file (file_id type 9) with one ``weight_scale`` message per weighing."""
    items = sorted(weighings, key=lambda w: w.timestamp)
    if not items:
        raise ValueError("a weight-scale file needs at least one weighing")
    enc = FitEncoder()
    enc.add("file_id", {
        "type": "weight", "manufacturer": device.manufacturer, "product": device.product,
        "serial_number": device.serial_number, "time_created": items[0].timestamp,
    })
    if profile is not None:
        enc.add("user_profile", {
            "gender": profile.sex, "age": profile.age,
            "height": profile.height_cm / 100.0 if profile.height_cm is not None else None,
            "weight": profile.body_mass_kg,
        })
    for item in items:
        enc.add("weight_scale", {
            "timestamp": item.timestamp, "weight": item.weight_kg, "percent_fat": item.percent_fat,
            "percent_hydration": item.percent_hydration, "bmi": item.bmi,
            **({"user_profile_index": item.user_index} if item.user_index is not None else {}),
        })
    return enc.to_bytes()


def write(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".fit", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def seconds(n: float) -> timedelta:
    """Shorthand for building sample times in tests and the example generator."""
    return timedelta(seconds=n)
