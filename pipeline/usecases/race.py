"""A race on a course that has not happened yet (``sweatline plan --course ROUTE --start WHEN``).

The steps, each in its room:

1. the route (:func:`pipeline.fit.course.read_course`: a FIT course or a GPX route/track);
2. one steady effort from what was asked — power, level speed, heart rate, or the finish time it
   must give — and the speed on every 50 m of the route from the sport's published model on that
   gradient (:mod:`pipeline.physiology.pacing`: Martin et al. 1998 on a bike, Minetti et al. 2002 on
   foot), cut into segments of about 5 min or 2 km;
3. the weather where and when the athlete will be (:func:`pipeline.weather.service.weather_for_plan`:
   the forecast, else climatology; ``--temp``/``--humidity`` override);
4. the same sweat model as a recorded session (:func:`pipeline.physiology.estimate.estimate_leg`)
   over records synthesised along the paced course, so each segment's sweat follows its own
   effort, air speed and weather;
5. the drinking plan of any session (:func:`pipeline.advice.advise`) and, segment by segment, what
   to drink, the sodium with it and the carbohydrate (:mod:`pipeline.advice.race`).

Pure except for the weather service's network and cache reads (the ``data_dir`` given).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

import numpy as np
import pandas as pd

from pipeline.advice import advise
from pipeline.advice.race import Segment, bottles, carbohydrate_g_per_h, timeline
from pipeline.core.config import Config
from pipeline.core.errors import InvalidValue, UsageError
from pipeline.core.inputs import WeatherOverride
from pipeline.core.schema import Report
from pipeline.core.sports import sport_profile
from pipeline.core.units import Units
from pipeline.fit.course import Course
from pipeline.physiology.athlete import check_planned_heart_rate, resolve_athlete
from pipeline.physiology.effort_limits import (
    HOUR,
    HOUR_RECORD_M,
    check_cycling_speed,
    check_power,
    check_running_speed,
    slow_ride_note,
)
from pipeline.physiology.environment import WeatherInputs
from pipeline.physiology.estimate import estimate_leg
from pipeline.physiology.intensity import STANDING_REST_MET, heart_rate_metabolic_w, met_to_metabolic_w
from pipeline.physiology.pacing import (
    Effort,
    Pace,
    course_records,
    effort_for_finish,
    pace_course,
    route_steps,
    segments,
)
from pipeline.physiology.sweat import Calibration
from pipeline.report.analysis import Analysis
from pipeline.report.blocks import environment_block, intensity_block, sweat_block
from pipeline.weather.models import WEATHER_COLUMNS, WeatherSamples


@dataclass(frozen=True)
class RaceRequest:
    """What ``plan --course`` was asked: the sport, the start (tz-aware), exactly one of power [W],
    level speed [m/s], heart rate [bpm] or finish time [s], the aid points [m from the start], and
    the sun if typed (``solar_w_m2`` [W/m²] at ``sun_elevation_deg`` [°]: beats the forecast's), and the
    load carried [kg] walking or hiking (the Load Carriage Decision Aid's cost, Looney et al. 2019)."""

    sport: str
    start: datetime
    power_w: float | None = None
    speed_m_per_s: float | None = None
    heart_rate_bpm: float | None = None
    finish_s: float | None = None
    aid_m: tuple[float, ...] = ()
    solar_w_m2: float | None = None
    sun_elevation_deg: float | None = None
    load_kg: float = 0.0


@dataclass
class RacePlan:
    """The answer: the report (its ``plan`` with the timeline), the paced course and its segments,
    the weather samples and the analysis the reports render."""

    analysis: Analysis
    course: Course
    request: RaceRequest
    pace: Pace
    segments: pd.DataFrame
    series: pd.DataFrame
    weather: WeatherSamples | None

    @property
    def report(self) -> Report:
        return self.analysis.report


def _effort(request: RaceRequest, steps: pd.DataFrame, mass_kg: float, athlete, gross_efficiency: float) -> Effort:
    profile = sport_profile(request.sport)
    pedalled, walking = profile.pedalled, profile.gait == "walk"
    if not (pedalled or profile.on_foot):
        raise InvalidValue("sport", f"{request.sport}: a course is planned for cycling, running, walking or hiking")
    if request.finish_s is not None:
        return effort_for_finish(steps, request.finish_s, pedalled, mass_kg, walking)
    if request.power_w is not None:
        if not pedalled:
            raise InvalidValue("power_w", f"is used for cycling only; for {request.sport} give a speed or a heart rate")
        return Effort(True, request.power_w)
    if request.speed_m_per_s is not None:
        return Effort.from_level_speed(pedalled, request.speed_m_per_s, mass_kg, walking)
    if request.heart_rate_bpm is not None:
        check_planned_heart_rate(request.heart_rate_bpm, athlete)
        metabolic_w = float(heart_rate_metabolic_w(request.heart_rate_bpm, athlete))
        if pedalled:  # mechanical power = metabolic rate × gross efficiency (Ettema & Lorås 2009)
            return Effort(True, metabolic_w * gross_efficiency)
        rest_w = float(met_to_metabolic_w(STANDING_REST_MET, athlete.body_mass_kg))
        # Minetti's costs are net of standing, per kg moved: a load is moved too (Pandolf et al. 1977's
        # walking cost grows with body mass + load), so the same heart rate walks a laden hiker slower
        net = (metabolic_w - rest_w) / (athlete.body_mass_kg + request.load_kg)
        if net <= 0:
            raise InvalidValue("heart_rate_bpm", f"{request.heart_rate_bpm:g} bpm is no effort above standing")
        return Effort(False, net, walking)
    raise InvalidValue("intensity", "give one of --power, --speed, --hr or --finish")


def _check_effort(request: RaceRequest, course: Course, pace: Pace, athlete) -> None:
    """Refuse a race effort no human has held for the time the course takes at it
    (:mod:`pipeline.physiology.effort_limits`): on a bike the steady power (given, or solved for a
    level speed or a finish time) and the average speed; on foot the average running speed."""
    field = ("finish_s" if request.finish_s is not None else "speed_kmh" if request.speed_m_per_s is not None
             else "heart_rate_bpm" if request.heart_rate_bpm is not None else "power_w")
    what = {"finish_s": " (what that finish time takes)", "speed_kmh": " (what that level speed takes)",
            "heart_rate_bpm": " (what that heart rate gives)"}.get(field, "")
    # a finish time is the duration asked for: the bisection's pace lands a hair under or over it, and
    # a 59:59.9 min effort must meet the 1-h bound, not the 5-min one
    duration_s = request.finish_s if request.finish_s is not None else pace.total_s
    average = course.distance_m / duration_s if duration_s > 0 else 0.0
    profile = sport_profile(request.sport)
    if pace.effort.pedalled:
        check_power(pace.effort.value, duration_s, athlete.body_mass_kg, athlete.sex, field, what)
        if duration_s >= HOUR and average > HOUR_RECORD_M / HOUR:
            check_cycling_speed(average, duration_s, athlete.body_mass_kg, athlete.sex, field)
    elif profile.gait == "run":
        check_running_speed(average, duration_s, field, what="on average ")


def segment_sweat(series: pd.DataFrame, cuts: pd.DataFrame) -> np.ndarray:
    """Each segment's sweat [L]: the model's cumulative sweat at its end minus at its start
    (linear in elapsed time between records)."""
    t = series["elapsed_s"].to_numpy(float)
    cumulative = series["cumulative_sweat_l"].to_numpy(float)
    return np.interp(cuts["end_s"].to_numpy(float), t, cumulative) - np.interp(cuts["start_s"].to_numpy(float), t,
                                                                                cumulative)


def _segment_mean(series: pd.DataFrame, column: str, cuts: pd.DataFrame, fallback: float) -> np.ndarray:
    t = series["elapsed_s"].to_numpy(float)
    values = pd.to_numeric(series[column], errors="coerce").to_numpy(float) if column in series else np.full(len(t), fallback)
    out = []
    for lo, hi in zip(cuts["start_s"], cuts["end_s"]):
        inside = (t >= lo) & (t <= hi) & np.isfinite(values)
        out.append(float(values[inside].mean()) if inside.any() else
                   float(np.interp((lo + hi) / 2.0, t[np.isfinite(values)], values[np.isfinite(values)]))
                   if np.isfinite(values).any() else fallback)
    return np.array(out)


def plan_course(course: Course, request: RaceRequest, config: Config, *, override: WeatherOverride | None = None,
                athlete_override: Mapping[str, float | str | None] | None = None,
                calibration: Calibration | None = None, data_dir: Path | None = None,
                now: datetime | None = None) -> RacePlan:
    """The race plan of ``course`` for ``request`` (the module docstring's steps). Raises
    :class:`~pipeline.core.errors.InvalidValue` for an effort the course cannot be covered at, and
    :class:`~pipeline.core.errors.UsageError` for an ``--aid-km`` point beyond the course's end (silently
    dropped, it would leave a plan counting on water that is not there)."""
    from pipeline.weather.service import weather_for_plan

    beyond = [a for a in request.aid_m if a > course.distance_m]
    if beyond:
        raise UsageError("--aid-km", f"{beyond[0] / 1000:g} km is beyond the course's end at "
                                     f"{course.distance_m / 1000:.1f} km")

    athlete = resolve_athlete(config.athlete, None, dict(athlete_override or {}))
    profile = sport_profile(request.sport)
    steps = route_steps(course.points, profile.pedalled)
    effort = _effort(request, steps, athlete.body_mass_kg, athlete, config.model.gross_efficiency)
    pace = pace_course(steps, effort, athlete.body_mass_kg)
    if pace.total_s > 48 * 3600.0:
        raise InvalidValue("intensity", f"at that effort the course takes {pace.total_s / 3600:.1f} h: more than 48 "
                           "hours is not one session")
    _check_effort(request, course, pace, athlete)
    cuts = segments(pace)
    start_utc = pd.Timestamp(request.start).tz_convert("UTC")
    records = course_records(pace, start_utc)
    if request.heart_rate_bpm is not None:
        records["heart_rate_bpm"] = float(request.heart_rate_bpm)

    override = override or WeatherOverride()
    samples: WeatherSamples | None = None
    if override.temperature_c is None or override.humidity_pct is None:
        samples = weather_for_plan(records, config.weather, data_dir if data_dir is not None else config.data_dir,
                                   now=now)
        if samples.usable and samples.frame is not None:
            records = records.join(samples.frame[list(WEATHER_COLUMNS)])
    service = samples.provider if samples is not None and samples.usable else None
    weather = WeatherInputs(temperature_c=override.temperature_c, humidity_pct=override.humidity_pct, service=service,
                            service_notes=tuple(samples.notes) if samples is not None else (),
                            solar_w_m2=request.solar_w_m2, sun_elevation_deg=request.sun_elevation_deg,
                            sky_unknown_assumed=True)
    estimate = estimate_leg(records, request.sport, None, None, athlete, config.climate, weather,
                            config.model.gross_efficiency, calibration=calibration,
                            gross_efficiency_known="gross_efficiency" in config.model.model_fields_set,
                            load_kg=request.load_kg, planned=True)
    environment = environment_block(estimate.environment)
    source = environment.source
    if source == "weather" and samples is not None and samples.dataset in ("forecast", "climatology"):
        environment = environment.model_copy(update={"source": samples.dataset})
    report = Report(environment=environment, intensity=intensity_block(estimate.intensity),
                    sweat=sweat_block(estimate.sweat, athlete.assumptions()))
    advise(report, duration_s=pace.total_s, body_mass_kg=athlete.body_mass_kg, sex=athlete.sex,
           advice_config=config.advice, planned=True, sport=request.sport)
    series = estimate.series
    course_keys = _course_plan(report, series, cuts, course, request, config, pace, estimate.intensity.mean_metabolic_w,
                               start_utc, environment.source)
    if course_keys is not None:  # the session's bottles are the course's: those carried at once, refilled at its water
        advise(report, duration_s=pace.total_s, body_mass_kg=athlete.body_mass_kg, sex=athlete.sex,
               advice_config=config.advice, planned=True, sport=request.sport,
               carry_bottles=course_keys["start_bottles"], water_points=len(course_keys["refills"]))
        _add_course(report, course_keys, config)
    slow = (slow_ride_note(course.distance_m / request.finish_s, request.finish_s)
            if request.finish_s and pace.effort.pedalled else None)
    if slow is not None and report.environment is not None:
        report.environment.notes.append(slow)
    if not course.has_elevation and report.environment is not None:
        report.environment.notes.append(NO_ELEVATION_NOTE)
    analysis = Analysis(report=report, athlete=athlete, model_total_l=estimate.sweat.model_total_l,
                        display=_display(config))
    return RacePlan(analysis, course, request, pace, cuts, series, samples)


NO_ELEVATION_NOTE = ("The course file gives no elevation: it was planned as flat, with no climbs or descents; "
                     "export the route with elevation (most route planners can) for a plan that paces them")


def drink_marks(plan: RacePlan, units: Units = "metric") -> list:
    """The planned drinks and feeds as course points (:func:`pipeline.advice.race.stops`: every 15–20
    min, none in the last 10 min): a ``water`` point "Drink 120 mL" ("Drink 4.1 fl oz" in imperial
    ``units``) and a ``food`` point "Eat 25 g carbs" where each is due, sized to the planned rates."""
    from pipeline.advice.race import stops
    from pipeline.core.units import reader
    from pipeline.fit.course_export import Mark

    r = reader(units)
    timeline_ = plan.report.plan.timeline if plan.report.plan is not None else None
    marks = []
    for stop in stops(timeline_ or []):
        if stop.drink_ml > 0:
            marks.append(Mark(stop.distance_m, "water", f"Drink {r.volume_ml(stop.drink_ml)}"))
        if stop.carbohydrate_g >= 1:
            marks.append(Mark(stop.distance_m, "food", f"Eat {stop.carbohydrate_g:.0f} g carbs"))
    return marks


def export_fit(path: Path, plan: RacePlan, units: Units = "metric") -> Path:
    """Write the course with its planned drinks and feeds (:func:`drink_marks`, named in ``units``)
    and the route's own course points as a FIT course file at ``path``
    (:func:`pipeline.fit.course_export.encode_course`), through a temporary file renamed into place.
    Raises OSError when it cannot be written."""
    from pipeline.fit.course_export import Mark, encode_course
    from pipeline.store.files import atomic_write_bytes

    steps = plan.pace.steps
    last = steps.iloc[-1]
    route = pd.concat([steps[["distance_m", "latitude_deg", "longitude_deg", "altitude_m", "elapsed_s"]],
                       pd.DataFrame([{"distance_m": float(last["distance_m"] + last["length_m"]),
                                      "latitude_deg": float(plan.course.points["latitude_deg"].iloc[-1]),
                                      "longitude_deg": float(plan.course.points["longitude_deg"].iloc[-1]),
                                      "altitude_m": float(last["altitude_m"] + last["grade"] * last["length_m"]),
                                      "elapsed_s": plan.pace.total_s}])], ignore_index=True)
    own = [Mark(p.distance_m, p.kind, p.name) for p in plan.course.course_points]
    start = plan.report.plan.start_time if plan.report.plan is not None else None
    assert start is not None
    data = encode_course(route, start, [*own, *drink_marks(plan, units)], plan.course.name, plan.request.sport)
    atomic_write_bytes(Path(path), data)
    return path


def workout_steps(plan: RacePlan, units: Units = "metric") -> list:
    """The planned drinks and feeds as workout steps (:func:`pipeline.advice.race.stops`, the same
    cues as the course's points): a first step to the first cue, then one starting at each cue and
    lasting to the next, named by what to take ("Drink 150 mL, eat 15 g carbs"; fl oz in imperial
    ``units``), the last one open to the finish. A race with no cue is one open step."""
    from pipeline.advice.race import stops
    from pipeline.core.units import reader
    from pipeline.fit.workout_export import Step

    r = reader(units)
    cues = stops(plan.report.plan.timeline or [] if plan.report.plan is not None else [])
    if not cues:
        return [Step("Race", "No drink or feed cue: a race this short (drink to thirst)", None)]

    def words(cue) -> str:
        parts = ([f"Drink {r.volume_ml(cue.drink_ml)}"] if cue.drink_ml > 0 else []) + (
            [f"eat {cue.carbohydrate_g:.0f} g carbs"] if cue.carbohydrate_g >= 1 else [])
        text = ", ".join(parts)
        return text[:1].upper() + text[1:]

    steps = [Step("Start", f"First cue at {_elapsed(cues[0].elapsed_s)}", cues[0].elapsed_s)]
    for k, cue in enumerate(cues):
        after = cues[k + 1] if k + 1 < len(cues) else None
        notes = (f"{words(cue)} at {r.distance(cue.distance_m)}; next cue at {_elapsed(after.elapsed_s)}"
                 if after is not None else f"{words(cue)} at {r.distance(cue.distance_m)}; then to the finish")
        steps.append(Step(words(cue), notes, after.elapsed_s - cue.elapsed_s if after is not None else None))
    return steps


def _elapsed(seconds: float) -> str:
    """'1:05' (h:mm of race time)."""
    minutes = int(round(seconds / 60.0))
    return f"{minutes // 60}:{minutes % 60:02d}"


def export_fit_workout(path: Path, plan: RacePlan, units: Units = "metric") -> Path:
    """Write the plan's drink and feed cues as a FIT workout at ``path`` (:func:`workout_steps`,
    :func:`pipeline.fit.workout_export.encode_workout`), for a watch that cannot follow a course,
    through a temporary file renamed into place. Raises OSError when it cannot be written."""
    from pipeline.fit.workout_export import encode_workout
    from pipeline.store.files import atomic_write_bytes

    start = plan.report.plan.start_time if plan.report.plan is not None else None
    assert start is not None
    data = encode_workout(workout_steps(plan, units), start, plan.course.name, plan.request.sport)
    atomic_write_bytes(Path(path), data)
    return path


def write_race_plan(folder: Path, plan: RacePlan, zone: str | tzinfo | None = None, units: Units = "metric",
                    bottle_ml: float = 750.0) -> tuple[Path, Path]:
    """``plan.json`` (the report, SI) and ``plan.html`` (:func:`pipeline.report.race.render_plan_html`,
    times in ``zone``: by default the race's own, the zone or offset its start was given or read in;
    quantities in ``units``; refills against bottles of ``bottle_ml`` [mL]) in ``folder`` (created),
    each through a temporary file renamed into place. Raises OSError when they cannot be written."""
    from pipeline.report.race import render_plan_html
    from pipeline.store.files import atomic_write_text

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    steps = plan.pace.steps
    distance = [*steps["distance_m"].tolist(), plan.course.distance_m]
    altitude = [*steps["altitude_m"].tolist(),
                float(steps["altitude_m"].iloc[-1] + steps["grade"].iloc[-1] * steps["length_m"].iloc[-1])]
    if not plan.course.has_elevation:  # planned flat: no line drawn as if the altitude were measured
        altitude = [float(np.nan)] * len(altitude)
    title = f"Race plan: {plan.course.name}" if plan.course.name else "Race plan"
    html = render_plan_html(plan.report, distance, altitude, water_points_m(plan.course, plan.request.aid_m), title,
                            zone if zone is not None else (plan.request.start.tzinfo or "UTC"), units, bottle_ml)
    return (atomic_write_text(folder / "plan.json", plan.report.to_json()),
            atomic_write_text(folder / "plan.html", html))


def _display(config: Config) -> object:
    from pipeline.report.view import Display

    return Display.of(config)


def water_points_m(course: Course, aid_m: Sequence[float]) -> list[float]:
    """Where water can be had [m]: the ``--aid-km`` points if given, else the course's water/food points."""
    if aid_m:
        return sorted(float(a) for a in aid_m if 0.0 <= a <= course.distance_m)
    return sorted({p.distance_m for p in course.course_points if p.water})


def _course_plan(report: Report, series: pd.DataFrame, cuts: pd.DataFrame, course: Course, request: RaceRequest,
                 config: Config, pace: Pace, mean_metabolic_w: float, start_utc: pd.Timestamp,
                 source: str) -> dict | None:
    """``report.plan``'s course keys: carbohydrate per hour, the timeline, bottles and refills (None
    without a plan or a sweat estimate). A session too short to carry water (the plan's
    ``advice.long_session_min``) starts with no bottle and fills none: the timeline's drinks are then
    the sips its advice allows if thirsty."""
    from pipeline.advice.plan import is_long_session

    if report.plan is None or report.sweat is None:
        return None
    sweat_l = segment_sweat(series, cuts)
    env = report.environment
    temperature = _segment_mean(series, "air_temperature_c", cuts, env.temperature_c if env else 20.0)
    humidity_fallback = env.humidity_pct if env else 50.0
    humidity = (_segment_mean(series, "weather_humidity_pct", cuts, humidity_fallback)
                if source in ("forecast", "climatology") else np.full(len(cuts), humidity_fallback))
    segs = [Segment(float(r.start_s), float(r.end_s), float(r.start_m), float(r.end_m), float(r.grade),
                    float(r.speed_m_per_s), float(t), float(h), float(s))
            for r, t, h, s in zip(cuts.itertuples(), temperature, humidity, sweat_l)]
    hours = pace.total_s / 3600.0
    drink_total_ml = report.plan.during_max_ml_per_h * hours
    concentration = report.sweat.sodium_mg / report.sweat.total_l if report.sweat.total_l > 0 else 0.0
    carbs = carbohydrate_g_per_h(round(pace.total_s / 60.0) / 60.0, mean_metabolic_w)  # the band of the whole minutes
    water = water_points_m(course, request.aid_m)
    entries = timeline(segs, drink_total_ml, concentration, carbs, water)
    start_bottles, refills = bottles(entries, water, config.advice.bottle_ml)
    if not is_long_session(hours, config.advice.long_session_min):
        start_bottles, refills = 0, []
    return {"carbohydrate_g_per_h": carbs, "start_time": start_utc.to_pydatetime(), "weather": source,
            "start_bottles": start_bottles, "refills": refills, "timeline": entries}


def _add_course(report: Report, keys: dict, config: Config) -> None:
    """The course keys into ``report.plan`` and the course's words after the hydration advice."""
    from pipeline.advice.race import course_text
    from pipeline.advice.texts import in_both_units
    from pipeline.core.units import reader

    assert report.plan is not None
    report.plan = report.plan.model_copy(update=keys)
    at = next((k + 1 for k, item in enumerate(report.advice) if item.topic == "hydration"), 0)
    plan = report.plan
    report.advice[at:at] = in_both_units(lambda units: [("course", course_text(plan, config.advice.bottle_ml,
                                                                                  reader(units)))])
