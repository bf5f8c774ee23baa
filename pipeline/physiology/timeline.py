"""The activity's own time: which seconds of a leg's records count, and for how long a record stands.

A record holds for at most :data:`HOLD_S` seconds; a stop with the timer stopped counts for at most
:data:`RECOVERY_S` after it begins, the rest of a long stop is left out of the activity
(:func:`kept_time`), so a stop of weeks costs nothing; :data:`MAX_SPAN_S` bounds the kept time.
Records that stop short of the device's own timer time are measured by :func:`unrecorded_timer_s`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipeline.core.sports import MAX_ACTIVITY_S

HOLD_S = 60
"""A record stands for at most this many seconds after it; later seconds are a gap."""
MOVING_GAP_MIN_SPEED_M_PER_S = 0.5
"""A gap in the records with the timer running on both sides and at least this speed between them
(walking pace) is moving time of unknown intensity, not a stop [m/s]."""
MAX_SPAN_S = MAX_ACTIVITY_S
"""Longest leg the model integrates, in activity time (long stops left out); later records are ignored.

A bound on what a human does as one activity, not on a file's length: the longest single efforts
recorded as one activity are multi-day ultras: the Tor des Géants (330 km) has a 150-h cut-off, and
solo Race Across America winners ride about 8 days with short sleeps (RAAM results). Ten days holds
them; a timer left running at rest loses its stops (:data:`RECOVERY_S`) long before, and a clock
jump is a stop without records; records moving on for more than ten days are not one activity."""
RECOVERY_S = 20 * 60
"""How long after a stop sweat is still counted (as standing rest in the last air) [s].

Sweating does not end when exercise does, but in inactive (seated or standing) recovery it falls
quickly: Journeay, Reardon, Martin & Kenny (2004, J Appl Physiol 96:2207-2212,
doi:10.1152/japplphysiol.01201.2003) followed sweat rate over 15 min of recovery after 15 min of
cycling at 70 % VO2peak and found it fell fastest with motionless recovery (different from active
recovery from 8 min on); Kenny et al. (2003, J Appl Physiol 95:2355-2360) measured sweating through
a 20-min seated recovery, and a 36-min standing recovery in 30 °C air still showed sweating
(J Hum Sport Exerc 15(1), 2020, doi:10.14198/jhse.2020.151.13) while core temperature peaked
3-7 min after stopping. 20 min covers the measured post-exercise sweating window; beyond it a
stopped athlete is at rest, which is not this activity's sweat."""


def duration_text(seconds: float) -> str:
    """``12 h 3 min``, ``27 d 4 h``, ``40 min``: a stop's length in plain words."""
    minutes = int(round(seconds / 60.0))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


@dataclass
class StopsLeftOut:
    """The seconds of a leg that are on its time grid: every second from the first record to the
    last, less the part of each long stop after :data:`RECOVERY_S`, bounded to :data:`MAX_SPAN_S`.

    ``segments`` are inclusive ``(first, last)`` whole seconds on the records' ``elapsed_s`` clock;
    ``stops_s`` each long stop's whole length, ``left_out_s`` the part of it left out;
    ``timer_stopped`` whether the device's own timer says those stops were timer-stopped time.
    """

    segments: list[tuple[float, float]] = field(default_factory=list)
    records_kept: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    stops_s: list[float] = field(default_factory=list)
    left_out_s: float = 0.0
    timer_stopped: bool = False
    truncated_s: float = 0.0
    recovery: list[tuple[float, float]] = field(default_factory=list)

    def in_recovery(self, grid: np.ndarray) -> np.ndarray:
        """Whether each grid second is in the counted recovery of a long stop."""
        inside = np.zeros(len(grid), dtype=bool)
        for a, b in self.recovery:
            inside |= (grid >= a) & (grid <= b)
        return inside

    def grid(self) -> np.ndarray:
        return np.concatenate([np.arange(a, b + 1.0) for a, b in self.segments])

    def blocks(self, block_s: int) -> np.ndarray:
        """Block index of each grid second: ``block_s`` blocks, restarting at each segment."""
        parts, offset = [], 0
        for a, b in self.segments:
            local = np.arange(int(b - a) + 1) // block_s
            parts.append(local + offset)
            offset += int(local[-1]) + 1
        return np.concatenate(parts)

    def flags(self) -> list[str]:
        flags = []
        if self.stops_s:
            what = "with the timer stopped" if self.timer_stopped else "without records or distance covered"
            count = len(self.stops_s)
            stops = (f"a stop of {duration_text(self.stops_s[0])}" if count == 1 else
                     f"{count} stops ({', '.join(duration_text(x) for x in self.stops_s)})")
            flags.append(f"{duration_text(self.left_out_s)} {what} left out of the activity ({stops}): sweat is "
                         f"counted for the first {RECOVERY_S // 60} min after a stop, while post-exercise sweating "
                         "falls back towards resting levels (Journeay et al. 2004), not for the hours after")
        if self.truncated_s > 0:
            flags.append(f"records after {duration_text(MAX_SPAN_S)} of activity ignored ({duration_text(self.truncated_s)}; "
                         "a clock jump or a timer left running?)")
        return flags


