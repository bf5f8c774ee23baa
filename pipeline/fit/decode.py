"""FIT bytes -> :class:`~pipeline.fit.models.Activity`, with fitparse as the message decoder.

How the work is split, and why it is fast
-----------------------------------------
* :mod:`pipeline.fit.framing` checks the container first (headers, sizes, CRC) and hands over
  the CRC-stripped segments; the decoder then runs with ``check_crc=False``.
* Messages are decoded by ``fitparse.FitFileDecoder`` — fitparse's own decoder (definitions,
  compressed-timestamp headers, component expansion such as ``speed`` -> ``enhanced_speed``,
  subfields such as ``garmin_product``, developer fields, enum names from its FIT profile)
  without the ``FitFile`` data-processor layer, whose only effects are turning every
  ``date_time`` into a naive ``datetime`` and re-labelling units. We take the scaled values and
  convert times and semicircles column-wise once, with numpy, at the end.
* Every message is visited exactly once. A ``record`` costs one dict lookup per field (keyed by
  fitparse's profile ``Field`` object, so a developer field that happens to be called "power"
  can never be taken for the native one); all other messages are few and kept as small dicts.

Names (sport, sub_sport, manufacturer, product) are whatever fitparse's FIT profile calls them;
a number the profile does not know stays a number and is written as its decimal string, as the
Garmin SDK does. There is no table of our own.

Times: FIT ``date_time`` is seconds since 1989-12-31T00:00:00Z. Values below ``0x10000000`` are
*relative* (seconds since the device powered on: its clock was never set). They are anchored with
a ``timestamp_correlation`` message when the file has one; otherwise start times stay unknown
(``None``), the records keep their relative ``elapsed_s``, and a warning says so.
"""
from __future__ import annotations

import math
import struct
import threading
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd
from fitparse import FitFileDecoder
from fitparse.profile import FIELD_TYPE_TIMESTAMP, MESSAGE_TYPES
from fitparse.records import DevField
from fitparse.utils import FitEOFError, FitParseError

from pipeline.fit.framing import Framing
from pipeline.fit.models import RECORD_COLUMNS, Activity, Leg, UserProfile
from pipeline.schema import ActivityBlock

FIT_EPOCH_UNIX_S = 631065600  # 1989-12-31T00:00:00Z
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=timezone.utc)
RELATIVE_TIME_LIMIT = 0x10000000  # FIT profile: date_time below this is seconds since power-on
SEMICIRCLE_TO_DEG = 180.0 / 2**31

# Global message numbers (FIT profile, "mesg_num" type).
MESG_FILE_ID, MESG_USER_PROFILE, MESG_ZONES_TARGET, MESG_HR_ZONE = 0, 3, 7, 8
MESG_SPORT, MESG_SESSION, MESG_LAP, MESG_RECORD, MESG_EVENT = 12, 18, 19, 20, 21
MESG_DEVICE_INFO, MESG_ACTIVITY, MESG_FILE_CREATOR = 23, 34, 49
MESG_TIMESTAMP_CORRELATION, MESG_FIELD_DESCRIPTION = 162, 206
_KEPT = {MESG_FILE_ID, MESG_USER_PROFILE, MESG_ZONES_TARGET, MESG_HR_ZONE, MESG_SPORT, MESG_SESSION,
         MESG_LAP, MESG_EVENT, MESG_DEVICE_INFO, MESG_ACTIVITY, MESG_TIMESTAMP_CORRELATION}

SESSION_SWEAT_LOSS_FIELD = 178  # Garmin session field 178: estimated sweat loss, mL (not in the public profile)

# Native record fields we read, keyed by fitparse's profile Field objects (identity lookups).
_RECORD_FIELDS = ("timestamp", "heart_rate", "power", "speed", "enhanced_speed", "distance", "altitude",
                  "enhanced_altitude", "cadence", "fractional_cadence", "temperature", "position_lat",
                  "position_long", "calories")
_RECORD_KEY: dict[Any, str] = {
    fld: fld.name for fld in MESSAGE_TYPES[MESG_RECORD].fields.values() if fld.name in _RECORD_FIELDS}
_RECORD_KEY[FIELD_TYPE_TIMESTAMP] = "timestamp"  # the field fitparse adds for compressed-timestamp headers

