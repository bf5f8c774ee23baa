"""The advice list: hydration, potassium, calcium, warm-up and the rest, worded for one session.

Every text is built from this session's own numbers (duration, sport, temperature, sweat,
plan), not pasted boilerplate. The amounts come from :mod:`pipeline.advice.plan` (ACSM 2007,
NATA 2017) and :mod:`pipeline.advice.foods` (USDA / NIH ODS); the caveats follow SCIENCE.md §6:

- Schwellnus MP (2009). Cause of exercise associated muscle cramps (EAMC) - altered
  neuromuscular control, dehydration or electrolyte depletion? Br J Sports Med 43:401-408.
- Schwellnus MP, Drew N, Collins M (2011). Increased running speed and previous cramps rather
  than dehydration or serum sodium changes predict exercise-associated muscle cramping: a
  prospective cohort study in 210 Ironman triathletes. Br J Sports Med 45:650-656.
- Hew-Butler T et al. (2015). Exercise-associated hyponatremia consensus. Clin J Sport Med 25(4):303-320.
- Almond CSD et al. (2005). Hyponatremia among runners in the Boston Marathon. N Engl J Med 352:1550-1556.
- Armstrong LE et al. (2007). ACSM position stand: Exertional heat illness during training and
  competition. Med Sci Sports Exerc 39(3):556-572; NWS heat index (Rothfusz 1990), see
  :mod:`pipeline.advice.heat`.

Where a tip is the article's rather than a guideline's, the text says so in words the reader
can check ("a common tip", "ACSM guidance"), never "the article says": the reader does not
have the article.

Texts are plain strings (no markup): the renderers escape them like any other text. Each is
written in one reader's units (``SessionFacts.units``, formatted by a
:class:`pipeline.core.units.Reader` where the sentence is made); :func:`build_advice` and
:func:`generic_advice` write every text in both unit systems (:func:`in_both_units`).
"""
from __future__ import annotations

import math
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict

from pipeline.advice.foods import CALCIUM_RDA_MG_PER_DAY, POTASSIUM_AI_MG_PER_DAY, food, portions_to_cover
from pipeline.advice.guidance import (
    AFTER_SOURCES,
    CLEARLY_SHORT_FRACTION,
    MAX_BODY_MASS_LOSS_FRACTION,
    TYPICAL_DURING_ML_PER_H,
    after_amount,
    after_plan_rule,
    after_rule,
    before_rule,
    loss_limits,
    typical_during,
)
from pipeline.advice.heat import OFF_CHART_C, HeatAssessment, heat_assessment, is_warm
from pipeline.advice.plan import (
    GUT_LIMIT_ML_PER_H,
    HYPONATREMIA_LOW_SWEAT_L_PER_H,
    HYPONATREMIA_SMALL_MASS_KG,
    ROUND_ML,
    PlanDetails,
    hyponatremia_factors,
    hyponatremia_risk,
)
from pipeline.core.schema import AdviceItem, SweatBlock
from pipeline.core.sports import sport_profile
from pipeline.core.units import METRIC_READER, UNITS, Reader, Units, litre_digits, reader
from pipeline.physiology.limits import SURVIVABLE_LOSS_FRACTION

DISCLAIMER = ("General guidance for healthy adults, not medical advice: if you have kidney or heart "
              "disease, take medicines that affect potassium or fluid balance, or have been told to limit "
              "fluids or potassium, follow your doctor's advice instead.")

#: Topics always present (SPEC), then those added where they apply.
REQUIRED_TOPICS = ("hydration", "potassium", "calcium", "warm-up")

class SessionFacts(BaseModel):
    """What every text may mention: done or planned, the sport, the temperature."""

    model_config = ConfigDict(frozen=True)

    planned: bool = False
    sport: str
    temperature_c: float | None = None
    humidity_pct: float | None = None
    sweat_flags: tuple[str, ...] = ()
    units: Units = "metric"
    water_temperature_c: float | None = None  # a swim's water (°C): what the texts name instead of the air

    @property
    def r(self) -> Reader:
        """The reader's units (:class:`pipeline.core.units.Reader`) every quantity of a text is written in."""
        return reader(self.units)

    @property
    def heat(self) -> HeatAssessment | None:
        """The heat warning for this session, or None (:func:`pipeline.advice.heat.heat_assessment`)."""
        return heat_assessment(self.temperature_c, self.humidity_pct, self.sweat_flags)


