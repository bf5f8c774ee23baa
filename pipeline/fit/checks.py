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
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from pipeline.core.sports import MAX_ACTIVITY_S, sport_profile
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
    interval_s: float | None = None  # the median time between records (the sampling interval)


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
    if len(elapsed) > 1:
        out.interval_s = float(np.median(np.diff(elapsed)))
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
    ``where`` names the session in notes ("session", "session 2"). The steps, in order: missing
    times and distance, a timer longer than the clock, calories, distance, heart rate and power."""
    check = _LegCheck(leg, totals or RecordTotals(), totals is not None, where, warn)
    span = _fill_missing(check)
    _timer_within_elapsed(check, span)
    _within_longest_activity(check)
    duration = check.number("timer_s") or check.number("elapsed_s") or check.rec.timer_s
    # the records can contradict a total only where they cover the session (not a salvaged file's
    # first part, whose session was written before the damage)
    session_s = check.number("elapsed_s") or duration
    covered = bool(check.rec.elapsed_s and session_s and check.rec.elapsed_s >= 0.9 * session_s)
    _check_calories(check, duration, covered)
    _check_distance(check, duration, covered)
    _check_averages(check, blanked)
    return (leg.model_copy(update=check.update) if check.update else leg), check.filled


@dataclass
class _LegCheck:
    """One leg being checked: its session values, what its records say, and the changes so far."""

    leg: Leg
    rec: RecordTotals
    has_records: bool
    where: str
    warn: list[str]
    update: dict[str, object] = field(default_factory=dict)
    filled: list[str] = field(default_factory=list)

    def get(self, name: str) -> Any:
        """The field's value as checked so far."""
        return self.update.get(name, getattr(self.leg, name))

    def number(self, name: str) -> float | None:
        """A numeric field as checked so far (its fill, else the leg's own); None when not a number."""
        value = self.get(name)
        return float(value) if isinstance(value, (int, float)) else None

    def fill(self, name: str, value: object, note: str | None = None) -> None:
        """Set ``name`` to ``value`` (from the records when not None), with an optional note."""
        self.update[name] = value
        if value is not None:
            self.filled.append(name)
        if note:
            self.warn.append(note)


def _fill_missing(check: _LegCheck) -> float | None:
    """Missing start, end, elapsed and timer time and distance from the records and timer events;
    returns the session's own start-to-end span [s] (None when unknown or not positive)."""
    leg, rec = check.leg, check.rec
    missing = []
    if leg.start_time is None and rec.start is not None:
        check.fill("start_time", rec.start)
        missing.append("start time")
    if leg.end_time is None and rec.end is not None:
        check.update["end_time"] = rec.end
        missing.append("end time")
    start, end = check.get("start_time"), check.get("end_time")
    span = (end - start).total_seconds() if isinstance(start, datetime) and isinstance(end, datetime) else None
    if span is not None and span <= 0:
        span = None  # an app that writes the session's end as its start (seen) says nothing
    if leg.elapsed_s is None and (span is not None or rec.elapsed_s is not None):
        check.fill("elapsed_s", span if span is not None else rec.elapsed_s)
        missing.append("elapsed time")
    if leg.timer_s is None and rec.timer_s is not None:
        check.fill("timer_s", rec.timer_s)
        missing.append("timer time")
    if leg.distance_m is None and rec.distance_m is not None and rec.distance_m > 0:
        check.fill("distance_m", rec.distance_m)
        missing.append("distance")
    if missing:
        check.warn.append(f"{check.where} has no {', '.join(missing)}: taken from the records and timer events")
    return span


TIMER_SLACK_S = 5.0
"""How much longer than the elapsed time a timer time may be before it is called impossible [s]:
whole-second totals, a lap total rounded up and an elapsed time read from the first to the last
point (one sampling interval short of the last one's duration) differ by a few seconds in real
exports. The slack is this or one sampling interval of the records, whichever is larger."""