_TIMER_STOPS = {"stop", "stop_all", "stop_disable", "stop_disable_all"}
# Errors fitparse can raise on odd input besides its own FitParseError (STYLE §6: fitparse#38).
DECODE_ERRORS = (FitParseError, KeyError, TypeError, UnicodeDecodeError, IndexError, ValueError,
                 struct.error, AttributeError, OverflowError)


@dataclass
class DecodeStop:
    """Decoding stopped early: in which chained file, at which byte, and why."""

    segment: int
    offset: int | None
    reason: str
    expected: bool = False  # the framing already knew: the bytes of a truncated segment ran out


@dataclass
class Messages:
    """What one pass over the messages keeps (only from activity segments)."""

    file_types: list[Any] = field(default_factory=list)  # file_id.type of every segment with a file_id
    file_id: dict[str, Any] | None = None  # the first activity file_id
    creator_info: list[dict[str, Any]] = field(default_factory=list)
    device_info: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    laps: list[dict[str, Any]] = field(default_factory=list)
    sports: list[dict[str, Any]] = field(default_factory=list)
    timer_events: list[tuple[int, bool]] = field(default_factory=list)
    activity: list[dict[str, Any]] = field(default_factory=list)
    user_profile: list[dict[str, Any]] = field(default_factory=list)
    zones_target: list[dict[str, Any]] = field(default_factory=list)
    hr_zones: list[dict[str, Any]] = field(default_factory=list)
    correlations: list[dict[str, Any]] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    developer_fields: int = 0
    stop: DecodeStop | None = None
    decoder_warnings: list[str] = field(default_factory=list)


def _fields(message: Any) -> dict[str, Any]:
    """A data message's native fields as ``{name: value}`` (subfields also under the parent's
    name, e.g. ``garmin_product`` -> ``product``; unknown fields as ``unknown_N``). Developer
    fields are left out: their names are untrusted and may shadow native ones."""
    out: dict[str, Any] = {}
    for fd in message.fields:
        fld = fd.field
        if fld is None:
            out[f"unknown_{fd.field_def.def_num}"] = fd.value
            continue
        if isinstance(fld, DevField):
            continue
        out[fld.name] = fd.value
        if fd.parent_field is not None:
            out.setdefault(fd.parent_field.name, fd.value)
    return out


# ``warnings.catch_warnings`` swaps process-global state: concurrent decodes (a flow's thread pool)
# take turns. Decoding is pure-Python CPU work that the GIL serialises anyway, so this costs nothing.
_WARNINGS_LOCK = threading.Lock()


def decode_messages(data: bytes, framing: Framing) -> Messages:
    """One pass over every segment's messages; fitparse's warnings are captured, never printed."""
    out = Messages()
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for segment in framing.segments:
            _decode_segment(data, segment, out)
            if out.stop is not None:
                break
    out.decoder_warnings = sorted({str(w.message) for w in caught})
    return out


def _decode_segment(data: bytes, segment: Any, out: Messages) -> None:
    body = data[segment.body]
    truncated = segment.available_data < segment.data_size
    records = out.records
    record_key = _RECORD_KEY
    is_activity: bool | None = None  # decided by this segment's file_id (a continuation has none)
    if segment.index > 1 and out.file_types:
        is_activity = out.file_types[-1] in ("activity", None)
    pending: Any = None  # one message behind, so the last (possibly partial) one can be dropped
    decoder = None

    def handle(message: Any) -> None:
        nonlocal is_activity
        num = message.def_mesg.mesg_num
        if num == MESG_RECORD:
            if is_activity is False:
                return
            row = {}
            for fd in message.fields:
                key = record_key.get(fd.field)
                if key is not None:
                    row[key] = fd.value
            records.append(row)
            return
        if num == MESG_FIELD_DESCRIPTION:
            out.developer_fields += 1
            return
        if num not in _KEPT:
            return
        values = _fields(message)
        if num == MESG_FILE_ID:
            out.file_types.append(values.get("type"))
            is_activity = values.get("type") in ("activity", None)
            if is_activity and out.file_id is None:
                out.file_id = values
            return
        if is_activity is False:
            return
        if num == MESG_EVENT:
            if values.get("event") == "timer" and values.get("timestamp") is not None:
                kind = values.get("event_type")
                if kind == "start":
                    out.timer_events.append((values["timestamp"], True))
                elif kind in _TIMER_STOPS:
                    out.timer_events.append((values["timestamp"], False))
            return
        target = {
            MESG_SESSION: out.sessions, MESG_LAP: out.laps, MESG_SPORT: out.sports,
            MESG_DEVICE_INFO: out.device_info, MESG_ACTIVITY: out.activity,
            MESG_USER_PROFILE: out.user_profile, MESG_ZONES_TARGET: out.zones_target,
            MESG_HR_ZONE: out.hr_zones, MESG_TIMESTAMP_CORRELATION: out.correlations,
        }[num]
        if num == MESG_SESSION:
            values["_sweat_loss_raw"] = _raw_field(message, SESSION_SWEAT_LOSS_FIELD)
        target.append(values)

    try:
        decoder = FitFileDecoder(body, check_crc=False, check_developer_data=False)
        for message in decoder.get_messages():
            if pending is not None:
                handle(pending)
            pending = message
    except FitEOFError as exc:
        # Running out of bytes is expected in a segment the framing found truncated; the last
        # message may be cut short (fitparse keeps the fields it got), so it is dropped.
        pending = None
        if not truncated:
            out.stop = DecodeStop(segment.index, _offset(decoder, segment), f"unexpected end of data ({exc})")
        else:
            out.stop = DecodeStop(segment.index, _offset(decoder, segment), "end of the bytes present", expected=True)
        return
    except DECODE_ERRORS as exc:
        # Undecodable bytes: the message decoded just before them may already be garbage
        # (a damaged file rarely breaks exactly on a message boundary), so it is dropped too.
        pending = None
        out.stop = DecodeStop(segment.index, _offset(decoder, segment),
                              f"undecodable data ({type(exc).__name__}: {exc})")
        return
    if pending is not None:
        handle(pending)


