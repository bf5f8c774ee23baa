"""What the position stands say about drinking, once: each rule as a constant with its source, and
the sentence fragment that quotes it. The plan (:mod:`.plan`) computes with the constants; every
text (the advice, the report's plan rows, a planned triathlon's, a dive's and an open-water swim's)
quotes the rules through the builders here, so a changed rule changes every sentence with it.

Each fragment is written in a reader's units (a :class:`pipeline.core.units.Reader`): "1.25–1.5 L
per kg lost" in metric, "19–23 fl oz per lb lost" in imperial, from the same SI constants.

Sources: [ACSM2007] Sawka MN, Burke LM, Eichner ER, et al. (2007). American College of Sports
Medicine position stand: Exercise and fluid replacement. Med Sci Sports Exerc 39(2):377-390.
[NATA2017] McDermott BP, Anderson SA, Armstrong LE, et al. (2017). National Athletic Trainers'
Association position statement: Fluid replacement for the physically active. J Athl Train
52(9):877-895. [Shirreffs1996] Shirreffs SM, Taylor AJ, Leiper JB, Maughan RJ (1996). Post-exercise
rehydration in man: effects of volume consumed and drink sodium content. Med Sci Sports Exerc
28(10):1260-1271 (150 % of the mass lost, with sodium, restores fluid balance; 100 % does not).
"""
from __future__ import annotations

from pipeline.core.units import METRIC_READER, Reader

#: Pre-hydration, mL per kg body mass, at least 4 h before ([ACSM2007]; [NATA2017]).
BEFORE_ML_PER_KG = (5.0, 7.0)
#: Top-up ~2 h before when no urine or it is dark, mL per kg ([ACSM2007]).
TOP_UP_ML_PER_KG = (3.0, 5.0)
#: Typical drinking rate during exercise, mL per hour ([ACSM2007]: 0.4-0.8 L/h).
TYPICAL_DURING_ML_PER_H = (400.0, 800.0)
#: Body-mass loss to stay under during exercise, fraction ([ACSM2007]; [NATA2017]: < 2 %).
MAX_BODY_MASS_LOSS_FRACTION = 0.02
#: Body-mass loss above which a long race is clearly short of water, fraction (ACSM 2007: > 2 % degrades
#: aerobic performance in warm weather; 3 % the upper end tolerated in cool conditions, Sawka et al. 2007).
CLEARLY_SHORT_FRACTION = 0.03
#: Fluid after exercise per kg of body mass lost, L/kg ([NATA2017]: 1.25-1.5; [ACSM2007]: 1.5;
#: [Shirreffs1996]). 1 kg of body mass lost is taken as 1 L of fluid ([ACSM2007]).
AFTER_L_PER_KG_LOST = (1.25, 1.5)
#: The plan's after-figure per litre still missing: the rule's low end, so the plan errs toward less.
AFTER_PLAN_L_PER_L = AFTER_L_PER_KG_LOST[0]
#: The after-advice's sources, as the texts cite them.
AFTER_SOURCES = "NATA 2017 and ACSM 2007"


def span(low: float, high: float, unit: str) -> str:
    """'1.25–1.5 L', '5–7 mL': a rule's range with its unit (figures as written, no trailing zeros)."""
    return f"{low:g}–{high:g} {unit}"


def before_rule(per: str = "per {mass} of body mass", r: Reader = METRIC_READER) -> str:
    """'5–7 mL per kg of body mass' / '0.08–0.11 fl oz per lb of body mass': the pre-hydration rule
    ([ACSM2007]; [NATA2017]); ``{mass}`` in ``per`` is the reader's mass unit."""
    return f"{r.volume_per_mass(*BEFORE_ML_PER_KG)} {per.format(mass=r.mass_unit)}"


def typical_during(unit: str = "mL", r: Reader = METRIC_READER) -> str:
    """'400–800 mL per hour' (``unit`` "L": '0.4–0.8 L per hour'; imperial '14–27 fl oz per hour'):
    the typical drinking rate during exercise ([ACSM2007])."""
    if r.imperial:
        return f"{r.volume_ml_range(*TYPICAL_DURING_ML_PER_H)} per hour"
    scale = 1000.0 if unit == "L" else 1.0
    return f"{span(TYPICAL_DURING_ML_PER_H[0] / scale, TYPICAL_DURING_ML_PER_H[1] / scale, unit)} per hour"


def loss_limits() -> str:
    """'2–3 %': the body-mass loss to stay within, from the guideline to what is clearly short ([ACSM2007])."""
    return f"{MAX_BODY_MASS_LOSS_FRACTION * 100:g}–{CLEARLY_SHORT_FRACTION * 100:g} %"


def after_rule(per: str = "per {mass} lost", r: Reader = METRIC_READER) -> str:
    """'1.25–1.5 L per kg lost' / '19–23 fl oz per lb lost' (or with another ``per``: 'for each
    {mass} you are down'): the after-exercise rule ([NATA2017]; [ACSM2007]; [Shirreffs1996])."""
    low, high = (v * 1000.0 for v in AFTER_L_PER_KG_LOST)
    return f"{r.volume_per_mass(low, high)} {per.format(mass=r.mass_unit)}"


def after_plan_rule(r: Reader = METRIC_READER) -> str:
    """'1.25 L for each litre still missing' / '1.25 fl oz for each fl oz still missing': how the
    plan's after-figure applies the rule (a ratio: the same figure in either unit system)."""
    each = "fl oz" if r.imperial else "litre"
    return f"{AFTER_PLAN_L_PER_L:g} {r.volume_unit} for each {each} still missing"


def after_amount(after_ml: float, tail: str = "with food", r: Reader = METRIC_READER) -> str:
    """'After: about 1,250 mL over the next hours, with food': the plan's after-figure [mL] as a
    sentence's start, in the reader's units (``tail`` adds what goes with it)."""
    return f"After: about {r.volume_ml(after_ml)} over the next hours, {tail}"