class AdviceContext(SessionFacts):
    """What the texts need to know about the session (done, or planned) with its estimate and plan."""

    duration_h: float
    indoor: bool = False
    sex: str | None = None
    sweat: SweatBlock
    plan: PlanDetails
    bottle_ml: float
    long_session_min: float
    leg_sports: tuple[str, ...] = ()
    water_points: int = 0
    """A planned course's water points where bottles are refilled: ``carry_bottles`` is then what is
    carried at once, not the bottles over the session."""
    rate_origin: str = "as your weigh-ins measure it"
    """How a calibrated sweat rate was come by, after "your sweat rate"
    (:func:`pipeline.physiology.calibration.rate_origin`): the sport's own weigh-ins, or a factor
    borrowed from other sports' applied to the model's estimate."""


def sport_noun(sport: str | None) -> str:
    """'run', 'ride', ... for a FIT sport name; 'session' for anything else."""
    return sport_profile(sport).noun


def format_duration(duration_h: float) -> str:
    """'47 min', '2 h', '2 h 50 min'; under a minute in seconds ('22 s', not '0 min')."""
    if duration_h * 3600.0 < 59.5:
        return f"{max(duration_h * 3600.0, 0.0):.0f} s"
    minutes = int(round(duration_h * 60))
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" if rest == 0 else f"{hours} h {rest} min"


def ml(value_ml: float, r: Reader = METRIC_READER) -> str:
    """A volume in the reader's units: '1,250 mL' / '42 fl oz'."""
    return r.volume_ml(value_ml)


def mg(value_mg: float) -> str:
    """A mass in mg with a thousands separator: '1,309 mg'."""
    return f"{value_mg:,.0f} mg"


def ml_range(low_ml: float, high_ml: float, r: Reader = METRIC_READER) -> str:
    """'350–490 mL' (rounded to 10 mL) / '12–17 fl oz'."""
    return r.volume_ml_range(low_ml, high_ml, step_ml=10.0)


def mg_range(low_mg: float, high_mg: float) -> str:
    """'460–940 mg' (rounded to 10 mg: the estimate is not more precise than that)."""
    return f"{round(low_mg, -1):,.0f}–{round(high_mg, -1):,.0f} mg"


def _session_phrase(ctx: AdviceContext) -> str:
    """'this 2 h 50 min ride at 24 °C' / 'the planned 4 h ride at 30 °C'."""
    what = f"{format_duration(ctx.duration_h)} {sport_noun(ctx.sport)}"
    where = ""
    if ctx.water_temperature_c is not None:
        where = f" in {ctx.r.temperature(ctx.water_temperature_c)} water"
    elif ctx.temperature_c is not None:
        where = f" at {ctx.r.temperature(ctx.temperature_c)}"
        if ctx.indoor:
            where += " indoors"
    return ("the planned " if ctx.planned else "this ") + what + where


#: Below this the estimate is "next to no sweat" and the text says so instead of quoting tiny amounts.
NEGLIGIBLE_SWEAT_L = 0.05
#: From this air temperature the hydration text speaks of the heat (°C).
HOT_C = 27.0
#: An after-figure below this is folded into "a glass of water with your next meal".
SMALL_AFTER_ML = 150.0


def _negligible_hydration_text(ctx: AdviceContext) -> str:
    p = ctx.plan.block
    found = "expects" if ctx.planned else "found"
    r = ctx.r
    return (f"For {_session_phrase(ctx)}, the model {found} next to no sweat loss ({r.volume_l(ctx.sweat.total_l, 2)}), so "
            "there is nothing to replace beyond your normal drinking: no bottle needed, drink to thirst, and "
            f"not more than that. Before a longer session, about {ml(p.before_ml, r)} of water at least 4 hours "
            f"before is the usual advice ({before_rule(r=r)}). And a glass of water with every meal and snack.")


def _per_hour(low_ml: float, high_ml: float, r: Reader) -> str:
    """'400–650 mL per hour', or 'about 400 mL per hour' when both figures are the same (as the
    report's "Drink during" row rounds them: :meth:`pipeline.core.units.Reader.volume_ml_range`)."""
    if high_ml <= low_ml or r.volume_ml(low_ml) == r.volume_ml(high_ml):
        return f"about {ml(low_ml, r)} per hour"
    return f"{r.volume_ml_range(low_ml, high_ml)} per hour"


def _upper(ctx: AdviceContext) -> float:
    """The plan's upper drinking figure [mL/h] (never below the lower one)."""
    return max(ctx.plan.block.during_max_ml_per_h, ctx.plan.block.during_ml_per_h)


def _loss_sentence(ctx: AdviceContext) -> str:
    """'For this 2 h ride at 24 °C, you lost about 1.4 L of sweat (1.0–1.9 L).'"""
    lost = "you can expect to lose" if ctx.planned else "you lost"
    s, r = ctx.sweat, ctx.r
    digits = litre_digits(s.total_l, s.low_l, s.high_l)  # as the report's "Sweat lost" row
    return (f"For {_session_phrase(ctx)}, {lost} about {r.volume_l(s.total_l, digits)} of sweat "
            f"({r.volume_l_range(s.low_l, s.high_l, digits)}).")