def _offset(decoder: Any, segment: Any) -> int | None:
    try:
        return segment.start + decoder._file.tell() - 1  # fitparse keeps its stream private
    except Exception:  # closed or never opened: the position is only informative
        return None


def _raw_field(message: Any, def_num: int) -> Any:
    for fd in message.fields:
        if fd.field_def is not None and fd.field_def.def_num == def_num and not isinstance(fd.field, DevField):
            return fd.value
    return None


# ----------------------------------------------------------------------------------------------
# values


def _name(value: Any) -> str | None:
    """A FIT enum value as the profile names it; a number it does not know as its decimal string."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return str(int(value)) if float(value).is_integer() else str(value)
    return str(value)


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, (str, bytes, tuple, list)):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = "".join(ch for ch in str(value) if ch.isprintable()).strip()
    return text or None


class Clock:
    """FIT ``date_time`` integers -> UTC, with relative (power-on) times anchored when possible."""

    def __init__(self, correlations: list[dict[str, Any]]) -> None:
        self.relative_offset_s: float | None = None
        for corr in correlations:
            absolute, system = _num(corr.get("timestamp")), _num(corr.get("system_timestamp"))
            if absolute is not None and system is not None and absolute >= RELATIVE_TIME_LIMIT:
                absolute += _num(corr.get("fractional_timestamp")) or 0.0
                system += _num(corr.get("fractional_system_timestamp")) or 0.0
                self.relative_offset_s = absolute - system
                break
        self.saw_unanchored_relative = False

    def seconds(self, value: Any) -> float | None:
        """Absolute FIT seconds (since the FIT epoch), or None when unknown."""
        number = _num(value)
        if number is None:
            return None
        if number >= RELATIVE_TIME_LIMIT:
            return number
        if self.relative_offset_s is not None:
            return number + self.relative_offset_s
        self.saw_unanchored_relative = True
        return None

    def datetime(self, value: Any) -> datetime | None:
        seconds = self.seconds(value)
        return None if seconds is None else FIT_EPOCH + timedelta(seconds=seconds)


# ----------------------------------------------------------------------------------------------
# records


def build_records(msgs: Messages, clock: Clock, legs: list[Leg],
                  warn: list[str]) -> tuple[pd.DataFrame, float | None]:
    """The records DataFrame (:data:`RECORD_COLUMNS`, SI units), built column-wise once, and the
    clock second (FIT seconds, or relative seconds) that ``elapsed_s`` counts from."""
    frame = pd.DataFrame.from_records(msgs.records) if msgs.records else pd.DataFrame()
    n = len(frame)

    def column(name: str) -> np.ndarray:
        if name not in frame:
            return np.full(n, np.nan)
        series = frame[name]
        if series.dtype == object:  # a device that writes arrays (tuples) or odd types: keep numbers only
            series = series.map(_num)
        return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)

    raw_time = column("timestamp")
    relative = raw_time < RELATIVE_TIME_LIMIT
    if clock.relative_offset_s is not None:
        absolute = np.where(relative, raw_time + clock.relative_offset_s, raw_time)
    else:
        absolute = np.where(relative, np.nan, raw_time)
        if np.any(relative):
            clock.saw_unanchored_relative = True
    # elapsed on whichever clock the file uses (relative and absolute seconds are both seconds)
    clock_s = absolute if np.isfinite(absolute).any() else raw_time

    keep = np.isfinite(clock_s)
    dropped_no_time = int(n - keep.sum())
    if dropped_no_time:
        warn.append(f"{dropped_no_time} record(s) without a usable timestamp ignored")
    window = _session_window(msgs, clock)
    if window is not None and np.isfinite(absolute).any():
        outside = keep & ((clock_s < window[0]) | (clock_s > window[1]))
        if outside.any():
            warn.append(f"{int(outside.sum())} record(s) with timestamps far outside the session ignored")
            keep &= ~outside

    order = np.argsort(np.where(keep, clock_s, np.inf), kind="stable")[: int(keep.sum())]
    clock_s = clock_s[order]
    speed = _prefer(column("enhanced_speed"), column("speed"))[order]
    altitude = _prefer(column("enhanced_altitude"), column("altitude"))[order]
    cadence = column("cadence")[order]
    fractional = column("fractional_cadence")[order]
    cadence = np.where(np.isfinite(fractional) & np.isfinite(cadence), cadence + fractional, cadence)
    absolute_sorted = absolute[order]
    timestamps = pd.to_datetime(absolute_sorted + FIT_EPOCH_UNIX_S, unit="s", utc=True)
    if len(clock_s):
        elapsed = clock_s - clock_s[0]
    else:
        elapsed = clock_s
    records = pd.DataFrame({
        "timestamp": pd.Series(timestamps, dtype="datetime64[ns, UTC]"),
        "elapsed_s": elapsed,
        "timer_active": _timer_active(clock_s, msgs, clock),
        "leg": _leg_index(clock_s, legs, clock),
        "heart_rate_bpm": column("heart_rate")[order],
        "power_w": column("power")[order],
        "speed_m_per_s": speed,
        "distance_m": column("distance")[order],
        "altitude_m": altitude,
        "cadence_rpm": cadence,
        "temperature_c": column("temperature")[order],
        "latitude_deg": column("position_lat")[order] * SEMICIRCLE_TO_DEG,
        "longitude_deg": column("position_long")[order] * SEMICIRCLE_TO_DEG,
        "calories_kcal": column("calories")[order],
    })
    return records[list(RECORD_COLUMNS)], (float(clock_s[0]) if len(clock_s) else None)


def _prefer(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(first), first, second)


def _session_window(msgs: Messages, clock: Clock) -> tuple[float, float] | None:
    """Records more than a day outside every session are not of this activity (a damaged file's
    garbage, e.g. a timestamp decades ahead). A generous margin: devices record before the
    session's start_time and after its end, but not by a day."""
    spans = []
    for session in msgs.sessions:
        start = clock.seconds(session.get("start_time"))
        if start is None:
            continue
        length = max(_num(session.get("total_elapsed_time")) or 0.0, _num(session.get("total_timer_time")) or 0.0)
        end = clock.seconds(session.get("timestamp"))
        spans.append((start, max(start + length, end or start)))
    if not spans:
        return None
    margin = 86400.0
    return min(s for s, _ in spans) - margin, max(e for _, e in spans) + margin


