"""The drinking plan: how much before, during and after a session (pure functions).

Sources (SCIENCE.md §4):

.. [ACSM2007] Sawka MN, Burke LM, Eichner ER, Maughan RJ, Montain SJ, Stachenfeld NS (2007).
   American College of Sports Medicine position stand: Exercise and fluid replacement.
   Med Sci Sports Exerc 39(2):377-390. doi:10.1249/mss.0b013e31802ca597
.. [NATA2017] McDermott BP, Anderson SA, Armstrong LE, et al. (2017). National Athletic
   Trainers' Association position statement: Fluid replacement for the physically active.
   J Athl Train 52(9):877-895. doi:10.4085/1062-6050-52.9.02
.. [HewButler2015] Hew-Butler T, Rosner MH, Fowkes-Godek S, et al. (2015). Statement of the
   Third International Exercise-Associated Hyponatremia Consensus Development Conference,
   Carlsbad, California, 2015. Clin J Sport Med 25(4):303-320.
   doi:10.1097/JSM.0000000000000221

The one rule above all the others: **never advise drinking more than is lost**. During a
session the plan never exceeds the estimated sweat rate (its low end when the estimate is not
calibrated by weigh-ins), and after it never more than 1.5 L per kg of the (low-end) deficit.
Volumes are rounded *down* to 50 mL so rounding can never push a figure over its cap.
"""
from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from pipeline.schema import PlanBlock, SweatBlock

#: Pre-hydration, mL per kg body mass, at least 4 h before ([ACSM2007]; [NATA2017]).
BEFORE_ML_PER_KG = (5.0, 7.0)
#: Top-up ~2 h before when no urine or it is dark, mL per kg ([ACSM2007]).
TOP_UP_ML_PER_KG = (3.0, 5.0)
#: Typical drinking rate during exercise, mL per hour ([ACSM2007]: 0.4-0.8 L/h).
TYPICAL_DURING_ML_PER_H = (400.0, 800.0)
#: Body-mass loss to stay under during exercise, fraction ([ACSM2007]; [NATA2017]: < 2 %).
MAX_BODY_MASS_LOSS_FRACTION = 0.02
#: Fluid after exercise per kg of body mass lost, L/kg ([ACSM2007]: 1.5 L/kg; [NATA2017]: 1.25-1.5).
AFTER_L_PER_KG_LOST = (1.25, 1.5)
#: Sessions this long or longer carry an exercise-associated hyponatremia risk factor
#: ([HewButler2015]: exercise duration > 4 h among the risk factors).
HYPONATREMIA_LONG_H = 4.0
#: Volumes are rounded down to this step, mL.
ROUND_ML = 50.0


def _floor_to(value_ml: float, step_ml: float = ROUND_ML) -> float:
    """Round down to ``step_ml`` (so a cap is never exceeded); below one step, to 10 mL."""
    if value_ml <= 0:
        return 0.0
    # the 1e-9 absorbs float noise (0.02 * 70 kg = 1400.0000000000002 mL), never a real millilitre
    if value_ml >= step_ml:
        return math.floor(value_ml / step_ml + 1e-9) * step_ml
    return max(math.floor(value_ml / 10.0 + 1e-9) * 10.0, 0.0)


def before_ml(body_mass_kg: float) -> float:
    """Fluid to drink slowly at least 4 h before exercise [mL].

    ACSM 2007 (Sawka et al., "Fluid replacement", pre-exercise): "about 5-7 mL/kg body weight
    at least 4 h before exercise"; NATA 2017 (McDermott et al.) the same. We use the low end,
    5 mL/kg: the plan errs toward less, and the top-up (3-5 mL/kg about 2 h before, if no
    urine or it is dark) is left to the reader's own signs.

    Parameters: ``body_mass_kg`` [kg], > 0.
    """
    if body_mass_kg is None or not body_mass_kg > 0:
        raise ValueError(f"body_mass_kg must be > 0, got {body_mass_kg!r}")
    return _floor_to(BEFORE_ML_PER_KG[0] * body_mass_kg)


