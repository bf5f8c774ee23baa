"""When a file contradicts itself: the signals that agree win, the one that disagrees is set aside.

A FIT file carries the same facts several times: a speed and a cumulative distance, a power and the
motion it drives, a session start and the records' own times, a maker and positions. Devices and
apps get one of them wrong (a treadmill app that doubles ``speed``, a power meter whose battery
dies and writes 0 W, a watch that keeps a stale record from days before). This stage runs between
decoding and the model (after :func:`pipeline.fit.checks.blank_absent_sensors`, before the session
totals are checked against the records): each rule compares signals that must agree, keeps the
ones that do, sets the other aside *for the stretch where it disagrees* (NaN in the records:
missing, never zero), and says so in one plain sentence in the activity's warnings.

Rules (thresholds and their reasons in the constants' docstrings):

* :func:`set_aside_stale_blocks` — **the activity's start is its main block of records.** A few
  records separated from the rest by half a day or more (a false start, a stale buffer written
  before the workout) are not the activity: they are set aside and the session's start moves to
  the main block, so the date (history, report folder, digest, weigh-in pairing) is the day the
  activity was done.
* :func:`speed_against_distance` — **speed against the distance's rate.** Where ``speed`` and the
  rate at which ``distance`` grows disagree for minutes, the distance wins (it is what the
  session's total distance and the headline are made of): the speed there is the distance's rate.
* :func:`power_against_motion` — **zero power while the rider keeps going.** A stretch of 0 W while
  moving, during which at least two of three independent signs say the rider works — the cadence
  sensor shows pedalling; the rider's mechanical energy (speed and height) does not fall as it must
  when nobody pedals; the heart rate holds its level (stretches of 2 min or more) — is a power meter
  that dropped out: its zeros are set aside (missing), and the effort there comes from heart rate
  and speed. One sign alone is not enough: a rider soft-pedals a descent (cadence, ~0 W), coasts
  in a group's draft (speed holds), or the heart lags a short coast.
* :func:`power_spikes` — **power no human produces**: single readings above
  :data:`pipeline.fit.checks.POWER_HUMAN_MAX_W` are set aside; the records' average without them
  (and without a meter's dropouts) is the figure shown (``avg_power_used``), the session's, which
  counts them, stays ``avg_power`` and is named as the device's.
* :func:`heart_rate_spikes` — **a heart rate no human reaches** (above
  :data:`pipeline.fit.checks.HR_HUMAN_MAX_BPM`), single samples or blocks: set aside as missing with a
  note; the average shown is the records' without them (the model's).
* :func:`virtual_platform` — **a virtual ride is indoors**: a file written by a virtual-training
  platform (:data:`pipeline.core.sports.VIRTUAL_PLATFORM_MAKERS`) is a virtual activity whatever its positions say
  (they are on a game map): no weather request, no breeze from its virtual speed, and a file that
  names no sport but records power is a ride, so power comes first.
* :func:`sport_against_records` — **the label against the speed**: a session labelled on foot
  whose records move faster than anyone holds on foot is a ride when a power meter's readings agree,
  else its speed is set aside (one note either way).
* :func:`file_notes` — a session with no records (a manual entry) and a start years ahead of
  today (a device clock set wrong) are estimated with a note that says so.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd

from pipeline.core.dates import clock_ahead
from pipeline.core.sports import VIRTUAL_PLATFORM_MAKERS
from pipeline.fit.checks import HR_HUMAN_MAX_BPM, POWER_HUMAN_MAX_W
from pipeline.fit.models import Leg

STALE_GAP_S = 12 * 3600.0
"""A block of records separated from the rest by at least this long a gap [s] is another moment, not
this activity's warm-up or a pause in it: half a day is longer than any pause inside one session
(a night's sleep in a multi-day ultra is recorded with the timer stopped and records on both sides,
and the block before it is long, see :data:`STALE_BLOCK_MAX_S`)."""
STALE_BLOCK_MAX_S = 600.0
"""A leading or trailing block shorter than this [s] (and than a tenth of the main block) is set aside
when a :data:`STALE_GAP_S` gap parts it from the main block: 10 min is the shortest session the sweat
model judges (:data:`pipeline.fit.reader.SALVAGE_MIN_S`), so such a block is no activity of its own;
what watches leave behind this way is seconds long (a false start, a stale buffer)."""

LEAD_TIMER_MAX_S = 60.0
"""A device writes its first record within seconds of its timer's start (1-s recording, or smart
recording's few seconds); timer time before the first record beyond a record's hold (60 s,
:data:`pipeline.physiology.timeline.HOLD_S`) was not this activity: nothing was recorded in it."""

SPEED_WINDOW_S = 60.0
"""Speed and distance are compared over windows of this length [s]: long enough that a 1-m
distance resolution and GPS jitter are a few per cent of what a walker covers (~80 m), short enough
to find the stretch where they disagree."""
SPEED_DISAGREE_SHARE = 0.25
"""Speed integrated over a window and the distance covered in it differ by more than this share of
the distance: more than GPS smoothing and the speed sensor's wheel-size error (a few per cent) explain."""
SPEED_STRETCH_MIN_S = 300.0
"""Disagreement is acted on only when it lasts at least this long [s] (5 windows): a tunnel or a
GPS re-fix disagrees for a window or two."""
SPEED_MIN_DISTANCE_M = 30.0
"""A window in which the distance grows less than this [m] says little about the speed."""

