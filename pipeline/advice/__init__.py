"""Advice: the drinking plan (ACSM 2007 / NATA 2017), the food table and the advice texts.

:func:`advise` is the one call the analysis makes: it fills ``report.plan``, ``report.advice``
and ``report.disclaimer`` from ``report.sweat`` and the session's duration. Pure: no disk.
"""
from __future__ import annotations

from pipeline.advice.guidance import after_amount, after_rule
from pipeline.advice.plan import PlanDetails, make_plan, plan_after_ml, race_details
from pipeline.advice.texts import DISCLAIMER, AdviceContext, SessionFacts, build_advice, generic_advice, in_both_units
from pipeline.core.config import AdviceConfig
from pipeline.core.schema import Report
from pipeline.core.sports import sport_profile
from pipeline.core.units import METRIC_READER, Reader, reader

__all__ = ["advise", "session_duration_s", "DISCLAIMER", "underwater", "open_water_swim", "swim_venue"]

def underwater_text(before_ml: float, after_ml: float, r: Reader = METRIC_READER) -> str:
    """The hydration advice of a dive: after-session amounts only.

    The after-figure is the plan's (ACSM 2007 rule on the sweat estimated); the losses the estimate
    cannot see are left to the same rule applied to the body mass lost, which holds them
    (:func:`pipeline.advice.guidance.after_rule`: NATA 2017, ACSM 2007, Shirreffs et al. 1996).

    Immersion shifts blood from the limbs to the chest and the kidneys answer with more urine
    (immersion diuresis: Pendergast & Lundgren 2009, "The underwater environment:
    cardiopulmonary, thermal, and energetic demands", J Appl Physiol 106:276), and the dry, cold
    breathing gas adds respiratory water loss; the sweat model, built for exercise in air, does not
    see either.
    """
    return ("Underwater you cannot drink, so there is no drinking rate for the dive itself. Immersion also "
            "changes how you lose fluid: water pressure moves blood to your chest and your kidneys make more "
            "urine (immersion diuresis, Pendergast & Lundgren 2009), and the dry breathing gas takes water "
            "with every breath — the sweat estimate above, made for exercise in air, does not see either. "
            f"Before: about {r.volume_ml(before_ml)} of water in the hours before you kit up. "
            + after_amount(after_ml, "with food, and before a repeat dive", r)
            + ": that covers the sweat estimated, not the extra urine and breath. To cover those, weigh yourself "
            f"before and after the dive and drink {after_rule(r=r)} — or drink to thirst, not more.")


def session_duration_s(report: Report) -> float | None:
    """The moving time of the reported activity (timer, else elapsed), seconds; None if unknown."""
    a = report.activity
    if a is None:
        return None
    for value in (a.timer_s, a.elapsed_s):
        if value is not None and value > 0:
            return float(value)
    return None