def _timer_within_elapsed(check: _LegCheck, span: float | None) -> None:
    """A timer time longer than the elapsed time is impossible (some apps swap or mislabel them): the
    records are what happened, the session's start and end only without them. Longer by no more
    than :data:`TIMER_SLACK_S` or one sampling interval is rounding, not a contradiction."""
    rec = check.rec
    elapsed, timer = check.get("elapsed_s"), check.get("timer_s")
    slack_s = max(TIMER_SLACK_S, rec.interval_s or 0.0)
    if not (isinstance(elapsed, float) and isinstance(timer, float) and timer > elapsed + slack_s):
        return
    reference = rec.elapsed_s if rec.elapsed_s else span if span else None
    new_elapsed, new_timer = elapsed, timer
    if reference is not None and not _close(elapsed, reference):
        new_elapsed = reference
    if rec.timer_s is not None and not _close(timer, rec.timer_s):
        new_timer = rec.timer_s
    if rec.timer_s is not None and _close(timer, rec.timer_s):
        new_elapsed = max(new_elapsed, new_timer)  # the timer is confirmed: the clock ran at least as long
    new_timer = min(new_timer, new_elapsed)  # the timer cannot run longer than the clock
    source = ("the records and timer events" if check.has_records and rec.elapsed_s
              else "the session's start and end" if span else "the elapsed time, its upper bound")
    timer_text, elapsed_text = _apart(timer, elapsed)
    new_timer_text, new_elapsed_text = _apart(new_timer, new_elapsed)
    check.warn.append(f"{check.where}: timer time {timer_text} is longer than elapsed time {elapsed_text}, which is "
                      f"impossible (some apps swap or mislabel them): set aside; timer {new_timer_text} and "
                      f"elapsed {new_elapsed_text} from {source}")
    if new_elapsed != elapsed:
        check.fill("elapsed_s", new_elapsed)
    if new_timer != timer:
        check.fill("timer_s", new_timer)


def _within_longest_activity(check: _LegCheck) -> None:
    """A timer or elapsed time longer than :data:`~pipeline.core.sports.MAX_ACTIVITY_S` (ten days of
    activity) is not one activity's: a clock never set (seconds since power-on), a bit flip in a
    time, a device left running for weeks. Each is cut to what the records support when they
    support less, else to the bound, with one note."""
    rec = check.rec
    for name, from_records in (("timer_s", rec.timer_s), ("elapsed_s", rec.elapsed_s)):
        value = check.get(name)
        if not (isinstance(value, float) and value > MAX_ACTIVITY_S):
            continue
        supported = from_records if from_records is not None and 0 < from_records <= MAX_ACTIVITY_S else None
        new = supported if supported is not None else MAX_ACTIVITY_S
        words = "timer time" if name == "timer_s" else "elapsed time"
        check.warn.append(f"{check.where}: {words} {_hm(value)} is longer than ten days of activity, the longest "
                          f"one activity runs (multi-day ultras): cut to {_hm(new)}"
                          + (" from the records" if supported is not None else ""))
        check.fill(name, new)


def _check_calories(check: _LegCheck, duration: float | None, covered: bool) -> None:
    """Calories that are negative, beyond any human's rate, or far above the records' count are set
    aside; the records' count takes their place when it is plausible."""
    kcal, rec = check.leg.calories_kcal, check.rec
    if kcal is None:
        return
    reason = None
    if kcal < 0:
        reason = "negative"
    elif duration and duration > 0 and kcal / (duration / 3600.0) > CALORIES_HUMAN_MAX_KCAL_PER_H:
        rate = kcal / (duration / 3600.0)
        reason = (f"{rate:,.0f} kcal/h over {_hm(duration)}: no human burns more than "
                  f"~{CALORIES_HUMAN_MAX_KCAL_PER_H:,.0f} kcal/h")
    elif covered and rec.calories_kcal is not None and kcal > 2.0 * rec.calories_kcal + 100.0:
        reason = f"the records count {rec.calories_kcal:,.0f} kcal"
    if reason:
        replacement = rec.calories_kcal if _calories_plausible(rec.calories_kcal, duration) else None
        check.warn.append(f"{check.where}: total calories {kcal:,.0f} kcal set aside ({reason})"
                          + (f"; {replacement:,.0f} kcal from the records" if replacement is not None
                             else "; not used for the intensity"))
        check.fill("calories_kcal", replacement)