DROPOUT_MIN_S = 5.0
"""A zero-power stretch is judged when it lasts at least this long [s]: shorter zeros are a pedal
stroke's dead spot or one lost packet."""
DROPOUT_MIN_SPEED_M_PER_S = 3.0
"""The energy rule is used above this speed [m/s]: slower, the air and rolling resistance are too
small to tell coasting from pedalling within the speed sensor's resolution."""
COAST_CDA_M2 = 0.25
"""The lowest drag area of a rider [m²] (a time-trial position; upright riders are 0.35-0.45:
Martin et al. 1998, J Appl Biomech 14:276; Debraux et al. 2011, Sports Eng 14:67): the least air
resistance a coasting rider meets, so the least energy a coast must lose."""
COAST_CRR = 0.003
"""The lowest rolling-resistance coefficient of road tyres (0.002-0.005, Martin et al. 1998)."""
COAST_MASS_KG = 100.0
"""A heavy rider and bike [kg]: the more mass, the slower a coast decelerates, so the safest bound."""
AIR_DENSITY_KG_PER_M3 = 1.2
"""Air density at sea level and 20 °C (ICAO standard atmosphere: 1.204 kg/m³)."""
GRAVITY_M_PER_S2 = 9.81
COAST_LOSS_SHARE = 0.5
"""A zero-power stretch is a dropout when the rider's mechanical energy (½mv² + mgh) fell by less than
this share of what air and rolling resistance took at the lowest drag and rolling assumptions:
nobody coasting loses only half the least it can lose."""
HR_HOLD_BPM = 5.0
"""The heart rate "holds" through a zero-power stretch of at least :data:`HR_DROPOUT_MIN_S` when its
mean stays within this of its level in the minute before: when a rider stops working, heart rate
falls by 12 bpm or more within the first minute (heart rate recovery, Cole et al. 1999, N Engl J Med
341:1351); over a shorter stretch the heart's lag says nothing."""
HR_DROPOUT_MIN_S = 120.0

SPIKE_NOTE_MIN_W = 5.0
"""The session's average power is replaced when it differs from the records' average without spikes
by more than this [W] (a rounding and smart-recording difference is smaller)."""




