"""What a human body can do over one activity: the bounds no published figure may cross.

The model integrates heat balance minute by minute; each minute is bounded (the sweat ceiling,
:data:`.sweat.SWEAT_CEILING_G_PER_M2_H`), but nothing in a minute's physics stops a file that
claims days of hard work from adding up to more sweat than anyone has lost, or a body-mass change
"if nothing drunk" that no one survives. These bounds are applied to what is published (the
report, the catalog, the index, ``plan``) and checked by ``python -m tools.figures``:

* :func:`sweat_ceiling_l`: the most sweat over an activity of a given length. Sweat glands do
  not keep up their peak output for hours (hidromeiosis; the Institute of Medicine 2005, *Dietary
  Reference Intakes for Water*, ch. 4: hourly exertional rates of 0.7-1.1 L/h and more "clearly
  cannot be sustained for 24 hours"), and what long-event field studies measured falls far below
  the peak rate times the hours.
* :data:`SURVIVABLE_LOSS_FRACTION`: a body-mass loss "if nothing drunk" above it is not a
  forecast but a loss no one survives: it is said as such, with what to drink.
* :data:`MAX_ACTIVITY_S` (:mod:`pipeline.core.sports`): the longest activity a file may claim, ten
  days; longer timers and spans are cut to what the records support (:mod:`pipeline.fit.checks`).

What a plan may ask of the athlete (a power or speed for a duration) is bounded apart, by the best
humans' records: :mod:`pipeline.physiology.effort_limits`.
"""
from __future__ import annotations

from pipeline.core.sports import MAX_ACTIVITY_S  # re-exported: the longest activity a report may state

__all__ = ["MAX_ACTIVITY_S", "sweat_ceiling_l", "survivable_loss_l"]

PEAK_RATE_L_PER_H = 4.8
"""The highest whole-body sweat rate measured among 506 athletes, 69.7 mL·kg⁻¹·h⁻¹ (Baker et al.
2016, Eur J Appl Physiol 116:1101-1110) for a 70 kg athlete [L·h⁻¹]: the first hours' bound."""

PEAK_HOURS = 2.5
"""How long the peak rate bounds the total [h]: Baker et al.'s sessions were training sessions of
up to a few hours; past them the sustained rates below apply."""

SUSTAINED_RATE_L_PER_H = 1.5
"""The bound on each further hour up to :data:`SUSTAINED_UNTIL_H` [L·h⁻¹]: the highest mean rates
measured over a whole long race are about this: Ironman Hawaii 2011 finishers 1.6 L/h on average
in 29 °C (the validation table's Kona row), and the US Army's hot-weather tables never ask more
than 1.5 L/h to be replaced hour after hour (Montain, Latzka & Sawka 1999, Mil Med 164:502-508)."""

SUSTAINED_UNTIL_H = 12.0
"""Where the day's bound takes over from the hourly one [h]."""

DAILY_L = 12.0
"""Sweat per further 24 h of activity [L]: soldiers training hard for 12 days in 40 °C drank
about 11 L a day and held their body mass (Mudambo et al. 1997, cited by the Institute of
Medicine 2005, DRI for Water, ch. 4); the US Army caps daily intake in the heat at 12 L
(Montain et al. 1999). In a 24-h team relay race the cyclists drank 7.1-15.8 L and lost 0.8-3.2 kg
(Bescós et al. 2012, J Int Soc Sports Nutr 9:3), under 19 L in the first day, which the bound
(32 L at 24 h) keeps well inside."""

SURVIVABLE_LOSS_FRACTION = 0.10
"""Body-mass loss from dehydration that is life-threatening, fraction of body mass: "the effects
of dehydration occur with as little water loss as 1 percent of body weight and become life
threatening at 10 percent" (Gisolfi, in Institute of Medicine 1993, *Nutritional Needs in Hot
Environments*, ch. 5, citing Adolph et al. 1947, *Physiology of Man in the Desert*). A loss "if
nothing drunk" above it is not a forecast of what happens, and a deficit above it is not
something to drink back afterwards."""


def sweat_ceiling_l(duration_s: float) -> float:
    """The most sweat a human loses over an activity of ``duration_s`` seconds [L] (≥ 0).

    Piecewise linear and concave: :data:`PEAK_RATE_L_PER_H` for the first :data:`PEAK_HOURS`
    (12 L), :data:`SUSTAINED_RATE_L_PER_H` for each further hour up to :data:`SUSTAINED_UNTIL_H`
    (26.25 L at 12 h), then :data:`DAILY_L` per further 24 h (32.25 L at 24 h, 56.25 L at 72 h).
    """
    hours = max(float(duration_s), 0.0) / 3600.0
    first = min(hours, PEAK_HOURS)
    middle = min(max(hours - PEAK_HOURS, 0.0), SUSTAINED_UNTIL_H - PEAK_HOURS)
    rest = max(hours - SUSTAINED_UNTIL_H, 0.0)
    return PEAK_RATE_L_PER_H * first + SUSTAINED_RATE_L_PER_H * middle + DAILY_L / 24.0 * rest


def survivable_loss_l(body_mass_kg: float) -> float:
    """The body-mass loss [kg ≈ L] at :data:`SURVIVABLE_LOSS_FRACTION` of ``body_mass_kg`` [kg]."""
    return SURVIVABLE_LOSS_FRACTION * max(float(body_mass_kg), 0.0)
