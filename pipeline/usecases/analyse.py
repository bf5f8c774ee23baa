"""From a decoded activity (or a planned session) to an :class:`Analysis`.

The one place where the rooms meet: ``fit`` -> ``physiology`` -> ``advice``. Pure: no disk.
``Analysis.report`` is the SPEC JSON report; ``Analysis.series`` is the per-sample time series
(records plus the model's metabolic rate and cumulative sweat) that the report charts draw.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from pipeline.advice import advise, session_duration_s
from pipeline.advice.texts import SessionFacts, generic_advice, in_both_units
from pipeline.core.config import Config
from pipeline.core.inputs import WeatherOverride  # defined with the bounds it checks; also imported from here
from pipeline.core.schema import AdviceItem, LegBlock, PlanBlock, Report, SweatBlock
from pipeline.core.sports import TRIATHLON_LEGS, sport_profile
from pipeline.core.units import METRIC_READER, Reader, litre_digits, reader
from pipeline.fit.models import Activity, Leg
from pipeline.physiology.athlete import Athlete, check_planned_heart_rate, resolve_athlete
from pipeline.physiology.calibration import rate_origin
from pipeline.physiology.effort_limits import check_planned_effort
from pipeline.physiology.environment import PLAN_INDOOR_SUB_SPORT, WeatherInputs
from pipeline.physiology.estimate import LegEstimate, combine_legs, estimate_leg
from pipeline.physiology.planned import PlannedSession, planned_records
from pipeline.physiology.sweat import Calibration
from pipeline.report.analysis import Analysis
from pipeline.report.blocks import environment_block, intensity_block, sweat_block
from pipeline.weather.models import WEATHER_COLUMNS, WeatherSamples

SERIES_COLUMNS = ("elapsed_s", "activity_s", "leg", "timer_active", "heart_rate_bpm", "power_w", "speed_m_per_s", "distance_m",
                  "altitude_m", "cadence_rpm", "device_temperature_c", "temperature_c", "metabolic_w",
                  "external_work_w", "intensity_source", "air_speed_m_per_s", "sweat_rate_l_per_h",
                  "cumulative_sweat_l")
"""``temperature_c`` is the air temperature the model used; the sensor's raw reading is
``device_temperature_c``. ``activity_s`` is time into the leg with long stops left out (what the
charts draw against: a 12-hour overnight stop is not 12 hours of empty chart)."""


def _weather(override: WeatherOverride | None, samples: WeatherSamples | None = None) -> WeatherInputs:
    """The weather a session is analysed in. Where no weather service answered and no sun is given,
    an outdoor session is taken under the climatological daylight sky (``sky_unknown_assumed``;
    :mod:`pipeline.physiology.environment`), recorded or planned alike."""
    service = samples.provider if samples is not None and samples.usable else None
    notes = tuple(samples.notes) if samples is not None else ()
    if override is None:
        return WeatherInputs(service=service, service_notes=notes, sky_unknown_assumed=True)
    return WeatherInputs(temperature_c=override.temperature_c, humidity_pct=override.humidity_pct,
                         service=service, service_notes=notes,
                         water_temperature_c=getattr(override, "water_temperature_c", None), sky_unknown_assumed=True)


def _with_weather(activity: Activity, samples: WeatherSamples | None) -> Activity:
    """The activity with the weather service's per-record values beside its records."""
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
                              power_w=leg.avg_power if sport_profile(leg.sport).pedalled else None,
                              heart_rate_bpm=leg.avg_heart_rate)
        frame = planned_records(plan, body_mass_kg)
    return frame


def _leg_calibration(calibration: Calibration | Mapping[str, Calibration | None] | None,
                     sport: str) -> Calibration | None:
    if isinstance(calibration, Mapping):
        return calibration.get(sport)
    return calibration


