"""Sweat rate from the heat balance: prediction equations, their domain, bounds, range and electrolytes.

The prediction is Gonzalez et al.'s fuzzy piecewise equation (2009), with the cool-weather
intercept of Gonzalez et al. (2012) below 20 °C. Those equations were fitted on volunteers in
ordinary or military clothing at 15–46 °C, 0.27–4.45 kPa, wind 0.4–2.5 m·s⁻¹ and metabolic rates
up to 450 W·m⁻² (2009 abstract); running and, even more, cycling leave that domain (relative air
speed 3–15 m·s⁻¹, light kit, cold mornings). There ``−0.87·E_max`` grows with air speed and can drive
the prediction to zero or below while the athlete is plainly still sweating. Our decisions:

1. The regression is evaluated inside its fitted domain: air speed held at 0.4–2.5 m·s⁻¹ and the
   clothing's evaporative permeability ratio i_m/I_T at most
   :data:`FITTED_MAX_PERMEABILITY_RATIO_PER_CLO` (light kit in wind is far more permeable than the
   volunteers' clothing was); the report flags when air speed was held.
2. The prediction is bounded below by the heat balance itself: the sweat that must be secreted
   to evaporate ``E_req`` given the evaporative efficiency of ISO 7933:2004 (required sweat rate
   ``SW_req = E_req / r_req``, ``r_req = 1 − w²/2`` for skin wettedness ``w = E_req/E_max ≤ 1``,
   ``(2 − w)²/2`` above, not below 0.05), with the latent heat of evaporation of sweat,
   2426 J·g⁻¹ at about 30 °C. The report flags the share of the session decided by this bound.
3. The rate is bounded above at :data:`SWEAT_CEILING_G_PER_M2_H` (about 2.2 L·h⁻¹ for a 1.85 m²
   athlete), above which measured whole-body rates are exceptional (Sawka et al. 2007; Baker 2017).
4. Below 20 °C the 2012 cool form (intercept 350) replaces the 2009 one (147), as published, but
   the result is capped twice: at what the same minute, in the same clothing, would give at 20 °C
   (:mod:`.estimate`), and at the heat balance's own requirement (ISO 7933 required sweat) plus
   the equation's published error, :data:`GONZALEZ_SEE_G_PER_M2_H` (Gonzalez et al. 2009
   abstract: standard error of estimate < 100 g·m⁻²·h⁻¹; 2012: SEE ±69.2 g·m⁻²·h⁻¹ on the night
   marches). The 350 intercept alone is 0.56 L·h⁻¹ for a 1.6 m² athlete, far more than a runner in
   the cold has to evaporate; sweat must not rise as air cools at the same effort.
5. Where ``E_req ≤ 0`` the heat balance asks for no sweat, yet athletes measured in the field
   always sweat some: the lowest whole-body rate among 506 athletes exercising at 15–50 °C was
   3.3 mL·kg⁻¹·h⁻¹ (Baker et al. 2016, range 3.3–69.7 mL·kg⁻¹·h⁻¹, mean 15.3 ± 6.8). Every moving
   minute at :data:`FLOOR_MIN_MET` METs or more is held at least at
   :data:`EXERCISE_FLOOR_ML_PER_KG_H` (so a 25-minute jog or a 2-hour walk is never 0.0 L);
   pauses and coasting below that keep 0.
6. In water (swimming, snorkeling, diving) heat leaves by conduction to the water and the air
   heat balance does not apply; sweat is taken from swimmers' measured losses
   (:func:`in_water_sweat_l_per_h`).

The regression receives the USARIEM ``E_req`` it was fitted with; the bound receives ISO 7933's,
which also subtracts the heat carried away by breathing (:mod:`.heat_balance`).

References
----------
.. [1] Gonzalez RR, Cheuvront SN, Montain SJ, et al. (2009). Expanded prediction equations of human
       sweat loss and water needs. J Appl Physiol 107:379–388. doi:10.1152/japplphysiol.00089.2009
.. [2] Gonzalez RR, Cheuvront SN, Ely BR, et al. (2012). Sweat rate prediction equations for outdoor
       exercise with transient solar radiation. J Appl Physiol 112:1300–1310.
.. [3] Shapiro Y, Pandolf KB, Goldman RF (1982). Predicting sweat loss response to exercise,
       environment and clothing. Eur J Appl Physiol 48:83–96.
.. [4] ISO 7933:2004, Predicted heat strain, required sweat rate and evaporative efficiency.
.. [5] Baker LB (2017). Sweating rate and sweat sodium concentration in athletes: a review of
       methodology and intra/interindividual variability. Sports Med 47(Suppl 1):111–128.
.. [6] Sawka MN, Burke LM, Eichner ER, et al. (2007). ACSM position stand: Exercise and fluid
       replacement. Med Sci Sports Exerc 39(2):377–390.
.. [7] Baker LB, Barnes KA, Anderson ML, Passe DH, Stofan JR (2016). Normative data for regional
       sweat sodium concentration and whole-body sweating rate in athletes. J Sports Sci
       34(4):358–368 (abstract: 1.21 ± 0.68 (0.26–5.73) L·h⁻¹; 15.3 ± 6.8 (3.3–69.7) mL·kg⁻¹·h⁻¹).
.. [8] Cox GR, Broad EM, Riley MD, Burke LM (2002). Body mass changes and voluntary fluid intakes
       of elite level water polo players and swimmers. J Sci Med Sport 5(3):183–193 (abstract: male
       swimmers 138 mL·km⁻¹, female 107 mL·km⁻¹ in training; water polo training 287 mL·h⁻¹,
       matches 786 mL·h⁻¹).
.. [9] Lara B, Gallo-Salazar C, Puente C, et al. (2016). Interindividual variability in sweat
       electrolyte concentration in marathoners. J Int Soc Sports Nutr 13:31 (abstract: sweat Na⁺
       42.9 ± 18.7 mmol·L⁻¹, women 33.9 ± 12.1, men 44.0 ± 19.1; K⁺ 6.0 ± 0.9).
.. [10] Ainsworth BE, et al. (2011). 2011 Compendium of Physical Activities. Med Sci Sports Exerc
       43(8):1575–1581 (water polo 10.0 METs, code 18350).
.. [11] Ettema G, Lorås HW (2009). Efficiency in cycling: a review. Eur J Appl Physiol 106:1–14
       (gross efficiency of cyclists ~0.18–0.25).
.. [12] Keytel LR, et al. (2005). Prediction of energy expenditure from heart rate monitoring during
       submaximal exercise. J Sports Sci 23(3):289–297.
.. [13] Shcherbina A, Mattsson CM, Waggott D, et al. (2017). Accuracy in wrist-worn, sensor-based
       measurements of heart rate and energy expenditure in a diverse cohort. J Pers Med 7(2):3
       (no device's energy expenditure error below ~20 %; most far above).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pipeline.core.notes import ModelNote, volume_l
from pipeline.physiology import limits
from pipeline.physiology.calibration import INTER_INDIVIDUAL_CV, MIN_CALIBRATED_CV, Calibration  # re-exported

LATENT_HEAT_J_PER_G = 2426.0
"""Latent heat of evaporation of sweat at about 30 °C [J·g⁻¹]."""
FITTED_AIR_SPEED_M_PER_S = (0.4, 2.5)
"""Wind speeds of the Gonzalez et al. (2009) data set [m·s⁻¹]."""
FITTED_MAX_PERMEABILITY_RATIO_PER_CLO = 0.33
"""Highest evaporative permeability ratio i_m/I_T [clo⁻¹] the regression is evaluated at: the
clothing of the volunteers the cool form was validated on (Gonzalez et al. 2012: military
fatigues, i_m/clo = 0.33). Light running or cycling kit in wind reaches 2–3, far outside the
data, where ``−0.87·E_max`` alone would cancel any sweating; the regression is therefore asked
about the athlete's heat load as if dressed like its volunteers, and the heat-balance bound
speaks for the real kit."""
FITTED_TEMPERATURE_C = (15.0, 46.0)
FITTED_METABOLIC_W_PER_M2 = 450.0
FITTED_DURATION_H = 8.0
COOL_FORM_BELOW_C = 20.0
"""Gonzalez et al. (2012): the cool-condition form applies below 20 °C."""
SWEAT_CEILING_G_PER_M2_H = 2600.0
"""Upper bound of the rate [g·m⁻²·h⁻¹], where physiology puts one: the highest whole-body rate
measured among 506 athletes, 69.7 mL·kg⁻¹·h⁻¹ (Baker et al. 2016), for a 70 kg athlete of
1.85 m² (≈ 4.8 L·h⁻¹). The regression itself never gets near it; it only stops the ISO 7933
required sweat from running away where the air can take up almost no evaporation."""

GONZALEZ_SEE_G_PER_M2_H = 100.0
"""Published error of the prediction equations [g·m⁻²·h⁻¹]: Gonzalez et al. (2009) abstract,
"standard error estimate < 100 g·m⁻²·h⁻¹" on cross-validation."""
EXERCISE_FLOOR_ML_PER_KG_H = 3.3
"""Lowest whole-body sweat rate measured among 506 athletes in training or competition at 15–50 °C
[mL·kg⁻¹·h⁻¹] (Baker et al. 2016, abstract: 15.3 ± 6.8, range 3.3–69.7): 0.23 L·h⁻¹ at 70 kg."""
FLOOR_MIN_MET = 2.0
"""Moving minutes at or above this metabolic rate [MET] are exercise for the floor: the Compendium's
slowest walking (< 2 mph, code 17151) is 2.0 METs; coasting and standing (1.3) are below."""

SODIUM_MMOL_PER_L = 35.9
"""Whole-body sweat sodium when nothing else is known: Baker et al. (2016), 506 athletes, predicted
whole-body concentration 35.9 ± 10.4 mmol·L⁻¹ (abstract). Regional patches read higher than
whole-body washdown, so the marathoners' forearm-patch 42.9 (Lara et al. 2016) over-states it."""
SODIUM_RANGE_MMOL_PER_L = (10.0, 90.0)
SODIUM_BY_SEX_MMOL_PER_L: dict[str | None, tuple[float, float]] = {
    "female": (33.9, 12.1),   # Lara et al. 2016, 16 women (below Baker's whole-body mean already)
    "male": (35.9, 10.4),     # Baker et al. 2016, whole-body (the abstract does not split by sex)
    None: (35.9, 10.4),       # Baker et al. 2016, whole-body
}
"""Sweat sodium mean and SD by sex [mmol·L⁻¹]; the report's sodium range is mean ± 1 SD."""
MEASURED_SODIUM_RELATIVE_SD = 0.15
"""A measured sweat sodium (lab or patch, ``athlete.sweat_sodium_mmol_per_l``) is used with ±15 %:
a person's own sweat sodium varies from day to day and patch-to-whole-body conversions add error
(Baker 2017 reviews both; the 15 % is our round figure within what it reports)."""

