"""The drinking plan: how much before, during and after a session (pure functions).

Sources (SCIENCE.md §4, §8):

.. [ACSM2007] Sawka MN, Burke LM, Eichner ER, Maughan RJ, Montain SJ, Stachenfeld NS (2007).
   American College of Sports Medicine position stand: Exercise and fluid replacement.
   Med Sci Sports Exerc 39(2):377-390. doi:10.1249/mss.0b013e31802ca597
.. [NATA2017] McDermott BP, Anderson SA, Armstrong LE, et al. (2017). National Athletic
   Trainers' Association position statement: Fluid replacement for the physically active.
   J Athl Train 52(9):877-895. doi:10.4085/1062-6050-52.9.02
.. [Shirreffs1996] Shirreffs SM, Taylor AJ, Leiper JB, Maughan RJ (1996). Post-exercise
   rehydration in man: effects of volume consumed and drink sodium content. Med Sci Sports
   Exerc 28(10):1260-1271 (drinking 150 % of the mass lost, with sodium, restores fluid
   balance; 100 % does not, because urine keeps flowing).
.. [HewButler2015] Hew-Butler T, Rosner MH, Fowkes-Godek S, et al. (2015). Statement of the
   Third International Exercise-Associated Hyponatremia Consensus Development Conference,
   Carlsbad, California, 2015. Clin J Sport Med 25(4):303-320.
   doi:10.1097/JSM.0000000000000221. Its risk-factor list (reproduced as Table 1 of the
   CJASN review of EAH): exercise > 4 h or slow pace; female sex (may be explained by lower
   body weight); low body weight; excessive drinking; pre-exercise overhydration; abundant
   drinks at the event; NSAIDs; extreme hot or cold environment.
.. [Almond2005] Almond CSD, Shin AY, Fortescue EB, et al. (2005). Hyponatremia among runners
   in the Boston Marathon. N Engl J Med 352(15):1550-1556. doi:10.1056/NEJMoa043901.
   Univariate: weight gain, > 3 L drunk, drinking every mile, racing time > 4:00 h, female
   sex, low body-mass index; multivariate: weight gain, racing time > 4:00 h, BMI extremes.

The one rule above all the others: **never advise drinking more than is lost**. Precisely,
for every consistent sweat block (``0 ≤ low_l ≤ total_l ≤ high_l``) and session:

1. ``during_ml_per_h ≤ during_max_ml_per_h`` and the upper figure, drunk for the whole
   session, never exceeds the *central* estimate of the loss: ``during_max_ml_per_h × h ≤
   total_l`` (so it is also below the high end). The lower figure never exceeds the low end
   of the rate (uncalibrated) or the rate (calibrated).
2. Drinking the upper figure during and then ``after_ml`` never adds up to more than the high
   end of the fluid lost, sweat plus water breathed out: ``during_max_ml_per_h × h + after_ml ≤
   high_l + respiratory_water_l``. Drinking less during and adding what was skipped to the
   after-figure keeps the same bound. The after-rule itself asks for more than the deficit
   (1.25–1.5 L per kg, because urine keeps flowing: Shirreffs et al. 1996), so the bound is the
   high end and not the central estimate; the *during* figures alone stay within the central one
   (rule 1), which is where SCIENCE.md's "never more than is lost" applies.
3. ``before_ml`` (ACSM's 5 mL/kg at least 4 h before) is outside that sum: ACSM 2007 times it
   so that "any excess fluid" leaves as urine before the start.

Within that, the plan aims at the 2 % body-mass guideline ([ACSM2007]; [NATA2017]): the upper
figure is what holds the central loss at 2 % of body mass (within ACSM's typical 0.4-0.8 L/h),
the lower one the same capped at the low end of the estimated rate; the reader drinks to
thirst between the two. "After" is 1.25 L per litre still missing — sweat plus the water
breathed out (Mitchell, Nadel & Stolwijk 1972), less the lower figure as the plan shows it — (:func:`plan_after_ml`;
the rule and its sources, once, in :mod:`.guidance`), capped by rule 2. The after-figure and the
deficits are computed from the figures as shown (rounded down to 50 mL), so the text's "you
would finish X % down" and its after-figure describe the same drinking: on a 40 h run a lower
figure of 290 mL/h shown as 250 once left 1.6 L out of the after-figure. What the plan asks in
all (lower figure × h + after) rises with the sweat lost and with the duration (no step at the
long-session threshold: a short session has the same formula, it just needs no bottle); the
after-figure alone may dip by 1.25 × 50 mL/h × h where the lower figure steps up by 50 mL/h.
"""
from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from pipeline.advice.guidance import (
    AFTER_L_PER_KG_LOST,
    AFTER_PLAN_L_PER_L,
    BEFORE_ML_PER_KG,
    MAX_BODY_MASS_LOSS_FRACTION,
    TOP_UP_ML_PER_KG,
    TYPICAL_DURING_ML_PER_H,
)
from pipeline.core.schema import PlanBlock, SweatBlock
from pipeline.physiology.limits import survivable_loss_l

