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
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from pipeline.core.config import ClimateConfig
from pipeline.core.notes import ModelNote, prefixed, temperature_c
from pipeline.core.schema import EnvironmentSource, IntensitySource
from pipeline.core.sports import sport_profile
from pipeline.physiology import heat_balance as hb
from pipeline.physiology import respiration as resp
from pipeline.physiology import sweat as sw
from pipeline.physiology.athlete import Athlete
from pipeline.physiology.environment import (
    ResolvedEnvironment,
    WeatherInputs,
    air_speed_m_per_s,
    resolve_environment,
    resolve_water_temperature,
)
from pipeline.physiology.intensity import (
    STANDING_REST_MET,
    compendium_met,
    met_to_metabolic_w,
    sample_intensity,
)
from pipeline.physiology.limits import MAX_ACTIVITY_S
from pipeline.physiology.minute import MinuteParts, domain_flags, minute_sweat_g_per_m2_h
from pipeline.physiology.timeline import (
    HOLD_S,
    MOVING_GAP_MIN_SPEED_M_PER_S,
    StopsLeftOut,
    kept_time,
    unrecorded_timer_s,
)

BLOCK_S = 60
INTENSITY_SOURCES: tuple[IntensitySource, ...] = ("power", "speed", "heart_rate", "device_calories", "duration")
MODEL_NAME = "Gonzalez 2009/2012 PW, bounded by ISO 7933 required sweat; USARIEM heat balance"


@dataclass(frozen=True)
class EnvironmentSummary:
    """The air a leg was modelled in (unrounded; moving-time means where the leg moved).

    ``temperature_c`` [°C], ``humidity_pct`` [%], ``air_speed_m_per_s`` [m·s⁻¹] relative to the
    athlete; ``source`` is ``override`` | ``weather`` | ``device`` | ``config``; ``notes`` in plain
    words. From the weather service, when it answered: its mean wind [m·s⁻¹] (shown, not
    modelled) and solar radiation [W·m⁻²] (modelled as a mean radiant temperature, see
    :mod:`.radiation`) and who answered (``weather_provider``). In water, the
    water temperature the swim was modelled at [°C].
    """

    temperature_c: float
    humidity_pct: float
    source: EnvironmentSource
    air_speed_m_per_s: float | None
    indoor: bool
    notes: tuple[str, ...] = ()
    wind_speed_m_per_s: float | None = None
    solar_radiation_w_per_m2: float | None = None
    weather_provider: str | None = None
    water_temperature_c: float | None = None


@dataclass(frozen=True)
class IntensitySummary:
    """How hard the leg was (unrounded): the dominant signal, the moving-time mean metabolic rate
    [W] and each signal's share of moving time (fractions summing to 1)."""

    source: IntensitySource
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
    activity_s: float = 0.0
    """The time the leg's total covers [s]: its time grid plus unrecorded timer time added back."""


@dataclass
class _Grid:
    """A leg's records on the 1-second grid (:func:`_on_grid`): per second, the record it takes,
    whether it is moving, recorded, a moving gap; metabolic rate and external work [W], the
    intensity source, air temperature [°C], speed and air speed [m·s⁻¹], walking speed for clothing."""

    stops: StopsLeftOut
    grid: np.ndarray
    idx: np.ndarray
    gap: np.ndarray
    moving_gap: np.ndarray
    recorded: np.ndarray
    moving: np.ndarray
    metabolic: np.ndarray
    external: np.ndarray
    source: np.ndarray
    temperature: np.ndarray
    speed: np.ndarray
    air: np.ndarray
    walk: np.ndarray
    rest_w: float
    sun: np.ndarray
    """Per second, the sun's mean radiant temperature above the air [K] (0: no sun modelled)."""