SWIM_SWEAT_ML_PER_KM: dict[str | None, float] = {"male": 138.0, "female": 107.0, None: 122.5}
"""Swimmers' sweat per kilometre in training, Cox et al. (2002); unknown sex: the mean of the two."""
WATER_REFERENCE_C = 27.0
"""Water temperature taken for Cox et al. (2002)'s training pools [°C] (not stated in the abstract:
the middle of the 25–28 °C competition-pool range, FINA facilities rule FR 2.11)."""
WATER_SWEAT_LOG_PER_C = float(np.log(1.25 / 0.48) / (32.0 - 23.0))
"""How sweat in water grows with water temperature [ln-units per °C]: Macaluso et al. (2011), the
same 5 km at race pace in 23, 27 and 32 °C water, 0.48, 0.76 and 1.25 L·h⁻¹ (≈ +11 % per °C).
Warm water takes up less of the swimmer's heat, so more must go as sweat."""
WATER_TEMPERATURE_RANGE_C = (23.0, 32.0)
"""Water temperatures the slope was measured over (Macaluso et al. 2011) [°C]; colder or warmer water
is held at the edge: there are no whole-body data beyond to extrapolate the exponential with."""
HOT_WATER_C = 31.0
"""Warmest water allowed for an open-water swimming race [°C]: FINA (World Aquatics) Open Water
Swimming rule OWS 5.5, "a minimum of 16 °C and a maximum of 31 °C", set after the 2010 death of a
swimmer in a hot-water race. In warmer water the body can barely shed heat (the water is close to
skin temperature): a swim plan there gets a warning."""
POOL_WATER_C = 27.0
"""Default water temperature of a pool swim without a reading [°C]: FINA competition pools 25–28 °C."""
OPEN_WATER_C = 20.0
"""Default water temperature of an open-water swim without a reading [°C] (our assumption: a
temperate lake or sea in the season, inside FINA's 16–31 °C)."""
IN_WATER_SWEAT_ML_PER_MET_H = 287.0 / 10.0
"""Sweat in water per MET-hour where no swimming distance tells the effort [mL·MET⁻¹·h⁻¹]: water
polo training, 287 mL·h⁻¹ (Cox et al. 2002) at the Compendium's 10.0 METs (Ainsworth 2011)."""
MAX_SWIM_SPEED_M_PER_S = 2.5
"""Faster than any swimmer (the 50 m freestyle record is ~2.4 m·s⁻¹): a GPS glitch, held here."""