def _before_sentence(ctx: AdviceContext) -> str:
    """Pre-hydration at least 4 h before, and the top-up only on the body's signs (ACSM 2007)."""
    p, d, r = ctx.plan.block, ctx.plan, ctx.r
    return (f"Before: drink about {ml(p.before_ml, r)} of water at least 4 hours before "
            f"({before_rule(r=r)}, {ml_range(*d.before_range_ml, r)}); "
            f"add {ml_range(*d.top_up_range_ml, r)} about 2 hours before only if your urine is dark "
            "or you have not passed any.")


def _during_sentences(ctx: AdviceContext) -> list[str]:
    """The drinking rate, the bottles and why the figures stop where they do; a short session's sip."""
    p, d, upper, r = ctx.plan.block, ctx.plan, _upper(ctx), ctx.r
    if not d.long_session:
        return [f"During: a session this short (under {ctx.long_session_min:.0f} min) needs no bottle; if you are "
                f"thirsty, sip up to {ml(upper, r)} per hour, not more."]
    bottles = "bottle" if p.carry_bottles == 1 else "bottles"
    rate = (f"During: {_per_hour(p.during_ml_per_h, upper, r)}, in small sips every 15–20 minutes"
            + (" — drink to thirst within that range" if upper > p.during_ml_per_h else "")
            + (f": {p.carry_bottles} {bottles} of {ml(ctx.bottle_ml, r)} at a time, refilled at the "
               f"{ctx.water_points} water point{'s' if ctx.water_points != 1 else ''} on the way "
               f"(over {format_duration(ctx.duration_h)})." if ctx.water_points else
               f": {p.carry_bottles} {bottles} of {ml(ctx.bottle_ml, r)} over {format_duration(ctx.duration_h)}. "
               "Keep water on hand; if you cannot carry that much, plan where to refill."))
    return [rate, _cap_sentence(ctx)]


def _cap_sentence(ctx: AdviceContext) -> str:
    """Why the figures stop where they do: the lower one at the low end of the sweat rate (or the
    rate the weigh-ins measured), the upper one at its middle; never more than is lost."""
    p, d, upper, r = ctx.plan.block, ctx.plan, _upper(ctx), ctx.r
    low_rate = math.floor(d.cap_ml_per_h / 10) * 10
    cap = (f"your sweat rate ({ml(low_rate, r)} per hour) {ctx.rate_origin}" if d.cap_is_measured
           else f"the low end of your estimated sweat rate ({ml(low_rate, r)} per hour)")
    if upper > p.during_ml_per_h:
        upper_cap = ml(math.floor(d.upper_cap_ml_per_h / 10) * 10, r)
        return (f"The lower figure stays within {cap}; "
                + (f"the upper one within the same ({upper_cap} per hour over the whole session), so "
                   if d.cap_is_measured else f"the upper one within its middle ({upper_cap} per hour), so ")
                + "neither is more than you are expected to lose. Never drink more than you lose.")
    if p.during_ml_per_h < low_rate:
        return (f"That stays below {'' if d.cap_is_measured else 'even '}{cap}, "
                "as it should: never drink more than you lose.")
    return f"That is {cap} and deliberately no more: never drink more than you lose."


def _surroundings_sentence(ctx: AdviceContext) -> str | None:
    """Indoors a fan; in dangerous heat a pointer to the heat advice; in warm air, shade and cool drinks
    (not in the water: a swim or a dive has no shade to seek and no stops)."""
    if ctx.indoor:
        return ("Indoors, with little air moving over you, sweat drips instead of cooling you: a fan in front "
                "of you lowers how much you lose.")
    if ctx.heat is not None:
        return "In this heat drinking alone cannot keep you cool: see the heat advice below."
    if ctx.temperature_c is not None and ctx.temperature_c >= HOT_C and not sport_profile(ctx.sport).in_water:
        return (f"At {ctx.r.temperature(ctx.temperature_c)} the estimate already includes the heat; cool drinks and "
                "shade at stops help you stay on the plan.")
    return None


def _down(pct: float) -> str:
    """``about 3.4 %`` of body mass; past :data:`~pipeline.physiology.limits.SURVIVABLE_LOSS_FRACTION`
    not a figure but what it means: a loss that is life-threatening (Adolph et al. 1947), which no
    plan may forecast as an outcome."""
    bound = 100.0 * SURVIVABLE_LOSS_FRACTION
    if pct > bound:
        return f"more than {bound:.0f} % of body mass down, a loss that is life-threatening (Adolph et al. 1947)"
    return f"about {pct:.1f} % of body mass down"


