"""How fast a course goes at one steady effort: the speed on each gradient from a published model
of the sport, and the route cut into the segments a race plan is given in.

* Cycling: the power–speed model of Martin et al. (1998), J Appl Biomech 14:276–291
  (:func:`pipeline.physiology.intensity.cycling_power_from_speed_w`): at a steady power the speed
  is the root of ``P(v, grade) = power``; a descent whose root lies above
  :data:`CYCLING_DESCENT_MAX_M_PER_S` is ridden at that speed, pedalling only what it takes.
* Running and walking: the energy cost of gradient locomotion of Minetti et al. (2002), J Appl
  Physiol 93:1039–1046, Fig. 1 polynomials (net cost above standing, J·kg⁻¹·m⁻¹, gradient ``i``
  as a fraction, fitted on −0.45 ≤ i ≤ 0.45):
  running ``Cr(i) = 155.4i⁵ − 30.4i⁴ − 43.3i³ + 46.3i² + 19.5i + 3.6``,
  walking ``Cw(i) = 280.5i⁵ − 58.7i⁴ − 76.8i³ + 51.9i² + 19.6i + 2.5``. At a steady net metabolic
  power per kilogram ``E`` [W/kg] the speed is ``v = E / C(i)``. Downhill the cost falls to half of
  the level one at about −20 %, but nobody runs twice as fast down a steep slope (the legs brake,
  footing limits): descending speed is held to :data:`FOOT_DESCENT_FACTOR` × the level speed at
  that effort (our bound, not Minetti's).

Everything here is pure; arrays are numpy, SI units, gradients as fractions.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from pipeline.core.errors import InvalidValue
from pipeline.physiology.intensity import cycling_power_from_speed_w, minetti_running_cost_j_per_kg_m

STEP_M = 50.0
"""The route is resampled every 50 m: finer than a climb, coarser than GPS noise."""
SMOOTH_STEPS = 5
"""Altitude is smoothed over 5 steps (250 m) before gradients are taken (GPS and DEM altitude noise
would otherwise make every flat road a saw-tooth of ±10 % gradients)."""
SEGMENT_MAX_S = 300.0
SEGMENT_MAX_M = 2000.0
"""A segment ends at 5 minutes or 2 km, whichever comes first."""
CYCLING_MAX_GRADE = 0.30
FOOT_MAX_GRADE = 0.45
"""Gradients are held within ±30 % on a bike (steeper roads are walked) and ±45 % on foot (the range
Minetti et al. 2002 measured)."""
CYCLING_DESCENT_MAX_M_PER_S = 70.0 / 3.6
"""The fastest descent planned on a bike, 70 km/h (our bound: bends, traffic and caution keep racers below
the free-rolling speed of long steep descents)."""
BISECTIONS = 44
"""Halvings of a bisection: 2⁻⁴⁴ of the bracket (below 10⁻¹¹ m/s of speed, 10⁻¹⁰ W of power)."""
FOOT_DESCENT_FACTOR = 1.3
"""Downhill on foot at most 1.3 × the level speed at the same effort (our bound; see the module docstring)."""


def minetti_walking_cost_j_per_kg_m(grade: ArrayLike) -> NDArray[np.float64]:
    """Net energy cost of walking [J·kg⁻¹·m⁻¹] at ``grade`` (fraction, held within ±0.45), Minetti et al.
    (2002) Fig. 1: ``280.5i⁵ − 58.7i⁴ − 76.8i³ + 51.9i² + 19.6i + 2.5``."""
    i = np.clip(np.asarray(grade, dtype=float), -FOOT_MAX_GRADE, FOOT_MAX_GRADE)
    return 280.5 * i**5 - 58.7 * i**4 - 76.8 * i**3 + 51.9 * i**2 + 19.6 * i + 2.5


def foot_cost_j_per_kg_m(grade: ArrayLike, walking: bool) -> NDArray[np.float64]:
    """:func:`minetti_walking_cost_j_per_kg_m` when ``walking``, else :func:`minetti_running_cost_j_per_kg_m`."""
    return minetti_walking_cost_j_per_kg_m(grade) if walking else minetti_running_cost_j_per_kg_m(grade)


def cycling_speed_m_per_s(power_w: float, grade: ArrayLike, rider_mass_kg: float) -> NDArray[np.float64]:
    """The steady speed [m/s] at which Martin et al. (1998) give ``power_w`` on each ``grade``
    (bisection, :data:`BISECTIONS` halvings), held to :data:`CYCLING_DESCENT_MAX_M_PER_S`; on a descent steep enough
    to exceed it without pedalling, that speed."""
    g = np.asarray(grade, dtype=float)
    lo, hi = np.zeros_like(g), np.full_like(g, CYCLING_DESCENT_MAX_M_PER_S)
    for _ in range(BISECTIONS):
        mid = (lo + hi) / 2.0
        below = cycling_power_from_speed_w(mid, g, rider_mass_kg) < power_w
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return (lo + hi) / 2.0


def foot_speed_m_per_s(net_w_per_kg: float, grade: ArrayLike, walking: bool) -> NDArray[np.float64]:
    """The steady speed [m/s] on foot at a net metabolic power ``net_w_per_kg`` [W/kg]:
    ``E / C(i)`` (Minetti et al. 2002), downhill at most :data:`FOOT_DESCENT_FACTOR` × the level speed."""
    level = net_w_per_kg / float(foot_cost_j_per_kg_m(0.0, walking))
    speed = net_w_per_kg / foot_cost_j_per_kg_m(grade, walking)
    return np.minimum(speed, FOOT_DESCENT_FACTOR * level)


@dataclass(frozen=True)
class Effort:
    """One steady effort along the whole course: ``power_w`` [W] on a bike, or ``net_w_per_kg``
    [W/kg, metabolic above standing] on foot."""

    pedalled: bool
    value: float
    walking: bool = False

    def speeds(self, grade: NDArray[np.float64], rider_mass_kg: float) -> NDArray[np.float64]:
        """Speed [m/s] on each gradient at this effort."""
        if self.pedalled:
            return cycling_speed_m_per_s(self.value, grade, rider_mass_kg)
        return foot_speed_m_per_s(self.value, grade, self.walking)

    @classmethod
    def from_level_speed(cls, pedalled: bool, speed_m_per_s: float, rider_mass_kg: float,
                         walking: bool = False) -> "Effort":
        """The effort that goes ``speed_m_per_s`` on the level (Martin's power; Minetti's ``C(0)·v``)."""
        if pedalled:
            return cls(True, float(cycling_power_from_speed_w(speed_m_per_s, 0.0, rider_mass_kg)))
        return cls(False, float(foot_cost_j_per_kg_m(0.0, walking)) * speed_m_per_s, walking)


@dataclass(frozen=True)
class Pace:
    """The course at one effort: ``steps`` (every :data:`STEP_M`: ``distance_m`` at the step's start,
    ``length_m``, ``grade``, ``altitude_m``, ``latitude_deg``, ``longitude_deg``, ``speed_m_per_s``,
    ``power_w`` (bike; NaN on foot), ``elapsed_s`` at the step's start) and its total time [s]."""

    steps: pd.DataFrame
    effort: Effort
    total_s: float


def route_steps(points: pd.DataFrame, pedalled: bool) -> pd.DataFrame:
    """The route (``distance_m``, ``latitude_deg``, ``longitude_deg``, ``altitude_m``; altitude may be
    NaN: flat) resampled every :data:`STEP_M` with each step's gradient from the smoothed altitude,
    held within the sport's bound."""
    dist = points["distance_m"].to_numpy(float)
    total = float(dist[-1])
    edges = np.append(np.arange(0.0, total, STEP_M), total)
    alt_raw = points["altitude_m"].to_numpy(float)
    known = np.isfinite(alt_raw)
    alt = np.interp(edges, dist[known], alt_raw[known]) if known.sum() >= 2 else np.zeros(len(edges))
    alt = pd.Series(alt).rolling(SMOOTH_STEPS, center=True, min_periods=1).mean().to_numpy()
    length = np.diff(edges)
    bound = CYCLING_MAX_GRADE if pedalled else FOOT_MAX_GRADE
    grade = np.clip(np.diff(alt) / np.maximum(length, 1e-9), -bound, bound)
    return pd.DataFrame({
        "distance_m": edges[:-1], "length_m": length, "grade": grade, "altitude_m": alt[:-1],
        "latitude_deg": np.interp(edges[:-1], dist, points["latitude_deg"].to_numpy(float)),
        "longitude_deg": np.interp(edges[:-1], dist, points["longitude_deg"].to_numpy(float)),
    })


def pace_course(steps: pd.DataFrame, effort: Effort, rider_mass_kg: float) -> Pace:
    """Each step's speed, power (bike) and start time at ``effort`` (:func:`route_steps` in)."""
    grade = steps["grade"].to_numpy(float)
    speed = effort.speeds(grade, rider_mass_kg)
    if not np.all(speed > 0.05):
        raise InvalidValue("intensity", "too light an effort to get up this course's steepest climb")
    seconds = steps["length_m"].to_numpy(float) / speed
    out = steps.copy()
    out["speed_m_per_s"] = speed
    out["power_w"] = (np.minimum(cycling_power_from_speed_w(speed, grade, rider_mass_kg), effort.value)
                      if effort.pedalled else np.nan)
    out["elapsed_s"] = np.concatenate([[0.0], np.cumsum(seconds)[:-1]])
    return Pace(out, effort, float(seconds.sum()))


def effort_for_finish(steps: pd.DataFrame, finish_s: float, pedalled: bool, rider_mass_kg: float,
                      walking: bool = False) -> Effort:
    """The steady effort whose :func:`pace_course` time is ``finish_s`` [s] (bisection on the effort:
    the time falls as the effort rises). Raises :class:`InvalidValue` (``finish``) when even
    2000 W (bike) or 25 W/kg (foot; about a world-record marathon's net cost is 20 W/kg) cannot make it."""
    lo, hi = (1.0, 2000.0) if pedalled else (0.2, 25.0)

    def time_at(value: float) -> float:
        effort = Effort(pedalled, value, walking)
        speed = effort.speeds(steps["grade"].to_numpy(float), rider_mass_kg)
        return float((steps["length_m"].to_numpy(float) / np.maximum(speed, 1e-6)).sum())

    if time_at(hi) > finish_s:
        raise InvalidValue("finish", f"{finish_s / 3600:.2f} h is faster than this course can be covered")
    if time_at(lo) < finish_s:
        raise InvalidValue("finish", f"{finish_s / 3600:.2f} h is slower than the lightest effort planned "
                                     "(a walk with stops is not one session's steady pace)")
    for _ in range(BISECTIONS):
        mid = (lo + hi) / 2.0
        if time_at(mid) > finish_s:
            lo = mid
        else:
            hi = mid
    return Effort(pedalled, (lo + hi) / 2.0, walking)


def segments(pace: Pace) -> pd.DataFrame:
    """The course cut into segments of at most :data:`SEGMENT_MAX_S` or :data:`SEGMENT_MAX_M`, whichever
    ends first: ``start_m``, ``end_m``, ``start_s``, ``end_s``, ``grade`` (rise over run), ``climb_m``
    (altitude gained), ``speed_m_per_s`` (length over time), ``latitude_deg``/``longitude_deg`` (the
    segment's middle step)."""
    s = pace.steps
    start_s_all = s["elapsed_s"].to_numpy(float)
    start_m_all = s["distance_m"].to_numpy(float)
    length = s["length_m"].to_numpy(float)
    grade = s["grade"].to_numpy(float)
    ends_s = start_s_all + length / s["speed_m_per_s"].to_numpy(float)
    ends_m = start_m_all + length
    lat, lon = s["latitude_deg"].to_numpy(float), s["longitude_deg"].to_numpy(float)
    rows, first, n = [], 0, len(s)
    for k in range(n):
        start_s, start_m = start_s_all[first], start_m_all[first]
        if k == n - 1 or ends_s[k + 1] - start_s > SEGMENT_MAX_S + 1e-6 or ends_m[k + 1] - start_m > SEGMENT_MAX_M + 1e-6:
            part = slice(first, k + 1)
            middle = first + (k + 1 - first) // 2
            rows.append({"start_m": float(start_m), "end_m": float(ends_m[k]), "start_s": float(start_s),
                         "end_s": float(ends_s[k]),
                         "grade": float((grade[part] * length[part]).sum()) / float(ends_m[k] - start_m),
                         "climb_m": float((np.clip(grade[part], 0.0, None) * length[part]).sum()),
                         "speed_m_per_s": float(ends_m[k] - start_m) / float(ends_s[k] - start_s),
                         "latitude_deg": float(lat[middle]), "longitude_deg": float(lon[middle])})
            first = k + 1
    return pd.DataFrame(rows)


def course_records(pace: Pace, start_utc: pd.Timestamp, interval_s: float = 5.0) -> pd.DataFrame:
    """The paced course as records, one every ``interval_s`` [s] (the canonical record columns the
    model reads, :data:`pipeline.fit.models.RECORD_COLUMNS`): time, distance, position, altitude,
    speed and (bike) power, each record taking its step's values."""
    from pipeline.fit.models import RECORD_COLUMNS
    from pipeline.physiology.planned import synthetic_frame

    s = pace.steps
    elapsed = np.arange(0.0, pace.total_s, interval_s)
    elapsed = np.append(elapsed, pace.total_s)
    step_start = s["elapsed_s"].to_numpy(float)
    index = np.clip(np.searchsorted(step_start, elapsed, side="right") - 1, 0, len(s) - 1)
    into = elapsed - step_start[index]
    dist = np.minimum(s["distance_m"].to_numpy(float)[index] + s["speed_m_per_s"].to_numpy(float)[index] * into,
                      s["distance_m"].to_numpy(float)[index] + s["length_m"].to_numpy(float)[index])
    frame = synthetic_frame(elapsed, start_utc)
    frame["distance_m"] = dist
    frame["speed_m_per_s"] = s["speed_m_per_s"].to_numpy(float)[index]
    grade = s["grade"].to_numpy(float)
    alt_start = s["altitude_m"].to_numpy(float)
    frame["altitude_m"] = alt_start[index] + grade[index] * (dist - s["distance_m"].to_numpy(float)[index])
    frame["latitude_deg"] = s["latitude_deg"].to_numpy(float)[index]
    frame["longitude_deg"] = s["longitude_deg"].to_numpy(float)[index]
    if pace.effort.pedalled:
        frame["power_w"] = s["power_w"].to_numpy(float)[index]
    return frame[list(RECORD_COLUMNS)]