INTENSITY_LOG_SD: dict[str, float] = {
    "power": 0.05,            # power meter ±1–2 % (makers' stated accuracy) with the rider's own GE
    "power_default_ge": 0.12, # GE 0.18–0.25 (Ettema & Lorås 2009) read as ±2 SD around 0.21: M ±8 %, sweat −20/+26 %
    "speed": 0.10,            # ACSM running/walking equations: running economy differs ~10 % between runners
    "speed_cycling": 0.30,    # Compendium speed bands: wind, drafting and bike unknown
    "heart_rate": 0.25,       # Keytel 2005 without VO2max; one ride gave 558 W by HR vs 352 W by power
    "device_calories": 0.30,  # wrist-device energy expenditure errors ≥ 20 % (Shcherbina et al. 2017)
    "duration": 0.40,         # one Compendium MET for the whole sport (running spans 6–23 METs)
}
"""One log-scale standard deviation of the metabolic rate by intensity source. The sweat range
propagates it through the model (the metabolic rate is moved by ±1 SD and the sweat recomputed)."""
POTASSIUM_MMOL_PER_L = 6.0
"""Sweat potassium, Baker (2017): about 4–8 mmol·L⁻¹; the middle of that range."""
POTASSIUM_RANGE_MMOL_PER_L = (4.0, 8.0)
SODIUM_MG_PER_MMOL = 22.99
POTASSIUM_MG_PER_MMOL = 39.10

