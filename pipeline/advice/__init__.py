"""Advice: the drinking plan (ACSM 2007 / NATA 2017), the food table and the advice texts.

:func:`advise` is the one call the analysis makes: it fills ``report.plan``, ``report.advice``
and ``report.disclaimer`` from ``report.sweat`` and the session's duration. Pure: no disk.
"""
from __future__ import annotations

from pipeline.advice.plan import PlanDetails, make_plan
from pipeline.advice.texts import DISCLAIMER, AdviceContext, SessionFacts, build_advice, generic_advice
from pipeline.config import AdviceConfig
from pipeline.schema import Report

__all__ = ["advise", "session_duration_s", "DISCLAIMER"]


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
           advice_config: AdviceConfig, planned: bool = False, sport: str | None = None) -> Report:
    """Fill ``plan``, ``advice`` and ``disclaimer`` of ``report`` (in place; also returned).

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
    leg_sports = tuple(leg.sport for leg in report.legs or [] if leg.sport != "transition")
    ctx = AdviceContext(
        planned=planned,
        sport=sport,
        duration_h=duration_h,
        temperature_c=env.temperature_c if env is not None else None,
        humidity_pct=env.humidity_pct if env is not None else None,
        indoor=env.indoor if env is not None else False,
        sex=sex,
        sweat=report.sweat,
        sweat_flags=tuple(report.sweat.flags),
        plan=details,
        bottle_ml=advice_config.bottle_ml,
        long_session_min=advice_config.long_session_min,
        leg_sports=leg_sports,
    )
    report.plan = details.block
    report.advice = build_advice(ctx)
    return report