def timer_events(msgs: Messages, clock: Clock) -> list[tuple[float, bool]]:
    """Timer start (True) / stop (False) events on the records' clock, in time order."""
    events = []
    for stamp, running in msgs.timer_events:
        seconds = clock.seconds(stamp)
        if seconds is None and clock.relative_offset_s is None and _num(stamp) is not None:
            seconds = _num(stamp)  # an unanchored relative clock: records use the same one
        if seconds is not None:
            events.append((seconds, running))
    events.sort(key=lambda item: item[0])
    return events


def _near(events: list[tuple[float, bool]], clock_s: np.ndarray) -> list[tuple[float, bool]]:
    """Events within a day of the records (a file mixing an unset and a set clock must not pause
    every record because of a stop event stamped on the other clock)."""
    if len(clock_s) == 0:
        return events
    low, high = float(np.nanmin(clock_s)) - 86400.0, float(np.nanmax(clock_s)) + 86400.0
    return [(t, running) for t, running in events if low <= t <= high]


def timer_seconds(clock_s: np.ndarray, events: list[tuple[float, bool]]) -> float | None:
    """Time the device timer ran, from the first timer start (or first record) to the last
    record: the union of the start->stop intervals of the timer events (a pause without records
    counts as paused), or the records' span when the file has no timer events."""
    if len(clock_s) == 0:
        return None
    first, last = float(clock_s[0]), float(clock_s[-1])
    if not events:
        return last - first
    if events[0][1]:
        first = min(first, events[0][0])
    total = 0.0
    running_since: float | None = first if not events[0][1] or events[0][0] > first else None
    for moment, running in events:
        if running and running_since is None:
            running_since = moment
        elif not running and running_since is not None:
            total += max(0.0, min(moment, last) - max(running_since, first))
            running_since = None
    if running_since is not None:
        total += max(0.0, last - max(running_since, first))
    return total