IN_WATER_LOG_SD = 0.5
"""Swimmers' sweat losses vary widely (Cox et al. 2002: "wide individual variation"; body-mass
change in water is also harder to measure): ±1 SD spans ×0.6 to ×1.65."""



def gonzalez_2009_g_per_m2_h(required_evaporation: ArrayLike, max_evaporation: ArrayLike) -> NDArray[np.float64]:
    """Fuzzy piecewise prediction, Gonzalez et al. (2009), abstract / eq. PW:
    ``ṁ_sw = 147 + 1.527·E_req − 0.87·E_max`` [g·m⁻²·h⁻¹], E in W·m⁻²."""
    return 147.0 + 1.527 * np.asarray(required_evaporation, dtype=float) - 0.87 * np.asarray(max_evaporation, dtype=float)


def gonzalez_2012_cool_g_per_m2_h(required_evaporation: ArrayLike, max_evaporation: ArrayLike) -> NDArray[np.float64]:
    """Cool-condition form (T_a < 20 °C), Gonzalez et al. (2012), abstract / PW,cool:
    ``ṁ_sw = 350 + 1.527·E_req − 0.87·E_max`` [g·m⁻²·h⁻¹]."""
    return 350.0 + 1.527 * np.asarray(required_evaporation, dtype=float) - 0.87 * np.asarray(max_evaporation, dtype=float)


def shapiro_1982_g_per_m2_h(required_evaporation: ArrayLike, max_evaporation: ArrayLike) -> NDArray[np.float64]:
    """Original Shapiro equation (OSE), as quoted by Gonzalez et al. (2009):
    ``ṁ_sw = 27.9 · E_req · E_max^−0.455`` [g·m⁻²·h⁻¹] (over-predicts; kept for comparison)."""
    return 27.9 * np.asarray(required_evaporation, dtype=float) * np.power(np.asarray(max_evaporation, dtype=float), -0.455)


def shapiro_corrected_g_per_m2_h(ose_g_per_m2_h: ArrayLike) -> NDArray[np.float64]:
    """Corrected OSE (OSEC), Gonzalez et al. (2009): ``ṁ_sw = 147 · exp(0.0012 · OSE)`` [g·m⁻²·h⁻¹]."""
    return 147.0 * np.exp(0.0012 * np.asarray(ose_g_per_m2_h, dtype=float))


def w_per_m2_to_g_per_m2_h(evaporation_w_per_m2: ArrayLike) -> NDArray[np.float64]:
    """Evaporative heat flow to the mass of sweat that carries it: × 3600 s·h⁻¹ / 2426 J·g⁻¹."""
    return np.asarray(evaporation_w_per_m2, dtype=float) * 3600.0 / LATENT_HEAT_J_PER_G