#: Hyponatremia risk factors ([HewButler2015]; [Almond2005]): exercise longer than this, h.
HYPONATREMIA_LONG_H = 4.0
#: ... a body mass below this, kg ("low body weight"; Almond 2005: low BMI). Our threshold.
HYPONATREMIA_SMALL_MASS_KG = 60.0
#: ... a sweat rate below this, L/h: slow pace / little sweat, so the generic 0.4-0.8 L/h is
#: near or above what is lost ([HewButler2015]: slow pace; [ACSM2007]: 0.4-0.8 L/h typical).
HYPONATREMIA_LOW_SWEAT_L_PER_H = 0.5
#: ... air colder than this, °C: cool conditions, low sweat rates ([HewButler2015]: cold
#: environments; SCIENCE.md §8). Our threshold.
HYPONATREMIA_COOL_C = 10.0
#: ... the plan's upper figure at or above this share of the low-end sweat rate ("drinking at
#: every opportunity", Almond 2005; drinking near what is lost leaves no margin).
HYPONATREMIA_NEAR_RATE_SHARE = 1.0
#: Topic "hyponatremia" from this many risk factors (on a session long enough to drink during).
HYPONATREMIA_MIN_FACTORS = 2
#: Volumes are rounded down to this step, mL.
ROUND_ML = 50.0
#: A multisport race's average drinking rate (its legs' volumes over its whole time) is rounded down to
#: this step, mL/h (our figure: fine enough that the average agrees with the legs it is made of).
RACE_AVERAGE_STEP_ML = 10.0
#: Bottles one carries at once: two cages on a bike frame and two in jersey pockets, or a runner's
#: vest with two soft flasks and a bladder (about 3 L at 750 mL a bottle). A session that needs more
#: is planned as bottles over the session, refilled on the way: never "N bottles to carry".
CARRIED_BOTTLES_MAX = 4
#: About the most fluid the gut delivers per hour during exercise, mL/h: gastric emptying above 1 L/h
#: was measured only with a large stomach volume kept up by drinking 350 mL every 20 min (Ryan et al.
#: 1989, Med Sci Sports Exerc 21:S49, as summarised by Noakes et al. 1991); Maughan & Leiper (1999,
#: Can J Appl Physiol 24:173-187) review the emptying and absorption limits. A loss faster than this
#: cannot be drunk back during the session, whatever the plan.
GUT_LIMIT_ML_PER_H = 1000.0


def floor_ml(value_ml: float, step_ml: float = ROUND_ML) -> float:
    """``value_ml`` [mL] rounded down to ``step_ml`` [mL] (so a cap is never exceeded); below one step, to
    10 mL; 0 for a value ≤ 0."""
    if value_ml <= 0:
        return 0.0
    # the 1e-9 absorbs float noise (0.02 * 70 kg = 1400.0000000000002 mL), never a real millilitre
    if value_ml >= step_ml:
        return math.floor(value_ml / step_ml + 1e-9) * step_ml
    return max(math.floor(value_ml / 10.0 + 1e-9) * 10.0, 0.0)