def _combined_calibration(estimates: list[LegEstimate]) -> Calibration | None:
    """One calibration for a multisport file whose legs each had their sport's factor:
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
    one for every leg, or one per leg sport (a mapping sport -> calibration, a triathlon's
    swim, bike and run each with their own); without it the estimate is the model's, with the
    population range. ``weather``: what the weather service
    (:func:`pipeline.weather.weather_for_activity`) gave for this activity's records.
    """
    athlete = resolve_athlete(config.athlete, activity.profile)
    original = activity
    if too_short(activity.summary):
        return Analysis(report=too_short_report(activity), activity=original, athlete=athlete,
                        series=_record_series(activity.records), display=_display(config))
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
        return Analysis(report=Report(activity=activity.summary), activity=original, athlete=athlete,
                        display=_display(config))
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
    if report.legs:  # a multisport file: what to drink in each leg; the race's plan is made of them
        report.legs = [leg.model_copy(update={"plan": leg_plan(leg, athlete.body_mass_kg, config)}) for leg in report.legs]
    only_leg = activity.legs[0] if len(estimates) == 1 else None  # a multisport file's origin is its legs' several
    origin = rate_origin(_leg_calibration(calibration, only_leg.sport) if only_leg is not None else None,
                         only_leg.sport if only_leg is not None else None)
    report = _with_plan_and_advice(report, config, athlete, rate_origin_=origin)
    return Analysis(report=report, activity=original, series=_series(estimates), athlete=athlete,
                    model_total_l=sweat.model_total_l, display=_display(config))


def leg_plan(leg: LegBlock, body_mass_kg: float, config: Config) -> PlanBlock | None:
    """The drinking plan of one leg (``LegBlock.plan``, an extra JSON key): the single-session plan of
    :func:`pipeline.advice.plan.make_plan` over the leg's own sweat and time, so the leg's upper
    figure never asks for more than the leg loses; no drinking during a leg in the water
    (:attr:`~pipeline.core.sports.SportProfile.drinks_during`, however short: the deficit is made up
    after, or on the bike of a triathlon). None without a sweat estimate or timer time, or for a
    leg on land under :data:`MIN_ESTIMATE_S` (a transition: too short to drink during, as a session)."""
    from pipeline.advice.plan import make_plan

    if leg.sweat is None or not leg.timer_s or leg.timer_s <= 0:
        return None
    drinks = sport_profile(leg.sport).drinks_during
    if leg.timer_s < MIN_ESTIMATE_S and drinks:
        return None
    plan = make_plan(leg.sweat, leg.timer_s / 3600.0, body_mass_kg, config.advice.long_session_min,
                     config.advice.bottle_ml).block
    if not drinks:
        plan = plan.model_copy(update={"during_ml_per_h": 0.0, "during_max_ml_per_h": 0.0, "carry_bottles": 0})
    return plan


def _gross_efficiency_known(config: Config) -> bool:
    """The config sets the rider's gross efficiency (not the 0.21 default): only the range's width uses it."""
    return "gross_efficiency" in config.model.model_fields_set


