"""From a decoded activity (or a planned session) to an :class:`Analysis`.

The one place where the rooms meet: ``fit`` -> ``physiology`` -> ``advice``. Pure: no disk.
``Analysis.report`` is the SPEC JSON report; ``Analysis.series`` is the per-sample time series
(records plus the model's metabolic rate and cumulative sweat) that the report charts draw.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd

from pipeline.advice import advise, session_duration_s
from pipeline.config import Config
from pipeline.fit.models import Activity, Leg
from pipeline.inputs import WeatherOverride  # noqa: F401  (defined with the bounds it checks; re-exported)
from pipeline.physiology.athlete import Athlete, resolve_athlete
from pipeline.physiology.environment import WeatherInputs
from pipeline.physiology.estimate import LegEstimate, combine_legs, estimate_leg
from pipeline.physiology.planned import PlannedSession, planned_records
from pipeline.physiology.sweat import Calibration
from pipeline.report.blocks import environment_block, intensity_block, sweat_block
from pipeline.schema import LegBlock, Report
from pipeline.weather.models import WEATHER_COLUMNS, WeatherSamples


@dataclass
class Analysis:
    report: Report
    activity: Activity | None = None
    series: pd.DataFrame | None = None  # timestamp-indexed samples for charts (None for a plan)
    athlete: Athlete | None = None
    planned: PlannedSession | None = None  # the session `sweatline plan` was asked about (None for a FIT file)
    model_total_l: float | None = None  # the model's uncalibrated litres, unrounded (weigh-ins compare with it)


SERIES_COLUMNS = ("elapsed_s", "activity_s", "leg", "timer_active", "heart_rate_bpm", "power_w", "speed_m_per_s", "distance_m",
                  "altitude_m", "cadence_rpm", "device_temperature_c", "temperature_c", "metabolic_w",
                  "external_work_w", "intensity_source", "air_speed_m_per_s", "sweat_rate_l_per_h",
                  "cumulative_sweat_l")
"""``temperature_c`` is the air temperature the model used; the sensor's raw reading is
``device_temperature_c``. ``activity_s`` is time into the leg with long stops left out (what the
charts draw against: a 12-hour overnight stop is not 12 hours of empty chart)."""


def _weather(override: WeatherOverride | None, samples: WeatherSamples | None = None) -> WeatherInputs:
    service = samples.provider if samples is not None and samples.usable else None
    notes = tuple(samples.notes) if samples is not None else ()
    if override is None:
        return WeatherInputs(service=service, service_notes=notes)
    return WeatherInputs(temperature_c=override.temperature_c, humidity_pct=override.humidity_pct,
                         service=service, service_notes=notes)


def _with_weather(activity: Activity, samples: WeatherSamples | None) -> Activity:
    """The activity with the weather service's per-record values beside its records (issue #12)."""
    if samples is None or not samples.usable or samples.frame is None:
        return activity
    records = activity.records.drop(columns=[c for c in WEATHER_COLUMNS if c in activity.records.columns])
    return activity.model_copy(update={"records": records.join(samples.frame[list(WEATHER_COLUMNS)])})


def _leg_records(activity: Activity, leg: Leg, position: int, body_mass_kg: float) -> pd.DataFrame:
    """The records of one leg; a leg the file gives no records for is synthesised from its summary."""
    records = activity.records
    if len(activity.legs) == 1:
        frame = records
    else:
        frame = records[records["leg"] == leg.index] if "leg" in records else records.iloc[0:0]
        if frame.empty and "leg" in records:
            frame = records[records["leg"] == position]
    if frame.empty and leg.timer_s:
        speed_kmh = leg.distance_m / leg.timer_s * 3.6 if leg.distance_m else None
        plan = PlannedSession(leg.sport, float(leg.timer_s), speed_kmh=speed_kmh or None,
                              power_w=leg.avg_power if leg.sport == "cycling" else None,
                              heart_rate_bpm=leg.avg_heart_rate)
        frame = planned_records(plan, body_mass_kg)
    return frame


def _leg_calibration(calibration: Calibration | Mapping[str, Calibration | None] | None,
                     sport: str) -> Calibration | None:
    if isinstance(calibration, Mapping):
        return calibration.get(sport)
    return calibration


def _combined_calibration(estimates: list[LegEstimate]) -> Calibration | None:
    """One calibration for a multisport file whose legs each had their sport's factor (issue 13):
    the factor that turns the legs' summed model litres into their summed calibrated litres, the
    litre-weighted spread, and the weigh-ins behind the distinct calibrations."""
    model = sum(est.total_l for est in estimates)
    calibrated = sum(est.sweat.total_l for est in estimates)
    if not any(est.sweat.calibrated for est in estimates) or model <= 0:
        return None
    weights = [est.total_l / model for est in estimates]
    cv = sum(w * (est.sweat.calibration_cv or 0.0) for w, est in zip(weights, estimates))
    distinct = {(est.sweat.calibration_factor, est.sweat.calibration_n) for est in estimates if est.sweat.calibrated}
    return Calibration(factor=calibrated / model, cv=cv, n=sum(n or 0 for _, n in distinct))


