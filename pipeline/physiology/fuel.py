"""Carbohydrate burned during a session: the carbohydrate share of the metabolic rate, by intensity
(pure functions).

The metabolic rate [W] is the model's (:mod:`.intensity`). What part of it carbohydrate pays for
depends on how hard the session was relative to the athlete's maximal oxygen uptake: little at an
easy pace, about half at a steady tempo, most of it near a race effort (the "crossover concept",
Brooks & Mercier 1994).

Intensity. A session's mean heart rate as a fraction of the heart-rate reserve,
``(HR − HRrest) / (HRmax − HRrest)``, equals the fraction of the oxygen-uptake reserve (Swain &
Leutholtz 1997); VO2max itself is not known, so that fraction stands for %VO2max (the two differ
by VO2rest/VO2max, about 0.07–0.10 for trained adults, least at high intensity). The resting and
maximal heart rates are the athlete's (:mod:`.athlete`: config, FIT profile or Tanaka's prediction).

Share. Linear between the three intensities Romijn et al. (1993) measured after 30 min of
cycling by endurance-trained men (plasma glucose + muscle glycogen as a share of energy
expenditure, their Fig. 4): 0.10 at 25 % VO2max, 0.50 at 65 %, 0.75 at 85 %; held at the 25 %
figure below it, and rising linearly to all carbohydrate at VO2max above 85 % (Brooks & Mercier
1994: fat oxidation falls towards nothing at maximal effort).

NOT CONFIRMED against the paper. The three shares are Fig. 4 as secondary sources quote it; the
paper's text and figure could not be read here (checked 2026-12: only abstracts of the papers
below were reachable), so they are approximate and unverified. What was checked, in abstracts:

* Achten, Gleeson & Jeukendrup (2002), abstract: in 18 moderately trained cyclists (graded test,
  5-min stages) the contribution of fat oxidation to energy expenditure "became negligible above
  89 ± 3 % VO2max"; Fatmax at 64 ± 4 % VO2max. Our curve reaches all carbohydrate only at 100 %
  (share 0.82 at 89 %): on the conservative side for a steady effort (Romijn's 30-min steady
  states at 85 % still burned fat), left so that recorded reports do not move.
* van Loon et al. (2001, J Physiol 536:295–304), abstract: eight trained cyclists, 30 min each at
  40, 55 and 75 % Wmax; whole-body fat oxidation 32 ± 2 kJ/min at 55 % Wmax and 19 ± 2 kJ/min at
  75 % Wmax while muscle glycogen and plasma glucose oxidation rose with every step: carbohydrate's
  share rises steeply between those stages, as the curve does. Their substrate shares as
  percentages of energy expenditure are in the full text, not read here.

Rapoport (2010) plots the same three points of Romijn et al. as carbohydrate's fractional usage
(plasma glucose plus muscle glycogen) against relative intensity, his Fig. 1 (a plot, not a table).

Energy per gram: 16.7 kJ (Atwater's 4 kcal/g), between Jeukendrup & Wallis's (2005) 15.6 kJ/g for
glucose and 17.6 kJ/g for glycogen oxidised.

Range. With a mean heart rate the intensity is taken ±0.10 of the reserve (heart rate drifts up
over a long session at the same work, and a mean heart rate averages over efforts); without one,
the intensity is unknown and the range spans Romijn's easy to race efforts (25–85 %), the central
figure at 65 %.

References
----------
.. [1] Romijn JA, Coyle EF, Sidossis LS, Gastaldelli A, Horowitz JF, Endert E, Wolfe RR (1993).
       Regulation of endogenous fat and carbohydrate metabolism in relation to exercise intensity
       and duration. Am J Physiol 265(3 Pt 1):E380–E391.
.. [2] Brooks GA, Mercier J (1994). Balance of carbohydrate and lipid utilization during exercise:
       the "crossover" concept. J Appl Physiol 76(6):2253–2261.
.. [3] Swain DP, Leutholtz BC (1997). Heart rate reserve is equivalent to %VO2 reserve, not to
       %VO2max. Med Sci Sports Exerc 29(3):410–414.
.. [4] Achten J, Gleeson M, Jeukendrup AE (2002). Determination of the exercise intensity that
       elicits maximal fat oxidation. Med Sci Sports Exerc 34(1):92–97.
.. [5] Jeukendrup AE, Wallis GA (2005). Measurement of substrate oxidation during exercise by
       means of gas exchange measurements. Int J Sports Med 26 Suppl 1:S28–S37.
.. [6] Rapoport BI (2010). Metabolic factors limiting performance in marathon runners. PLoS Comput
       Biol 6(10):e1000960. doi:10.1371/journal.pcbi.1000960
.. [7] van Loon LJC, Greenhaff PL, Constantin-Teodosiu D, Saris WHM, Wagenmakers AJM (2001). The
       effects of increasing exercise intensity on muscle fuel utilisation in humans. J Physiol
       536(1):295–304.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

ROMIJN_1993_FRACTION_VO2MAX = (0.25, 0.65, 0.85)
"""The three intensities of Romijn et al. (1993), fractions of VO2max."""
ROMIJN_1993_CARBOHYDRATE_SHARE = (0.10, 0.50, 0.75)
"""Carbohydrate's share of energy expenditure at those intensities (Romijn et al. 1993, Fig. 4 as quoted;
not confirmed against the paper: see the module docstring)."""
CARBOHYDRATE_KJ_PER_G = 16.7
"""Energy per gram of carbohydrate oxidised: Atwater's 4 kcal/g (Jeukendrup & Wallis 2005: 15.6 glucose, 17.6 glycogen)."""
INTENSITY_SPREAD = 0.10
"""± this fraction of the heart-rate reserve for the range (our figure: drift and averaging)."""
UNKNOWN_INTENSITY = (0.25, 0.65, 0.85)
"""Without a heart rate: low, central and high intensity (Romijn's easy, tempo and race efforts)."""