def _timer_active(clock_s: np.ndarray, msgs: Messages, clock: Clock) -> np.ndarray:
    """False for records written while the timer was stopped (a pause, auto-pause).

    Timer ``start`` events switch it on from their timestamp; ``stop*`` events switch it off
    strictly after theirs (the record written at the stop instant closes the running segment).
    Before the first timer event the timer counts as running. Without timer events: all True.
    """
    n = len(clock_s)
    events = _near(timer_events(msgs, clock), clock_s)
    if not events or n == 0:
        return np.ones(n, dtype=bool)
    times = np.array([t for t, _ in events])
    states = np.array([r for _, r in events])
    # index of the last event that applies to each record
    idx_start = np.searchsorted(times, clock_s, side="right") - 1  # events at t <= record time
    idx_stop = np.searchsorted(times, clock_s, side="left") - 1  # events at t < record time
    # use the "<=" index where that event is a start, the "<" one otherwise
    chosen = np.where((idx_start >= 0) & states[np.clip(idx_start, 0, None)], idx_start, idx_stop)
    return np.where(chosen >= 0, states[np.clip(chosen, 0, None)], True)


def _leg_index(clock_s: np.ndarray, legs: list[Leg], clock: Clock) -> np.ndarray:
    """Index of the session (leg) each record belongs to, from the sessions' start times."""
    n = len(clock_s)
    if len(legs) <= 1 or n == 0:
        return np.zeros(n, dtype=int)
    starts = []
    for leg in legs:
        if leg.start_time is None:
            return np.zeros(n, dtype=int)
        starts.append((leg.start_time - FIT_EPOCH).total_seconds())
    order = np.argsort(starts, kind="stable")
    sorted_starts = np.array(starts)[order]
    pos = np.clip(np.searchsorted(sorted_starts, clock_s, side="right") - 1, 0, None)
    return order[pos].astype(int)


# ----------------------------------------------------------------------------------------------
# summary


def _weighted(values: list[tuple[float | None, float | None]]) -> float | None:
    """Time-weighted mean of per-leg averages (weight = timer time), over legs that have a value."""
    pairs = [(v, w) for v, w in values if v is not None]
    if not pairs:
        return None
    if len(pairs) == 1:
        return pairs[0][0]
    weights = [w if w is not None and w > 0 else 0.0 for _, w in pairs]
    if sum(weights) <= 0:
        return sum(v for v, _ in pairs) / len(pairs)
    return sum(v * w for (v, _), w in zip(pairs, weights)) / sum(weights)