@dataclass
class _Blocks:
    """The 1-minute blocks (:func:`_minute_blocks`): block of each second, seconds per block, and
    per-block means of what the heat balance reads."""

    block: np.ndarray
    secs: np.ndarray
    moving_share: np.ndarray
    metabolic_w: np.ndarray
    external_w: np.ndarray
    temperature_c: np.ndarray
    humidity_pct: np.ndarray | float
    air_m_per_s: np.ndarray
    walk_m_per_s: np.ndarray
    swim_m_per_s: np.ndarray
    sun_k: np.ndarray


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
    load_kg: float = 0.0,
    clothing: str = "sports",
    planned: bool = False,
) -> LegEstimate:
    """The whole model for one leg's records (the canonical RECORD_COLUMNS DataFrame), in the steps
    the module docstring names: keep the time that counts (:func:`.timeline.kept_time`); the air
    (:func:`.environment.resolve_environment`) and, in water, the water temperature; the metabolic
    rate per record (:func:`.intensity.sample_intensity`, ``load_kg`` carried on foot); the
    1-second grid with pauses and gaps (:func:`_on_grid`); 1-minute blocks (:func:`_minute_blocks`)
    and their sweat (:func:`_block_rate`); breath water (:mod:`.respiration`); flags, totals and
    the range; the per-record series for the charts (:func:`_chart_series`).

    ``gross_efficiency_known``: the rider's GE was set (config), not the 0.21 default; only the
    width of the range depends on it. ``clothing``: ``sports`` (dressed for the weather) or
    ``uniform`` (:func:`.heat_balance.ensemble_clothing`). ``planned``: the records are a session
    that has not happened (``sweatline plan``, a course plan): every moving minute of it is exercise,
    so the exercise floor (Baker et al. 2016's lowest rate measured in athletes training or
    competing) holds whatever the metabolic rate the plan's effort gives. A recorded minute below
    :data:`.sweat.FLOOR_MIN_MET` is coasting or standing and is left to the heat balance; a plan has
    no such minutes to tell apart, only one effort the user chose for hours of moving.
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
    env = resolve_environment(recs, sport, sub_sport, device, climate, weather, planned=planned)
    if recs.empty:
        return _empty_leg(env, athlete, device_estimate_l)
    profile = sport_profile(sport)
    in_water = profile.in_water
    water = resolve_water_temperature(recs, sub_sport, weather) if in_water else None
    intensity = sample_intensity(recs, sport, athlete, gross_efficiency, device_kcal, device_timer_s, env.indoor,
                                 load_kg=load_kg)
    if profile.transition:  # the previous leg's heart rate lingers: the Compendium value instead
        transition_w = float(met_to_metabolic_w(compendium_met(sport), athlete.body_mass_kg))
        intensity = replace(intensity, metabolic_w=np.full(len(recs), transition_w),
                            external_work_w=np.zeros(len(recs)), source=np.full(len(recs), "duration", dtype=object))

    g = _on_grid(recs, intensity, stops, env, sport, athlete)
    b = _minute_blocks(g, env)
    area_m2 = float(hb.body_surface_area_m2(athlete.body_mass_kg, athlete.height_cm))
    met_w = float(met_to_metabolic_w(1.0, athlete.body_mass_kg))
    floor_g = sw.EXERCISE_FLOOR_ML_PER_KG_H * athlete.body_mass_kg / area_m2
    floor_min_met = 0.0 if planned else sw.FLOOR_MIN_MET

    def session_rate(metabolic_scale: float = 1.0, temperature_shift: float = 0.0) -> tuple[np.ndarray, MinuteParts]:
        """Per-minute rate [g·m⁻²·h⁻¹] at the leg's effort scaled and its air shifted (for the range)."""
        return _block_rate(b, area_m2, met_w, floor_g, athlete.sex, water[0] if water else None,
                           metabolic_scale, temperature_shift, clothing, floor_min_met)

    def session_rates(scenarios: list[tuple[float, float]]) -> list[np.ndarray]:
        """:func:`session_rate`'s rates for several ``(metabolic_scale, temperature_shift)`` at once:
        one evaluation of the model over the blocks repeated once a scenario (every step of the
        model is per minute, so each minute's rate is the one a separate evaluation gives)."""
        k, nb = len(scenarios), len(b.secs)
        stacked = _Blocks(**{f.name: np.tile(value, k) if isinstance(value, np.ndarray) and f.name != "block" else value
                             for f in fields(b) for value in (getattr(b, f.name),)})
        scales = np.repeat([scale for scale, _ in scenarios], nb)
        shifts = np.repeat([shift for _, shift in scenarios], nb)
        rate, _ = _block_rate(stacked, area_m2, met_w, floor_g, athlete.sex, water[0] if water else None,
                              scales, shifts, clothing, floor_min_met)
        return [rate[i * nb:(i + 1) * nb] for i in range(k)]

    rate_g, parts = session_rate()
    block = b.block
    litres_per_s = rate_g[block] * area_m2 / 1000.0 / 3600.0
    cumulative = np.cumsum(litres_per_s)
    total_l = float(cumulative[-1])
    moving_l = float(litres_per_s[g.moving].sum())
    moving_s = float(g.moving.sum())
    breath_l, fuel_l = _breath(b, env)

    flags = [] if in_water else domain_flags(parts, b.moving_share > 0.5, b.secs, g.temperature, g.air, g.moving, g.speed)
    flags += _leg_flags(g, stops, sport, water)

    # a stop left out (no records and no distance: two signals against the running timer alone) is not
    # unrecorded moving time: the timer's count of it is not added back
    missing_s = unrecorded_timer_s(device_timer_s, moving_s + stops.left_out_s + stops.truncated_s
                                   + sum(hi - lo + 1.0 for lo, hi in stops.recovery))
    # the timer's claim is bounded like the records: no more than the longest activity, all told
    missing_s = min(missing_s, max(MAX_ACTIVITY_S - float(len(g.grid)), 0.0))
    if missing_s > 0 and device_timer_s is not None:  # a positive missing_s implies a device timer
        # Records stop short of the device's own timer time (a truncated, salvaged file; a sensor
        # or memory drop-out): the unrecorded moving time sweats at the recorded moving rate.
        flags.append(f"records cover {moving_s / 60:.0f} of the session's {device_timer_s / 60:.0f} min of timer "
                     f"time: the other {missing_s / 60:.0f} min are estimated at the recorded rate")
        extra_l = moving_l / moving_s * missing_s
        scale = (moving_s + missing_s) / moving_s
        breath_l, fuel_l = breath_l * scale, fuel_l * scale
        total_l, moving_l, moving_s = total_l + extra_l, moving_l + extra_l, moving_s + missing_s
    counts = Counter(g.source[g.moving].tolist())
    log_sd = _leg_log_sd(session_rates, rate_g, b.secs, g.moving, counts, sport, env, in_water, gross_efficiency_known,
                         calibration)
    activity_s = float(len(g.grid)) + max(missing_s, 0.0)
    totals = sw.sweat_totals(total_l, moving_l, moving_s, athlete.body_mass_kg, calibration, flags=flags,
                             device_estimate_l=device_estimate_l, log_sd=log_sd, sex=athlete.sex,
                             respiratory_water_l=breath_l, metabolic_mass_l=fuel_l,
                             sodium_mmol_per_l=athlete.sweat_sodium_mmol_per_l, activity_s=activity_s)
    shares = {k: v / moving_s for k, v in counts.items()} if moving_s else {}
    dominant = max((s for s in INTENSITY_SOURCES if counts.get(s)), key=lambda s: counts[s], default=None)
    if dominant is None:  # no moving record: the first record's source
        first = str(intensity.source[0]) if len(recs) else "duration"
        dominant = first if first in INTENSITY_SOURCES else "duration"
    moving = g.moving
    mean_metabolic = float(g.metabolic[moving].mean()) if moving.any() else g.rest_w

    notes = tuple(env.notes) + ((water[1],) if water else ())
    environment = EnvironmentSummary(
        temperature_c=float(g.temperature[moving].mean() if moving.any() else g.temperature.mean()),
        humidity_pct=float(env.humidity_pct if env.humidity_series is None
                           else np.mean(env.humidity_series[g.idx][moving] if moving.any() else env.humidity_series)),
        source=env.source,
        air_speed_m_per_s=float(g.air[moving].mean() if moving.any() else g.air.mean()),
        indoor=env.indoor, notes=notes, wind_speed_m_per_s=env.wind_speed_m_per_s,
        solar_radiation_w_per_m2=env.solar_radiation_w_per_m2, weather_provider=env.weather_provider,
        water_temperature_c=water[0] if water else None,
    )
    intensity_summary = IntensitySummary(source=dominant, mean_metabolic_w=mean_metabolic, sources_share=shares)
    series = _chart_series(recs, intensity, env, g, block, rate_g, cumulative, area_m2, totals)
    return LegEstimate(environment, intensity_summary, totals, series, total_l=total_l, moving_l=moving_l,
                       moving_s=moving_s, elapsed_s=float(len(g.grid)), activity_s=activity_s,
                       metabolic_j_moving=float(g.metabolic[moving].sum()),
                       source_seconds={k: float(v) for k, v in counts.items()}, flags=flags, sport=sport)