def _deficit_sentence(ctx: AdviceContext) -> str | None:
    """On a long session that ends beyond the 2 % body-mass guideline (ACSM 2007): what to do."""
    p, d, upper, r = ctx.plan.block, ctx.plan, _upper(ctx), ctx.r
    aim_pct = MAX_BODY_MASS_LOSS_FRACTION * 100.0
    aim = f"{aim_pct:g} %"
    if d.long_session and d.deficit_at_upper_pct > 100.0 * SURVIVABLE_LOSS_FRACTION:
        return (f"Even drinking {ml(upper, r)} per hour you would finish {_down(d.deficit_at_upper_pct)}: a session "
                "like this cannot be done as planned. Shorten it or split it, slow down, drink to thirst up to the "
                "most the gut takes up, cool down where you can and eat something salty.")
    if d.long_session and d.needs_more_than_typical and round(d.deficit_at_upper_pct, 1) > aim_pct:
        return (f"Even drinking {ml(upper, r)} per hour you would finish {_down(d.deficit_at_upper_pct)}"
                f", more than the {aim} to aim for (ACSM 2007): on a session like this, slow down, cool down where "
                "you can and eat something salty.")
    if d.long_session and round(d.deficit_if_plan_followed_pct, 1) > aim_pct:
        lower_down = _down(d.deficit_if_plan_followed_pct).replace(" of body mass down", "")
        at_lower = (f", at {ml(p.during_ml_per_h, r)} per hour {lower_down}"
                    if upper > p.during_ml_per_h else "")
        return (f"Drinking {ml(upper, r)} per hour you would finish {_down(d.deficit_at_upper_pct)} "
                f"in water (sweat and breath) if you sweat at the middle of the estimate{at_lower} (ACSM 2007 aims for under {aim}): weighing "
                "yourself before and after tells you where in the range you are, and thirst and meals make up the rest.")
    return None


def _gut_limit_sentence(ctx: AdviceContext) -> str | None:
    """On a long session whose loss the gut cannot take back during it (:data:`.plan.GUT_LIMIT_ML_PER_H`):
    past :data:`.guidance.CLEARLY_SHORT_FRACTION` of body mass down, drinking alone will not do."""
    d = ctx.plan
    if not (d.long_session and d.deficit_at_gut_limit_pct > 100.0 * CLEARLY_SHORT_FRACTION):
        return None
    if d.deficit_at_upper_pct > 100.0 * SURVIVABLE_LOSS_FRACTION:
        return None  # the deficit sentence has said the session cannot be done as planned
    return (f"Even drinking about {ctx.r.volume_l(GUT_LIMIT_ML_PER_H / 1000, 0)} per hour, near the most the gut takes up during "
            f"exercise, you would finish {_down(d.deficit_at_gut_limit_pct)}: this loss cannot "
            f"be kept within {loss_limits()} by drinking, so pace it for the heat, cool down where you can and start well "
            "hydrated.")


def _breath_sentence(ctx: AdviceContext) -> str | None:
    """The water breathed out (to drink back with the sweat), and the fuel a weigh-in also sees (not)."""
    breath = ctx.sweat.respiratory_water_l or 0.0
    if breath < 0.05:
        return None
    fuel, r = ctx.sweat.metabolic_mass_l or 0.0, ctx.r
    return (f"Besides sweat you breathe out about {r.volume_l(breath)} of water: that is fluid to drink back with the sweat. "
            + (f"A weigh-in also shows about {r.mass_kg(fuel)} of fuel burned, which is not water to drink back."
               if fuel >= 0.05 else ""))


def _sodium_sentence(ctx: AdviceContext) -> str | None:
    """From 2 h on: the sweat's sodium (and per hour), and a drink or food that carries some."""
    if ctx.duration_h < 2.0:
        return None
    per_hour = f", about {mg(ctx.plan.block.sodium_mg_per_h)} per hour" if ctx.plan.block.sodium_mg_per_h else ""
    return (f"Your sweat carries sodium too (an estimated {mg(round(ctx.sweat.sodium_mg, -1))} here{per_hour}): on a "
            "session this long a sports drink with some sodium (20–30 mmol per litre) or salty food helps you keep "
            "what you drink.")


