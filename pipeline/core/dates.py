"""Whether a date can be believed: a start far ahead of today is a device clock set wrong.

One rule for every place that orders or anchors activities by date (the catalog's ``latest``, the
history and the report index's "newest", the digest's week, the weather request): an activity whose
start is more than :data:`FUTURE_CLOCK_S` ahead of now keeps its date on its own report (marked, with
the note the decoder wrote), but anchors nothing: it is ordered by when it was processed, the
digest's week ends at the newest believable start, and no weather is asked for a day that has not
come (a forecast of years ahead does not exist, and the rider's positions would be sent for nothing).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

FUTURE_CLOCK_S = 2 * 86400.0
"""A start more than this ahead of now [s] is a device clock set wrong: time zones span 26 h
(UTC−12 to UTC+14, IANA tz database) and a day's margin covers a computer's own clock being off."""

CLOCK_MARK = "device clock?"
"""The marker shown next to such a date in lists (the history, the report index)."""


def clock_ahead(start: datetime | None, now: datetime | None = None) -> bool:
    """Whether ``start`` (aware, or naive UTC) lies more than :data:`FUTURE_CLOCK_S` after ``now``
    (default: the current UTC time). None is not ahead."""
    if start is None:
        return False
    if start.tzinfo is None:
        start = start.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return start - now > timedelta(seconds=FUTURE_CLOCK_S)


def believable_until(now: datetime | None = None) -> datetime:
    """The latest start that is believed (aware UTC): ``now`` plus :data:`FUTURE_CLOCK_S`."""
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now + timedelta(seconds=FUTURE_CLOCK_S)