def analyse_plan(plan: PlannedSession, config: Config, override: WeatherOverride | None = None,
                 athlete_override: dict[str, float | str | None] | None = None,
                 calibration: Calibration | None = None) -> Analysis:
    """The same model for a session that has not happened (``sweatline plan``): no ``activity`` block.
    A session under :data:`MIN_ESTIMATE_S` gets the short answer of a recorded one (no estimate, no plan)."""
    athlete = resolve_athlete(config.athlete, None, athlete_override)
    if plan.heart_rate_bpm is not None:
        check_planned_heart_rate(plan.heart_rate_bpm, athlete)
    check_planned_effort(plan.sport, plan.duration_s, power_w=plan.power_w,
                         speed_m_per_s=plan.speed_kmh / 3.6 if plan.speed_kmh is not None else None,
                         body_mass_kg=athlete.body_mass_kg, sex=athlete.sex)
    if plan.duration_s < MIN_ESTIMATE_S:
        from pipeline.advice import DISCLAIMER

        report = Report(advice=too_short_advice(plan.duration_s, SessionFacts(planned=True, sport=plan.sport)),
                        disclaimer=DISCLAIMER)
        return Analysis(report=report, athlete=athlete, planned=plan, model_total_l=None, display=_display(config))
    records = planned_records(plan, athlete.body_mass_kg, config.model.gross_efficiency)
    weather = _weather(override)
    if plan.water_temperature_c is not None:
        weather = replace(weather, water_temperature_c=plan.water_temperature_c)
    if plan.solar_w_m2 is not None:
        weather = replace(weather, solar_w_m2=plan.solar_w_m2, sun_elevation_deg=plan.sun_elevation_deg)
    sub_sport = PLAN_INDOOR_SUB_SPORT if plan.indoor else None  # indoors: no sun, a fan's air
    estimate = estimate_leg(records, plan.sport, sub_sport, None, athlete, config.climate, weather,
                            config.model.gross_efficiency, calibration=calibration,
                            gross_efficiency_known=_gross_efficiency_known(config), load_kg=plan.load_kg,
                            clothing=plan.clothing, planned=True)
    sweat = sweat_block(estimate.sweat, athlete.assumptions())
    carried = heart_rate_carries(plan)
    if carried is not None:
        sweat.flags.append(carried)
    report = Report(environment=environment_block(estimate.environment), intensity=intensity_block(estimate.intensity),
                    sweat=sweat)
    report = _with_plan_and_advice(report, config, athlete, plan, rate_origin_=rate_origin(calibration, plan.sport))
    return Analysis(report=report, athlete=athlete, planned=plan, model_total_l=estimate.sweat.model_total_l,
                    display=_display(config))


def heart_rate_carries(plan: PlannedSession) -> str | None:
    """The note of a plan paced by heart rate that also gives a load or a grade: the heart rate sets
    the metabolic rate (Keytel et al. 2005), and a load or a climb raises the heart rate the effort
    runs at, so they are in it already and are not added again (counting them twice would plan the
    climb's cost on top of the heart rate it raised). None when neither was given."""
    if plan.heart_rate_bpm is None or not (plan.load_kg or plan.grade_pct):
        return None
    given = [f"a {plan.load_kg:g} kg load"] if plan.load_kg else []
    given += [f"a {plan.grade_pct:g} % grade"] if plan.grade_pct else []
    return (f"{' and '.join(given)} not added: the planned heart rate sets the metabolic rate, and carrying a load "
            "or climbing shows in that heart rate already (give --speed instead to have them costed)")


MIN_ESTIMATE_S = 10 * 60.0
"""Below 10 minutes of activity no sweat estimate or drinking plan is given. Even at 2 L/h, the top
of the sweat rates ACSM reports for athletes (Sawka et al. 2007, Med Sci Sports Exerc 39:377:
"0.5 to 2.0 L/h"), 10 minutes lose at most 0.33 L, under 0.5 % of a 70 kg body: less than the
day-to-day variation of body mass (about 1 %, Cheuvront et al. 2004, Int J Sport Nutr Exerc
Metab 14:532), and a session that short has no drinking during it (ACSM: sips every 15–20 min)."""


def too_short(summary: object) -> bool:
    """Whether an activity's moving time (timer, else elapsed) is known and under :data:`MIN_ESTIMATE_S`."""
    for value in (getattr(summary, "timer_s", None), getattr(summary, "elapsed_s", None)):
        if value is not None and value > 0:
            return value < MIN_ESTIMATE_S
    return False


def too_short_report(activity: Activity) -> Report:
    """The short answer for a session under :data:`MIN_ESTIMATE_S`: the activity and its legs, no
    estimate, no plan; the ``estimate`` advice item says why, and the article's general advice
    (water with meals, potassium and calcium foods, warm-up and stretching) follows without amounts
    for this session (:func:`pipeline.advice.texts.generic_advice`)."""
    from pipeline.advice import DISCLAIMER

    summary = activity.summary
    seconds = getattr(summary, "timer_s", None) or getattr(summary, "elapsed_s", None) or 0.0
    legs = None
    if len(activity.legs) > 1:
        legs = [LegBlock(index=leg.index, sport=leg.sport, sub_sport=leg.sub_sport, start_time=leg.start_time,
                         timer_s=leg.timer_s, distance_m=leg.distance_m) for leg in activity.legs]
    return Report(activity=summary, legs=legs, disclaimer=DISCLAIMER,
                  advice=too_short_advice(seconds, SessionFacts(sport=summary.sport or "session")))