def _after_sentence(ctx: AdviceContext) -> str:
    """The after-figure with the rule it comes from (:mod:`.guidance`); a small one is a glass with a meal."""
    p, d, upper, r = ctx.plan.block, ctx.plan, _upper(ctx), ctx.r
    skipped = "if you drank less than the lower figure during, add what you skipped"
    if p.after_ml < SMALL_AFTER_ML:
        return (f"After: no special amount — {after_rule(r=r)} ({AFTER_SOURCES}) comes to only "
                f"about {ml(p.after_ml, r)} here once the lower figure is drunk, so a glass of water with your next meal "
                f"covers it, as it does with every meal and snack; {skipped}.")
    return (after_amount(p.after_ml, r=r) + f" — {after_plan_rule(r)} once you have drunk the lower figure"
            + (f" (about {ml(d.after_if_upper_ml, r)} if you drank the upper one)" if upper > p.during_ml_per_h else "")
            + f" ({after_rule(r=r)} is the usual guidance, {AFTER_SOURCES}); {skipped}. If you weigh yourself before "
            f"and after, {after_rule('for each {mass} you are down', r)}, no more. And a glass of water with every meal "
            "and snack.")


def hydration_text(ctx: AdviceContext) -> str:
    """The hydration advice of one session: its loss, then before, during, the surroundings, the
    deficit left, what the gut cannot take back, the breath, sodium and after, each a sentence
    builder above; next to no sweat, one short text."""
    if ctx.sweat.total_l < NEGLIGIBLE_SWEAT_L or ctx.plan.block.during_ml_per_h <= 0:
        return _negligible_hydration_text(ctx)
    parts = [_loss_sentence(ctx), _before_sentence(ctx), *_during_sentences(ctx), _surroundings_sentence(ctx),
             _deficit_sentence(ctx), _gut_limit_sentence(ctx), _breath_sentence(ctx), _sodium_sentence(ctx),
             _after_sentence(ctx)]
    return " ".join(part for part in parts if part)


def _factor_words(factor: str, low_rate: str, r: Reader) -> str:
    """One risk factor of over-drinking in plain words (the thresholds of
    :func:`pipeline.advice.plan.hyponatremia_factors`, in the reader's units)."""
    return {
        "small": f"a smaller body (under {r.mass_kg(HYPONATREMIA_SMALL_MASS_KG, 0)}, or a woman's build) is diluted sooner by the same "
                 "extra water",
        "long": "sessions over 4 hours leave time for extra drinking to add up",
        "low_sweat": f"your estimated sweat rate is below {r.volume_l(HYPONATREMIA_LOW_SWEAT_L_PER_H)} per hour (low end {low_rate} per hour: a "
                     "slower pace or little heat), close to or below the " + typical_during("L", r) + " often quoted",
        "cool": "in the cold you sweat less than you may think",
        "drinking_near_rate": "the upper drinking figure reaches the low end of your estimated sweat rate",
    }[factor]


def hyponatremia_text(ctx: AdviceContext) -> str | None:
    """The over-drinking warning when the known risk factors meet (Hew-Butler et al. 2015; Almond et al. 2005)."""
    d = ctx.plan
    factors = hyponatremia_factors(d, ctx.sweat, ctx.sex, ctx.temperature_c)
    if not hyponatremia_risk(d, factors):
        return None
    r = ctx.r
    low_rate = ml(math.floor(d.cap_ml_per_h / 10) * 10, r)
    reasons = [_factor_words(f, low_rate, r) for f in factors]
    if d.cap_is_measured:  # the cap is the rate the weigh-ins measured, not the range's low end
        reasons = [x.replace(f"low end {low_rate} per hour", f"{low_rate} per hour {ctx.rate_origin}")
                   .replace("the low end of your estimated sweat rate", f"your sweat rate {ctx.rate_origin}")
                   for x in reasons]
    if d.cap_ml_per_h < ROUND_ML:
        reasons.insert(0, "the model found next to no sweat loss, so any drinking beyond thirst would be more "
                          "than you lose")
    elif d.cap_ml_per_h < TYPICAL_DURING_ML_PER_H[0] and "low_sweat" not in factors:
        which = f"{low_rate} per hour, {ctx.rate_origin}" if d.cap_is_measured else f"low end {low_rate} per hour"
        reasons.insert(0, f"your estimated sweat rate ({which}) is "
                          f"below the {typical_during(r=r)} often quoted")
    return ("Don't drink more than you lose. Several known risk factors for over-drinking meet here "
            "(Hew-Butler et al. 2015; Almond et al. 2005): " + "; ".join(reasons) + ". Drinking beyond what you sweat "
            "dilutes the sodium in your blood — exercise-associated hyponatremia, which can be dangerous. "
            "Drink to thirst and not at every station or stop just because it is there; stay within the plan; "
            "take salty snacks or a drink with sodium on long events; and weigh yourself before and after: "
            "if you weigh more after than before, you drank too much. A headache, nausea, swelling hands or "
            "confusion after a long event with plenty of drinking needs medical help, not more water.")