def _on_grid(recs: pd.DataFrame, intensity, stops: StopsLeftOut, env: ResolvedEnvironment, sport: str,
             athlete: Athlete) -> _Grid:
    """Each kept second takes the last record at or before it, for at most :data:`.timeline.HOLD_S`;
    beyond is a gap: moving at the leg's median effort when the timer ran and distance was covered at
    walking pace or faster, else a pause at standing rest in still air."""
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
    speed = np.where(recorded, intensity.speed_m_per_s[idx], np.nan)
    air = air_speed_m_per_s(speed, moving, sport, env.indoor)
    walk = np.where(moving & sport_profile(sport).on_foot, np.nan_to_num(speed, nan=1.0), 0.0)
    sun = env.radiant_excess_k[idx] if env.radiant_excess_k is not None else np.zeros(len(grid))
    return _Grid(stops, grid, idx, gap, moving_gap, recorded, moving, metabolic, external, source,
                 env.temperature_c[idx], speed, air, walk, rest_w, sun)


def _minute_blocks(g: _Grid, env: ResolvedEnvironment) -> _Blocks:
    """Means over 1-minute blocks (a block never straddles a stop left out); humidity per block where
    the weather service gave it per record, else the one figure."""
    block = g.stops.blocks(BLOCK_S)
    nb = int(block[-1]) + 1
    secs = np.bincount(block, minlength=nb).astype(float)

    def mean(values: np.ndarray) -> np.ndarray:
        return np.bincount(block, weights=values, minlength=nb) / secs

    humidity = env.humidity_pct if env.humidity_series is None else mean(env.humidity_series[g.idx])
    swim = mean(np.nan_to_num(np.where(g.moving, g.speed, 0.0)))
    known = mean((g.moving & ~np.isnan(g.speed) & (np.nan_to_num(g.speed) > 0)).astype(float)) > 0.5
    return _Blocks(block, secs, mean(g.moving.astype(float)), mean(g.metabolic), mean(g.external),
                   mean(g.temperature), humidity, mean(g.air), mean(g.walk), np.where(known, swim, np.nan),
                   mean(g.sun))