def too_short_advice(seconds: float, facts: SessionFacts) -> list[AdviceItem]:
    """The advice of a session under :data:`MIN_ESTIMATE_S`, recorded or planned: the ``estimate`` item
    saying why (:func:`too_short_text`), then the article's general advice without amounts
    (:func:`pipeline.advice.texts.generic_advice`)."""
    return [*in_both_units(lambda units: [("estimate", too_short_text(seconds))]), *generic_advice(facts, too_short=True)]


def _record_series(records: pd.DataFrame) -> pd.DataFrame | None:
    """The file's own records for the session chart of a session with no estimate: timestamp-indexed
    :data:`SERIES_COLUMNS`, the sensor's temperature as ``device_temperature_c`` (no air temperature
    was modelled)."""
    if records is None or len(records) < 2 or "timestamp" not in records:
        return None
    frame = records.rename(columns={"temperature_c": "device_temperature_c"})
    columns = [c for c in SERIES_COLUMNS if c in frame.columns]
    return frame.set_index(pd.DatetimeIndex(frame["timestamp"], name="timestamp"))[columns]


def too_short_text(seconds: float) -> str:
    """Why a session of ``seconds`` (under :data:`MIN_ESTIMATE_S`) gets no estimate, in plain words."""
    length = f"{seconds:.0f} s" if seconds < 60 else f"{seconds / 60:.0f} min"
    return (f"Too short to estimate: {length} of activity. Under {MIN_ESTIMATE_S / 60:.0f} minutes the sweat lost "
            "is smaller than your body mass varies from day to day, so no amount or drinking plan is given: "
            "drink to thirst, as on any day.")


def _display(config: Config) -> object:
    """How the reports show numbers and times (the config's ``units`` and ``nightly.timezone``)."""
    from pipeline.report.view import Display

    return Display.of(config)