def _check(duration_h: float, body_mass_kg: float) -> None:
    if duration_h is None or not duration_h > 0:
        raise ValueError(f"duration_h must be > 0, got {duration_h!r}")
    if body_mass_kg is None or not body_mass_kg > 0:
        raise ValueError(f"body_mass_kg must be > 0, got {body_mass_kg!r}")


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
    return floor_ml(BEFORE_ML_PER_KG[0] * body_mass_kg)


def drinking_cap_ml_per_h(sweat: SweatBlock) -> float:
    """The most the *lower* figure may be [mL/h]: the low end of the sweat rate.

    Uncalibrated estimates use the low end of their range (``low_l / total_l`` times the rate),
    so that the figure the plan asks for at least errs toward drinking less than is lost
    (Hew-Butler et al. 2015: over-drinking beyond sweat loss is the primary cause of
    exercise-associated hyponatremia). A calibrated estimate (from weigh-ins) uses its rate.
    """
    rate_ml_per_h = max(sweat.rate_l_per_h, 0.0) * 1000.0
    if sweat.calibrated or sweat.total_l <= 0:
        return rate_ml_per_h
    low_share = min(max(sweat.low_l / sweat.total_l, 0.0), 1.0)
    return rate_ml_per_h * low_share


def upper_cap_ml_per_h(sweat: SweatBlock, duration_h: float) -> float:
    """The most the *upper* figure may be [mL/h]: the central estimate of the loss per hour.

    The smaller of the estimate's rate and its total over ``duration_h``, so that drinking the
    upper figure for the whole session never adds up to more than ``total_l`` (rule 1 of the
    module docstring) even when the file's clock and the estimate disagree.
    """
    if not duration_h > 0:
        raise ValueError(f"duration_h must be > 0, got {duration_h!r}")
    return max(min(sweat.rate_l_per_h, sweat.total_l / duration_h), 0.0) * 1000.0


def target_ml_per_h(sweat: SweatBlock, duration_h: float, body_mass_kg: float) -> float:
    """The rate that holds the central loss at 2 % of body mass, within ACSM's 0.4-0.8 L/h [mL/h].

    ACSM 2007 / NATA 2017: drink to keep body-mass loss under about 2 %, typically 0.4-0.8 L/h,
    adjusted to the individual: ``(total_l - 0.02 x body mass) / duration_h``, raised to
    400 mL/h and limited to 800 mL/h. Not a cap: the sweat-rate caps come after.
    """
    _check(duration_h, body_mass_kg)
    loss_ml = max(sweat.total_l, 0.0) * 1000.0
    allowed_deficit_ml = MAX_BODY_MASS_LOSS_FRACTION * body_mass_kg * 1000.0
    needed = max(loss_ml - allowed_deficit_ml, 0.0) / duration_h
    low, high = TYPICAL_DURING_ML_PER_H
    return min(max(needed, low), high)


def _lower_raw(sweat: SweatBlock, duration_h: float, body_mass_kg: float) -> float:
    return min(target_ml_per_h(sweat, duration_h, body_mass_kg), drinking_cap_ml_per_h(sweat),
               upper_cap_ml_per_h(sweat, duration_h))


def _upper_raw(sweat: SweatBlock, duration_h: float, body_mass_kg: float) -> float:
    upper = min(target_ml_per_h(sweat, duration_h, body_mass_kg), upper_cap_ml_per_h(sweat, duration_h))
    return max(upper, _lower_raw(sweat, duration_h, body_mass_kg))


def during_ml_per_h(sweat: SweatBlock, duration_h: float, body_mass_kg: float) -> float:
    """The lower figure to drink per hour during the session [mL/h] (``plan.during_ml_per_h``).

    :func:`target_ml_per_h` (the 2 % line within 0.4-0.8 L/h, ACSM 2007 / NATA 2017), capped at
    :func:`drinking_cap_ml_per_h` (the low end of the sweat rate when uncalibrated) and at
    :func:`upper_cap_ml_per_h`; rounded down to 50 mL.

    Parameters: ``duration_h`` [h] > 0, ``body_mass_kg`` [kg] > 0.
    """
    _check(duration_h, body_mass_kg)
    return floor_ml(_lower_raw(sweat, duration_h, body_mass_kg))