def _check_distance(check: _LegCheck, duration: float | None, covered: bool) -> None:
    """A distance at a speed no human reaches in the sport, or far beyond the records', is set aside;
    the records' distance takes its place when it is within the sport's limit."""
    distance, rec, sport = check.get("distance_m"), check.rec, check.leg.sport
    if not (isinstance(distance, float) and distance > 0):
        return
    ceiling = sport_profile(sport).session_speed_max_m_per_s  # the fastest a human moves in it
    reason = None
    if ceiling is not None and duration and distance / duration > ceiling:
        reason = (f"{distance / duration:.1f} m/s on average over {_hm(duration)}; no one {sport} "
                  f"goes faster than ~{ceiling:g} m/s")
    elif covered and rec.distance_m is not None and rec.distance_m > 0 and distance > 2.0 * rec.distance_m + 1000.0:
        reason = f"the records cover {rec.distance_m / 1000:.2f} km"
    if reason:
        ok = (rec.distance_m is not None and rec.distance_m > 0 and
              (ceiling is None or not duration or rec.distance_m / duration <= ceiling))
        replacement = rec.distance_m if ok else None
        check.warn.append(f"{check.where}: distance {distance / 1000:,.1f} km set aside ({reason})"
                          + (f"; {replacement / 1000:.2f} km from the records" if replacement is not None else ""))
        check.fill("distance_m", replacement)


def _check_averages(check: _LegCheck, blanked: set[str]) -> None:
    """Average heart rate and power outside a human's range, or from a channel that was no sensor,
    are set aside; 0 W over a session is a missing power meter, not a rest."""
    leg, where = check.leg, check.where
    if leg.avg_heart_rate is not None and not HR_HUMAN_MIN_BPM <= leg.avg_heart_rate <= HR_HUMAN_MAX_BPM:
        check.warn.append(f"{where}: average heart rate {leg.avg_heart_rate:g} bpm set aside (a human heart beats "
                          f"{HR_HUMAN_MIN_BPM:g}-{HR_HUMAN_MAX_BPM:g} bpm)")
        check.update["avg_heart_rate"] = None
    elif leg.avg_heart_rate is not None and "heart_rate_bpm" in blanked:
        check.update["avg_heart_rate"] = None  # from the channel that was no sensor
    if leg.avg_power is not None and not 0.0 <= leg.avg_power <= POWER_HUMAN_MAX_W:
        check.warn.append(f"{where}: average power {leg.avg_power:g} W set aside (no human averages more than "
                          f"~{POWER_HUMAN_MAX_W:g} W)")
        check.update["avg_power"] = None
    elif leg.avg_power == 0.0 or (leg.avg_power is not None and "power_w" in blanked):
        check.update["avg_power"] = None  # 0 W over a session is a missing power meter, not a rest


def _calories_plausible(kcal: float | None, duration: float | None) -> bool:
    if kcal is None or kcal <= 0:
        return False
    return not duration or kcal / (duration / 3600.0) <= CALORIES_HUMAN_MAX_KCAL_PER_H


def _close(a: float, b: float) -> bool:
    """Within a minute or 5 % of each other."""
    return abs(a - b) <= max(60.0, 0.05 * max(abs(a), abs(b)))


def _apart(a_s: float, b_s: float) -> tuple[str, str]:
    """Two durations as text that differs when they do: hours and minutes, with the seconds when
    those alone would read alike."""
    if _hm(a_s) != _hm(b_s) or round(a_s) == round(b_s):
        return _hm(a_s), _hm(b_s)
    return _hms(a_s), _hms(b_s)


def _hms(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min {whole % 60:02d} s"


def _hm(seconds: float) -> str:
    minutes = int(round(seconds / 60.0))
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