def kept_time(t: np.ndarray, timer: np.ndarray, dist: np.ndarray, device_timer_s: float | None = None) -> StopsLeftOut:
    """Which seconds of a leg are on its time grid (see :class:`StopsLeftOut`), from sorted record
    times ``t`` [s], their ``timer`` flags and cumulative ``dist`` [m].

    A second is a pause when its record was written with the timer stopped, or when it lies more
    than :data:`HOLD_S` after a record in a gap that is not moving (:func:`estimate_leg`'s rules).
    Consecutive pause seconds make a stop; a stop longer than :data:`RECOVERY_S` keeps its first
    :data:`RECOVERY_S` (from its last record on) and the rest is left out. Work is per record interval, never per second of a
    stop. ``device_timer_s`` (the session's timer time) tells timer-stopped stops from others.
    """
    n = len(t)
    first, last = float(np.floor(t[0])), float(np.floor(t[-1]))
    cuts: list[tuple[float, float]] = []
    recovery: list[tuple[float, float]] = []
    stops: list[float] = []
    if n >= 2:
        dt = np.diff(t)
        with np.errstate(divide="ignore", invalid="ignore"):
            speed = np.diff(dist) / dt
        moving_gap = timer[:-1] & timer[1:] & (np.nan_to_num(speed) > MOVING_GAP_MIN_SPEED_M_PER_S)
        # whole pause seconds of each interval [t_i, t_i+1): all of it with the timer stopped,
        # after the record's hold in a gap that is not moving
        lo = np.where(timer[:-1], np.floor(t[:-1] + HOLD_S) + 1.0, np.ceil(t[:-1]))
        hi = np.ceil(t[1:]) - 1.0
        paused = (~timer[:-1] | ~moving_gap) & (hi >= lo)
        began = t[:-1][paused]  # a stop begins at its last record (whose hold still counts as moving)
        lo, hi = lo[paused], hi[paused]
        if len(lo):
            new_run = np.r_[True, lo[1:] != hi[:-1] + 1.0]
            run_lo, run_began = lo[new_run], began[new_run]
            run_hi = np.maximum.reduceat(hi, np.flatnonzero(new_run))
            # the recovery runs from the stop's beginning (its last record), so a stop is counted
            # for RECOVERY_S at most, hold included
            cut_lo = np.maximum(np.ceil(run_began + RECOVERY_S), run_lo)
            long_run = cut_lo <= run_hi
            for a, c, b, began_s in zip(run_lo[long_run], cut_lo[long_run], run_hi[long_run], run_began[long_run]):
                cuts.append((float(c), float(b)))
                recovery.append((float(a), float(c - 1.0)))
                stops.append(float(b + 1.0 - began_s))
    segments, start = [], first
    for a, b in cuts:
        segments.append((start, a - 1.0))
        start = b + 1.0
    segments.append((start, last))
    # bound the kept time
    kept, truncated, bounded = 0.0, 0.0, []
    for a, b in segments:
        size = b - a + 1.0
        if kept + size > MAX_SPAN_S:
            room = MAX_SPAN_S - kept
            if room > 0:
                bounded.append((a, a + room - 1.0))
            truncated += size - max(room, 0.0)
            kept = MAX_SPAN_S
            continue
        bounded.append((a, b))
        kept += size
    second = np.floor(t)
    inside = np.zeros(n, dtype=bool)
    for a, b in bounded:
        inside |= (second >= a) & (second <= b)
    left_out = float(sum(b - a + 1.0 for a, b in cuts))
    span = float(t[-1] - t[0])
    stopped = (device_timer_s is not None and device_timer_s > 0
               and span - device_timer_s >= 0.9 * sum(stops) - 60.0)
    return StopsLeftOut(segments=bounded, records_kept=inside, stops_s=stops, left_out_s=left_out,
                        timer_stopped=bool(stopped and stops), truncated_s=truncated, recovery=recovery)


#: Records must miss more than this share of the device's timer time (and a minute) before the
#: total is extended to it: small differences are rounding and smart-recording, not missing data.
UNRECORDED_SHARE = 0.10


def unrecorded_timer_s(device_timer_s: float | None, moving_s: float) -> float:
    """Timer time the device counted (session ``total_timer_time``) that no record covers [s].

    0 unless the records miss more than :data:`UNRECORDED_SHARE` of it and at least 60 s, and
    there is some recorded moving time to take the rate from.
    """
    if device_timer_s is None or not device_timer_s > 0 or moving_s <= 0:
        return 0.0
    missing_s = device_timer_s - moving_s
    return missing_s if missing_s > max(UNRECORDED_SHARE * device_timer_s, 60.0) else 0.0