def during_max_ml_per_h(sweat: SweatBlock, duration_h: float, body_mass_kg: float) -> float:
    """The upper figure [mL/h] (``plan.during_max_ml_per_h``): drink to thirst up to it.

    :func:`target_ml_per_h` capped at :func:`upper_cap_ml_per_h` (the central estimate of the
    loss per hour), never below the lower figure; rounded down to 50 mL. On a long session it
    is what keeps the expected loss near the 2 % line when the low-end cap would not.
    """
    _check(duration_h, body_mass_kg)
    return max(floor_ml(_upper_raw(sweat, duration_h, body_mass_kg)), during_ml_per_h(sweat, duration_h, body_mass_kg))


def is_long_session(duration_h: float, long_session_min: float) -> bool:
    """A session long enough to carry water (``advice.long_session_min``, SPEC config)."""
    return duration_h * 60.0 >= long_session_min


def carry_bottles(during_ml_per_h_: float, duration_h: float, bottle_ml: float, long_session_min: float) -> int:
    """Bottles of ``bottle_ml`` to carry (or refill) for the whole session; 0 for a short one.

    Sessions shorter than ``advice.long_session_min`` get no carrying advice (0). Otherwise the
    planned intake (``during_ml_per_h_`` x ``duration_h``; the plan passes its upper figure)
    divided by the bottle size, rounded up: carrying is not drinking, and the last bottle need
    not be finished.
    """
    if not bottle_ml > 0:
        raise ValueError(f"bottle_ml must be > 0, got {bottle_ml!r}")
    if not is_long_session(duration_h, long_session_min):
        return 0
    total_ml = max(during_ml_per_h_, 0.0) * duration_h
    if total_ml <= 0:
        return 0
    return max(1, math.ceil(total_ml / bottle_ml - 1e-9))


def after_ml(loss_l: float, drunk_during_l: float = 0.0, l_per_kg: float = AFTER_L_PER_KG_LOST[1],
             cap_l: float | None = None) -> float:
    """Fluid to drink over the hours after the session [mL].

    ACSM 2007: "consuming 1.5 L of fluid for each kilogram of body weight lost" (NATA 2017:
    1.25-1.5 L/kg; Shirreffs et al. 1996), with food or sodium, spread over the hours after.
    1 kg of body mass lost is taken as 1 L of fluid (ACSM 2007). The deficit is ``loss_l -
    drunk_during_l`` (never below 0); the result is ``l_per_kg`` times it, at most ``cap_l``
    (L, when given), rounded down to 50 mL.
    """
    deficit_l = max(loss_l - max(drunk_during_l, 0.0), 0.0)
    value_l = l_per_kg * deficit_l
    if cap_l is not None:
        value_l = min(value_l, max(cap_l, 0.0))
    return floor_ml(value_l * 1000.0)


def after_cap_l(body_mass_kg: float, l_per_kg: float = AFTER_L_PER_KG_LOST[1]) -> float:
    """The most an after-figure may be [L]: the rule's ``l_per_kg`` times a deficit of
    :data:`~pipeline.physiology.limits.SURVIVABLE_LOSS_FRACTION` of ``body_mass_kg`` [kg]. A larger
    deficit is life-threatening (Adolph et al. 1947): it is not something to drink back over the
    hours after, and the advice says to drink during instead (ACSM 2007's 1.5 L/kg rule was
    measured on deficits of about 2 % of body mass, Shirreffs et al. 1996)."""
    return l_per_kg * survivable_loss_l(body_mass_kg)


def breath_water_l(sweat: SweatBlock) -> float:
    """The water breathed out over the session [L] (``sweat.respiratory_water_l``, Mitchell, Nadel &
    Stolwijk 1972; 0 when not estimated): fluid lost beside the sweat, so part of what "after"
    replaces and of the high end no plan goes beyond. The fuel burned (``metabolic_mass_l``) is
    body mass, not water, and is left out (Cheuvront & Montain 2017)."""
    return max(sweat.respiratory_water_l or 0.0, 0.0)


