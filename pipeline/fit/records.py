"""The records DataFrame (:data:`~pipeline.fit.models.RECORD_COLUMNS`, SI units), built column-wise once.

Times and positions are converted with numpy on whole columns: FIT seconds -> UTC (FIT epoch
1989-12-31T00:00:00Z, :mod:`pipeline.fit.clock`), semicircles -> degrees (2^31 semicircles =
180°, FIT SDK "semicircles"). Each record is flagged ``timer_active`` from the timer events and
given the index of the session (leg) it belongs to.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.fit.clock import FIT_EPOCH, FIT_EPOCH_UNIX_S, RELATIVE_TIME_LIMIT, Clock, near_records, timer_events
from pipeline.fit.messages import Messages, fit_number
from pipeline.fit.models import RECORD_COLUMNS, Leg

SEMICIRCLE_TO_DEG = 180.0 / 2**31


def build_records(msgs: Messages, clock: Clock, legs: list[Leg],
                  warn: list[str]) -> tuple[pd.DataFrame, float | None]:
    """The records DataFrame (:data:`RECORD_COLUMNS`, SI units), built column-wise once, and the
    clock second (FIT seconds, or relative seconds) that ``elapsed_s`` counts from."""
    frames = [pd.DataFrame.from_records(msgs.records)] if msgs.records else []
    frames += [pd.DataFrame(columns, index=pd.RangeIndex(rows)) for rows, columns in msgs.record_columns]
    frame = frames[0] if len(frames) == 1 else (pd.concat(frames, ignore_index=True) if frames else pd.DataFrame())
    n = len(frame)

    def column(name: str) -> np.ndarray:
        if name not in frame:
            return np.full(n, np.nan)
        series = frame[name]
        if series.dtype == object:  # a device that writes arrays (tuples) or odd types: keep numbers only
            series = series.map(fit_number)
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
        "timer_active": timer_active(clock_s, msgs, clock),
        "leg": leg_index(clock_s, legs, clock),
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
        length = max(fit_number(session.get("total_elapsed_time")) or 0.0, fit_number(session.get("total_timer_time")) or 0.0)
        end = clock.seconds(session.get("timestamp"))
        spans.append((start, max(start + length, end or start)))
    if not spans:
        return None
    margin = 86400.0
    return min(s for s, _ in spans) - margin, max(e for _, e in spans) + margin


def timer_active(clock_s: np.ndarray, msgs: Messages, clock: Clock) -> np.ndarray:
    """False for records written while the timer was stopped (a pause, auto-pause).

    Timer ``start`` events switch it on from their timestamp; ``stop*`` events switch it off
    strictly after theirs (the record written at the stop instant closes the running segment).
    Before the first timer event the timer counts as running. Without timer events: all True.
    """
    n = len(clock_s)
    events = near_records(timer_events(msgs, clock), clock_s)
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


def leg_index(clock_s: np.ndarray, legs: list[Leg], clock: Clock) -> np.ndarray:
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