def _block_rate(b: _Blocks, area_m2: float, met_w: float, floor_g: float, sex: str | None,
                water_temperature_c: float | None, metabolic_scale: float | np.ndarray = 1.0,
                temperature_shift: float | np.ndarray = 0.0, clothing: str = "sports",
                floor_min_met: float = sw.FLOOR_MIN_MET) -> tuple[np.ndarray, MinuteParts]:
    """Sweat per block [g·m⁻²·h⁻¹]: in water from swimmers' measured losses at the water temperature
    (:func:`.sweat.in_water_sweat_l_per_h`); in air the heat balance (:func:`.minute.minute_sweat_g_per_m2_h`)
    with the exercise floor (Baker et al. 2016's lowest measured rate) for moving minutes at
    ``floor_min_met`` or more (2 METs, :data:`.sweat.FLOOR_MIN_MET`, for a recording; 0 for a plan)."""
    m = b.metabolic_w * metabolic_scale
    rate, parts = minute_sweat_g_per_m2_h(m / area_m2, b.external_w / area_m2, b.temperature_c + temperature_shift,
                                          b.humidity_pct, b.air_m_per_s, b.walk_m_per_s, clothing, b.sun_k)
    if water_temperature_c is not None:
        litres_h = sw.in_water_sweat_l_per_h(b.swim_m_per_s * metabolic_scale, m / met_w, sex, water_temperature_c)
        return np.where(b.moving_share > 0.5, litres_h * 1000.0 / area_m2, 0.0), parts
    exercising = (b.moving_share > 0.5) & (m / met_w >= floor_min_met)
    parts.at_floor = exercising & (rate < floor_g)
    return np.where(parts.at_floor, floor_g, rate), parts