def drinking_cap_ml_per_h(sweat: SweatBlock) -> float:
    """The most the plan will ever advise drinking per hour [mL/h]: the sweat rate.

    Uncalibrated estimates use the low end of their range (``low_l / total_l`` times the rate),
    so that a wrong estimate errs toward drinking less than is lost, never more
    (Hew-Butler et al. 2015: over-drinking beyond sweat loss is the primary cause of
    exercise-associated hyponatremia). A calibrated estimate (from weigh-ins) uses its rate.
    """
    rate_ml_per_h = max(sweat.rate_l_per_h, 0.0) * 1000.0
    if sweat.calibrated or sweat.total_l <= 0:
        return rate_ml_per_h
    low_share = min(max(sweat.low_l / sweat.total_l, 0.0), 1.0)
    return rate_ml_per_h * low_share


def during_ml_per_h(sweat: SweatBlock, duration_h: float, body_mass_kg: float) -> float:
    """Fluid to drink per hour during the session [mL/h], never above the sweat rate.

    ACSM 2007 / NATA 2017: drink to keep body-mass loss under about 2 %, typically
    0.4-0.8 L/h, adjusted to the individual. So the target is the rate needed to hold the
    deficit at 2 % of body mass over ``duration_h``, raised to the typical 400 mL/h floor and
    limited to the typical 800 mL/h top; then **capped at** :func:`drinking_cap_ml_per_h`
    (the sweat rate, its low end when uncalibrated) and rounded down to 50 mL.

    Parameters: ``duration_h`` [h] > 0, ``body_mass_kg`` [kg] > 0.
    """
    if not duration_h > 0:
        raise ValueError(f"duration_h must be > 0, got {duration_h!r}")
    if not body_mass_kg > 0:
        raise ValueError(f"body_mass_kg must be > 0, got {body_mass_kg!r}")
    loss_ml = max(sweat.total_l, 0.0) * 1000.0
    allowed_deficit_ml = MAX_BODY_MASS_LOSS_FRACTION * body_mass_kg * 1000.0
    needed_ml_per_h = max(loss_ml - allowed_deficit_ml, 0.0) / duration_h
    low, high = TYPICAL_DURING_ML_PER_H
    target = min(max(needed_ml_per_h, low), high)
    return _floor_to(min(target, drinking_cap_ml_per_h(sweat)))


def is_long_session(duration_h: float, long_session_min: float) -> bool:
    """A session long enough to carry water (``advice.long_session_min``, SPEC config)."""
    return duration_h * 60.0 >= long_session_min


def carry_bottles(during_ml_per_h_: float, duration_h: float, bottle_ml: float, long_session_min: float) -> int:
    """Bottles of ``bottle_ml`` to carry (or refill) for the whole session; 0 for a short one.

    Sessions shorter than ``advice.long_session_min`` get no carrying advice (0). Otherwise the
    planned intake (``during_ml_per_h_`` x ``duration_h``) divided by the bottle size, rounded
    up: carrying is not drinking, and the last bottle need not be finished.
    """
    if not bottle_ml > 0:
        raise ValueError(f"bottle_ml must be > 0, got {bottle_ml!r}")
    if not is_long_session(duration_h, long_session_min):
        return 0
    total_ml = max(during_ml_per_h_, 0.0) * duration_h
    if total_ml <= 0:
        return 0
    return max(1, math.ceil(total_ml / bottle_ml - 1e-9))


def after_ml(loss_l: float, drunk_during_l: float = 0.0) -> float:
    """Fluid to drink over the hours after the session [mL].

    ACSM 2007: "consuming 1.5 L of fluid for each kilogram of body weight lost" (NATA 2017:
    1.25-1.5 L/kg), with food or sodium, spread over the hours after. 1 kg of body mass lost
    is taken as 1 L of fluid (ACSM 2007). The deficit is ``loss_l - drunk_during_l`` (never
    below 0); the result never exceeds 1.5 L per kg of it, rounded down to 50 mL.

    Parameters: ``loss_l`` [L] sweat lost (use the low end when uncertain), ``drunk_during_l`` [L].
    """
    deficit_l = max(loss_l - max(drunk_during_l, 0.0), 0.0)
    return _floor_to(AFTER_L_PER_KG_LOST[1] * deficit_l * 1000.0)