def analyse_activity(activity: Activity, config: Config, override: WeatherOverride | None = None,
                     calibration: Calibration | Mapping[str, Calibration | None] | None = None,
                     weather: WeatherSamples | None = None) -> Analysis:
    """The analysis of one activity: environment, intensity and sweat (per leg for multisport).

    ``calibration`` is the athlete's personal factor from weigh-ins (``pipeline.physiology.calibration``):
    one for every leg, or one per leg sport (a mapping sport -> calibration, issue 13: a triathlon's
    swim, bike and run each with their own); without it the estimate is the model's, with the
    population range. ``weather``: what the weather service
    (:func:`pipeline.weather.weather_for_activity`) gave for this activity's records.
    """
    athlete = resolve_athlete(config.athlete, activity.profile)
    original = activity
    activity = _with_weather(activity, weather)
    weather_inputs = _weather(override, weather)
    device = " ".join(x for x in (activity.summary.device, activity.summary.manufacturer, activity.summary.product)
                      if x) or None
    estimates: list[LegEstimate] = []
    for position, leg in enumerate(activity.legs):
        device_l = leg.device_sweat_loss_ml / 1000.0 if leg.device_sweat_loss_ml is not None else None
        estimates.append(estimate_leg(
            _leg_records(activity, leg, position, athlete.body_mass_kg), leg.sport, leg.sub_sport, device, athlete, config.climate,
            weather_inputs, config.model.gross_efficiency, leg.calories_kcal, leg.timer_s, device_l,
            _leg_calibration(calibration, leg.sport),
            gross_efficiency_known=_gross_efficiency_known(config)))
    device_total_l = activity.device_sweat_loss_ml / 1000.0 if activity.device_sweat_loss_ml is not None else None
    if not estimates:
        return Analysis(report=Report(activity=activity.summary), activity=original, athlete=athlete)
    assumptions = athlete.assumptions()
    if len(estimates) == 1:
        only = estimates[0]
        environment, intensity, sweat = only.environment, only.intensity, only.sweat
        if device_total_l is not None and sweat.device_estimate_l is None:
            sweat = replace(sweat, device_estimate_l=device_total_l)
        legs = None
    else:
        combined = _combined_calibration(estimates) if isinstance(calibration, Mapping) else calibration
        environment, intensity, sweat = combine_legs(estimates, athlete, combined, device_total_l)
        legs = [LegBlock(index=leg.index, sport=leg.sport, sub_sport=leg.sub_sport, start_time=leg.start_time,
                         timer_s=leg.timer_s, distance_m=leg.distance_m, environment=environment_block(est.environment),
                         intensity=intensity_block(est.intensity), sweat=sweat_block(est.sweat, assumptions))
                for leg, est in zip(activity.legs, estimates)]
    report = Report(activity=activity.summary, environment=environment_block(environment),
                    intensity=intensity_block(intensity), sweat=sweat_block(sweat, assumptions), legs=legs)
    report = _with_plan_and_advice(report, config, athlete)
    return Analysis(report=report, activity=original, series=_series(estimates), athlete=athlete,
                    model_total_l=sweat.model_total_l)


def _gross_efficiency_known(config: Config) -> bool:
    """The config sets the rider's gross efficiency (not the 0.21 default): only the range's width uses it."""
    return "gross_efficiency" in config.model.model_fields_set


def analyse_plan(plan: PlannedSession, config: Config, override: WeatherOverride | None = None,
                 athlete_override: dict[str, float | str | None] | None = None,
                 calibration: Calibration | None = None) -> Analysis:
    """The same model for a session that has not happened (``sweatline plan``): no ``activity`` block."""
    athlete = resolve_athlete(config.athlete, None, athlete_override)
    records = planned_records(plan, athlete.body_mass_kg)
    estimate = estimate_leg(records, plan.sport, None, None, athlete, config.climate, _weather(override),
                            config.model.gross_efficiency, calibration=calibration,
                            gross_efficiency_known=_gross_efficiency_known(config))
    report = Report(environment=environment_block(estimate.environment), intensity=intensity_block(estimate.intensity),
                    sweat=sweat_block(estimate.sweat, athlete.assumptions()))
    report = _with_plan_and_advice(report, config, athlete, plan)
    return Analysis(report=report, athlete=athlete, planned=plan, model_total_l=estimate.sweat.model_total_l)


def _with_plan_and_advice(report: Report, config: Config, athlete: Athlete,
                          planned: PlannedSession | None = None) -> Report:
    """The advice room (issue #4): ``report.plan``, ``report.advice`` and ``report.disclaimer`` from the
    sweat estimate, the athlete's body mass and sex, the session's duration and the config's ``advice``."""
    duration_s = planned.duration_s if planned is not None else session_duration_s(report)
    return advise(report, duration_s=duration_s, body_mass_kg=athlete.body_mass_kg, sex=athlete.sex,
                  advice_config=config.advice, planned=planned is not None,
                  sport=planned.sport if planned is not None else None)


def _series(estimates: list[LegEstimate]) -> pd.DataFrame | None:
    """Per-record series of all legs, timestamp-indexed, cumulative sweat running across legs."""
    frames = []
    carried = 0.0
    activity_s = 0.0
    for est in estimates:
        if est.series.empty:
            continue
        frame = est.series.rename(columns={"temperature_c": "device_temperature_c",
                                           "air_temperature_c": "temperature_c"})
        frame["cumulative_sweat_l"] = frame["cumulative_sweat_l"] + carried
        carried = float(frame["cumulative_sweat_l"].iloc[-1])
        if "activity_s" in frame:  # legs follow each other in activity time
            frame["activity_s"] = frame["activity_s"] + activity_s
            activity_s += est.elapsed_s
        frames.append(frame)
    if not frames:
        return None
    series = pd.concat(frames, ignore_index=True)
    columns = [c for c in SERIES_COLUMNS if c in series.columns]
    return series.set_index(pd.DatetimeIndex(series["timestamp"], name="timestamp"))[columns]