def plan_after_ml(loss_l: float, drunk_during_l: float, cap_l: float | None = None) -> float:
    """The plan's after-figure [mL]: :func:`after_ml` at the rule's low end
    (:data:`~pipeline.advice.guidance.AFTER_PLAN_L_PER_L`, 1.25 L per litre still missing)."""
    return after_ml(loss_l, drunk_during_l, AFTER_PLAN_L_PER_L, cap_l)


class PlanDetails(BaseModel):
    """The plan plus what the advice texts need to explain it."""

    model_config = ConfigDict(frozen=True)

    block: PlanBlock
    duration_h: float
    body_mass_kg: float
    long_session: bool
    cap_ml_per_h: float = Field(description="the low end of the sweat rate, the lower figure's cap")
    cap_is_measured: bool = Field(False, description="the cap is the sweat rate calibrated by the athlete's "
                                  "weigh-ins (drinking_cap_ml_per_h), not the low end of the model's range")
    upper_cap_ml_per_h: float = Field(description="the central sweat rate, the upper figure's cap")
    loss_l: float = Field(description="the central fluid loss the after-figure is based on: sweat plus water "
                          "breathed out [L]")
    drunk_during_l: float = Field(description="what the after-figure assumes was drunk: the lower figure as shown")
    after_range_ml: tuple[float, float] = Field(description="the after-rule's range (guidance.AFTER_L_PER_KG_LOST) "
                                             "per litre still missing, both capped")
    after_if_upper_ml: float = Field(description="the after-figure when the upper figure was drunk during (1.25 L/L)")
    deficit_if_plan_followed_pct: float = Field(description="water still missing drinking the lower figure, % of body "
                                                "mass (central sweat plus breath)")
    deficit_at_upper_pct: float = Field(description="water still missing drinking the upper figure, % of body mass "
                                        "(central sweat plus breath)")
    before_range_ml: tuple[float, float]
    top_up_range_ml: tuple[float, float]
    needs_more_than_typical: bool = Field(description="staying under 2 % would need more than 0.8 L/h")
    deficit_at_gut_limit_pct: float = Field(0.0, description="body mass down at the end [%] even drinking what the gut "
                                            "can take up (GUT_LIMIT_ML_PER_H), or the loss, whichever is less")


def make_plan(sweat: SweatBlock, duration_h: float, body_mass_kg: float,
              long_session_min: float, bottle_ml: float) -> PlanDetails:
    """The :class:`~pipeline.core.schema.PlanBlock` for one session, with its reasons.

    The same formulas for every duration (see the module docstring for the invariants): the
    during range, bottles for the upper figure on a long session (none on a short one), and
    the after-figure from the deficit left when the lower figure is drunk.
    """
    _check(duration_h, body_mass_kg)
    long_session = is_long_session(duration_h, long_session_min)
    during = during_ml_per_h(sweat, duration_h, body_mass_kg)
    during_max = during_max_ml_per_h(sweat, duration_h, body_mass_kg)
    total_l = max(sweat.total_l, 0.0)
    breath_l = breath_water_l(sweat)
    fluid_l = total_l + breath_l  # the water to drink back: sweat and breath (not the fuel burned)
    high_l = max(sweat.high_l, total_l) + breath_l
    # what the plan tells the reader to drink, as shown (rounded down): the after-figure and the
    # deficits are those of the figures in the text, so the plan agrees with itself
    drunk_l = min(during * duration_h / 1000.0, fluid_l)
    upper_l = min(during_max * duration_h / 1000.0, fluid_l)
    cap_l = high_l - upper_l  # rule 2: upper figure + after <= high end
    after_low = plan_after_ml(fluid_l, drunk_l, min(cap_l, after_cap_l(body_mass_kg, AFTER_PLAN_L_PER_L)))
    after_high = after_ml(fluid_l, drunk_l, AFTER_L_PER_KG_LOST[1], min(cap_l, after_cap_l(body_mass_kg)))
    needed = (total_l * 1000.0 - MAX_BODY_MASS_LOSS_FRACTION * body_mass_kg * 1000.0) / duration_h
    block = PlanBlock(
        before_ml=before_ml(body_mass_kg),
        during_ml_per_h=during,
        during_max_ml_per_h=during_max,
        carry_bottles=carry_bottles(during_max, duration_h, bottle_ml, long_session_min),
        after_ml=after_low,
        sodium_mg_per_h=round(max(sweat.sodium_mg, 0.0) / duration_h, -1),
    )
    return PlanDetails(
        block=block,
        duration_h=duration_h,
        body_mass_kg=body_mass_kg,
        long_session=long_session,
        cap_ml_per_h=drinking_cap_ml_per_h(sweat),
        cap_is_measured=bool(sweat.calibrated and sweat.total_l > 0),
        upper_cap_ml_per_h=upper_cap_ml_per_h(sweat, duration_h),
        loss_l=fluid_l,
        drunk_during_l=drunk_l,
        after_range_ml=(after_low, after_high),
        after_if_upper_ml=min(plan_after_ml(fluid_l, upper_l, cap_l), after_low),
        deficit_if_plan_followed_pct=max(fluid_l - drunk_l, 0.0) / body_mass_kg * 100.0,
        deficit_at_upper_pct=max(fluid_l - upper_l, 0.0) / body_mass_kg * 100.0,
        before_range_ml=(BEFORE_ML_PER_KG[0] * body_mass_kg, BEFORE_ML_PER_KG[1] * body_mass_kg),
        top_up_range_ml=(TOP_UP_ML_PER_KG[0] * body_mass_kg, TOP_UP_ML_PER_KG[1] * body_mass_kg),
        needs_more_than_typical=needed > TYPICAL_DURING_ML_PER_H[1],
        deficit_at_gut_limit_pct=deficit_at_gut_limit_pct(total_l, duration_h, body_mass_kg),
    )