def analyse_triathlon_plan(durations_s: tuple[float, float, float], heart_rate_bpm: float, config: Config,
                           override: WeatherOverride | None = None,
                           athlete_override: dict[str, float | str | None] | None = None,
                           calibration: Mapping[str, Calibration | None] | None = None,
                           solar_w_m2: float | None = None, sun_elevation_deg: float | None = None,
                           water_temperature_c: float | None = None) -> Analysis:
    """A planned triathlon: the model for each leg (swim, bike, run, each ``durations_s`` [s] long
    at ``heart_rate_bpm``; the sun, ``solar_w_m2`` [W/m²] at ``sun_elevation_deg`` [°], on the bike and
    the run, the swim being in water; the swim in open water at ``water_temperature_c`` [°C], else at
    the open-water default, :data:`pipeline.physiology.sweat.OPEN_WATER_C`), combined as a multisport file's legs are (:func:`combine_legs`), with a
    drinking plan per leg and the report's plan their sum (its hourly rates, the legs' volumes over the
    whole time, rounded down to :data:`pipeline.advice.plan.RACE_AVERAGE_STEP_ML`: the legs' own 50 mL
    step would drop up to 49 mL/h over the whole race that the legs do plan).

    Per leg, :func:`pipeline.advice.plan.make_plan` keeps its invariants (the upper figure over
    the leg never exceeds the leg's central loss; upper + after never exceeds its high end), and
    the swim has no drinking during. The whole plan is the legs' volumes over the whole time,
    so it cannot ask for more than is lost either: Σ upper_i·h_i ≤ Σ central_i = the total.
    """
    from pipeline.advice import DISCLAIMER, advise
    from pipeline.advice.plan import RACE_AVERAGE_STEP_ML, before_ml, floor_ml, plan_after_ml
    from pipeline.physiology.planned import PlannedSession

    athlete = resolve_athlete(config.athlete, None, athlete_override)
    check_planned_heart_rate(heart_rate_bpm, athlete)
    weather = _weather(override)
    if solar_w_m2 is not None:  # the swim's leg is in water: the environment leaves the sun out there
        weather = replace(weather, solar_w_m2=solar_w_m2, sun_elevation_deg=sun_elevation_deg)
    if water_temperature_c is not None:  # read by the swim alone: the bike and the run are in air
        weather = replace(weather, water_temperature_c=water_temperature_c)
    estimates, legs = [], []
    for index, (sport, seconds) in enumerate(zip(TRIATHLON_LEGS, durations_s)):
        session = PlannedSession(sport, seconds, heart_rate_bpm=heart_rate_bpm)
        # a triathlon swims in open water (a lake, the sea), never in a pool
        sub_sport = "open_water" if sport_profile(sport).in_water else None
        est = estimate_leg(planned_records(session, athlete.body_mass_kg), sport, sub_sport, None, athlete,
                           config.climate, weather, config.model.gross_efficiency,
                           calibration=(calibration or {}).get(sport),
                           gross_efficiency_known=_gross_efficiency_known(config), planned=True)
        estimates.append(est)
        leg = LegBlock(index=index, sport=sport, timer_s=seconds, environment=environment_block(est.environment),
                       intensity=intensity_block(est.intensity), sweat=sweat_block(est.sweat, athlete.assumptions()))
        # nobody drinks while swimming: the deficit is made up on the bike
        legs.append(leg.model_copy(update={"plan": leg_plan(leg, athlete.body_mass_kg, config)}))
    environment, intensity, sweat_totals = combine_legs(estimates, athlete, None, None)
    sweat = sweat_block(sweat_totals, athlete.assumptions())
    total_h = sum(durations_s) / 3600.0
    lower_l = sum(leg.plan.during_ml_per_h * seconds / 3600.0 for leg, seconds in zip(legs, durations_s) if leg.plan) / 1000.0
    upper_l = sum(leg.plan.during_max_ml_per_h * seconds / 3600.0
                  for leg, seconds in zip(legs, durations_s) if leg.plan) / 1000.0
    plan = PlanBlock(  # the headline rates: the legs' volumes over the whole time, rounded down as a race average is
        before_ml=before_ml(athlete.body_mass_kg),
        during_ml_per_h=floor_ml(lower_l * 1000.0 / total_h, RACE_AVERAGE_STEP_ML),
        during_max_ml_per_h=floor_ml(upper_l * 1000.0 / total_h, RACE_AVERAGE_STEP_ML),
        carry_bottles=sum(leg.plan.carry_bottles for leg in legs if leg.plan),
        after_ml=plan_after_ml(sweat.total_l, lower_l, sweat.high_l - upper_l),
    )
    report = Report(environment=environment_block(environment), intensity=intensity_block(intensity), sweat=sweat,
                    legs=legs)
    triathlon = PlannedSession("triathlon", sum(durations_s), heart_rate_bpm=heart_rate_bpm)
    advise(report, duration_s=triathlon.duration_s, body_mass_kg=athlete.body_mass_kg, sex=athlete.sex,
           advice_config=config.advice, planned=True, sport="triathlon")
    report.plan = plan
    report.disclaimer = DISCLAIMER
    report.advice = [item for item in report.advice if item.topic not in ("hydration", "estimate")]
    report.advice[:0] = in_both_units(lambda units: [("hydration", triathlon_hydration_text(
        sweat, plan, legs, lower_l, upper_l, athlete.body_mass_kg, reader(units)))])
    return Analysis(report=report, athlete=athlete, planned=triathlon, model_total_l=sweat_totals.model_total_l,
                    display=_display(config))