def heat_text(facts: SessionFacts) -> str | None:
    """Heat the body cannot shed: what to do (ACSM 2007 exertional heat illness; NWS heat index)."""
    h = facts.heat
    if h is None:
        return None
    when = "the planned session" if facts.planned else "this session"
    category = f", in the NWS \u201c{h.category}\u201d range" if h.category else ""
    r = facts.r
    if h.heat_index_c > OFF_CHART_C:
        value = f"off the top of the NWS chart (above {r.temperature(OFF_CHART_C)})"
    else:
        value = f"about {r.temperature(h.heat_index_c)}"
    why = (f"At {r.temperature(h.temperature_c)} and {h.humidity_pct:.0f} % humidity the heat index (the NWS \u2018feels "
           f"like\u2019 temperature) is {value}{category}.")
    if h.at_ceiling:
        why += " The sweat estimate for " + when + " also sat at the most a body can sweat."
    return (why + " Sweat then barely evaporates, so it no longer cools you: body heat builds up, and drinking "
            "more cannot fix that. In heat like this, slow down and shorten the session, or move it to the cool of the early morning "
            "or indoors with a fan; take breaks in the shade, pour water over your head and neck, wear light "
            "clothing. Stop at once and cool down if you feel dizzy, confused, sick, get a headache or chills, or "
            "stop sweating — these are signs of heat illness, and confusion in the heat needs emergency help "
            "(ACSM 2007 guidance on exertional heat illness).")


def potassium_text(ctx: AdviceContext) -> str:
    k_mg = ctx.sweat.potassium_mg
    share = (ctx.sweat.low_l / ctx.sweat.total_l, ctx.sweat.high_l / ctx.sweat.total_l) if ctx.sweat.total_l > 0 else (1.0, 1.0)
    banana, potato = food("banana"), food("potato")
    prunes, peaches, greens = food("prunes"), food("dried_peaches"), food("beet_greens")
    verb = "you can expect to lose" if ctx.planned else "you lost"
    ai = POTASSIUM_AI_MG_PER_DAY.get(ctx.sex) if ctx.sex is not None else None
    if ai is not None:
        who = "men" if ctx.sex == "male" else "women"
        context = (f"That is about {100 * k_mg / ai:.0f} % of the {mg(ai)} a day adequate intake for {who} "
                   "(NASEM 2019)." if k_mg >= 5 else f"The adequate intake for {who} is {mg(ai)} a day (NASEM 2019).")
    else:
        context = (f"For scale, the adequate intake is {mg(POTASSIUM_AI_MG_PER_DAY['male'])} a day for men and "
                   f"{mg(POTASSIUM_AI_MG_PER_DAY['female'])} for women (NASEM 2019).")
    n_banana = portions_to_cover(k_mg, banana)
    n_potato = portions_to_cover(k_mg, potato)
    if k_mg < 5:
        text = f"No measurable potassium loss in sweat is estimated for this session. {context} "
    else:
        text = (f"In sweat {verb} an estimated {mg(round(k_mg, -1))} of potassium "
                f"({mg_range(k_mg * share[0], k_mg * share[1])}). {context} ")
    if k_mg < 0.5 * banana.potassium_mg:
        text += (f"Ordinary meals cover that: one banana (about {mg(banana.potassium_mg)}) more than does, as does "
                 f"a baked potato with skin (about {mg(potato.potassium_mg)}), ½ cup of prunes "
                 f"({mg(prunes.potassium_mg)}) or dried peaches ({mg(peaches.potassium_mg)}), or cooked beet greens. ")
    else:
        bananas = "banana" if n_banana == 1 else "bananas"
        potatoes = "potato" if n_potato == 1 else "potatoes"
        each = " each" if n_potato > 1 else ""
        text += (f"{n_banana} {bananas} (about {mg(banana.potassium_mg)} each) or {n_potato} baked {potatoes} "
                 f"with skin (about {mg(potato.potassium_mg)}{each}) cover it; so do ½ cup of prunes "
                 f"({mg(prunes.potassium_mg)}), ½ cup of dried peaches ({mg(peaches.potassium_mg)}) or a cup of "
                 f"cooked beet greens ({mg(greens.potassium_mg)}). ")
    text += "Food is the way to replace it: potassium pills are not needed for this, and too much can harm."
    return text


