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
   the result is capped at what the same minute, in the same clothing, would give at 20 °C
   (:mod:`.estimate`): colder air does not make the same effort in the same clothes sweatier, and
   the cap removes the 200 g·m⁻²·h⁻¹ step at 20 °C.
5. Where ``E_req ≤ 0`` (dry and respiratory heat loss exceed heat production: resting or coasting
   in cool air) the rate is 0: the intercepts are not a resting sweat rate.

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
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

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
SWEAT_CEILING_G_PER_M2_H = 1200.0
"""Upper bound of the prediction [g·m⁻²·h⁻¹]: ~2.2 L·h⁻¹ at 1.85 m², ~2.6 L·h⁻¹ at 2.2 m²."""

SODIUM_MMOL_PER_L = 40.0
"""Typical whole-body sweat sodium of athletes, Baker (2017): ~10–90 mmol·L⁻¹, mean around 40."""
SODIUM_RANGE_MMOL_PER_L = (10.0, 90.0)
POTASSIUM_MMOL_PER_L = 6.0
"""Sweat potassium, Baker (2017): about 4–8 mmol·L⁻¹; the middle of that range."""
POTASSIUM_RANGE_MMOL_PER_L = (4.0, 8.0)
SODIUM_MG_PER_MMOL = 22.99
POTASSIUM_MG_PER_MMOL = 39.10

INTER_INDIVIDUAL_CV = 0.35
"""Coefficient of variation of sweat rate between athletes under the same conditions (Baker 2017:
~30–40 %). The uncalibrated range is ±1 CV around the estimate."""
MIN_CALIBRATED_CV = 0.14
"""Even a calibrated estimate keeps at least this spread (day-to-day variation): (1 + 0.14)/(1 − 0.14) = 1.33,
so high ≥ 1.3 × low holds for every estimate."""


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
class Calibration:
    """The athlete's own correction, from weigh-ins (``pipeline/physiology/calibration.py`` makes it).

    ``factor`` multiplies the model's sweat (measured / predicted); ``cv`` is the remaining relative
    spread of that ratio; ``n`` how many weigh-ins it rests on.
    """

    factor: float
    cv: float = MIN_CALIBRATED_CV
    n: int = 1


@dataclass(frozen=True)
class SweatTotals:
    """Whole-session sweat figures, SI and unrounded (the report rounds them).

    ``total_l``, ``low_l``, ``high_l`` [L] (calibrated when a calibration was given);
    ``model_total_l`` [L] the model's own, uncalibrated total (what weigh-ins are compared with);
    ``rate_l_per_h`` [L·h⁻¹] over moving time; ``sodium_mg``, ``potassium_mg`` [mg];
    ``body_mass_loss_pct`` [%] if nothing was drunk; ``flags`` in plain words; ``device_estimate_l``
    [L] the device's own figure (shown, never used).
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


def sweat_range_l(total_l: float, calibration: Calibration | None = None) -> tuple[float, float]:
    """A plausible range around the estimate: ±1 inter-individual CV (Baker 2017: 30–40 %, we take
    35 %) without calibration, ±the calibration's own CV (at least 14 %) with one."""
    cv = INTER_INDIVIDUAL_CV if calibration is None else max(calibration.cv, MIN_CALIBRATED_CV)
    return total_l * (1.0 - cv), total_l * (1.0 + cv)


def electrolytes_mg(total_l: float) -> tuple[float, float]:
    """Sodium and potassium lost with ``total_l`` of sweat at typical concentrations (Baker 2017):
    40 mmol·L⁻¹ × 22.99 mg·mmol⁻¹ and 6 mmol·L⁻¹ × 39.10 mg·mmol⁻¹ [mg]."""
    return (total_l * SODIUM_MMOL_PER_L * SODIUM_MG_PER_MMOL,
            total_l * POTASSIUM_MMOL_PER_L * POTASSIUM_MG_PER_MMOL)


def sweat_totals(model_total_l: float, model_moving_l: float, moving_s: float, body_mass_kg: float | None,
                 calibration: Calibration | None = None, *, flags: list[str] | tuple[str, ...] = (),
                 device_estimate_l: float | None = None) -> SweatTotals:
    """Whole-session figures from the integrated model.

    ``rate_l_per_h`` is sweat while moving (timer running) per hour of moving time, so a long café
    stop does not dilute it; ``total_l`` includes what was sweated during pauses.
    ``body_mass_loss_pct`` assumes nothing was drunk: 1 L of sweat ≈ 1 kg (Sawka et al. 2007).
    """
    factor = calibration.factor if calibration is not None else 1.0
    total = model_total_l * factor
    moving = model_moving_l * factor
    low, high = sweat_range_l(total, calibration)
    sodium, potassium = electrolytes_mg(total)
    rate = moving / (moving_s / 3600.0) if moving_s > 0 else 0.0
    loss = 100.0 * total / body_mass_kg if body_mass_kg else None
    return SweatTotals(total, low, high, rate, sodium, potassium, loss, calibration is not None,
                       factor if calibration is not None else None,
                       calibration.n if calibration is not None else None, model_total_l=model_total_l,
                       flags=tuple(flags), device_estimate_l=device_estimate_l)