@dataclass(frozen=True)
class CarbohydrateUse:
    """Carbohydrate oxidised: central, low and high rate [g/h], the central total [g] and the
    intensity used (fraction of the heart-rate reserve, standing for the fraction of VO2max),
    ``None`` when no heart rate gave it."""

    g_per_h: float
    low_g_per_h: float
    high_g_per_h: float
    total_g: float
    hrr_fraction: float | None


def heart_rate_reserve_fraction(heart_rate_bpm: float, hr_rest_bpm: float, hr_max_bpm: float) -> float:
    """``(HR − HRrest) / (HRmax − HRrest)`` clipped to 0..1 (Swain & Leutholtz 1997: equal to the
    fraction of the VO2 reserve). Raises ValueError unless HRmax > HRrest and all are finite."""
    if not all(math.isfinite(v) for v in (heart_rate_bpm, hr_rest_bpm, hr_max_bpm)) or hr_max_bpm <= hr_rest_bpm:
        raise ValueError(f"need finite heart rates with hr_max_bpm > hr_rest_bpm, got "
                         f"{heart_rate_bpm!r}, {hr_rest_bpm!r}, {hr_max_bpm!r}")
    return float(min(max((heart_rate_bpm - hr_rest_bpm) / (hr_max_bpm - hr_rest_bpm), 0.0), 1.0))


def carbohydrate_share(fraction_vo2max: float) -> float:
    """Carbohydrate's share (0..1) of energy expenditure at ``fraction_vo2max`` (0..1, clipped):
    Romijn et al. (1993) interpolated linearly, held below 25 %, to 1.0 at VO2max above 85 %
    (Brooks & Mercier 1994). Raises ValueError for a non-finite fraction."""
    if not math.isfinite(fraction_vo2max):
        raise ValueError(f"fraction_vo2max must be finite, got {fraction_vo2max!r}")
    xs = (*ROMIJN_1993_FRACTION_VO2MAX, 1.0)
    ys = (*ROMIJN_1993_CARBOHYDRATE_SHARE, 1.0)
    return float(np.interp(min(max(fraction_vo2max, 0.0), 1.0), xs, ys))


def carbohydrate_g_per_h(metabolic_w: float, fraction_vo2max: float) -> float:
    """Carbohydrate oxidised [g/h] at a metabolic rate ``metabolic_w`` [W] and intensity
    ``fraction_vo2max``: ``share · M · 3600 / 16.7 kJ/g``. Negative or non-finite rates give 0."""
    if not math.isfinite(metabolic_w) or metabolic_w <= 0:
        return 0.0
    return carbohydrate_share(fraction_vo2max) * metabolic_w * 3.6 / CARBOHYDRATE_KJ_PER_G


def carbohydrate_use(mean_metabolic_w: float, moving_s: float, heart_rate_bpm: float | None,
                     hr_rest_bpm: float, hr_max_bpm: float) -> CarbohydrateUse:
    """Carbohydrate used over a session of ``moving_s`` [s] at ``mean_metabolic_w`` [W], its
    intensity from the mean ``heart_rate_bpm`` (None: unknown, the wide range of the module
    docstring). Rates to 1 g/h, the total to 1 g. Raises ValueError as
    :func:`heart_rate_reserve_fraction`."""
    hours = max(moving_s, 0.0) / 3600.0 if math.isfinite(moving_s) else 0.0
    if heart_rate_bpm is not None and heart_rate_bpm > 0:
        f = heart_rate_reserve_fraction(heart_rate_bpm, hr_rest_bpm, hr_max_bpm)
        low_f, mid_f, high_f = max(f - INTENSITY_SPREAD, 0.0), f, min(f + INTENSITY_SPREAD, 1.0)
        used: float | None = f
    else:
        low_f, mid_f, high_f = UNKNOWN_INTENSITY
        used = None
    mid = carbohydrate_g_per_h(mean_metabolic_w, mid_f)
    return CarbohydrateUse(g_per_h=round(mid), low_g_per_h=round(carbohydrate_g_per_h(mean_metabolic_w, low_f)),
                           high_g_per_h=round(carbohydrate_g_per_h(mean_metabolic_w, high_f)),
                           total_g=round(mid * hours), hrr_fraction=round(used, 3) if used is not None else None)