def _breath(b: _Blocks, env: ResolvedEnvironment) -> tuple[float, float]:
    """Water breathed out and fuel mass burned over the leg [L ≈ kg] (:mod:`.respiration`), from each
    block's metabolic rate and the air's vapour pressure (a swimmer breathes the air above the water)."""
    vapour = hb.vapour_pressure_kpa(b.temperature_c, b.humidity_pct)
    hours = b.secs / 3600.0
    breath = float((resp.respiratory_water_g_per_h(b.metabolic_w, vapour) * hours).sum()) / 1000.0
    fuel = float((resp.metabolic_mass_loss_g_per_h(b.metabolic_w) * hours).sum()) / 1000.0
    return breath, fuel


def _leg_flags(g: _Grid, stops: StopsLeftOut, sport: str, water: tuple[float, str] | None) -> list[str]:
    """Gaps, stops, water and transition notes, and a leg longer than the equations' fitted 8 h."""
    profile = sport_profile(sport)
    flags: list[str] = []
    gap_min = float((g.gap & ~stops.in_recovery(g.grid)).sum()) / 60.0  # long stops have their own flag
    if gap_min >= 1.0:
        flags.append(f"{gap_min:.0f} min without records: moving gaps at the leg's median effort "
                     f"({float(g.moving_gap.sum()) / 60:.0f} min), the rest as standing rest")
    flags.extend(stops.flags())
    if water is not None:
        water_c = temperature_c(water[0])
        flags.append(ModelNote("{sport}: in water the body loses its heat to the water, so sweat is taken from "
                               "swimmers' measured losses (Cox et al. 2002) at {water:g} water (Macaluso et al. 2011), "
                               "not from the air's heat balance", sport=sport.replace('_', ' '), water=water_c))
        low_c, high_c = sw.WATER_TEMPERATURE_RANGE_C
        if not low_c <= water[0] <= high_c:
            edge = high_c if water[0] > high_c else low_c
            flags.append(ModelNote("{water:g} water is outside the {range:g} the water-temperature effect was "
                                   "measured over (Macaluso et al. 2011): sweat is taken as at {edge:g}",
                                   water=water_c, range=temperature_c(low_c, high_c), edge=temperature_c(edge)))
        if water[0] > sw.HOT_WATER_C:
            flags.append(ModelNote("warning: {water:g} water is warmer than the {hot:g} allowed for open-water "
                                   "races (FINA rule OWS 5.5): in water this warm the body can hardly lose heat, so "
                                   "swim easy, keep it short and get out at the first sign of overheating",
                                   water=water_c, hot=temperature_c(sw.HOT_WATER_C)))
    elif profile.medium == "on_water":
        flags.append("on the water and often wet: the air-based heat balance may over-state sweat")
    if profile.transition:
        flags.append(f"transition: modelled as a few minutes of walking or jogging ({profile.met:g} METs), not the previous "
                     "leg's heart rate")
    if len(g.grid) / 3600.0 > sw.FITTED_DURATION_H:
        flags.append("longer than the 8 h the sweat equations were fitted on")
    return flags


def _chart_series(recs: pd.DataFrame, intensity, env: ResolvedEnvironment, g: _Grid, block: np.ndarray,
                  rate_g: np.ndarray, cumulative: np.ndarray, area_m2: float, totals: sw.SweatTotals) -> pd.DataFrame:
    """Per-record series for the charts. The curve ends where the leg's headline total does: the
    model's per-second litres scaled by what :func:`.sweat.sweat_totals` adds (the weigh-in
    calibration factor; unrecorded timer time at the recorded rate), so a calibrated report's chart
    and its text give one figure."""
    t = recs["elapsed_s"].to_numpy(dtype=float)
    rec_second = np.clip(np.searchsorted(g.grid, np.floor(t)), 0, len(g.grid) - 1)
    end_l = float(cumulative[-1]) if len(cumulative) else 0.0
    factor = totals.calibration_factor if totals.calibration_factor is not None else 1.0
    added = {
        "activity_s": rec_second.astype(float),  # time into the activity, long stops left out
        "metabolic_w": intensity.metabolic_w,
        "external_work_w": intensity.external_work_w,
        "intensity_source": intensity.source,
        "air_temperature_c": env.temperature_c,
        "air_speed_m_per_s": g.air[rec_second],
        "sweat_rate_l_per_h": rate_g[block[rec_second]] * area_m2 / 1000.0 * factor,
        "cumulative_sweat_l": cumulative[rec_second] * (totals.total_l / end_l if end_l > 0 else 1.0),
    }
    if recs.columns.intersection(list(added)).empty:  # the usual case: one frame of the new columns, joined once
        return pd.concat([recs, pd.DataFrame(added, index=recs.index)], axis=1)
    series = recs.copy()  # a column to replace in place (where it stands)
    for name, values in added.items():
        series[name] = values
    return series


