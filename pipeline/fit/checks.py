"""What a session message claims, checked against the records and against what a human can do.

Files from the wild carry totals that cannot be true, and channels that were never measured.
Ingest hands the model clean data: an impossible value is *set aside* (``None`` in the
summary and the leg, ``NaN`` in the records) with a note in the activity's warnings, and where the
records can say what really happened, their figure takes its place and the field is named in
``summary_fields_from_records``. Nothing downstream ever sees the impossible value.

Three rules:

* :func:`blank_absent_sensors` — **a channel that was never measured.** Some devices and apps write
  0 (or one constant) in every record instead of FIT's invalid value when a sensor is missing:
  power 0 W through a ride with a heart rate, heart rate 0 bpm, temperature exactly 0 °C. A
  channel that is zero for the whole activity while the athlete moves (another channel shows
  movement or effort) is no sensor: it becomes missing (NaN) so the next-best signal is used. A
  heart rate that never changes for the whole activity is no heart rate either (a living heart
  varies beat to beat and with effort). A constant non-zero power (ERG trainer) or temperature
  (indoors) can be real and is kept.
* :func:`check_leg` — **session totals against the records and the human range**: timer time
  longer than elapsed time (some apps swap them), calories beyond any human metabolic rate
  (65534: FIT's uint16 invalid marker 65535 off by one), distances at speeds no human reaches in
  the sport, heart rates outside a human's range, powers beyond any human's.
* :func:`check_leg` also **fills a session's missing fields** (start time, end, elapsed and timer
  time, distance; some virtual-ride and converter exports leave them out) from the records and the
  timer events.

Human ranges (sources in the constants' comments; speeds per sport in
:attr:`pipeline.core.sports.SportProfile.session_speed_max_m_per_s`) are deliberately generous: the point is to
catch values that are impossible, not unusual.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from pipeline.core.sports import sport_profile
from pipeline.fit.clock import timer_seconds
from pipeline.fit.models import Leg

#: Heart rate a human heart can hold, bpm. Maximal heart rates above ~220-230 bpm are not reported
#: in adults (Tanaka, Monahan & Seals 2001, J Am Coll Cardiol 37:153: HRmax = 208 - 0.7 x age, SD
#: ~10 bpm; the highest values measured in young athletes are ~220-230 bpm). Below 25 bpm is not a
#: heart exercising (resting bradycardia in elite endurance athletes goes down to ~30 bpm).
HR_HUMAN_MIN_BPM = 25.0
HR_HUMAN_MAX_BPM = 230.0
#: Mechanical power: elite track sprinters peak at ~2,000-2,500 W for a few seconds (Dorel et al.
#: 2005, Int J Sports Med 26:739); no session averages more.
POWER_HUMAN_MAX_W = 2500.0
#: Energy expenditure: the highest sustained rates measured are ~1,200-1,500 kcal/h (elite cyclists
#: at hour-record power: ~440 W at ~23 % gross efficiency is ~1,650 kcal/h of metabolic rate;
#: Tour de France stages average ~6,000-8,000 kcal over 5-6 h, Saris et al. 1989, Int J Sports Med
#: 10:S26). 2,000 kcal/h (~2,300 W) is beyond any human over a session.
CALORIES_HUMAN_MAX_KCAL_PER_H = 2000.0
#: A constant channel is judged over at least this many values (a short file tells little).
MIN_VALUES = 20
#: Records count as "moving" when they move at least this fast (walking pace is ~1.3 m/s).
MOVING_M_PER_S = 0.5


def blank_absent_sensors(records: pd.DataFrame, warn: list[str]) -> tuple[pd.DataFrame, set[str]]:
    """Records with never-measured channels set to NaN (see the module docstring); the columns
    blanked. Applied to the whole activity (a sensor missing for one leg only is not judged)."""
    blanked: set[str] = set()
    if len(records) < MIN_VALUES:
        return records, blanked
    labels = {"power_w": ("power", "W"), "heart_rate_bpm": ("heart rate", "bpm"),
              "temperature_c": ("temperature", "°C"), "speed_m_per_s": ("speed", "m/s")}
    records = records.copy()
    for column, (label, unit) in labels.items():
        values = records[column].dropna()
        if len(values) < MIN_VALUES:
            continue
        zero = bool((values == 0).all())
        constant = column == "heart_rate_bpm" and values.nunique() == 1
        if not (zero or constant):
            continue
        if not _moving_without(records, column):
            continue
        value = float(values.iloc[0])
        records[column] = np.nan
        blanked.add(column)
        shown = f"{value:g} {unit}"
        hint = " (if it really was 0 °C, give the temperature with --temp)" if column == "temperature_c" else ""
        warn.append(f"{label} is {shown} in every record while the athlete moves: no {label} sensor, so it is "
                    f"treated as missing and the next-best signal is used{hint}")
    return records, blanked


def _moving_without(records: pd.DataFrame, column: str) -> bool:
    """Whether channels other than ``column`` show the athlete moving or working."""
    def share(name: str, test: Callable[[pd.Series], pd.Series]) -> float:
        if name == column:
            return 0.0
        values = records[name].dropna()
        return float(test(values).mean()) if len(values) else 0.0

    if share("speed_m_per_s", lambda v: v > MOVING_M_PER_S) > 0.1:
        return True
    if column != "distance_m":
        distance = records["distance_m"].dropna()
        if len(distance) >= 2 and float(distance.max() - distance.min()) > 100.0:
            return True
    if share("power_w", lambda v: v > 0) > 0.1 or share("cadence_rpm", lambda v: v > 0) > 0.1:
        return True
    if column != "heart_rate_bpm":
        hr = records["heart_rate_bpm"].dropna()
        if len(hr) >= MIN_VALUES and hr.nunique() > 1 and float(hr.median()) >= HR_HUMAN_MIN_BPM:
            return True
    return False


@dataclass
class RecordTotals:
    """What the records of one leg say: start, end, elapsed, timer time, distance, calories."""

    start: datetime | None = None
    end: datetime | None = None
    elapsed_s: float | None = None
    timer_s: float | None = None
    distance_m: float | None = None
    calories_kcal: float | None = None


def record_totals(records: pd.DataFrame, events: list[tuple[float, bool]], cumulative_from_zero: bool) -> RecordTotals:
    """Totals of one leg's records. ``events``: timer (start=True/stop) events on ``elapsed_s``'s
    scale; ``cumulative_from_zero``: distance and calories count from the activity's start (a
    single-sport file), else a leg's is its records' increase."""
    out = RecordTotals()
    if len(records) == 0:
        return out
    elapsed = records["elapsed_s"].to_numpy(dtype=float)
    first, last = float(elapsed[0]), float(elapsed[-1])
    inside = [(t, r) for t, r in events if first - 86400.0 <= t <= last]
    if not cumulative_from_zero:  # a leg: only its own events (the activity's first start is another leg's)
        inside = [(t, r) for t, r in inside if t >= first - 60.0]
    begin_s = min(0.0, inside[0][0] - first) if inside and inside[0][1] else 0.0
    stamp = records["timestamp"].iloc[0]
    out.start = (stamp + pd.Timedelta(seconds=begin_s)).to_pydatetime() if pd.notna(stamp) else None
    stamp_end = records["timestamp"].iloc[-1]
    out.end = stamp_end.to_pydatetime() if pd.notna(stamp_end) else None
    out.elapsed_s = last - first - begin_s
    out.timer_s = timer_seconds(elapsed, inside)
    for name, attr in (("distance_m", "distance_m"), ("calories_kcal", "calories_kcal")):
        values = records[name].dropna()
        if len(values):
            total = float(values.max()) if cumulative_from_zero else float(values.max() - values.min())
            setattr(out, attr, total)
    return out


def check_leg(leg: Leg, totals: RecordTotals | None, blanked: set[str], where: str,
              warn: list[str]) -> tuple[Leg, list[str]]:
    """The leg with impossible totals set aside and missing fields filled from the records
    (``totals``, None when the leg's records cannot be told apart); the fields now from records.
    ``where`` names the session in notes ("session", "session 2")."""
    update: dict[str, object] = {}
    filled: list[str] = []
    rec = totals or RecordTotals()

    def fill(field: str, value: object, note: str | None = None) -> None:
        update[field] = value
        if value is not None:
            filled.append(field)
        if note:
            warn.append(note)

    def number(field: str) -> float | None:
        """A numeric field as this check has it so far: its fill, else the leg's own."""
        value = update.get(field, getattr(leg, field))
        return float(value) if isinstance(value, (int, float)) else None

    # --- missing times (kind 4) --------------------------------------------------------------
    missing = []
    if leg.start_time is None and rec.start is not None:
        fill("start_time", rec.start)
        missing.append("start time")
    if leg.end_time is None and rec.end is not None:
        update["end_time"] = rec.end
        missing.append("end time")
    start = update.get("start_time", leg.start_time)
    end = update.get("end_time", leg.end_time)
    span = (end - start).total_seconds() if isinstance(start, datetime) and isinstance(end, datetime) else None
    if span is not None and span <= 0:
        span = None  # an app that writes the session's end as its start (seen) says nothing
    if leg.elapsed_s is None and (span is not None or rec.elapsed_s is not None):
        fill("elapsed_s", span if span is not None else rec.elapsed_s)
        missing.append("elapsed time")
    if leg.timer_s is None and rec.timer_s is not None:
        fill("timer_s", rec.timer_s)
        missing.append("timer time")
    if leg.distance_m is None and rec.distance_m is not None and rec.distance_m > 0:
        fill("distance_m", rec.distance_m)
        missing.append("distance")
    if missing:
        warn.append(f"{where} has no {', '.join(missing)}: taken from the records and timer events")

    # --- timer longer than elapsed (kind 2) ----------------------------------------------------
    elapsed = update.get("elapsed_s", leg.elapsed_s)
    timer = update.get("timer_s", leg.timer_s)
    if isinstance(elapsed, float) and isinstance(timer, float) and timer > elapsed + 1.0:
        # the records are what happened; the session's start and end only without them
        reference = rec.elapsed_s if rec.elapsed_s else span if span else None
        new_elapsed, new_timer = elapsed, timer
        if reference is not None and not _close(elapsed, reference):
            new_elapsed = reference
        if rec.timer_s is not None and not _close(timer, rec.timer_s):
            new_timer = rec.timer_s
        if rec.timer_s is not None and _close(timer, rec.timer_s):
            new_elapsed = max(new_elapsed, new_timer)  # the timer is confirmed: the clock ran at least as long
        new_timer = min(new_timer, new_elapsed)  # the timer cannot run longer than the clock
        source = ("the records and timer events" if totals is not None and rec.elapsed_s
                  else "the session's start and end" if span else "the elapsed time, its upper bound")
        warn.append(f"{where}: timer time {_hm(timer)} is longer than elapsed time {_hm(elapsed)}, which is "
                    f"impossible (some apps swap or mislabel them): set aside; timer {_hm(new_timer)} and "
                    f"elapsed {_hm(new_elapsed)} from {source}")
        if new_elapsed != elapsed:
            fill("elapsed_s", new_elapsed)
        if new_timer != timer:
            fill("timer_s", new_timer)
    duration = number("timer_s") or number("elapsed_s") or rec.timer_s
    # the records can contradict a total only where they cover the session (not a salvaged file's
    # first part, whose session was written before the damage)
    session_s = number("elapsed_s") or duration
    covered = bool(rec.elapsed_s and session_s and rec.elapsed_s >= 0.9 * session_s)

    # --- calories ------------------------------------------------------------------------------
    if leg.calories_kcal is not None:
        reason = None
        if leg.calories_kcal < 0:
            reason = "negative"
        elif duration and duration > 0 and leg.calories_kcal / (duration / 3600.0) > CALORIES_HUMAN_MAX_KCAL_PER_H:
            rate = leg.calories_kcal / (duration / 3600.0)
            reason = (f"{rate:,.0f} kcal/h over {_hm(duration)}: no human burns more than "
                      f"~{CALORIES_HUMAN_MAX_KCAL_PER_H:,.0f} kcal/h")
        elif covered and rec.calories_kcal is not None and leg.calories_kcal > 2.0 * rec.calories_kcal + 100.0:
            reason = f"the records count {rec.calories_kcal:,.0f} kcal"
        if reason:
            replacement = rec.calories_kcal if _calories_plausible(rec.calories_kcal, duration) else None
            warn.append(f"{where}: total calories {leg.calories_kcal:,.0f} kcal set aside ({reason})"
                        + (f"; {replacement:,.0f} kcal from the records" if replacement is not None
                           else "; not used for the intensity"))
            fill("calories_kcal", replacement)

    # --- distance ------------------------------------------------------------------------------
    distance = update.get("distance_m", leg.distance_m)
    if isinstance(distance, float) and distance > 0:
        ceiling = sport_profile(leg.sport).session_speed_max_m_per_s  # the fastest a human moves in it
        reason = None
        if ceiling is not None and duration and distance / duration > ceiling:
            reason = (f"{distance / duration:.1f} m/s on average over {_hm(duration)}; no one {leg.sport} "
                      f"goes faster than ~{ceiling:g} m/s")
        elif covered and rec.distance_m is not None and rec.distance_m > 0 and distance > 2.0 * rec.distance_m + 1000.0:
            reason = f"the records cover {rec.distance_m / 1000:.2f} km"
        if reason:
            ok = (rec.distance_m is not None and rec.distance_m > 0 and
                  (ceiling is None or not duration or rec.distance_m / duration <= ceiling))
            replacement = rec.distance_m if ok else None
            warn.append(f"{where}: distance {distance / 1000:,.1f} km set aside ({reason})"
                        + (f"; {replacement / 1000:.2f} km from the records" if replacement is not None else ""))
            fill("distance_m", replacement)

    # --- heart rate and power averages ---------------------------------------------------------
    if leg.avg_heart_rate is not None and not HR_HUMAN_MIN_BPM <= leg.avg_heart_rate <= HR_HUMAN_MAX_BPM:
        warn.append(f"{where}: average heart rate {leg.avg_heart_rate:g} bpm set aside (a human heart beats "
                    f"{HR_HUMAN_MIN_BPM:g}-{HR_HUMAN_MAX_BPM:g} bpm)")
        update["avg_heart_rate"] = None
    elif leg.avg_heart_rate is not None and "heart_rate_bpm" in blanked:
        update["avg_heart_rate"] = None  # from the channel that was no sensor
    if leg.avg_power is not None and not 0.0 <= leg.avg_power <= POWER_HUMAN_MAX_W:
        warn.append(f"{where}: average power {leg.avg_power:g} W set aside (no human averages more than "
                    f"~{POWER_HUMAN_MAX_W:g} W)")
        update["avg_power"] = None
    elif leg.avg_power == 0.0 or (leg.avg_power is not None and "power_w" in blanked):
        update["avg_power"] = None  # 0 W over a session is a missing power meter, not a rest
    return (leg.model_copy(update=update) if update else leg), filled


def _calories_plausible(kcal: float | None, duration: float | None) -> bool:
    if kcal is None or kcal <= 0:
        return False
    return not duration or kcal / (duration / 3600.0) <= CALORIES_HUMAN_MAX_KCAL_PER_H


def _close(a: float, b: float) -> bool:
    """Within a minute or 5 % of each other."""
    return abs(a - b) <= max(60.0, 0.05 * max(abs(a), abs(b)))


def _hm(seconds: float) -> str:
    minutes = int(round(seconds / 60.0))
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