def calcium_text(ctx: SessionFacts) -> str:
    milk, yogurt, cheese, broccoli, kale = (food(k) for k in ("milk", "yogurt", "cheese", "broccoli", "kale"))
    when = "after the session" if ctx.planned else "after this " + sport_noun(ctx.sport)
    return (f"Sweat carries little calcium; what counts is the day's total, about {mg(CALCIUM_RDA_MG_PER_DAY)} "
            f"for adults 19–50. A recovery snack {when} of plain yogurt ({mg(yogurt.calcium_mg)} calcium and "
            f"{mg(yogurt.potassium_mg)} potassium per 8 oz) or a glass of milk ({mg(milk.calcium_mg)}) does double "
            f"duty; cheese (1.5 oz cheddar, {mg(cheese.calcium_mg)}), broccoli ({mg(broccoli.calcium_mg)} per ½ cup) "
            f"and dark leafy greens such as kale ({mg(kale.calcium_mg)} per cup, cooked) add to it. Vitamin D "
            "(sunlight, oily fish, fortified milk) helps you absorb calcium, and magnesium (nuts, seeds, whole "
            "grains) helps too: the body needs it to put vitamin D to work. A common tip says tomatoes and vinegar block calcium "
            "absorption; that is not well supported — the known blockers are oxalate (spinach, rhubarb) and phytate (some "
            "grains and beans), so eat tomatoes if you like them, and don't count spinach as a calcium source.")


def warmup_text(ctx: SessionFacts) -> str:
    """Warm-up: a warm bath or shower is a common tip for cool days only; in heat, warm up gently."""
    noun = sport_noun(ctx.sport)
    if is_warm(ctx.temperature_c) or ctx.heat is not None:
        where = f"At {ctx.r.temperature(ctx.temperature_c)}" if ctx.temperature_c is not None else "In this heat"
        text = (f"Before your next long {noun}: start with 10–15 minutes easy, and gentle stretching of calves, "
                f"hamstrings and thighs once warm. {where} your muscles warm up quickly: skip the warm bath or shower "
                "that is a common tip for cool days, keep the warm-up short and in the shade, and start cool "
                "rather than warm. ")
    else:
        text = (f"Before your next long {noun}: start with 10–15 minutes easy to warm the muscles; a warm bath "
                "or shower beforehand (a common tip) helps on a cool day, and gentle stretching of calves, "
                "hamstrings and thighs once warm. ")
    if ctx.temperature_c is not None and ctx.temperature_c < 10:
        text += f"At {ctx.r.temperature(ctx.temperature_c)}, keep an extra layer on for the first minutes. "
    text += ("Warming up is sound; stretching relieves a cramp in progress (stretch the cramping muscle "
             "gently until it lets go), but the evidence that stretching beforehand prevents cramps is limited.")
    return text


def meals_text(ctx: AdviceContext) -> str | None:
    if not ctx.plan.long_session:
        return None
    potato, yogurt = food("potato"), food("yogurt")
    return (f"In the meal after {_session_phrase(ctx)}: a glass of water with it, and with every snack for the "
            f"rest of the day. A baked potato ({mg(potato.potassium_mg)} potassium) with yogurt "
            f"({mg(yogurt.calcium_mg)} calcium) covers both minerals; a little salt helps you hold on to the fluid "
            "(ACSM 2007).")


def alcohol_text(ctx: AdviceContext) -> str | None:
    if not ctx.plan.long_session:
        return None
    return (f"After {_session_phrase(ctx)}, go easy on alcohol: it makes you pass more urine, so you rehydrate "
            "worse, and it slows recovery. (It is often said that alcohol 'drains potassium'; "
            "the better-supported point is dehydration and poorer recovery.) If you do drink, have water alongside, after you have "
            "rehydrated.")


def cramps_text(ctx: SessionFacts) -> str:
    return ("The dehydration-and-electrolytes explanation of cramps has weak support; muscle fatigue "
            "(altered neuromuscular control) is the better-supported cause (Schwellnus 2009). In 210 Ironman "
            "triathletes, those who cramped did not differ in hydration or blood sodium from those who did not; "
            "they had raced faster and had cramped before (Schwellnus et al. 2011). Drinking and eating well is "
            "good advice anyway, but it cannot promise no cramps: pacing and training for the distance matter too.")


def estimate_text(ctx: AdviceContext) -> str:
    s, r = ctx.sweat, ctx.r
    digits = litre_digits(s.total_l, s.low_l, s.high_l)  # as the report's "Sweat lost" row
    lower = (f"stays within your sweat rate {ctx.rate_origin}," if s.calibrated and s.total_l > 0
             else "uses its low end")
    breath = " (with the water you breathe out)" if (s.respiratory_water_l or 0.0) >= 0.05 else ""
    text = (f"These amounts rest on an estimate of {r.volume_l(s.total_l, digits)} (plausibly "
            f"{r.volume_l_range(s.low_l, s.high_l, digits)}). "
            f"The lower drinking figure {lower} and the upper one its middle, so that neither asks you to "
            "drink more than you are expected to lose during the session. The after-figure adds a quarter to what "
            "is still missing, because urine keeps flowing (NATA 2017; Shirreffs et al. 1996), so what you drink "
            f"during and after stays within the high end of what you may lose{breath}, not its middle. ")
    if s.calibrated:
        text += f"It is calibrated: your sweat rate {ctx.rate_origin}. "
    else:
        text += ("Weighing yourself before and after a few sessions (sweatline weigh-in) narrows it to your "
                 "own sweat rate. ")
    if s.device_estimate_l is not None:
        text += f"Your device's own figure for this session was {r.volume_l(s.device_estimate_l)}."
    return text.strip()