def triathlon_hydration_text(s: SweatBlock, p: PlanBlock, legs: list[LegBlock], lower_l: float, upper_l: float,
                             body_mass_kg: float | None = None, r: Reader = METRIC_READER) -> str:
    """The drinking plan of a planned triathlon, leg by leg, and the total against the loss, in the
    reader's units ``r``. ``s`` and ``p``: the whole race's sweat and plan;
    ``legs``: its legs, each with its ``timer_s`` and ``sweat``. With ``body_mass_kg`` [kg], it says
    where the loss ends as a share of body mass at the plan's upper figure and, when even drinking
    what the gut can deliver on the bike and run (:data:`pipeline.advice.plan.GUT_LIMIT_ML_PER_H`)
    leaves more than 3 % down, that the loss cannot be kept within 2–3 %."""
    from pipeline.advice.guidance import CLEARLY_SHORT_FRACTION, MAX_BODY_MASS_LOSS_FRACTION, after_amount, loss_limits
    from pipeline.advice.plan import GUT_LIMIT_ML_PER_H, deficit_at_gut_limit_pct
    from pipeline.advice.texts import format_duration

    digits = litre_digits(s.total_l, s.low_l, s.high_l)  # as the report's "Sweat expected" row
    parts = [f"For the planned {format_duration(sum(leg.timer_s or 0.0 for leg in legs) / 3600.0)} triathlon you can "
             f"expect to lose about {r.volume_l(s.total_l, digits)} of sweat "
             f"({r.volume_l_range(s.low_l, s.high_l, digits)})."]
    for leg in legs:
        lp, ls, title, seconds = leg.plan, leg.sweat, sport_profile(leg.sport).leg_title, leg.timer_s or 0.0
        hours = format_duration(seconds / 3600.0)
        if lp is None or ls is None:  # under MIN_ESTIMATE_S: too short to drink during
            parts.append(f"{title} ({hours}): too short to drink during.")
            continue
        if lp.during_max_ml_per_h <= 0:
            parts.append(f"{title} ({hours}, about {r.volume_l(ls.total_l)} lost): nothing — you cannot drink "
                         "while swimming; start the bike with a bottle.")
            continue
        rate_text = f"{_ml_or_range(lp.during_ml_per_h, lp.during_max_ml_per_h, r, 'about ')} per hour"
        low, high = lp.during_ml_per_h * seconds / 3600.0, lp.during_max_ml_per_h * seconds / 3600.0
        parts.append(f"{title} ({hours}, about {r.volume_l(ls.total_l)} lost): {rate_text}, "
                     f"{_ml_or_range(low, high, r)} in all.")
    during = _ml_or_range(lower_l * 1000, upper_l * 1000, r)
    parts.append(f"In all: {during} during the race, against about {r.volume_ml(round(s.total_l * 1000, -1))} lost: "
                 f"never more than you lose.")
    if body_mass_kg:
        down_pct = max(s.total_l - upper_l, 0.0) / body_mass_kg * 100.0
        drinking_h = sum((leg.timer_s or 0.0) for leg in legs
                         if leg.plan is not None and leg.plan.during_max_ml_per_h > 0) / 3600.0
        at_gut_pct = deficit_at_gut_limit_pct(s.total_l, drinking_h, body_mass_kg)
        if at_gut_pct > 100.0 * CLEARLY_SHORT_FRACTION:
            parts.append(f"Drinking the upper figures you would finish about {down_pct:.1f} % of body mass down, and even "
                         f"{r.volume_l(GUT_LIMIT_ML_PER_H / 1000, 0)} per hour on the bike and run, about the most the gut takes up "
                         f"in exercise, still leaves about {at_gut_pct:.1f} %: this loss cannot be kept within {loss_limits()} by "
                         "drinking, so pace the race for the heat, cool down at every aid station and start well "
                         "hydrated.")
        elif down_pct > 100.0 * MAX_BODY_MASS_LOSS_FRACTION:
            parts.append(f"Drinking the upper figures you would finish about {down_pct:.1f} % of body mass down (aim for "
                         f"under {loss_limits()}): drink to thirst up to the upper figure, more is not safe to plan without "
                         "weigh-ins.")
    breath = s.respiratory_water_l or 0.0
    if breath >= 0.05:
        parts.append(f"Besides sweat you breathe out about {r.volume_l(breath)} of water, to drink back with the sweat; "
                     f"a weigh-in also counts about {r.mass_kg(s.metabolic_mass_l or 0.0)} of fuel burned, which is not "
                     "water to drink back.")
    parts.append(after_amount(p.after_ml, "with food and some salt", r) + ".")
    return " ".join(parts)


