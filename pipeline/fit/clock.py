"""FIT time: ``date_time`` integers -> UTC, and the device timer's start/stop events.

FIT ``date_time`` is seconds since 1989-12-31T00:00:00Z (FIT SDK, "date_time" type). Values below
``0x10000000`` are *relative* (seconds since the device powered on: its clock was never set). They
are anchored with a ``timestamp_correlation`` message when the file has one; otherwise start times
stay unknown (``None``), the records keep their relative ``elapsed_s``, and a warning says so.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np

from pipeline.fit.messages import Messages, fit_number

FIT_EPOCH_UNIX_S = 631065600  # 1989-12-31T00:00:00Z
FIT_EPOCH = datetime(1989, 12, 31, tzinfo=timezone.utc)
RELATIVE_TIME_LIMIT = 0x10000000  # FIT profile: date_time below this is seconds since power-on


class Clock:
    """FIT ``date_time`` integers -> UTC, with relative (power-on) times anchored when possible."""

    def __init__(self, correlations: list[dict[str, Any]]) -> None:
        self.relative_offset_s: float | None = None
        for corr in correlations:
            absolute, system = fit_number(corr.get("timestamp")), fit_number(corr.get("system_timestamp"))
            if absolute is not None and system is not None and absolute >= RELATIVE_TIME_LIMIT:
                absolute += fit_number(corr.get("fractional_timestamp")) or 0.0
                system += fit_number(corr.get("fractional_system_timestamp")) or 0.0
                self.relative_offset_s = absolute - system
                break
        self.saw_unanchored_relative = False

    def seconds(self, value: Any) -> float | None:
        """Absolute FIT seconds (since the FIT epoch), or None when unknown."""
        number = fit_number(value)
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


def timer_events(msgs: Messages, clock: Clock) -> list[tuple[float, bool]]:
    """Timer start (True) / stop (False) events on the records' clock, in time order."""
    events = []
    for stamp, running in msgs.timer_events:
        seconds = clock.seconds(stamp)
        if seconds is None and clock.relative_offset_s is None and fit_number(stamp) is not None:
            seconds = fit_number(stamp)  # an unanchored relative clock: records use the same one
        if seconds is not None:
            events.append((seconds, running))
    events.sort(key=lambda item: item[0])
    return events


def near_records(events: list[tuple[float, bool]], clock_s: np.ndarray) -> list[tuple[float, bool]]:
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
