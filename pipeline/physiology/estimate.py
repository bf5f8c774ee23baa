"""One leg's (or one planned session's) sweat estimate: time grid, pauses and gaps, minute blocks.

The records are put on a 1-second grid: each second takes the last record at or before it. A
record holds for at most :data:`HOLD_S` seconds (devices with "smart recording" write every few
seconds); beyond that the second belongs to a *gap*. A gap with the timer running on both sides
and distance covered at a walking pace or faster is moving time of unknown intensity and gets the
leg's median moving metabolic rate; any other gap, and every second with the timer stopped, is a
pause: standing rest (1.3 MET, Compendium 07040) in still air. Nothing is integrated blindly
across a long gap at whatever the last sample said.

A stop — a run of pause seconds: the timer stopped ("resume later", a café, a device started by
mistake and resumed weeks later, a ride saved across midnight), or a stretch without records or
distance — counts for at most :data:`RECOVERY_S` after it begins: sweating goes on for a while
after exercise stops and then falls back towards resting levels (see :data:`RECOVERY_S`). The
rest of a longer stop is outside the activity: it is not on the time grid at all, so a stop of
weeks costs nothing in memory or time, and the records kept are those of the periods around it,
wherever they lie in time. :data:`MAX_SPAN_S` bounds the *kept* time, not the clock span.

The heat balance and the sweat prediction are then evaluated on 1-minute blocks (means of the
seconds in each block), so a 6-hour ride with a hot afternoon is a sum of its minutes, not one
average. The per-second sweat rate of its block gives the series the charts draw.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from pipeline.config import ClimateConfig
from pipeline.physiology import heat_balance as hb
from pipeline.physiology import sweat as sw
from pipeline.physiology.athlete import Athlete
from pipeline.physiology.environment import (
    IN_WATER_SPORTS,
    ResolvedEnvironment,
    WeatherInputs,
    air_speed_m_per_s,
    resolve_environment,
)
from pipeline.physiology.intensity import (
    FOOT_SPORTS,
    POWER_SPORTS,
    STANDING_REST_MET,
    compendium_met,
    met_to_metabolic_w,
    sample_intensity,
)

WATER_SPORTS = frozenset({"water_skiing", "kayaking", "surfing", "rowing", "paddling", "stand_up_paddleboarding"})
"""On-water sports, modelled in air but often wet: flagged."""
TRANSITION_SPORTS = frozenset({"transition"})
"""Triathlon transitions: a few minutes of jogging or walking with the bike. Their heart rate is the
previous leg's (a swimmer's 150 bpm lingers while changing), so the Compendium value
(3.5 METs, walking with the bike) is used rather than heart rate."""
HOLD_S = 60
"""A record stands for at most this many seconds after it; later seconds are a gap."""
MAX_SPAN_S = 48 * 3600.0
"""Longest leg the model integrates, in activity time (long stops left out); later records are ignored."""
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
BLOCK_S = 60
MOVING_GAP_MIN_SPEED_M_PER_S = 0.5
INTENSITY_SOURCES = ("power", "speed", "heart_rate", "device_calories", "duration")
MODEL_NAME = "Gonzalez 2009/2012 PW, bounded by ISO 7933 required sweat; USARIEM heat balance"


@dataclass(frozen=True)
class EnvironmentSummary:
    """The air a leg was modelled in (unrounded; moving-time means where the leg moved).

    ``temperature_c`` [°C], ``humidity_pct`` [%], ``air_speed_m_per_s`` [m·s⁻¹] relative to the
    athlete; ``source`` is ``override`` | ``weather`` | ``device`` | ``config``; ``notes`` in plain
    words. From the weather service (issue #12), when it answered: its mean wind [m·s⁻¹] and solar
    radiation [W·m⁻²] (shown, not modelled) and who answered (``weather_provider``).
    """

    temperature_c: float
    humidity_pct: float
    source: str
    air_speed_m_per_s: float | None
    indoor: bool
    notes: tuple[str, ...] = ()
    wind_speed_m_per_s: float | None = None
    solar_radiation_w_per_m2: float | None = None
    weather_provider: str | None = None


@dataclass(frozen=True)
class IntensitySummary:
    """How hard the leg was (unrounded): the dominant signal, the moving-time mean metabolic rate
    [W] and each signal's share of moving time (fractions summing to 1)."""

    source: str
    mean_metabolic_w: float
    sources_share: dict[str, float] = field(default_factory=dict)


@dataclass
class LegEstimate:
    """One leg's estimate in SI units, unrounded (rounding is the report's job), its per-record
    series, and the sums that :func:`combine_legs` adds up."""

    environment: EnvironmentSummary
    intensity: IntensitySummary
    sweat: sw.SweatTotals
    series: pd.DataFrame
    total_l: float = 0.0
    moving_l: float = 0.0
    moving_s: float = 0.0
    elapsed_s: float = 0.0
    metabolic_j_moving: float = 0.0
    source_seconds: dict[str, float] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    sport: str = ""


def estimate_leg(
    records: pd.DataFrame,
    sport: str,
    sub_sport: str | None,
    device: str | None,
    athlete: Athlete,
    climate: ClimateConfig,
    weather: WeatherInputs | None = None,
    gross_efficiency: float = 0.21,
    device_kcal: float | None = None,
    device_timer_s: float | None = None,
    device_estimate_l: float | None = None,
    calibration: sw.Calibration | None = None,
    gross_efficiency_known: bool = False,
) -> LegEstimate:
    """The whole model for one leg's records (the canonical RECORD_COLUMNS DataFrame).

    ``gross_efficiency_known``: the rider's GE was set (config), not the 0.21 default; only the
    width of the range depends on it.
    """
    recs = records[pd.to_numeric(records["elapsed_s"], errors="coerce").notna()].sort_values("elapsed_s", kind="stable")
    recs = recs.reset_index(drop=True)
    stops = StopsLeftOut()
    if not recs.empty:
        # long stops off the grid (a stop of weeks must not make a 10⁶-second grid), then the
        # kept time bounded: a clock jump or a timer left running for days
        stops = kept_time(recs["elapsed_s"].to_numpy(dtype=float),
                          recs["timer_active"].astype("boolean").fillna(True).to_numpy(dtype=bool),
                          pd.to_numeric(recs["distance_m"], errors="coerce").astype(float).to_numpy(),
                          device_timer_s)
        recs = recs[stops.records_kept].reset_index(drop=True)
    env = resolve_environment(recs, sport, sub_sport, device, climate, weather)
    if recs.empty:
        return _empty_leg(env, athlete, device_estimate_l)
    intensity = sample_intensity(recs, sport, athlete, gross_efficiency, device_kcal, device_timer_s, env.indoor)
    if sport in TRANSITION_SPORTS:
        transition_w = float(met_to_metabolic_w(compendium_met(sport), athlete.body_mass_kg))
        intensity = replace(intensity, metabolic_w=np.full(len(recs), transition_w),
                            external_work_w=np.zeros(len(recs)), source=np.full(len(recs), "duration", dtype=object))

    t = recs["elapsed_s"].to_numpy(dtype=float)
    timer = recs["timer_active"].astype("boolean").fillna(True).to_numpy(dtype=bool)
    dist = pd.to_numeric(recs["distance_m"], errors="coerce").astype(float).to_numpy()
    n = len(t)
    grid = stops.grid()
    idx = np.clip(np.searchsorted(t, grid, side="right") - 1, 0, n - 1)
    age = grid - t[idx]
    nxt = np.minimum(idx + 1, n - 1)
    gap = age > HOLD_S
    with np.errstate(divide="ignore", invalid="ignore"):
        gap_speed = (dist[nxt] - dist[idx]) / (t[nxt] - t[idx])
    moving_gap = gap & timer[idx] & timer[nxt] & (np.nan_to_num(gap_speed) > MOVING_GAP_MIN_SPEED_M_PER_S)
    recorded = ~gap & timer[idx]
    moving = recorded | moving_gap

    rest_w = float(met_to_metabolic_w(STANDING_REST_MET, athlete.body_mass_kg))
    m_rec = intensity.metabolic_w[idx]
    w_rec = intensity.external_work_w[idx]
    median_m = float(np.median(m_rec[recorded])) if recorded.any() else rest_w
    median_w = float(np.median(w_rec[recorded])) if recorded.any() else 0.0
    metabolic = np.where(recorded, m_rec, np.where(moving_gap, median_m, rest_w))
    external = np.where(recorded, w_rec, np.where(moving_gap, median_w, 0.0))
    source = np.where(recorded, intensity.source[idx], np.where(moving_gap, "gap", "pause"))
    temperature = env.temperature_c[idx]
    speed = np.where(recorded, intensity.speed_m_per_s[idx], np.nan)
    air = air_speed_m_per_s(speed, moving, sport, env.indoor)
    walk = np.where(moving & (sport in FOOT_SPORTS), np.nan_to_num(speed, nan=1.0), 0.0)

    # 1-minute blocks
    block = stops.blocks(BLOCK_S)  # a block never straddles a stop left out
    nb = int(block[-1]) + 1
    secs = np.bincount(block, minlength=nb).astype(float)

    def mean(values: np.ndarray) -> np.ndarray:
        return np.bincount(block, weights=values, minlength=nb) / secs

    area_m2 = float(hb.body_surface_area_m2(athlete.body_mass_kg, athlete.height_cm))
    met_w = float(met_to_metabolic_w(1.0, athlete.body_mass_kg))
    in_water = sport in IN_WATER_SPORTS
    moving_share = mean(moving.astype(float))
    m_block, w_block, t_block = mean(metabolic), mean(external), mean(temperature)
    # humidity: the weather service's per-record values where it gave them (issue #12), else one figure
    h_block = env.humidity_pct if env.humidity_series is None else mean(env.humidity_series[idx])
    floor_g = sw.EXERCISE_FLOOR_ML_PER_KG_H * athlete.body_mass_kg / area_m2

    def session_rate(metabolic_scale: float = 1.0, temperature_shift: float = 0.0) -> tuple[np.ndarray, MinuteParts]:
        """Per-minute rate [g·m⁻²·h⁻¹] at the leg's effort scaled and its air shifted (for the range)."""
        m = m_block * metabolic_scale
        if in_water:
            v = mean(np.nan_to_num(np.where(moving, speed, 0.0)))
            known = mean((moving & ~np.isnan(speed) & (np.nan_to_num(speed) > 0)).astype(float)) > 0.5
            v = np.where(known, v, np.nan)
            litres_h = sw.in_water_sweat_l_per_h(v * metabolic_scale, m / met_w, athlete.sex)
            rate = np.where(moving_share > 0.5, litres_h * 1000.0 / area_m2, 0.0)
            parts = minute_sweat_g_per_m2_h(m / area_m2, w_block / area_m2, t_block + temperature_shift,
                                            h_block, mean(air), mean(walk))[1]
            return rate, parts
        rate, parts = minute_sweat_g_per_m2_h(m / area_m2, w_block / area_m2, t_block + temperature_shift,
                                              h_block, mean(air), mean(walk))
        exercising = (moving_share > 0.5) & (m / met_w >= sw.FLOOR_MIN_MET)
        parts.at_floor = exercising & (rate < floor_g)
        rate = np.where(parts.at_floor, floor_g, rate)
        return rate, parts

    rate_g, parts = session_rate()
    litres_per_s = rate_g[block] * area_m2 / 1000.0 / 3600.0
    cumulative = np.cumsum(litres_per_s)
    total_l = float(cumulative[-1])
    moving_l = float(litres_per_s[moving].sum())
    moving_s = float(moving.sum())

    flags = [] if in_water else _domain_flags(parts, moving_share > 0.5, secs, temperature, air, moving)
    gap_min = float((gap & ~stops.in_recovery(grid)).sum()) / 60.0  # long stops have their own flag
    if gap_min >= 1.0:
        flags.append(f"{gap_min:.0f} min without records: moving gaps at the leg's median effort "
                     f"({float(moving_gap.sum()) / 60:.0f} min), the rest as standing rest")
    flags.extend(stops.flags())
    if in_water:
        flags.append(f"{sport.replace('_', ' ')}: in water the body loses its heat to the water, so sweat is taken from "
                     "swimmers' measured losses (Cox et al. 2002), not from the air's heat balance")
    elif sport in WATER_SPORTS:
        flags.append("on the water and often wet: the air-based heat balance may over-state sweat")
    if sport in TRANSITION_SPORTS:
        flags.append("transition: modelled as a few minutes of walking or jogging (3.5 METs), not the previous "
                     "leg's heart rate")
    if len(grid) / 3600.0 > sw.FITTED_DURATION_H:
        flags.append("longer than the 8 h the sweat equations were fitted on")

    missing_s = _unrecorded_timer_s(device_timer_s, moving_s)
    if missing_s > 0:
        # Records stop short of the device's own timer time (a truncated, salvaged file; a sensor
        # or memory drop-out): the unrecorded moving time sweats at the recorded moving rate.
        flags.append(f"records cover {moving_s / 60:.0f} of the session's {device_timer_s / 60:.0f} min of timer "
                     f"time: the other {missing_s / 60:.0f} min are estimated at the recorded rate")
        extra_l = moving_l / moving_s * missing_s
        total_l, moving_l, moving_s = total_l + extra_l, moving_l + extra_l, moving_s + missing_s
    counts = Counter(source[moving].tolist())
    log_sd = _leg_log_sd(session_rate, rate_g, secs, moving, counts, sport, env, in_water, gross_efficiency_known,
                         calibration)
    totals = sw.sweat_totals(total_l, moving_l, moving_s, athlete.body_mass_kg, calibration, flags=flags,
                             device_estimate_l=device_estimate_l, log_sd=log_sd, sex=athlete.sex)
    shares = {k: v / moving_s for k, v in counts.items()} if moving_s else {}
    dominant = max((s for s in INTENSITY_SOURCES if counts.get(s)), key=lambda s: counts[s], default=None)
    if dominant is None:
        dominant = str(intensity.source[0]) if n else "duration"
    mean_metabolic = float(metabolic[moving].mean()) if moving.any() else rest_w

    environment = EnvironmentSummary(
        temperature_c=float(temperature[moving].mean() if moving.any() else temperature.mean()),
        humidity_pct=float(env.humidity_pct if env.humidity_series is None
                           else np.mean(env.humidity_series[idx][moving] if moving.any() else env.humidity_series)),
        source=env.source,
        air_speed_m_per_s=float(air[moving].mean() if moving.any() else air.mean()),
        indoor=env.indoor, notes=tuple(env.notes), wind_speed_m_per_s=env.wind_speed_m_per_s,
        solar_radiation_w_per_m2=env.solar_radiation_w_per_m2, weather_provider=env.weather_provider,
    )
    intensity_summary = IntensitySummary(source=dominant, mean_metabolic_w=mean_metabolic, sources_share=shares)

    # per-record series for the charts
    rec_second = np.clip(np.searchsorted(grid, np.floor(t)), 0, len(grid) - 1)
    series = recs.copy()
    series["activity_s"] = rec_second.astype(float)  # time into the activity, long stops left out
    series["metabolic_w"] = intensity.metabolic_w
    series["external_work_w"] = intensity.external_work_w
    series["intensity_source"] = intensity.source
    series["air_temperature_c"] = env.temperature_c
    series["air_speed_m_per_s"] = air[rec_second]
    series["sweat_rate_l_per_h"] = rate_g[block[rec_second]] * area_m2 / 1000.0
    series["cumulative_sweat_l"] = cumulative[rec_second]
    return LegEstimate(environment, intensity_summary, totals, series, total_l=total_l, moving_l=moving_l,
                       moving_s=moving_s, elapsed_s=float(len(grid)),
                       metabolic_j_moving=float(metabolic[moving].sum()),
                       source_seconds={k: float(v) for k, v in counts.items()}, flags=flags, sport=sport)


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
            flags.append(f"records after {MAX_SPAN_S / 3600:.0f} h of activity ignored ({duration_text(self.truncated_s)}; "
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


def _unrecorded_timer_s(device_timer_s: float | None, moving_s: float) -> float:
    """Timer time the device counted (session ``total_timer_time``) that no record covers [s].

    0 unless the records miss more than :data:`UNRECORDED_SHARE` of it and at least 60 s, and
    there is some recorded moving time to take the rate from.
    """
    if device_timer_s is None or not device_timer_s > 0 or moving_s <= 0:
        return 0.0
    missing_s = device_timer_s - moving_s
    return missing_s if missing_s > max(UNRECORDED_SHARE * device_timer_s, 60.0) else 0.0


@dataclass
class MinuteParts:
    """Intermediate per-minute quantities of the heat balance (for flags, tests and charts)."""

    metabolic_w_per_m2: np.ndarray
    air_temperature_c: np.ndarray
    air_speed_m_per_s: np.ndarray
    required_evaporation_w_per_m2: np.ndarray
    max_evaporation_w_per_m2: np.ndarray
    regression_g_per_m2_h: np.ndarray
    required_sweat_g_per_m2_h: np.ndarray
    from_heat_balance: np.ndarray
    at_ceiling: np.ndarray
    capped_at_20c: np.ndarray
    capped_at_heat_balance: np.ndarray | None = None
    at_floor: np.ndarray | None = None


def minute_sweat_g_per_m2_h(metabolic_w_per_m2: np.ndarray, external_w_per_m2: np.ndarray, air_temperature_c: np.ndarray,
                            humidity_pct: float | np.ndarray, air_speed: np.ndarray,
                            walk_speed: np.ndarray) -> tuple[np.ndarray, MinuteParts]:
    """Sweat rate per time step [g·m⁻²·h⁻¹] from the per-area heat balance (see :mod:`.sweat`).

    The regression sees E_req and E_max at air speed and clothing permeability held inside its
    fitted domain; the heat-balance lower bound sees them at the real air speed. Below 20 °C the
    result is capped at what the same minute (same effort, clothing, air speed and relative
    humidity) gives at 20 °C with the 2009 form: Gonzalez et al. (2012) raise the cool-weather
    intercept because the 2009 form under-predicted cool conditions, but at the same effort and
    clothing colder air never makes the athlete sweatier, and the cap joins the two forms without
    a step at 20 °C. (Dressing for the cold, :func:`~.heat_balance.sports_clothing_clo`, can still
    make a cold session sweat as much as a mild one, as athletes in winter kit do.) Below 20 °C the
    rate is further held at the ISO 7933 required sweat plus the equation's published error
    (SEE 100 g·m⁻²·h⁻¹, Gonzalez et al. 2009): in cool air the 350 intercept of the cool form
    would otherwise dominate what the heat balance actually asks for.
    """
    metabolic = np.asarray(metabolic_w_per_m2, dtype=float)
    external = np.asarray(external_w_per_m2, dtype=float)
    air = np.asarray(air_speed, dtype=float)
    walk = np.asarray(walk_speed, dtype=float)
    t_a = np.asarray(air_temperature_c, dtype=float)
    clo = hb.sports_clothing_clo(t_a)
    rate, parts = _evaluate(metabolic, external, t_a, humidity_pct, air, walk, clo)
    cool = t_a < sw.COOL_FORM_BELOW_C
    parts.capped_at_heat_balance = np.zeros(np.shape(rate), dtype=bool)
    if cool.any():
        reference, _ = _evaluate(metabolic, external, np.where(cool, sw.COOL_FORM_BELOW_C, t_a), humidity_pct, air,
                                 walk, clo)
        capped = cool & (rate > reference)
        rate = np.where(capped, reference, rate)
        parts.capped_at_20c = capped
        # the heat balance's own requirement plus the equation's published error (Gonzalez 2009 SEE)
        limit = parts.required_sweat_g_per_m2_h + sw.GONZALEZ_SEE_G_PER_M2_H
        over = cool & (rate > limit)
        rate = np.where(over, limit, rate)
        parts.capped_at_heat_balance = over
    return rate, parts


def _evaluate(metabolic: np.ndarray, external: np.ndarray, t_a: np.ndarray, humidity_pct: float | np.ndarray,
              air: np.ndarray, walk: np.ndarray, clo: np.ndarray) -> tuple[np.ndarray, MinuteParts]:
    p_a = hb.vapour_pressure_kpa(t_a, humidity_pct)

    def balance(v: np.ndarray, max_permeability_ratio: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        i_t, i_m = hb.dynamic_clothing(clo, v, walk)
        if max_permeability_ratio is not None:
            i_m = np.minimum(i_m, max_permeability_ratio * i_t)
        t_sk = hb.skin_temperature_c(t_a, p_a, v, metabolic, clo)
        dry = hb.dry_heat_gain_w_per_m2(t_a, t_sk, i_t)
        e_req = hb.required_evaporation_w_per_m2(metabolic, external, dry)
        return e_req, hb.max_evaporation_w_per_m2(t_sk, p_a, i_t, i_m)

    e_req, e_max = balance(air)
    # the heat-balance bound follows ISO 7933 fully: breathing carries part of the heat away
    e_req = e_req - hb.respiratory_heat_loss_w_per_m2(metabolic, t_a, p_a)
    lo, hi = sw.FITTED_AIR_SPEED_M_PER_S
    # the regression sees the USARIEM E_req it was fitted with (no respiratory term), with air speed
    # and clothing permeability held inside the fitted domain
    e_req_c, e_max_c = balance(np.clip(air, lo, hi), sw.FITTED_MAX_PERMEABILITY_RATIO_PER_CLO)
    regression = sw.predicted_sweat_g_per_m2_h(e_req_c, e_max_c, t_a)
    required = sw.iso7933_required_sweat_g_per_m2_h(e_req, e_max)
    bounded = sw.bounded_sweat_g_per_m2_h(regression, required, e_req)
    parts = MinuteParts(metabolic, t_a, air, e_req, e_max, regression, required, bounded.from_heat_balance,
                        bounded.at_ceiling, np.zeros(len(np.atleast_1d(t_a)), dtype=bool))
    return bounded.rate_g_per_m2_h, parts


def _domain_flags(parts: MinuteParts, moving_block: np.ndarray, secs: np.ndarray, temperature: np.ndarray,
                  air: np.ndarray, moving: np.ndarray) -> list[str]:
    """Plain-language notes on where the session left the equations' fitted domain."""
    flags: list[str] = []
    if not moving.any():
        return flags
    weights = secs * moving_block
    total = weights.sum() or 1.0

    def share(mask: np.ndarray) -> float:
        return float((weights * mask).sum() / total)

    fast = float(np.mean(air[moving] > sw.FITTED_AIR_SPEED_M_PER_S[1]))
    if fast > 0.05:
        flags.append(f"relative air speed above the fitted 2.5 m/s for {fast:.0%} of moving time "
                     f"(up to {np.percentile(air[moving], 95):.1f} m/s): the regression was evaluated at 2.5 m/s")
    cold = float(np.mean(temperature[moving] < sw.FITTED_TEMPERATURE_C[0]))
    if cold > 0.05:
        flags.append(f"air below the fitted 15 °C for {cold:.0%} of moving time: cool-weather form "
                     "(Gonzalez 2012) with clothing assumed to match the weather")
    hot = float(np.mean(temperature[moving] > sw.FITTED_TEMPERATURE_C[1]))
    if hot > 0.05:
        flags.append(f"air above the fitted 46 °C for {hot:.0%} of moving time")
    intense = share(parts.metabolic_w_per_m2 > sw.FITTED_METABOLIC_W_PER_M2)
    if intense > 0.05:
        flags.append(f"metabolic rate above the fitted 450 W/m² for {intense:.0%} of moving time")
    bound = share(parts.from_heat_balance)
    if bound > 0.05:
        flags.append(f"heat-balance lower bound (ISO 7933 required sweat) set the rate for {bound:.0%} of moving "
                     "time, where the regression predicted less than the heat that must be evaporated")
    capped = share(parts.capped_at_heat_balance) if parts.capped_at_heat_balance is not None else 0.0
    if capped > 0.05:
        flags.append(f"cool air for {capped:.0%} of moving time: sweat held at what your body must shed as heat "
                     "(plus the equation's error), since the sweat equations were fitted in warmer air")
    floor = share(parts.at_floor) if parts.at_floor is not None else 0.0
    if floor > 0.05:
        flags.append(f"for {floor:.0%} of moving time the air carried your heat away without sweat in the model; "
                     "the lowest rate measured in athletes (3.3 mL per kg per hour, Baker 2016) was used instead")
    ceiling = share(parts.at_ceiling)
    if ceiling >= 0.01:
        flags.append(f"rate held at the {sw.SWEAT_CEILING_G_PER_M2_H:.0f} g/m²/h ceiling for {ceiling:.0%} of moving time")
    return flags


def _leg_log_sd(session_rate, rate_g: np.ndarray, secs: np.ndarray, moving: np.ndarray, counts: Counter,
                sport: str, env: ResolvedEnvironment, in_water: bool, gross_efficiency_known: bool,
                calibration: sw.Calibration | None) -> float:
    """The leg's log-scale SD of sweat (:func:`.sweat.range_log_sd`).

    Intensity: each source's SD of the metabolic rate (:data:`.sweat.INTENSITY_LOG_SD`), weighted by
    its share of moving time (root-mean-square), is pushed through the model by recomputing the
    sweat at ``M·e^±σ``. Temperature: the source's SD in °C
    (:data:`.environment.TEMPERATURE_UNCERTAINTY_C`) likewise, at ``T ± σ_T``. Equation: the
    published SEE at the leg's mean rate. Between athletes: Baker (2017) 35 %; in water the
    swimmers' wide spread (:data:`.sweat.IN_WATER_LOG_SD`) stands for equation and athlete both.
    """
    total = float((rate_g * secs).sum())
    if total <= 0:
        return sw.INTER_INDIVIDUAL_CV

    def spread(values_hi: np.ndarray, values_lo: np.ndarray) -> float:
        hi, lo = float((values_hi * secs).sum()), float((values_lo * secs).sum())
        if hi <= 0 or lo <= 0:  # a leg at the edge of sweating at all: take a factor of two
            return float(np.log(2.0))
        return min(abs(float(np.log(hi / lo))) / 2.0, float(np.log(2.0)))

    weights: dict[str, float] = {}
    for name, seconds in counts.items():
        key = name
        if name == "power" and not gross_efficiency_known:
            key = "power_default_ge"
        elif name == "speed" and sport in POWER_SPORTS:
            key = "speed_cycling"
        if key in sw.INTENSITY_LOG_SD:
            weights[key] = weights.get(key, 0.0) + seconds
    wsum = sum(weights.values())
    sigma_m = (float(np.sqrt(sum(w * sw.INTENSITY_LOG_SD[k] ** 2 for k, w in weights.items()) / wsum))
               if wsum else sw.INTENSITY_LOG_SD["duration"])
    intensity_sd = spread(session_rate(np.exp(sigma_m))[0], session_rate(np.exp(-sigma_m))[0])
    if in_water:
        temperature_sd, equation_sd, athlete_sd = 0.0, 0.0, sw.IN_WATER_LOG_SD
    else:
        d_t = env.uncertainty_c
        temperature_sd = spread(session_rate(1.0, d_t)[0], session_rate(1.0, -d_t)[0])
        moving_secs = float(secs.sum())
        equation_sd = sw.equation_log_sd(total / moving_secs if moving_secs else 0.0)
        athlete_sd = sw.INTER_INDIVIDUAL_CV
    return sw.range_log_sd(intensity_sd, temperature_sd, equation_sd, calibration, athlete_sd)


def _empty_leg(env: ResolvedEnvironment, athlete: Athlete, device_estimate_l: float | None) -> LegEstimate:
    totals = sw.sweat_totals(0.0, 0.0, 0.0, athlete.body_mass_kg, flags=["no records: nothing to estimate"],
                             device_estimate_l=device_estimate_l, sex=athlete.sex)
    environment = EnvironmentSummary(temperature_c=float(np.mean(env.temperature_c)) if len(env.temperature_c) else 0.0,
                                     humidity_pct=env.humidity_pct, source=env.source, air_speed_m_per_s=None,
                                     indoor=env.indoor, notes=tuple(env.notes))
    return LegEstimate(environment, IntensitySummary(source="duration", mean_metabolic_w=0.0), totals, pd.DataFrame())


def combine_legs(legs: list[LegEstimate], athlete: Athlete, calibration: sw.Calibration | None,
                 device_estimate_l: float | None) -> tuple[EnvironmentSummary, IntensitySummary, sw.SweatTotals]:
    """Whole-activity figures of a multisport file: sums of sweat, time-weighted means of the rest."""
    moving_s = sum(leg.moving_s for leg in legs)
    weights = [leg.moving_s or leg.elapsed_s for leg in legs]
    wsum = sum(weights) or 1.0
    longest = legs[int(np.argmax(weights))]
    env_sources = {leg.environment.source for leg in legs}
    environment = EnvironmentSummary(
        temperature_c=sum(w * leg.environment.temperature_c for w, leg in zip(weights, legs)) / wsum,
        humidity_pct=longest.environment.humidity_pct,
        source="override" if "override" in env_sources else longest.environment.source,
        air_speed_m_per_s=sum(w * (leg.environment.air_speed_m_per_s or 0.0) for w, leg in zip(weights, legs)) / wsum,
        indoor=all(leg.environment.indoor for leg in legs),
        notes=tuple(dict.fromkeys(n for leg in legs for n in leg.environment.notes)),
        wind_speed_m_per_s=longest.environment.wind_speed_m_per_s,
        solar_radiation_w_per_m2=longest.environment.solar_radiation_w_per_m2,
        weather_provider=longest.environment.weather_provider,
    )
    seconds: Counter[str] = Counter()
    for leg in legs:
        seconds.update(leg.source_seconds)
    dominant = max((s for s in INTENSITY_SOURCES if seconds.get(s)), key=lambda s: seconds[s], default="duration")
    mean_m = sum(leg.metabolic_j_moving for leg in legs) / moving_s if moving_s else 0.0
    intensity = IntensitySummary(source=dominant, mean_metabolic_w=mean_m,
                                 sources_share={k: v / moving_s for k, v in seconds.items()} if moving_s else {})
    flags = list(dict.fromkeys(f"{leg.sport}: {f}" for leg in legs for f in leg.flags))
    # the legs' SDs, weighted by their litres: their errors share athlete and devices (correlated)
    litres = sum(leg.total_l for leg in legs)
    log_sd = (sum(leg.total_l * leg.sweat.range_log_sd for leg in legs) / litres) if litres > 0 else None
    totals = sw.sweat_totals(litres, sum(leg.moving_l for leg in legs), moving_s,
                             athlete.body_mass_kg, calibration, flags=flags, device_estimate_l=device_estimate_l,
                             log_sd=log_sd, sex=athlete.sex)
    return environment, intensity, totals