def iso7933_required_sweat_g_per_m2_h(required_evaporation: ArrayLike, max_evaporation: ArrayLike) -> NDArray[np.float64]:
    """Sweat that must be secreted to evaporate ``E_req``, ISO 7933:2004 (required sweat rate):
    ``SW_req = E_req / r_req``, ``w_req = E_req / E_max``, ``r_req = 1 − w²/2`` (w ≤ 1),
    ``(2 − w)²/2`` (w > 1), at least 0.05; zero when ``E_req ≤ 0``. Converted with 2426 J·g⁻¹.
    Where the air cannot take up the required evaporation at all the result is the ceiling."""
    e_req = np.asarray(required_evaporation, dtype=float)
    e_max = np.asarray(max_evaporation, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(e_max > 0, e_req / np.where(e_max > 0, e_max, 1.0), np.inf)
    efficiency = np.where(w <= 1.0, 1.0 - w**2 / 2.0, (2.0 - np.minimum(w, 2.0)) ** 2 / 2.0)
    efficiency = np.maximum(efficiency, 0.05)
    sweat = w_per_m2_to_g_per_m2_h(np.maximum(e_req, 0.0) / efficiency)
    return np.where(e_req > 0, np.minimum(sweat, SWEAT_CEILING_G_PER_M2_H), 0.0)


def predicted_sweat_g_per_m2_h(required_evaporation_clamped: ArrayLike, max_evaporation_clamped: ArrayLike,
                               air_temperature_c: ArrayLike) -> NDArray[np.float64]:
    """Gonzalez 2009 form at ≥ 20 °C, Gonzalez 2012 cool form below, from E_req and E_max computed
    inside the fitted domain [g·m⁻²·h⁻¹]."""
    cool = np.asarray(air_temperature_c, dtype=float) < COOL_FORM_BELOW_C
    return np.where(cool, gonzalez_2012_cool_g_per_m2_h(required_evaporation_clamped, max_evaporation_clamped),
                    gonzalez_2009_g_per_m2_h(required_evaporation_clamped, max_evaporation_clamped))


@dataclass(frozen=True)
class BoundedSweat:
    """Per-time-step sweat rate and which rule set it."""

    rate_g_per_m2_h: NDArray[np.float64]
    from_heat_balance: NDArray[np.bool_]   # the ISO 7933 lower bound was above the regression
    at_ceiling: NDArray[np.bool_]


def bounded_sweat_g_per_m2_h(regression_g_per_m2_h: ArrayLike, required_sweat_g_per_m2_h: ArrayLike,
                             required_evaporation_w_per_m2: ArrayLike | None = None) -> BoundedSweat:
    """The regression, bounded below by the heat-balance requirement and above by the ceiling.

    Where ``E_req ≤ 0`` (dry heat loss exceeds heat production: resting in the cold) the rate is 0:
    the regressions were fitted on exercising or heat-exposed volunteers and their intercepts
    (147, 350 g·m⁻²·h⁻¹) are not a resting sweat rate in cool air.
    """
    reg = np.asarray(regression_g_per_m2_h, dtype=float)
    req = np.asarray(required_sweat_g_per_m2_h, dtype=float)
    lower = req > reg
    rate = np.maximum(np.maximum(reg, req), 0.0)
    if required_evaporation_w_per_m2 is not None:  # no heat to evaporate: no thermoregulatory sweat
        rate = np.where(np.asarray(required_evaporation_w_per_m2, dtype=float) > 0, rate, 0.0)
        lower = lower & (rate > 0)
    ceiling = rate >= SWEAT_CEILING_G_PER_M2_H
    return BoundedSweat(np.minimum(rate, SWEAT_CEILING_G_PER_M2_H), lower, ceiling)


@dataclass(frozen=True)
class SweatTotals:
    """Whole-session sweat figures, SI and unrounded (the report rounds them).

    ``total_l``, ``low_l``, ``high_l`` [L] (calibrated when a calibration was given);
    ``model_total_l`` [L] the model's own, uncalibrated total (what weigh-ins are compared with);
    ``rate_l_per_h`` [L·h⁻¹] over moving time; ``sodium_mg``, ``potassium_mg`` [mg];
    ``body_mass_loss_pct`` [%] if nothing was drunk; ``flags`` in plain words; ``device_estimate_l``
    [L] the device's own figure (shown, never used); ``sodium_low_mg``/``sodium_high_mg`` [mg] the
    total at the sex's sweat sodium mean ∓ 1 SD (Lara et al. 2016).
    """

    total_l: float
    low_l: float
    high_l: float
    rate_l_per_h: float
    sodium_mg: float
    potassium_mg: float
    body_mass_loss_pct: float | None
    calibrated: bool
    calibration_factor: float | None
    calibration_n: int | None
    model_total_l: float = 0.0
    flags: tuple[str, ...] = ()
    device_estimate_l: float | None = None
    sodium_low_mg: float = 0.0
    sodium_high_mg: float = 0.0
    range_log_sd: float = INTER_INDIVIDUAL_CV
    """The log-scale SD the range was built from (``low = total·e^−σ``, ``high = total·e^σ``)."""
    calibration_cv: float | None = None
    """The calibration's relative spread, when calibrated (a multisport file combines its legs')."""
    respiratory_water_l: float = 0.0
    """Water breathed out over the session [L] (:mod:`.respiration`): fluid lost beside sweat."""
    metabolic_mass_l: float = 0.0
    """Mass of fuel burned, CO₂ out minus O₂ in [kg ≈ L]: in a weigh-in's loss, not water to drink back."""
    body_mass_loss_beyond_pct: float | None = None
    """Set to the life-threatening loss [%] (:data:`.limits.SURVIVABLE_LOSS_FRACTION`) when the loss if
    nothing was drunk is past it; ``body_mass_loss_pct`` is then None: not a forecast."""


def range_log_sd(intensity_sd: float = 0.0, temperature_sd: float = 0.0, equation_sd: float = 0.0,
                 calibration: Calibration | None = None, inter_individual_sd: float = INTER_INDIVIDUAL_CV) -> float:
    """One log-scale standard deviation of a session's sweat from independent sources, combined in
    quadrature: the intensity signal's and the temperature's (each as propagated through the
    model), the equation's own error, and the spread between athletes.

    A calibration (the athlete's weigh-ins) replaces the athlete-specific terms, the equation's
    error, the spread between athletes and the systematic part of the intensity signal, with its own
    residual CV (at least :data:`MIN_CALIBRATED_CV`); the day's temperature stays uncertain.
    """
    if calibration is not None:
        return float(np.hypot(calibration.log_sd, temperature_sd))
    return float(np.sqrt(intensity_sd**2 + temperature_sd**2 + equation_sd**2 + inter_individual_sd**2))


def equation_log_sd(rate_g_per_m2_h: float) -> float:
    """The prediction equations' published error (SEE 100 g·m⁻²·h⁻¹, Gonzalez et al. 2009) as a
    log-scale SD at the session's mean rate: ``ln(1 + SEE / rate)``, at most ln 2 (where the rate
    is as small as the error itself, the error is taken as a factor of two)."""
    if rate_g_per_m2_h <= 0:
        return float(np.log(2.0))
    return float(min(np.log1p(GONZALEZ_SEE_G_PER_M2_H / rate_g_per_m2_h), np.log(2.0)))


def sweat_range_l(total_l: float, calibration: Calibration | None = None,
                  log_sd: float | None = None) -> tuple[float, float]:
    """A plausible range around the estimate, ``total·e^∓σ`` (never negative, high ≥ 1.3 × low).

    ``log_sd`` from :func:`range_log_sd`; when not given (the weigh-in command's prior), ±1 SD of
    a log-normal ratio: the inter-individual CV (Baker 2017: 30–40 %, we take 35 %) as
    ``σ = sqrt(ln(1 + 0.35²)) = 0.340`` without calibration, the calibration's own
    (:attr:`Calibration.log_sd`, at least 0.14) with one. Always on the log scale.
    """
    if log_sd is None:  # the population prior alone, as the weigh-in command shows it
        log_sd = float(np.sqrt(np.log1p(INTER_INDIVIDUAL_CV**2))) if calibration is None else calibration.log_sd
    log_sd = max(log_sd, MIN_CALIBRATED_CV)
    return total_l * float(np.exp(-log_sd)), total_l * float(np.exp(log_sd))


def sodium_mmol_per_l(sex: str | None = None, measured_mmol_per_l: float | None = None) -> tuple[float, float]:
    """Sweat sodium mean and SD [mmol·L⁻¹]: the athlete's measured value ± :data:`MEASURED_SODIUM_RELATIVE_SD`
    when there is one, else the population's by sex (:data:`SODIUM_BY_SEX_MMOL_PER_L`)."""
    if measured_mmol_per_l is not None:
        return measured_mmol_per_l, measured_mmol_per_l * MEASURED_SODIUM_RELATIVE_SD
    return SODIUM_BY_SEX_MMOL_PER_L.get(sex, SODIUM_BY_SEX_MMOL_PER_L[None])


def electrolytes_mg(total_l: float, sex: str | None = None,
                    measured_sodium_mmol_per_l: float | None = None) -> tuple[float, float]:
    """Sodium and potassium lost with ``total_l`` of sweat [mg]: sodium at the athlete's measured
    concentration, else the population mean (:func:`sodium_mmol_per_l`) × 22.99 mg·mmol⁻¹,
    potassium 6 mmol·L⁻¹ (Lara 2016: 6.0 ± 0.9; Baker 2017: 4–8) × 39.10 mg·mmol⁻¹."""
    sodium, _ = sodium_mmol_per_l(sex, measured_sodium_mmol_per_l)
    return (total_l * sodium * SODIUM_MG_PER_MMOL, total_l * POTASSIUM_MMOL_PER_L * POTASSIUM_MG_PER_MMOL)


def sodium_range_mg(total_l: float, sex: str | None = None,
                    measured_sodium_mmol_per_l: float | None = None) -> tuple[float, float]:
    """Sodium in ``total_l`` of sweat at the concentration's mean ∓ 1 SD (:func:`sodium_mmol_per_l`)
    [mg], the low end not below 10 mmol·L⁻¹ (Baker 2017's lowest typical value)."""
    mean, sd = sodium_mmol_per_l(sex, measured_sodium_mmol_per_l)
    low = max(mean - sd, SODIUM_RANGE_MMOL_PER_L[0])
    return total_l * low * SODIUM_MG_PER_MMOL, total_l * (mean + sd) * SODIUM_MG_PER_MMOL


def water_temperature_factor(water_temperature_c: ArrayLike) -> NDArray[np.float64]:
    """Sweat in water relative to Cox et al.'s pools: ``exp(0.106 · (T_w − 27 °C))`` (Macaluso et
    al. 2011's slope; :data:`WATER_SWEAT_LOG_PER_C`), T_w held to :data:`WATER_TEMPERATURE_RANGE_C`."""
    t = np.clip(np.asarray(water_temperature_c, dtype=float), *WATER_TEMPERATURE_RANGE_C)
    return np.exp(WATER_SWEAT_LOG_PER_C * (t - WATER_REFERENCE_C))


def in_water_sweat_l_per_h(speed_m_per_s: ArrayLike, metabolic_met: ArrayLike, sex: str | None = None,
                           water_temperature_c: float = WATER_REFERENCE_C) -> NDArray[np.float64]:
    """Sweat rate in water [L·h⁻¹]: swimmers' measured loss per kilometre (Cox et al. 2002: men
    138, women 107 mL·km⁻¹) × speed where the speed is known (≤ 2.5 m·s⁻¹); elsewhere (diving,
    snorkeling, pool files without distance) 28.7 mL per MET-hour, water polo training's 287 mL·h⁻¹
    at 10 METs (Cox 2002; Compendium 2011). A 3.8 km Ironman swim in 1 h 10 gives ~0.45 L·h⁻¹;
    9 km in 3 h of hot outdoor training lost ~0.6 L·h⁻¹ (J Strength Cond Res 2003, 17(2):362). Both
    scaled by the water temperature (:func:`water_temperature_factor`)."""
    v = np.clip(np.asarray(speed_m_per_s, dtype=float), 0.0, MAX_SWIM_SPEED_M_PER_S)
    per_km = SWIM_SWEAT_ML_PER_KM.get(sex, SWIM_SWEAT_ML_PER_KM[None])
    by_distance = per_km * v * 3.6 / 1000.0
    by_effort = IN_WATER_SWEAT_ML_PER_MET_H * np.asarray(metabolic_met, dtype=float) / 1000.0
    return np.where(np.isnan(v) | (v <= 0), by_effort, by_distance) * water_temperature_factor(water_temperature_c)


def sweat_totals(model_total_l: float, model_moving_l: float, moving_s: float, body_mass_kg: float | None,
                 calibration: Calibration | None = None, *, flags: list[str] | tuple[str, ...] = (),
                 device_estimate_l: float | None = None, log_sd: float | None = None,
                 sex: str | None = None, respiratory_water_l: float = 0.0, metabolic_mass_l: float = 0.0,
                 sodium_mmol_per_l: float | None = None, activity_s: float | None = None) -> SweatTotals:
    """Whole-session figures from the integrated model.

    ``rate_l_per_h`` is sweat while moving (timer running) per hour of moving time, so a long café
    stop does not dilute it; ``total_l`` includes what was sweated during pauses.
    ``body_mass_loss_pct`` assumes nothing was drunk: 1 L of sweat ≈ 1 kg (Sawka et al. 2007).
    ``log_sd`` the range's log-scale SD (:func:`range_log_sd`); ``sex`` picks the population sweat
    sodium, ``sodium_mmol_per_l`` (the athlete's measured value) replaces it. ``respiratory_water_l``
    and ``metabolic_mass_l`` (:mod:`.respiration`) are carried as they are (not calibrated: a
    weigh-in's calibration is of the sweat).

    ``activity_s`` [s], the time the total covers: the total is held to
    :func:`.limits.sweat_ceiling_l` of it (what a body can sweat over that long), with a flag saying
    so, and its low end to no more than the ceiling ÷ 1.3; the range's high end is held to the
    ceiling whether or not the total was. A
    ``body_mass_loss_pct`` above :data:`.limits.SURVIVABLE_LOSS_FRACTION` is None (not a forecast:
    the report says the loss cannot be survived and what to drink) and flagged.
    """
    factor = calibration.factor if calibration is not None else 1.0
    total = model_total_l * factor
    moving = model_moving_l * factor
    low, high = sweat_range_l(total, calibration, log_sd)
    flags = list(flags)
    if activity_s is not None and total > 0:
        ceiling = limits.sweat_ceiling_l(activity_s)
        if total > ceiling:
            held = ceiling / total
            flags.append(ModelNote("the model's {total:.1f} over {hours:.1f} h is more than a body sweats in that "
                                   "time: held at {ceiling:.1f}, the bound published field data put on it "
                                   "(Baker et al. 2016; Montain et al. 1999; Mudambo et al. 1997)",
                                   total=volume_l(total), hours=activity_s / 3600.0, ceiling=volume_l(ceiling)))
            total, moving = ceiling, moving * held
            low = min(low * held, ceiling / 1.3)
        high = max(min(high, ceiling), total)  # the range's high end is a figure a body must reach too
    if log_sd is None:
        log_sd = float(np.sqrt(np.log1p(INTER_INDIVIDUAL_CV**2))) if calibration is None else calibration.log_sd
    sodium, potassium = electrolytes_mg(total, sex, sodium_mmol_per_l)
    sodium_low, sodium_high = sodium_range_mg(total, sex, sodium_mmol_per_l)
    rate = moving / (moving_s / 3600.0) if moving_s > 0 else 0.0
    loss = 100.0 * total / body_mass_kg if body_mass_kg else None
    beyond: float | None = None
    if loss is not None and loss > 100.0 * limits.SURVIVABLE_LOSS_FRACTION:
        flags.append(ModelNote("{total:.1f} is {loss:.0f} % of body mass: a loss not to be had without drinking "
                               "(life-threatening from {bound:.0f} %, Adolph et al. 1947), so no 'if nothing drunk' "
                               "figure is given", total=volume_l(total), loss=loss,
                               bound=100.0 * limits.SURVIVABLE_LOSS_FRACTION))
        loss, beyond = None, 100.0 * limits.SURVIVABLE_LOSS_FRACTION
    return SweatTotals(total, low, high, rate, sodium, potassium, loss, calibration is not None,
                       factor if calibration is not None else None,
                       calibration.n if calibration is not None else None, model_total_l=model_total_l,
                       flags=tuple(flags), device_estimate_l=device_estimate_l, sodium_low_mg=sodium_low,
                       sodium_high_mg=sodium_high, range_log_sd=max(log_sd, MIN_CALIBRATED_CV),
                       calibration_cv=calibration.cv if calibration is not None else None,
                       respiratory_water_l=respiratory_water_l, metabolic_mass_l=metabolic_mass_l,
                       body_mass_loss_beyond_pct=beyond)