def in_both_units(write: Callable[[Units], list[tuple[str, str]]]) -> list[AdviceItem]:
    """Advice items whose texts ``write`` makes once per unit system (``(topic, text)`` pairs, the
    same topics in each): each item's ``text`` the metric one, and its text in every system kept
    with it (:meth:`pipeline.core.schema.AdviceItem.text_in`)."""
    written = {units: write(units) for units in UNITS}
    metric = written["metric"]
    return [AdviceItem.worded(topic, {units: written[units][i][1] for units in UNITS})
            for i, (topic, _) in enumerate(metric)]


def build_advice(ctx: AdviceContext) -> list[AdviceItem]:
    """The advice list for one session: the four required topics, then those that apply, each
    written in both unit systems (:func:`in_both_units`)."""
    return in_both_units(lambda units: _advice_texts(ctx.model_copy(update={"units": units})))


def _advice_texts(ctx: AdviceContext) -> list[tuple[str, str]]:
    """(topic, text) of each topic that applies, in ``ctx.units``."""
    items: list[tuple[str, str | None]] = [
        ("hydration", hydration_text(ctx)),
        ("heat", heat_text(ctx)),
        ("hyponatremia", hyponatremia_text(ctx)),
        ("potassium", potassium_text(ctx)),
        ("calcium", calcium_text(ctx)),
        ("meals", meals_text(ctx)),
        ("alcohol", alcohol_text(ctx)),
        ("warm-up", warmup_text(ctx)),
        ("cramps", cramps_text(ctx)),
        ("estimate", estimate_text(ctx)),
    ]
    return [(topic, text) for topic, text in items if text is not None]


def generic_advice(facts: SessionFacts, *, too_short: bool = False) -> list[AdviceItem]:
    """Advice without amounts, for a session the model could not estimate (no sweat figure), or
    (``too_short``) one too short to estimate (``pipeline.usecases.analyse.MIN_ESTIMATE_S``), in
    both unit systems (:func:`generic_texts`)."""
    return in_both_units(lambda units: generic_texts(facts.model_copy(update={"units": units}), too_short=too_short))


def generic_texts(facts: SessionFacts, *, too_short: bool = False) -> list[tuple[str, str]]:
    """Advice without amounts, for a session the model could not estimate (no sweat figure), or
    (``too_short``) one too short to estimate (``pipeline.usecases.analyse.MIN_ESTIMATE_S``).

    The same sources and caveats, the general ranges instead of this session's numbers.
    """
    banana, potato = food("banana"), food("potato")
    prunes, peaches, greens = food("prunes"), food("dried_peaches"), food("beet_greens")
    opening = ("For your longer sessions, the general rules" if too_short else
               "No sweat estimate could be made for this session, so here are the general rules")
    r = facts.r
    hydration = (f"{opening} "
                 f"(ACSM 2007; NATA 2017): about {before_rule('of water per {mass} of body mass', r)} at least 4 "
                 f"hours before; on long sessions {typical_during(r=r)}, keeping water on hand, but never more than you "
                 f"sweat; after, {after_rule('for each {mass} of body mass lost', r)}, no more. And a glass of water with every "
                 "meal and snack.")
    potassium = (f"Sweat carries some potassium (roughly 150–300 mg per litre). Food replaces it: a banana has "
                 f"about {mg(banana.potassium_mg)}, a baked potato with skin about {mg(potato.potassium_mg)}, ½ cup "
                 f"of prunes {mg(prunes.potassium_mg)}, ½ cup of dried peaches {mg(peaches.potassium_mg)} and a cup "
                 f"of cooked beet greens {mg(greens.potassium_mg)}. The adequate intake is "
                 f"{mg(POTASSIUM_AI_MG_PER_DAY['male'])} a day for men and {mg(POTASSIUM_AI_MG_PER_DAY['female'])} "
                 "for women (NASEM 2019).")
    items: list[tuple[str, str]] = [("hydration", hydration)]
    heat = heat_text(facts)
    if heat is not None:
        items.append(("heat", heat))
    return items + [("potassium", potassium), ("calcium", calcium_text(facts)), ("warm-up", warmup_text(facts)),
                    ("cramps", cramps_text(facts))]