class PlanDetails(BaseModel):
    """The plan plus what the advice texts need to explain it."""

    model_config = ConfigDict(frozen=True)

    block: PlanBlock
    duration_h: float
    body_mass_kg: float
    long_session: bool
    cap_ml_per_h: float = Field(description="the sweat rate the plan may not exceed (low end if uncalibrated)")
    loss_l: float = Field(description="the sweat loss the after-figure is based on (low end if uncalibrated)")
    drunk_during_l: float = Field(description="what the plan assumes is drunk during (0 for a short session)")
    deficit_if_plan_followed_pct: float = Field(description="body-mass loss left if the plan is followed, % (central estimate)")
    before_range_ml: tuple[float, float]
    top_up_range_ml: tuple[float, float]
    needs_more_than_typical: bool = Field(description="staying under 2 % would need more than 0.8 L/h")
    hyponatremia_risk: bool = Field(description="a long session where generic advice (0.4 L/h and up) would exceed "
                                    "the sweat rate, or a session of 4 h or more")


def make_plan(sweat: SweatBlock, duration_h: float, body_mass_kg: float,
              long_session_min: float, bottle_ml: float) -> PlanDetails:
    """The :class:`~pipeline.schema.PlanBlock` for one session, with its reasons.

    A short session (< ``long_session_min``) assumes nothing is drunk during it, so the
    after-figure covers the whole (low-end) loss; a long one assumes the ``during`` plan is
    followed. Hyponatremia (Hew-Butler et al. 2015) is flagged for a long session when the generic
    0.4 L/h low end would already exceed the sweat rate, and for any session of 4 h or more.
    """
    long_session = is_long_session(duration_h, long_session_min)
    during = during_ml_per_h(sweat, duration_h, body_mass_kg)
    cap = drinking_cap_ml_per_h(sweat)
    loss_low_l = sweat.total_l if sweat.calibrated else min(sweat.low_l, sweat.total_l)
    drunk_l = during * duration_h / 1000.0 if long_session else 0.0
    drunk_l = min(drunk_l, loss_low_l)
    after = after_ml(loss_low_l, drunk_l)
    needed = (max(sweat.total_l, 0.0) * 1000.0 - MAX_BODY_MASS_LOSS_FRACTION * body_mass_kg * 1000.0) / duration_h
    deficit_pct = max(sweat.total_l - drunk_l, 0.0) / body_mass_kg * 100.0
    block = PlanBlock(
        before_ml=before_ml(body_mass_kg),
        during_ml_per_h=during,
        carry_bottles=carry_bottles(during, duration_h, bottle_ml, long_session_min),
        after_ml=after,
    )
    return PlanDetails(
        block=block,
        duration_h=duration_h,
        body_mass_kg=body_mass_kg,
        long_session=long_session,
        cap_ml_per_h=cap,
        loss_l=loss_low_l,
        drunk_during_l=drunk_l,
        deficit_if_plan_followed_pct=deficit_pct,
        before_range_ml=(BEFORE_ML_PER_KG[0] * body_mass_kg, BEFORE_ML_PER_KG[1] * body_mass_kg),
        top_up_range_ml=(TOP_UP_ML_PER_KG[0] * body_mass_kg, TOP_UP_ML_PER_KG[1] * body_mass_kg),
        needs_more_than_typical=needed > TYPICAL_DURING_ML_PER_H[1],
        hyponatremia_risk=(long_session and cap < TYPICAL_DURING_ML_PER_H[0]) or duration_h >= HYPONATREMIA_LONG_H,
    )