def _ml_or_range(low_ml: float, high_ml: float, r: Reader, about: str = "") -> str:
    """'400–550 mL' / '14–19 fl oz', or one figure (after ``about``) when the two read the same in ``r``'s units."""
    if high_ml <= low_ml or r.volume_ml(low_ml) == r.volume_ml(high_ml):
        return about + r.volume_ml(low_ml)
    return r.volume_ml_range(low_ml, high_ml)


def with_carbohydrate(report: Report, athlete: Athlete, duration_s: float | None,
                      heart_rate_bpm: float | None) -> Report:
    """``report.intensity`` with the carbohydrate used (:func:`pipeline.physiology.fuel.carbohydrate_use`)
    over ``duration_s`` [s] of moving time at the mean ``heart_rate_bpm`` (None: intensity unknown);
    unchanged without an intensity, a metabolic rate or a duration."""
    from pipeline.physiology.fuel import carbohydrate_use

    it = report.intensity
    if it is None or it.mean_metabolic_w <= 0 or not duration_s:
        return report
    use = carbohydrate_use(it.mean_metabolic_w, duration_s, heart_rate_bpm, athlete.hr_rest_bpm, athlete.hr_max_bpm)
    return report.model_copy(update={"intensity": it.model_copy(update={
        "carbohydrate_g_per_h": use.g_per_h, "carbohydrate_low_g_per_h": use.low_g_per_h,
        "carbohydrate_high_g_per_h": use.high_g_per_h, "carbohydrate_g": use.total_g,
        "heart_rate_reserve_fraction": use.hrr_fraction})})


def _with_plan_and_advice(report: Report, config: Config, athlete: Athlete,
                          planned: PlannedSession | None = None,
                          rate_origin_: str = "as your weigh-ins measure it") -> Report:
    """The advice room: ``report.plan``, ``report.advice`` and ``report.disclaimer`` from the
    sweat estimate, the athlete's body mass and sex, the session's duration and the config's ``advice``."""
    duration_s = planned.duration_s if planned is not None else session_duration_s(report)
    report = with_carbohydrate(report, athlete, duration_s,
                               planned.heart_rate_bpm if planned is not None
                               else report.activity.avg_heart_rate if report.activity is not None else None)
    return advise(report, duration_s=duration_s, body_mass_kg=athlete.body_mass_kg, sex=athlete.sex,
                  advice_config=config.advice, planned=planned is not None,
                  sport=planned.sport if planned is not None else None, rate_origin=rate_origin_)


_SERIES_SOURCES = {"device_temperature_c": "temperature_c", "temperature_c": "air_temperature_c"}
"""The series' columns named otherwise in a leg's own series (:attr:`LegEstimate.series`)."""


def _one_leg_series(leg: pd.DataFrame) -> pd.DataFrame:
    """:func:`_series` of a single leg's series, built in one go from its columns (the same frame as
    concatenating it alone: same columns, values and dtypes)."""
    columns = {}
    for name in SERIES_COLUMNS:
        source = _SERIES_SOURCES.get(name, name)
        if source not in leg.columns:
            continue
        values = leg[source]
        if name in ("cumulative_sweat_l", "activity_s"):  # as the legs' running offsets, from 0.0
            values = values + 0.0
        columns[name] = values.array
    return pd.DataFrame(columns, index=pd.DatetimeIndex(leg["timestamp"].array, name="timestamp"))


def _series(estimates: list[LegEstimate]) -> pd.DataFrame | None:
    """Per-record series of all legs, timestamp-indexed, cumulative sweat running across legs."""
    legs = [est for est in estimates if not est.series.empty]
    if len(legs) == 1:
        return _one_leg_series(legs[0].series)
    return _joined_series(legs)


def _joined_series(legs: list[LegEstimate]) -> pd.DataFrame | None:
    """:func:`_series` of legs with a series each, by renaming, offsetting and concatenating them."""
    frames = []
    carried = 0.0
    activity_s = 0.0
    for est in legs:
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