def advise(report: Report, *, duration_s: float | None, body_mass_kg: float, sex: str | None,
           advice_config: AdviceConfig, planned: bool = False, sport: str | None = None,
           carry_bottles: int | None = None, water_points: int = 0,
           rate_origin: str = "as your weigh-ins measure it") -> Report:
    """Fill ``plan``, ``advice`` and ``disclaimer`` of ``report`` (in place; also returned).

    ``carry_bottles``: the bottles carried at once when a planned course counted them from its
    water points (:func:`pipeline.advice.race.bottles`), refilled at its ``water_points`` of them;
    the plan and its texts then give that one figure (a session too short to carry water keeps none).

    ``rate_origin``: how a calibrated sweat rate was come by, as the texts say it after "your sweat
    rate" (:func:`pipeline.physiology.calibration.rate_origin`: the sport's own weigh-ins, or a factor
    borrowed from other sports').

    ``duration_s`` is the session's moving time (a planned session's duration); ``sport`` names a
    planned session's sport (a done one's comes from ``report.activity``). Without a sweat
    estimate (or a duration, from the file or from the estimate's total over its rate) there is
    nothing to plan: ``plan`` stays None and the advice is the general rules without amounts.
    """
    report.disclaimer = DISCLAIMER
    if sport is None:
        sport = report.activity.sport if report.activity is not None else "session"
    env = report.environment
    if duration_s is None and report.sweat is not None and report.sweat.rate_l_per_h > 0:
        duration_s = report.sweat.total_l / report.sweat.rate_l_per_h * 3600.0  # no clock in the file: from the estimate
    if report.sweat is None or duration_s is None or not duration_s > 0 or not body_mass_kg > 0:
        report.advice = generic_advice(SessionFacts(
            planned=planned, sport=sport, temperature_c=env.temperature_c if env is not None else None,
            humidity_pct=env.humidity_pct if env is not None else None,
            sweat_flags=tuple(report.sweat.flags) if report.sweat is not None else ()))
        return report
    duration_h = duration_s / 3600.0
    details: PlanDetails = make_plan(report.sweat, duration_h, body_mass_kg,
                                     advice_config.long_session_min, advice_config.bottle_ml)
    leg_plans = [(leg.plan, leg.timer_s) for leg in report.legs or [] if leg.plan is not None and leg.timer_s]
    if leg_plans:  # a multisport activity's plan is its legs' (a swim leg drinks nothing)
        details = race_details(details, report.sweat, leg_plans, advice_config.bottle_ml, advice_config.long_session_min)
    if carry_bottles is not None and details.long_session:
        details = details.model_copy(update={"block": details.block.model_copy(update={"carry_bottles": carry_bottles})})
    leg_sports = tuple(leg.sport for leg in report.legs or [] if not sport_profile(leg.sport).transition)
    ctx = AdviceContext(
        planned=planned,
        sport=sport,
        duration_h=duration_h,
        temperature_c=env.temperature_c if env is not None else None,
        humidity_pct=env.humidity_pct if env is not None else None,
        water_temperature_c=env.water_temperature_c if env is not None else None,
        indoor=env.indoor if env is not None else False,
        sex=sex,
        sweat=report.sweat,
        sweat_flags=tuple(report.sweat.flags),
        plan=details,
        bottle_ml=advice_config.bottle_ml,
        long_session_min=advice_config.long_session_min,
        leg_sports=leg_sports,
        water_points=water_points if carry_bottles is not None else 0,
        rate_origin=rate_origin,
    )
    report.plan = details.block
    report.advice = build_advice(ctx)
    dive = underwater(report, sport)
    if dive or open_water_swim(report, sport):  # no drinking during a dive or an open-water swim: after-session advice only
        loss_l = max(report.sweat.total_l, 0.0)
        after = plan_after_ml(loss_l, 0.0, max(report.sweat.high_l, loss_l))
        report.plan = details.block.model_copy(update={"during_ml_per_h": 0.0, "during_max_ml_per_h": 0.0,
                                                       "carry_bottles": 0, "after_ml": after})
        write = underwater_text if dive else open_water_text
        before = report.plan.before_ml
        report.advice = in_both_units(lambda units: [("hydration", write(before, after, reader(units)))]) + [
            item for item in report.advice if item.topic not in ("hydration", "hyponatremia", "heat")]
    return report


def open_water_text(before_ml: float, after_ml: float, r: Reader = METRIC_READER) -> str:
    """The hydration advice of an open-water swim: as a triathlon's swim leg, none during.

    In open water there is no wall to stop at and no bottle to reach, so the swim is done on what
    was drunk before and the loss is made up after (the swim leg of a triathlon plan gets no drinking
    rate either, :attr:`pipeline.core.sports.SportProfile.drinks_during`); ACSM 2007's before and after rules
    (Sawka et al. 2007) apply unchanged."""
    return ("In open water you cannot drink while you swim, so there is no drinking rate for the swim itself. "
            f"Before: about {r.volume_ml(before_ml)} of water in the hours before you start. "
            + after_amount(after_ml, r=r) + "; drink to thirst, not more. In a pool, a bottle at the end of the lane "
            "lets you sip between sets.")


def open_water_swim(report: Report, sport: str | None = None) -> bool:
    """A swim recorded in open water (FIT sub_sport ``open_water``), not part of a multisport file.

    Where the swim is, not how much it sweats, decides whether a bottle can be reached: in open
    water there is none (no wall); in a pool it waits at the wall. Only the recording says so: a
    planned swim (``report.activity`` None) or one recorded without a pool or open-water sub-sport
    is not taken to be in open water from its water temperature (a 24 °C pool is a pool), and its
    texts name both places (:func:`swim_venue`). ``sport`` is unused for a recorded session."""
    return swim_venue(report, sport) == "open_water"


def swim_venue(report: Report, sport: str | None = None) -> str | None:
    """Where a single-sport swim is: ``"open_water"`` or ``"pool"`` as its FIT sub_sport records it
    (``open_water``, ``lap_swimming``), ``"unknown"`` for a planned swim or one recorded without
    either; None for anything that is not a single swim (another sport, a multisport file)."""
    if report.legs:
        return None
    a = report.activity
    if (a.sport if a is not None else sport) != "swimming":
        return None
    if a is not None and a.sub_sport == "open_water":
        return "open_water"
    if a is not None and a.sub_sport == "lap_swimming":
        return "pool"
    return "unknown"


def underwater(report: Report, sport: str | None) -> bool:
    """Every leg of the session is underwater (a dive), or a planned session's sport is."""
    if report.legs:
        return all(sport_profile(leg.sport).underwater for leg in report.legs
                   if not sport_profile(leg.sport).transition)
    return sport_profile(sport).underwater