def _leg_log_sd(session_rates, rate_g: np.ndarray, secs: np.ndarray, moving: np.ndarray, counts: Counter,
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
        elif name == "speed" and sport_profile(sport).pedalled:
            key = "speed_cycling"
        if key in sw.INTENSITY_LOG_SD:
            weights[key] = weights.get(key, 0.0) + seconds
    wsum = sum(weights.values())
    sigma_m = (float(np.sqrt(sum(w * sw.INTENSITY_LOG_SD[k] ** 2 for k, w in weights.items()) / wsum))
               if wsum else sw.INTENSITY_LOG_SD["duration"])
    scenarios = [(float(np.exp(sigma_m)), 0.0), (float(np.exp(-sigma_m)), 0.0)]
    if not in_water:
        scenarios += [(1.0, env.uncertainty_c), (1.0, -env.uncertainty_c)]
    rates = session_rates(scenarios)  # the model evaluated once for all of them
    intensity_sd = spread(rates[0], rates[1])
    if in_water:
        temperature_sd, equation_sd, athlete_sd = 0.0, 0.0, sw.IN_WATER_LOG_SD
    else:
        temperature_sd = spread(rates[2], rates[3])
        moving_secs = float(secs.sum())
        equation_sd = sw.equation_log_sd(total / moving_secs if moving_secs else 0.0)
        athlete_sd = sw.INTER_INDIVIDUAL_CV
    return sw.range_log_sd(intensity_sd, temperature_sd, equation_sd, calibration, athlete_sd)


def _empty_leg(env: ResolvedEnvironment, athlete: Athlete, device_estimate_l: float | None) -> LegEstimate:
    totals = sw.sweat_totals(0.0, 0.0, 0.0, athlete.body_mass_kg, flags=["no records: nothing to estimate"],
                             device_estimate_l=device_estimate_l, sex=athlete.sex,
                             sodium_mmol_per_l=athlete.sweat_sodium_mmol_per_l)
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
    dominant: IntensitySource = max((s for s in INTENSITY_SOURCES if seconds.get(s)), key=lambda s: seconds[s],
                                    default="duration")
    mean_m = sum(leg.metabolic_j_moving for leg in legs) / moving_s if moving_s else 0.0
    intensity = IntensitySummary(source=dominant, mean_metabolic_w=mean_m,
                                 sources_share={k: v / moving_s for k, v in seconds.items()} if moving_s else {})
    flags = list(dict.fromkeys(prefixed(f"{leg.sport}: ", f) for leg in legs for f in leg.flags))
    # the legs' SDs, weighted by their litres: their errors share athlete and devices (correlated)
    litres = sum(leg.total_l for leg in legs)
    log_sd = (sum(leg.total_l * leg.sweat.range_log_sd for leg in legs) / litres) if litres > 0 else None
    totals = sw.sweat_totals(litres, sum(leg.moving_l for leg in legs), moving_s,
                             athlete.body_mass_kg, calibration, flags=flags, device_estimate_l=device_estimate_l,
                             log_sd=log_sd, sex=athlete.sex,
                             respiratory_water_l=sum(leg.sweat.respiratory_water_l for leg in legs),
                             metabolic_mass_l=sum(leg.sweat.metabolic_mass_l for leg in legs),
                             sodium_mmol_per_l=athlete.sweat_sodium_mmol_per_l,
                             activity_s=sum(leg.activity_s or leg.elapsed_s for leg in legs))
    return environment, intensity, totals