def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive (first, last) index pairs of the True runs of ``mask``."""
    if not mask.any():
        return []
    padded = np.r_[False, mask, False].astype(int)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2])]


def _seconds(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = int(round(seconds / 60.0))
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def _at(records: pd.DataFrame, first: int, last: int) -> str:
    a, b = float(records["elapsed_s"].iloc[first]), float(records["elapsed_s"].iloc[last])
    return f"{_seconds(b - a)} from {_seconds(a) if a >= 1 else 'the start'}"


# ------------------------------------------------------------------------------------------------
# start time against the main block of records


def set_aside_stale_blocks(records: pd.DataFrame, origin: float | None, legs: list[Leg],
                           warn: list[str]) -> tuple[pd.DataFrame, float | None, list[Leg]]:
    """Records without the short blocks a :data:`STALE_GAP_S` gap parts from the main block (see the
    module docstring), ``elapsed_s`` counted again from the main block's first record, the clock
    second it counts from (``origin`` moved with it), and the legs whose session started in a
    set-aside block starting at the main block instead (elapsed time shortened by as much)."""
    n = len(records)
    if n < 2:
        return records, origin, legs
    t = records["elapsed_s"].to_numpy(dtype=float)
    breaks = np.flatnonzero(np.diff(t) >= STALE_GAP_S)
    if not len(breaks):
        return records, origin, legs
    bounds = [0, *(int(b) + 1 for b in breaks), n]
    blocks = [(bounds[i], bounds[i + 1] - 1) for i in range(len(bounds) - 1)]
    main = max(range(len(blocks)), key=lambda i: t[blocks[i][1]] - t[blocks[i][0]])
    main_span = t[blocks[main][1]] - t[blocks[main][0]]

    def stale(i: int) -> bool:
        span = t[blocks[i][1]] - t[blocks[i][0]]
        return span < STALE_BLOCK_MAX_S and span < 0.1 * main_span

    lead = [i for i in range(main) if stale(i)] if all(stale(i) for i in range(main)) else []
    trail = [i for i in range(main + 1, len(blocks)) if stale(i)] if all(
        stale(i) for i in range(main + 1, len(blocks))) else []
    if not lead and not trail:
        return records, origin, legs
    keep_from = blocks[main][0] if lead else 0
    keep_to = blocks[main][1] if trail else n - 1
    stamps = records["timestamp"]
    for i in lead + trail:
        a, b = blocks[i]
        when = stamps.iloc[a]
        gap = (t[blocks[main][0]] - t[b]) if i < main else (t[a] - t[blocks[main][1]])
        on = f"on {when:%Y-%m-%d %H:%M} UTC" if not pd.isna(when) else "on the device's unset clock"
        warn.append(f"{b - a + 1} record(s) of {_seconds(t[b] - t[a])} {on} set aside: "
                    f"{_days(gap)} {'before' if i < main else 'after'} the activity's records, they are not part "
                    "of it (a false start or a stale recording); the activity's start is its main block's")
    shift = float(t[keep_from])
    kept = records.iloc[keep_from:keep_to + 1].copy()
    kept["elapsed_s"] = kept["elapsed_s"] - shift
    kept = kept.reset_index(drop=True)
    new_origin = origin + shift if origin is not None else None
    start = kept["timestamp"].iloc[0]
    end = kept["timestamp"].iloc[-1]
    moved = []
    for leg in legs:
        update: dict[str, object] = {}
        if pd.notna(start) and leg.start_time is not None and leg.start_time < start.to_pydatetime() - timedelta(
                seconds=STALE_GAP_S / 2):
            new_start = start.to_pydatetime()
            update["start_time"] = new_start
            if leg.elapsed_s is not None:
                update["elapsed_s"] = max(0.0, leg.elapsed_s - (new_start - leg.start_time).total_seconds())
        if pd.notna(end) and leg.end_time is not None and leg.end_time > end.to_pydatetime() + timedelta(
                seconds=STALE_GAP_S / 2):
            update["end_time"] = end.to_pydatetime()
            elapsed = update.get("elapsed_s", leg.elapsed_s)
            if isinstance(elapsed, float):
                update["elapsed_s"] = max(0.0, elapsed - (leg.end_time - end.to_pydatetime()).total_seconds())
        elapsed = update.get("elapsed_s")
        if isinstance(elapsed, float) and leg.timer_s is not None and leg.timer_s > elapsed:
            # the timer ran through the set-aside stretch too (a watch left recording): what it counted
            # there is not this activity's either, so it is at most the time that is left
            update["timer_s"] = elapsed
        moved.append(leg.model_copy(update=update) if update else leg)
    return kept, new_origin, moved


def _days(seconds: float) -> str:
    days = seconds / 86400.0
    return f"{days:.0f} day(s)" if days >= 1.5 else f"{seconds / 3600.0:.0f} h"


# ------------------------------------------------------------------------------------------------
# timer events against the records


def timer_against_records(events: list[tuple[float, bool]], warn: list[str],
                          records_set_aside_s: float = 0.0) -> list[tuple[float, bool]]:
    """Timer events (on the records' ``elapsed_s`` scale, first record at 0) without the timer time a
    start event claims before the first record beyond :data:`LEAD_TIMER_MAX_S`: the records and the
    distance (none yet) say the activity had not begun, so the timer runs from the first record.

    ``records_set_aside_s`` [s] is how far before the first kept record the earliest record set aside
    by :func:`set_aside_stale_blocks` lies (0 when none was): a timer started with those records is
    counted from the first kept record as well, without a note of its own (the set-aside note already
    says what was done, and "nothing recorded" would be untrue: there were records, set aside)."""
    if not events or not events[0][1] or events[0][0] >= -LEAD_TIMER_MAX_S:
        return events
    lead = -events[0][0]
    before = [(t, running) for t, running in events if t < 0]
    after = [(t, running) for t, running in events if t >= 0]
    running = before[-1][1]
    if records_set_aside_s > 0 and lead <= records_set_aside_s + LEAD_TIMER_MAX_S:
        return ([(0.0, True)] if running else []) + after
    warn.append(f"the timer was started {_seconds(lead)} before the first record, with nothing recorded and no "
                "distance covered in between: that time is set aside and the timer counted from the first record")
    return ([(0.0, True)] if running else []) + after


# ------------------------------------------------------------------------------------------------
# speed against the distance's rate


def speed_against_distance(records: pd.DataFrame, warn: list[str],
                           ceiling_m_per_s: float | None = None) -> pd.DataFrame:
    """Records where, in every stretch of at least :data:`SPEED_STRETCH_MIN_S` in which
    ``speed_m_per_s`` and the distance's rate disagree by more than :data:`SPEED_DISAGREE_SHARE`
    (windows of :data:`SPEED_WINDOW_S`), the one the other evidence contradicts is replaced by the
    other; one note per stretch, giving the ratio and which one won and why.

    Who wins, in this order (the first evidence that tells them apart decides):

    1. **the sport's ceiling** ``ceiling_m_per_s`` [m/s] (the sport's
       :attr:`pipeline.core.sports.SportProfile.session_speed_max_m_per_s`, None: no ceiling): a
       stretch's average above it is no one's in that sport, so when exactly one of the two is above,
       the other wins;
    2. **the positions**: where the records carry a GPS track over the stretch, the one within
       :data:`SPEED_DISAGREE_SHARE` of the track's great-circle rate wins (a third, independent sensor);
    3. otherwise **the distance**: the session's total distance and the headline are made of it.

    When the speed wins, the distance in the stretch is rebuilt from the speed (trapezoid integral)
    and every later distance moved by as much, so the records' total is the speed's; when the
    distance wins, the speed there is the distance's rate."""
    if len(records) < 3:
        return records
    t = records["elapsed_s"].to_numpy(dtype=float)
    speed = records["speed_m_per_s"].to_numpy(dtype=float)
    dist = records["distance_m"].to_numpy(dtype=float)
    both = np.isfinite(speed) & np.isfinite(dist)
    if both.sum() < 3:
        return records
    window = np.floor((t - t[0]) / SPEED_WINDOW_S).astype(int)
    n_windows = int(window[-1]) + 1
    covered = np.zeros(n_windows)
    integrated = np.zeros(n_windows)
    span = np.zeros(n_windows)
    idx = np.flatnonzero(both)
    ti, si, di, wi = t[idx], speed[idx], dist[idx], window[idx]
    dt = np.diff(ti)
    step_ok = (dt > 0) & (dt <= 10.0) & (wi[1:] == wi[:-1])
    np.add.at(covered, wi[1:][step_ok], np.diff(di)[step_ok])
    np.add.at(integrated, wi[1:][step_ok], (0.5 * (si[1:] + si[:-1]) * dt)[step_ok])
    np.add.at(span, wi[1:][step_ok], dt[step_ok])
    judged = covered >= SPEED_MIN_DISTANCE_M
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(judged, integrated / covered, 1.0)
    bad = judged & (np.abs(ratio - 1.0) > SPEED_DISAGREE_SHARE)
    stretches = [(a, b) for a, b in _runs(bad) if (b - a + 1) * SPEED_WINDOW_S >= SPEED_STRETCH_MIN_S]
    if not stretches:
        return records
    agreed = judged & ~bad
    widened = []
    for a, b in stretches:  # a window too short to judge at a stretch's edge goes with it (a file's last second)
        a = a - 1 if a > 0 and not agreed[a - 1] and not bad[a - 1] else a
        b = b + 1 if b < n_windows - 1 and not agreed[b + 1] and not bad[b + 1] else b
        widened.append((a, b))
    stretches = widened
    track = _track_m(records)
    records = records.copy()
    new_speed = speed.copy()
    new_dist = dist.copy()
    for a, b in stretches:
        inside = (window >= a) & (window <= b)
        rows = np.flatnonzero(inside)
        seconds = float(span[a:b + 1].sum()) or 1.0
        by_distance = float(covered[a:b + 1].sum()) / seconds
        by_speed = float(integrated[a:b + 1].sum()) / seconds
        r = by_speed / by_distance
        where = _at(records, int(rows[0]), int(rows[-1]))
        winner, why = _speed_or_distance(by_speed, by_distance, ceiling_m_per_s, track, t, rows, seconds)
        if winner == "speed":
            new_dist = _distance_from_speed(t, speed, new_dist, rows)
            warn.append(f"distance set aside for {where}: it grows {1 / r:.1f} times as fast as the recorded speed "
                        f"({by_distance:.1f} against {by_speed:.1f} m/s) and {why}, so the distance there is taken "
                        "from the speed")
        else:
            rate = _distance_rate(t, dist)
            new_speed[inside] = rate[inside]
            warn.append(f"speed set aside for {where}: the recorded speed is {r:.1f} times the rate at which the "
                        f"distance grows, so the speed there is taken from the distance ({why})")
    records["speed_m_per_s"] = new_speed
    records["distance_m"] = new_dist
    return records