def deficit_at_gut_limit_pct(loss_l: float, drinking_h: float, body_mass_kg: float) -> float:
    """Body mass down at the end [%] when ``drinking_h`` hours are drunk at the most the gut delivers
    (:data:`GUT_LIMIT_ML_PER_H`), never more than the loss: ``max(loss − 1.0 L/h × h, 0) / mass``.
    Above :data:`CLEARLY_SHORT_FRACTION` the loss cannot be kept within 2–3 % by drinking alone."""
    if body_mass_kg <= 0:
        raise ValueError(f"body_mass_kg must be > 0, got {body_mass_kg!r}")
    drunk_l = min(GUT_LIMIT_ML_PER_H * max(drinking_h, 0.0) / 1000.0, max(loss_l, 0.0))
    return max(loss_l - drunk_l, 0.0) / body_mass_kg * 100.0


def race_details(details: PlanDetails, sweat: SweatBlock, legs: list[tuple[PlanBlock, float]], bottle_ml: float,
                 long_session_min: float) -> PlanDetails:
    """A multisport activity's plan made of its legs' plans (``legs``: each leg's plan and timer time
    [s], legs without a plan left out): the during figures are the legs' volumes over the whole
    time (:attr:`PlanDetails.duration_h`), rounded down to :data:`RACE_AVERAGE_STEP_ML`; the bottles those of the
    legs' upper volumes (:func:`carry_bottles` over the whole race);
    the after-figure and the deficits from what the legs' lower figures drink. So the headline
    agrees with its legs: a swim leg with no drinking lowers the race's average instead of the
    whole race being planned as if one could drink throughout. Each leg's plan keeps
    :func:`make_plan`'s invariants, so their sum cannot ask for more than the total loss."""
    if not legs or not details.duration_h > 0:
        return details
    hours = details.duration_h
    lower_l = sum(plan.during_ml_per_h * seconds / 3600.0 for plan, seconds in legs) / 1000.0
    upper_l = sum(plan.during_max_ml_per_h * seconds / 3600.0 for plan, seconds in legs) / 1000.0
    total_l = max(sweat.total_l, 0.0)
    breath_l = breath_water_l(sweat)
    fluid_l = total_l + breath_l
    cap_l = max(sweat.high_l, total_l) + breath_l - upper_l
    after_low = plan_after_ml(fluid_l, lower_l, min(cap_l, after_cap_l(details.body_mass_kg, AFTER_PLAN_L_PER_L)))
    after_high = after_ml(fluid_l, lower_l, AFTER_L_PER_KG_LOST[1], min(cap_l, after_cap_l(details.body_mass_kg)))
    # the legs' volumes over the whole time, rounded down to 10 mL/h: a 50 mL/h step would drop up to
    # 49 mL/h × the race's hours that the legs do plan (0, 400 and 400 mL/h over 0.5, 2 and 1 h is
    # 343 mL/h: 340, not 300); rounded down, it never asks for more than the legs, so never more than is lost
    during = floor_ml(lower_l * 1000.0 / hours, RACE_AVERAGE_STEP_ML)
    during_max = floor_ml(upper_l * 1000.0 / hours, RACE_AVERAGE_STEP_ML)
    block = details.block.model_copy(update={
        "during_ml_per_h": during, "during_max_ml_per_h": during_max,
        "carry_bottles": carry_bottles(upper_l * 1000.0 / hours, hours, bottle_ml, long_session_min),
        "after_ml": after_low})
    mass = details.body_mass_kg
    return details.model_copy(update={
        "block": block, "loss_l": fluid_l, "drunk_during_l": min(lower_l, fluid_l),
        "after_range_ml": (after_low, after_high),
        "after_if_upper_ml": min(plan_after_ml(fluid_l, min(upper_l, fluid_l), cap_l), after_low),
        "deficit_if_plan_followed_pct": max(fluid_l - lower_l, 0.0) / mass * 100.0,
        "deficit_at_upper_pct": max(fluid_l - upper_l, 0.0) / mass * 100.0,
    })