def _sum(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def build_legs(msgs: Messages, clock: Clock) -> tuple[list[Leg], float | None]:
    """One :class:`Leg` per session (file order), with field 178 de-accumulated.

    Garmin writes session field 178 (estimated sweat loss, mL) as a running total across the
    sessions of a multisport activity (each leg's value includes the previous legs'). When the
    values never decrease they are treated as cumulative: a leg's own loss is the difference to
    the previous leg's, and the activity's is the last value. A device whose values do decrease
    is writing per-leg figures; those are kept as they are and summed.
    """
    raw = [_num(s.get("_sweat_loss_raw")) for s in msgs.sessions]
    present = [v for v in raw if v is not None]
    cumulative = len(present) > 1 and all(b >= a for a, b in zip(present, present[1:]))
    per_leg: list[float | None] = []
    previous = 0.0
    for value in raw:
        if value is None:
            per_leg.append(None)
        elif cumulative:
            per_leg.append(value - previous)
            previous = value
        else:
            per_leg.append(value)
    total = present[-1] if cumulative else _sum(present)
    # a session without a sport field: the file's sport message says what it is, else "generic"
    fallback = msgs.sports[0] if msgs.sports else {}
    legs = []
    for index, (session, sweat) in enumerate(zip(msgs.sessions, per_leg)):
        own = session.get("sport") is not None
        source = session if own else fallback
        legs.append(Leg(
            index=index,
            sport=_name(source.get("sport")) or "generic",
            sub_sport=_name(source.get("sub_sport")) if own or len(msgs.sessions) == 1 else None,
            start_time=clock.datetime(session.get("start_time")),
            end_time=clock.datetime(session.get("timestamp")),
            elapsed_s=_num(session.get("total_elapsed_time")),
            timer_s=_num(session.get("total_timer_time")),
            distance_m=_num(session.get("total_distance")),
            avg_heart_rate=_num(session.get("avg_heart_rate")),
            avg_power=_num(session.get("avg_power")),
            calories_kcal=_num(session.get("total_calories")),
            device_sweat_loss_ml=sweat,
        ))
    return legs, total


def device_names(msgs: Messages) -> tuple[str | None, str | None, str | None]:
    """(manufacturer, product, device) from ``file_id`` and the creator's ``device_info``."""
    fid = msgs.file_id or {}
    maker = _name(fid.get("manufacturer"))
    product = _name(fid.get("product"))
    product_name = _text(fid.get("product_name"))
    if product_name is None:
        for info in msgs.device_info:
            index = info.get("device_index")
            if index in ("creator", 0, None) and _text(info.get("product_name")) is not None:
                product_name = _text(info.get("product_name"))
                break
    model = product_name or product
    device = " ".join(part for part in (maker, model) if part) or None
    return maker, product, device


def build_profile(msgs: Messages) -> UserProfile:
    """The wearer as the file describes them (FIT ``user_profile``, ``zones_target``, ``hr_zone``)."""
    up = msgs.user_profile[0] if msgs.user_profile else {}
    zt = msgs.zones_target[0] if msgs.zones_target else {}
    height_m = _num(up.get("height"))
    sex = up.get("gender")
    zones = sorted(v for v in (_num(z.get("high_bpm")) for z in msgs.hr_zones) if v is not None and v > 0)

    def positive(value: Any) -> float | None:
        number = _num(value)
        return number if number is not None and number > 0 else None

    return UserProfile(
        body_mass_kg=positive(up.get("weight")),
        height_cm=positive(height_m * 100.0) if height_m is not None else None,
        age=positive(up.get("age")),
        sex=sex if sex in ("male", "female") else None,
        hr_rest_bpm=positive(up.get("resting_heart_rate")),
        hr_max_bpm=positive(zt.get("max_heart_rate")) or positive(up.get("default_max_heart_rate")),
        ftp_w=positive(zt.get("functional_threshold_power")),
        hr_zone_high_bpm=zones,
    )


def build_activity(msgs: Messages, clock: Clock, *, source: str, activity_id: str,
                   salvaged: bool, warn: list[str]) -> Activity:
    """Summary, legs, profile and records from one pass of messages."""
    legs, sweat_total = build_legs(msgs, clock)
    records, origin = build_records(msgs, clock, legs, warn)
    maker, product, device = device_names(msgs)
    common = dict(id=activity_id, source=source, device=device, manufacturer=maker, product=product,
                  salvaged=salvaged)
    if legs:
        multisport = len(legs) > 1
        timer = [leg.timer_s for leg in legs]
        summary = ActivityBlock(
            sport="multisport" if multisport else legs[0].sport,
            sub_sport=None if multisport else legs[0].sub_sport,
            start_time=min((leg.start_time for leg in legs if leg.start_time is not None), default=None),
            elapsed_s=_sum([leg.elapsed_s for leg in legs]),
            timer_s=_sum(timer),
            distance_m=_sum([leg.distance_m for leg in legs]),
            avg_heart_rate=_weighted([(leg.avg_heart_rate, leg.timer_s) for leg in legs]),
            avg_power=_weighted([(leg.avg_power, leg.timer_s) for leg in legs]),
            calories_kcal=_sum([leg.calories_kcal for leg in legs]),
            summary_source="session",
            **common,
        )
        for leg in legs:
            if leg.elapsed_s is not None and leg.timer_s is not None and leg.elapsed_s + 1 < leg.timer_s:
                warn.append(f"session {leg.index + 1}: elapsed time ({leg.elapsed_s:.0f} s) is shorter than "
                            f"timer time ({leg.timer_s:.0f} s); the file's values are kept")
        summary = _fill_averages_from_records(summary, records)
    else:
        summary = _summary_from_records(msgs, clock, records, origin, common, warn)
        legs = [Leg(index=0, sport=summary.sport, sub_sport=summary.sub_sport, start_time=summary.start_time,
                    elapsed_s=summary.elapsed_s, timer_s=summary.timer_s, distance_m=summary.distance_m,
                    avg_heart_rate=summary.avg_heart_rate, avg_power=summary.avg_power,
                    calories_kcal=summary.calories_kcal)]
    if clock.saw_unanchored_relative:
        warn.append("the device clock was not set: times are seconds since power-on and the file has no "
                    "timestamp_correlation to anchor them, so the start date is unknown")
    summary = summary.model_copy(update={"warnings": list(dict.fromkeys(warn))})
    return Activity(summary=summary, legs=legs, profile=build_profile(msgs),
                    device_sweat_loss_ml=sweat_total, records=records)


def _active_mean(records: pd.DataFrame, column: str) -> float | None:
    values = records.loc[records["timer_active"], column] if len(records) else records[column]
    values = values.dropna()
    return float(values.mean()) if len(values) else None


def _fill_averages_from_records(summary: ActivityBlock, records: pd.DataFrame) -> ActivityBlock:
    """Session averages are authoritative; where the session has none, use the records."""
    update = {}
    if summary.avg_heart_rate is None:
        update["avg_heart_rate"] = _active_mean(records, "heart_rate_bpm")
    if summary.avg_power is None:
        update["avg_power"] = _active_mean(records, "power_w")
    return summary.model_copy(update=update) if update else summary


def _timer_events_elapsed(msgs: Messages, clock: Clock, origin: float | None) -> list[tuple[float, bool]]:
    """Timer events on the records' ``elapsed_s`` scale."""
    if origin is None:
        return []
    return [(t - origin, running) for t, running in timer_events(msgs, clock)]


def _summary_from_records(msgs: Messages, clock: Clock, records: pd.DataFrame, origin: float | None,
                          common: dict[str, Any], warn: list[str]) -> ActivityBlock:
    """No session message (a device that writes none, or a file cut before its end): sport from
    the ``sport`` (else first ``lap``) message; start, times and distance from the records and
    the timer events. Laps are not summed: a cut file's last lap is missing."""
    sport_src = msgs.sports[0] if msgs.sports else (msgs.laps[0] if msgs.laps else {})
    sport = _name(sport_src.get("sport")) or "generic"
    sub_sport = _name(sport_src.get("sub_sport"))
    start = elapsed = timer = distance = calories = None
    if len(records):
        events = _near(_timer_events_elapsed(msgs, clock, origin), records["elapsed_s"].to_numpy())
        begin_s = min(0.0, events[0][0]) if events and events[0][1] else 0.0  # the timer may start before the first record
        first_stamp = records["timestamp"].iloc[0]
        start = (first_stamp + pd.Timedelta(seconds=begin_s)).to_pydatetime() if pd.notna(first_stamp) else None
        elapsed = float(records["elapsed_s"].iloc[-1]) - begin_s
        timer = timer_seconds(records["elapsed_s"].to_numpy(), events)
        distance_values = records["distance_m"].dropna()  # cumulative from the activity's start
        distance = float(distance_values.max()) if len(distance_values) else None
        calorie_values = records["calories_kcal"].dropna()
        calories = float(calorie_values.max()) if len(calorie_values) else None
    if distance is None:
        distance = _sum([_num(lap.get("total_distance")) for lap in msgs.laps])
    warn.append("the file has no session message: times and distance derived from the records and timer events"
                + ("" if msgs.sports or msgs.laps else "; no sport in the file, so 'generic'"))
    return ActivityBlock(
        sport=sport, sub_sport=sub_sport, start_time=start, elapsed_s=elapsed, timer_s=timer, distance_m=distance,
        avg_heart_rate=_active_mean(records, "heart_rate_bpm") if len(records) else None,
        avg_power=_active_mean(records, "power_w") if len(records) else None,
        calories_kcal=calories,
        summary_source="records",
        **common,
    )