def _speed_or_distance(by_speed: float, by_distance: float, ceiling: float | None, track: np.ndarray | None,
                       t: np.ndarray, rows: np.ndarray, seconds: float) -> tuple[str, str]:
    """("speed" or "distance", why in plain words) for one disagreeing stretch (the rules of
    :func:`speed_against_distance`)."""
    if ceiling is not None and (by_distance > ceiling) != (by_speed > ceiling):
        faster = "the distance's" if by_distance > ceiling else "the speed's"
        winner = "speed" if by_distance > ceiling else "distance"
        return winner, (f"{faster} {max(by_distance, by_speed):.1f} m/s is faster than anyone goes in this sport "
                        f"(~{ceiling:.1f} m/s)")
    if track is not None:
        inside = track[rows]
        if np.isfinite(inside).sum() >= 0.8 * len(rows):
            ok = np.flatnonzero(np.isfinite(inside))
            moved = float(inside[ok[-1]] - inside[ok[0]])
            along = float(t[rows][ok[-1]] - t[rows][ok[0]]) or seconds
            by_track = moved / along
            if by_track > 0:
                speed_fits = abs(by_speed / by_track - 1.0) <= SPEED_DISAGREE_SHARE
                distance_fits = abs(by_distance / by_track - 1.0) <= SPEED_DISAGREE_SHARE
                if speed_fits and not distance_fits:
                    return "speed", f"the GPS positions ({by_track:.1f} m/s) agree with the speed"
                if distance_fits and not speed_fits:
                    return "distance", f"which the GPS positions ({by_track:.1f} m/s) agree with"
    return "distance", "which the session's total distance is made of"