#: Hyponatremia risk-factor codes, in the order the text names them.
HYPONATREMIA_FACTORS = ("small", "long", "low_sweat", "cool", "drinking_near_rate")


def hyponatremia_factors(details: PlanDetails, sweat: SweatBlock, sex: str | None,
                         temperature_c: float | None) -> list[str]:
    """The exercise-associated hyponatremia risk factors this session meets (codes, in order).

    - ``small``: body mass < 60 kg, or female ([HewButler2015]: low body weight; female sex,
      which "may be explained by lower body weight"; [Almond2005]: low BMI, female sex).
    - ``long``: longer than 4 h ([HewButler2015]: exercise duration > 4 h; [Almond2005]:
      racing time > 4:00 h, odds ratio 7.4 against < 3:30 h).
    - ``low_sweat``: estimated sweat rate < 0.5 L/h: slow pace or little heat to shed, so the
      generic 0.4-0.8 L/h is near or above the loss ([HewButler2015]: slow pace).
    - ``cool``: air below 10 °C ([HewButler2015]: extreme cold environment; low sweat rates).
    - ``drinking_near_rate``: the upper figure reaches the low end of the sweat rate, so
      drinking it throughout could exceed the loss ([Almond2005]: > 3 L drunk, drinking every
      mile, weight gain; [HewButler2015]: excessive drinking).
    """
    factors: list[str] = []
    if details.body_mass_kg < HYPONATREMIA_SMALL_MASS_KG or sex == "female":
        factors.append("small")
    if details.duration_h > HYPONATREMIA_LONG_H:
        factors.append("long")
    if max(sweat.rate_l_per_h, 0.0) < HYPONATREMIA_LOW_SWEAT_L_PER_H:
        factors.append("low_sweat")
    if temperature_c is not None and temperature_c < HYPONATREMIA_COOL_C:
        factors.append("cool")
    upper = details.block.during_max_ml_per_h
    if upper > 0 and upper >= HYPONATREMIA_NEAR_RATE_SHARE * details.cap_ml_per_h:
        factors.append("drinking_near_rate")
    return factors


def hyponatremia_risk(details: PlanDetails, factors: list[str]) -> bool:
    """Warn on a session long enough to drink during when at least two risk factors meet, or when
    the model expects next to no sweat at all (any drinking beyond thirst would exceed the loss:
    Hew-Butler et al. 2015, over-drinking beyond sweat loss is the primary cause of EAH)."""
    if not details.long_session:
        return False
    return len(factors) >= HYPONATREMIA_MIN_FACTORS or details.cap_ml_per_h < ROUND_ML