def _track_m(records: pd.DataFrame) -> np.ndarray | None:
    """Cumulative great-circle distance [m] along the records' positions (NaN where a record has none),
    None without positions."""
    lat = records["latitude_deg"].to_numpy(dtype=float)
    lon = records["longitude_deg"].to_numpy(dtype=float)
    have = np.isfinite(lat) & np.isfinite(lon)
    if have.sum() < 3:
        return None
    from pipeline.fit.tracks import haversine_m  # tracks builds on this module's caller

    ok = np.flatnonzero(have)
    steps = haversine_m(lat[ok[:-1]], lon[ok[:-1]], lat[ok[1:]], lon[ok[1:]])
    out = np.full(len(lat), np.nan)
    out[ok] = np.r_[0.0, np.cumsum(steps)]
    return out


def _distance_from_speed(t: np.ndarray, speed: np.ndarray, dist: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """``dist`` with the rows ``rows`` (one contiguous stretch, and the steps into and out of it) rebuilt
    as the first row's distance
    plus the trapezoid integral of ``speed`` [m/s] over ``t`` [s], and every later distance moved by
    what the stretch's end moved (so the total is the speed's where the speed won)."""
    out = dist.copy()
    # the steps into and out of the stretch are judged with it (a window's edge falls between records)
    first, last = max(int(rows[0]) - 1, 0), min(int(rows[-1]) + 1, len(t) - 1)
    v = np.nan_to_num(speed[first:last + 1])
    steps = 0.5 * (v[1:] + v[:-1]) * np.diff(t[first:last + 1])
    start = out[first] if np.isfinite(out[first]) else 0.0
    rebuilt = start + np.r_[0.0, np.cumsum(steps)]
    shift = rebuilt[-1] - (out[last] if np.isfinite(out[last]) else rebuilt[-1])
    out[first:last + 1] = rebuilt
    out[last + 1:] = out[last + 1:] + shift
    return out


def _distance_rate(t: np.ndarray, dist: np.ndarray) -> np.ndarray:
    """The distance's rate of growth [m/s] at each record, over the records within 5 s either side
    (a 1-m distance resolution is 20 % of a 1-s step at walking pace)."""
    ok = np.isfinite(dist)
    out = np.full(len(t), np.nan)
    if ok.sum() < 2:
        return out
    tt, dd = t[ok], dist[ok]
    lo = np.searchsorted(tt, t - 5.0, side="left")
    hi = np.clip(np.searchsorted(tt, t + 5.0, side="right") - 1, 0, len(tt) - 1)
    lo = np.clip(lo, 0, len(tt) - 1)
    span = tt[hi] - tt[lo]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(span > 0, (dd[hi] - dd[lo]) / span, np.nan)
    return np.clip(out, 0.0, None)


# ------------------------------------------------------------------------------------------------
# zero power against the motion it drives


def power_against_motion(records: pd.DataFrame, warn: list[str]) -> pd.DataFrame:
    """Records with the zeros of every power-meter dropout set to NaN (see the module docstring);
    one note per stretch, or one summing many short ones."""
    power = records["power_w"].to_numpy(dtype=float)
    if len(records) < 3 or not np.isfinite(power).any() or not (power > 0).any():
        return records
    t = records["elapsed_s"].to_numpy(dtype=float)
    zero = power == 0
    speed = records["speed_m_per_s"].to_numpy(dtype=float)
    cadence = records["cadence_rpm"].to_numpy(dtype=float)
    altitude = records["altitude_m"].to_numpy(dtype=float)
    hr = records["heart_rate_bpm"].to_numpy(dtype=float)
    flat = not np.isfinite(altitude).any()  # no altitude at all: indoors or a flat course assumed
    dist = records["distance_m"].to_numpy(dtype=float)
    dropouts: list[tuple[int, int, str]] = []
    for a, b in _runs(zero):
        a0 = max(a - 1, 0)  # the stretch runs from the last powered record to the next
        b1 = min(b + 1, len(t) - 1)
        length = t[b1] - t[a0]
        if length < DROPOUT_MIN_S or not _moving(speed[a:b + 1], dist[a0:b1 + 1]):
            continue
        signs = []
        cad = cadence[a:b + 1]
        cad = cad[np.isfinite(cad)]
        if len(cad) and float(np.mean(cad > 0)) >= 0.8:
            signs.append("the cadence shows pedalling")
        if _keeps_energy(t[a0:b1 + 1], speed[a0:b1 + 1], altitude[a0:b1 + 1], flat):
            signs.append("the speed holds where a coast would slow down")
        if length >= HR_DROPOUT_MIN_S:
            before = hr[(t >= t[a] - 60.0) & (t < t[a])]
            during = hr[a:b + 1]
            before, during = before[np.isfinite(before)], during[np.isfinite(during)]
            if len(before) and len(during) and float(np.mean(during)) >= float(np.mean(before)) - HR_HOLD_BPM:
                signs.append("the heart rate holds its level")
        if len(signs) >= 2:
            dropouts.append((a, b, " and ".join(signs)))
    if not dropouts:
        return records
    records = records.copy()
    new_power = power.copy()
    for a, b, _ in dropouts:
        new_power[a:b + 1] = np.nan
    records["power_w"] = new_power
    long = [(a, b, why) for a, b, why in dropouts if t[b] - t[a] >= HR_DROPOUT_MIN_S]
    short = [(a, b, why) for a, b, why in dropouts if t[b] - t[a] < HR_DROPOUT_MIN_S]
    for a, b, why in long:
        warn.append(f"power set aside for {_at(records, a, b)}: 0 W while {why}, so the power meter dropped out "
                    "(missing, not a rest); the effort there comes from heart rate and speed")
    if short:
        total = sum(max(t[min(b + 1, len(t) - 1)] - t[a], 1.0) for a, b, _ in short)
        reasons = sorted({why for _, _, why in short})
        warn.append(f"power set aside in {len(short)} short stretch(es) of 0 W ({_seconds(total)} in all) while "
                    f"{' or '.join(reasons)}: the power meter dropped out (missing, not a rest); the effort there "
                    "comes from heart rate and speed")
    return records


def _moving(speed: np.ndarray, dist: np.ndarray) -> bool:
    s = speed[np.isfinite(speed)]
    if len(s):
        return float(np.median(s)) > 0.5
    d = dist[np.isfinite(dist)]
    return len(d) >= 2 and float(d[-1] - d[0]) > 10.0


def _keeps_energy(t: np.ndarray, speed: np.ndarray, altitude: np.ndarray, flat: bool) -> bool:
    """Whether a zero-power stretch cannot be a lone coast: the rider's mechanical energy fell by less
    than :data:`COAST_LOSS_SHARE` of the least air and rolling resistance take (a rider drafting in a
    group can, which is why this sign alone never sets power aside)."""
    if not np.isfinite(speed).all() or float(np.min(speed)) < DROPOUT_MIN_SPEED_M_PER_S:
        return False
    if flat:
        height = np.zeros(len(t))
    else:
        if not np.isfinite(altitude).all():
            return False
        height = altitude
    m = COAST_MASS_KG
    energy = 0.5 * m * speed**2 + m * GRAVITY_M_PER_S2 * height
    dt = np.diff(t)
    v = 0.5 * (speed[1:] + speed[:-1])
    resist_w = 0.5 * AIR_DENSITY_KG_PER_M3 * COAST_CDA_M2 * v**3 + COAST_CRR * m * GRAVITY_M_PER_S2 * v
    least_loss = float(np.sum(resist_w * dt))
    fell = float(energy[0] - energy[-1])
    return fell < COAST_LOSS_SHARE * least_loss


# ------------------------------------------------------------------------------------------------
# power spikes and the average that counts them


def power_spikes(records: pd.DataFrame, warn: list[str]) -> tuple[pd.DataFrame, float | None]:
    """Records with power readings above :data:`POWER_HUMAN_MAX_W` set to NaN, and the highest one
    set aside (None when there was none). The model's own signal cleaning drops them too; doing it
    here makes every figure from the records (the average power shown) the one the model used."""
    power = records["power_w"].to_numpy(dtype=float)
    spikes = np.isfinite(power) & (power > POWER_HUMAN_MAX_W)
    if not spikes.any():
        return records, None
    records = records.copy()
    highest = float(power[spikes].max())
    records.loc[spikes, "power_w"] = np.nan
    warn.append(f"{int(spikes.sum())} power reading(s) above {POWER_HUMAN_MAX_W:,.0f} W (up to {highest:,.0f} W) set "
                "aside: no human produces them (a power meter's glitch)")
    return records, highest


HR_NOTE_MIN_BPM = 2.0
"""The session's average heart rate is replaced when it differs from the records' average without the
set-aside readings by more than this [bpm] (devices round the average to whole beats)."""


def heart_rate_spikes(records: pd.DataFrame, warn: list[str]) -> pd.DataFrame:
    """Records with heart-rate readings above :data:`pipeline.fit.checks.HR_HUMAN_MAX_BPM` set to NaN
    (missing: no human heart beats that fast, so it is a strap's or an optical sensor's glitch, whether
    one sample or a block of minutes), one note giving how many, for how long and the highest.

    The ceiling is the human one, not the athlete's configured maximum: a configured maximum is an
    estimate (age formulas have an SD of ~10 bpm, Tanaka et al. 2001), and readings a few beats above
    it are measured by real hearts; the model's own signal cleaning uses the same bound
    (:data:`pipeline.physiology.intensity.HR_BOUNDS_BPM`), so the figures shown are the model's."""
    hr = records["heart_rate_bpm"].to_numpy(dtype=float)
    spikes = np.isfinite(hr) & (hr > HR_HUMAN_MAX_BPM)
    if not spikes.any():
        return records
    records = records.copy()
    highest = float(hr[spikes].max())
    t = records["elapsed_s"].to_numpy(dtype=float)
    dt = np.diff(t, append=t[-1])
    held = float(np.clip(dt[spikes], 1.0, 60.0).sum())
    records.loc[spikes, "heart_rate_bpm"] = np.nan
    warn.append(f"{int(spikes.sum())} heart-rate reading(s) above {HR_HUMAN_MAX_BPM:.0f} bpm (up to {highest:.0f} bpm, "
                f"{_seconds(held)} in all) set aside as missing: no human heart beats that fast (a sensor's glitch); "
                "the effort there comes from the other signals, else from the duration")
    return records


def _timer_mean(records: pd.DataFrame, column: str) -> float | None:
    """The mean of ``column`` over the records with the timer running, None when there are none."""
    active = records.loc[records["timer_active"], column].dropna()
    return float(active.mean()) if len(active) else None


def heart_rate_average(leg: Leg, records: pd.DataFrame, where: str, warn: list[str]) -> float | None:
    """The leg's records' (timer running) average heart rate without the readings set aside by
    :func:`heart_rate_spikes`, the figure shown and the one the model used; the session's own figure
    when the records hold none. A note names both when they differ by more than :data:`HR_NOTE_MIN_BPM`."""
    if not len(records):
        return leg.avg_heart_rate
    mean = _timer_mean(records, "heart_rate_bpm")
    if mean is None:
        return None
    if leg.avg_heart_rate is not None and abs(mean - leg.avg_heart_rate) > HR_NOTE_MIN_BPM:
        warn.append(f"{where}: the device's average heart rate {leg.avg_heart_rate:.0f} bpm counts the readings set "
                    f"aside; {mean:.0f} bpm without them is the figure shown and used")
    return mean


def average_without_set_aside(leg: Leg, records: pd.DataFrame, where: str, warn: list[str]) -> float | None:
    """The leg's records' (timer running) average power for a file whose power readings were set
    aside (spikes, a meter's dropouts): the average the model used, None when the leg has no power.
    When it differs from the session's figure by more than :data:`SPIKE_NOTE_MIN_W` a note names both
    (the session's is kept as the device's figure)."""
    mean = _timer_mean(records, "power_w") if len(records) else None
    if mean is None:
        return None
    if leg.avg_power is not None and abs(mean - leg.avg_power) > SPIKE_NOTE_MIN_W:
        warn.append(f"{where}: the device's average power {leg.avg_power:,.0f} W counts the readings set aside; "
                    f"{mean:,.0f} W without them is the figure shown and used")
    return mean


# ------------------------------------------------------------------------------------------------
# virtual platforms


def is_virtual_platform(manufacturer: str | None) -> bool:
    """Whether the file's maker is a virtual-training platform (:data:`pipeline.core.sports.VIRTUAL_PLATFORM_MAKERS`)."""
    return manufacturer is not None and manufacturer.lower() in VIRTUAL_PLATFORM_MAKERS


def virtual_platform(sport: str, sub_sport: str | None, manufacturer: str | None, records: pd.DataFrame,
                     warn: list[str]) -> tuple[str, str | None]:
    """(sport, sub_sport) of a file by a virtual-training platform: ``virtual_activity`` unless the file
    already says indoor or virtual, and ``cycling`` when it names no sport but records power. Others
    are returned unchanged."""
    if not is_virtual_platform(manufacturer):
        return sport, sub_sport
    from pipeline.fit.checks import MIN_VALUES  # one threshold for "a channel with values"

    said = []
    if sport in ("generic", "training") and int((records["power_w"].dropna() > 0).sum()) >= MIN_VALUES:
        sport = "cycling"
        said.append("a ride (it records power and names no sport)")
    sub = sub_sport or ""
    if not ("virtual" in sub or "indoor" in sub or sub in ("treadmill", "spin", "trainer")):
        sub_sport = "virtual_activity"
        positions = bool(records["latitude_deg"].notna().any())
        said.append("virtual" + (" (its positions are on a game map)" if positions else ""))
    if said:
        warn.append(f"recorded by {manufacturer}, a virtual-training platform: taken as {' and '.join(said)}; "
                    "no weather is asked for and its virtual speed is no breeze")
    return sport, sub_sport


# ------------------------------------------------------------------------------------------------
# the sport's label against what the records show

FOOT_SUSTAINED_MAX_M_PER_S = 6.5
"""The fastest anyone holds on foot for :data:`SPORT_SPEED_MIN_S` or more [m/s]: the one-hour world
record is 21,330 m (Farah 2020, World Athletics), 5.93 m/s; 10 % above it leaves room for GPS and a
downhill course. A foot-labelled session whose median moving speed is above it was not done on foot."""
SPORT_SPEED_MIN_S = 600.0
"""The label is judged against the speed only over this much moving time [s] (10 min, the shortest
session the model judges): a few fast minutes are a sprint, a GPS jump or a lift in a car."""
MOVING_M_PER_S = 0.5
"""Records slower than this [m/s] are standing, not moving (GPS drift while still)."""


def sport_against_records(sport: str, sub_sport: str | None, records: pd.DataFrame,
                          warn: list[str]) -> tuple[str, str | None, pd.DataFrame]:
    """(sport, sub_sport, records) of a single-sport activity whose label says on foot while its records say
    otherwise: a median moving speed above :data:`FOOT_SUSTAINED_MAX_M_PER_S` over at least
    :data:`SPORT_SPEED_MIN_S` of moving records.

    The evidence that agrees wins. With a power meter's readings too (a ride's pedals, and no runner
    holds this speed whatever a running power pod says) the activity is a ride (``cycling``, no
    sub-sport): its speed and power are then used as a ride's, one note says so. Without power nothing
    says what it was: the label stays, and the speed and the records' distance (which grows at that
    speed) are set aside as missing (NaN) for the whole activity with one note, so the effort comes from heart rate (else the duration) and no note
    quotes a speed the records contradict. Other labels are returned unchanged."""
    from pipeline.core.sports import sport_profile  # the one table of sports

    if not sport_profile(sport).on_foot or not len(records):
        return sport, sub_sport, records
    speed = records["speed_m_per_s"].to_numpy(dtype=float)
    t = records["elapsed_s"].to_numpy(dtype=float)
    dt = np.diff(t, append=t[-1])
    moving = np.isfinite(speed) & (speed > MOVING_M_PER_S)
    if float(np.clip(dt[moving], 0.0, 10.0).sum()) < SPORT_SPEED_MIN_S:
        return sport, sub_sport, records
    median = float(np.median(speed[moving]))
    if median <= FOOT_SUSTAINED_MAX_M_PER_S:
        return sport, sub_sport, records
    label = f"a {sport_profile(sport).label}"
    power = records["power_w"].to_numpy(dtype=float)
    from pipeline.fit.checks import MIN_VALUES  # one threshold for "a channel with values"

    if int((np.isfinite(power) & (power > 0)).sum()) >= MIN_VALUES:
        warn.append(f"the file says {label}, but its records move at {median:.1f} m/s for "
                    f"{_seconds(float(np.clip(dt[moving], 0.0, 10.0).sum()))} with a power meter's readings: no one "
                    f"holds that on foot (~{FOOT_SUSTAINED_MAX_M_PER_S:.1f} m/s at most), so it is taken as a ride")
        return "cycling", None, records
    records = records.copy()
    records["speed_m_per_s"] = np.nan
    records["distance_m"] = np.nan  # it grows at the same speed: the model would take it back from there
    warn.append(f"speed set aside: the file says {label}, but its records move at {median:.1f} m/s, which no one "
                f"holds on foot (~{FOOT_SUSTAINED_MAX_M_PER_S:.1f} m/s at most) and nothing else says what it was; "
                "its speed and distance are not used, the effort comes from heart rate, else from the duration")
    return sport, sub_sport, records


# ------------------------------------------------------------------------------------------------
# notes on what the file cannot show


def file_notes(start: datetime | None, record_count: int, has_session: bool, warn: list[str],
               now: datetime | None = None) -> None:
    """Notes for a session without records (a manual entry) and a start far ahead of ``now``."""
    if has_session and record_count == 0:
        warn.append("the file holds a session's totals and no records (a manual entry?): nothing was "
                    "recorded, so the estimate comes from its duration and totals alone")
    now = now or datetime.now(timezone.utc)
    if start is not None and clock_ahead(start, now):
        years = (start - now).days / 365.25
        ahead = f"{years:.0f} years" if years >= 1.5 else f"{(start - now).days} days"
        warn.append(f"the start {start:%Y-%m-%d} is {ahead} ahead of today: the device clock looks wrong, so the "
                    "date shown is the file's, not the day it was done; it is not taken as the newest activity (the digest's "
                    "week, `latest`) and no weather is asked for it")
