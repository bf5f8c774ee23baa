"""Heat exchange between an exercising athlete and the air: body surface area, vapour pressure,
clothing, skin temperature, required evaporation ``E_req`` and the air's evaporative capacity ``E_max``.

Every function works on scalars and on NumPy arrays alike (one value per minute of a session).
Per-area quantities are in W·m⁻² (``_w_per_m2``), temperatures in °C, vapour pressures in kPa
unless the name says ``_mmhg``, insulation in clo (1 clo = 0.155 m²·K·W⁻¹), air speed in m·s⁻¹.

The heat balance follows the USARIEM model family used to fit the sweat prediction equations
(Givoni & Goldman 1972; Pandolf et al. 1986; Gonzalez et al. 2009):

    R + C = (6.45 / I_T) · (T_a − T_sk)                       [W·m⁻², I_T in clo]
    E_max = 14.21 · (i_m / I_T) · (P_sk − P_a)                 [W·m⁻², pressures in mmHg]
    E_req = (M − W_ext) + (R + C)                              [W·m⁻²]

6.45 W·m⁻²·K⁻¹ is 1/(0.155 m²·K·W⁻¹), the conductance of 1 clo; 14.21 = 6.45 × 2.2 K·mmHg⁻¹
(the Lewis relation), so both constants follow from the definition of the clo and the Lewis
number. How clothing insulation and permeability fall with air and body movement is taken from
ISO 7933:2004 (Predicted Heat Strain), Annex, "dynamic clothing insulation", which is valid up
to 3 m·s⁻¹ relative air speed and 1.5 m·s⁻¹ walking speed; faster air is held at that edge.
The mean skin temperature is ISO 7933:2004's steady-state skin-temperature model (Mehnert et
al. 2000), with rectal temperature at its metabolic equilibrium ``t_cr_eq = 0.0036·M + 36.6``.

References
----------
.. [1] Givoni B, Goldman RF (1972). Predicting rectal temperature response to work, environment,
       and clothing. J Appl Physiol 32(6):812–822.
.. [2] Pandolf KB, Stroschein LA, Drolet LL, Gonzalez RR, Sawka MN (1986). Prediction modeling of
       physiological responses and human performance in the heat. Comput Biol Med 16(5):319–329.
.. [3] ISO 7933:2004 Ergonomics of the thermal environment — Analytical determination and
       interpretation of heat stress using calculation of the predicted heat strain.
.. [4] DuBois D, DuBois EF (1916). A formula to estimate the approximate surface area if height and
       weight be known. Arch Intern Med 17:863–871.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

CLO_M2K_PER_W = 0.155
"""1 clo in m²·K·W⁻¹ (definition)."""
DRY_CONDUCTANCE_PER_CLO_W_PER_M2K = 6.45
"""1 / 0.155: dry heat conductance of 1 clo, W·m⁻²·K⁻¹ (Givoni & Goldman 1972)."""
EVAP_CONDUCTANCE_PER_CLO_W_PER_M2_MMHG = 14.21
"""6.45 × 2.2 K·mmHg⁻¹ (Lewis relation): evaporative conductance per i_m/clo, W·m⁻²·mmHg⁻¹."""
KPA_TO_MMHG = 7.50062
STATIC_AIR_LAYER_M2K_PER_W = 0.111
"""Boundary air layer insulation in still air, ISO 7933:2004 (I_a,st)."""
STATIC_PERMEABILITY_INDEX = 0.38
"""Static moisture permeability index i_mst, ISO 7933:2004 default for ordinary clothing."""
ISO7933_MAX_AIR_SPEED_M_PER_S = 3.0
ISO7933_MAX_WALK_SPEED_M_PER_S = 1.5


def body_surface_area_m2(body_mass_kg: ArrayLike, height_cm: ArrayLike) -> NDArray[np.float64] | float:
    """Body surface area, DuBois & DuBois (1916): ``A_D = 0.007184 · W^0.425 · H^0.725``.

    Parameters
    ----------
    body_mass_kg : body mass W [kg]
    height_cm : height H [cm]

    Returns
    -------
    A_D [m²]
    """
    return 0.007184 * np.power(body_mass_kg, 0.425) * np.power(height_cm, 0.725)


def saturation_vapour_pressure_kpa(temperature_c: ArrayLike) -> NDArray[np.float64] | float:
    """Saturated water vapour pressure over water, the Magnus–Tetens form used by ISO 7933:2004:
    ``p_sat = 0.6105 · exp(17.27 · T / (T + 237.3))`` [kPa], T in °C."""
    t = np.asarray(temperature_c, dtype=float)
    return 0.6105 * np.exp(17.27 * t / (t + 237.3))


def vapour_pressure_kpa(temperature_c: ArrayLike, humidity_pct: ArrayLike) -> NDArray[np.float64] | float:
    """Partial water vapour pressure of air: relative humidity × saturation pressure [kPa]."""
    return np.asarray(humidity_pct, dtype=float) / 100.0 * saturation_vapour_pressure_kpa(temperature_c)


def sports_clothing_clo(temperature_c: ArrayLike) -> NDArray[np.float64]:
    """Static intrinsic insulation of what an endurance athlete wears, as a function of the weather [clo].

    Our assumption, built from ISO 9920 garment values: summer running or cycling kit (shorts or bib
    shorts, singlet or short-sleeved jersey, socks, shoes) is about 0.3 clo; athletes add layers as it
    gets colder (arm and knee warmers, gilet ≈ 0.55 clo at 15 °C; long tights, base layer, long-sleeved
    thermal jersey or light jacket, gloves ≈ 1.05 clo at 5 °C; a full winter ensemble ≈ 1.5 clo at
    −4 °C), up to 2.0 clo in hard frost. Linear: 0.3 clo at ≥ 20 °C, +0.05 clo per °C below, at most
    2.0 clo. Without this the model would have a rider in shorts at 2 °C lose all heat by convection
    and predict no sweat, which is not what athletes dressed for the cold report.
    """
    t = np.asarray(temperature_c, dtype=float)
    return np.clip(0.3 + (20.0 - t) * 0.05, 0.3, 2.0)


COMBAT_UNIFORM_TOTAL_CLO = 1.40
"""Total insulation I_T (clothing + boundary air) of the US Army Fire Resistant Army Combat Uniform
on a sweating thermal manikin in near-still air (0.4 m·s⁻¹) [clo]: USARIEM Biophysics and Biomedical
Modeling Division, "Biophysical assessment of the US Army Improved Hot Weather Combat Uniform (IHWCU)
and a comparison to the currently fielded Fire Resistant Army Combat Uniform (FRACU)", technical
report DTIC AD1092374 (2019; ASTM F1291-16 / F2370-16): FRACU 1.40 clo, i_m 0.43; IHWCU 1.44 clo, 0.40."""
COMBAT_UNIFORM_PERMEABILITY_INDEX = 0.43
"""Static moisture permeability index i_m of the same uniform, same report (FRACU)."""
CLOTHING_ENSEMBLES = ("sports", "uniform")
"""What ``sweatline plan --clothing`` accepts: sports kit dressed for the weather
(:func:`sports_clothing_clo`), or a combat uniform whatever the weather (a military march)."""


def intrinsic_from_total_clo(total_clo: float) -> float:
    """Static intrinsic clothing insulation I_cl [clo] of an ensemble whose total I_T was measured in
    still air, by inverting ISO 7933:2004's ``I_T = I_cl + I_a,st / f_cl`` with ``f_cl = 1 + 0.3·I_cl``
    and ``I_a,st`` = 0.111 m²·K·W⁻¹: the positive root of ``0.3·I_cl² + (1 − 0.3·I_T)·I_cl + I_a − I_T = 0``.
    Raises ValueError if I_T is not above the air layer alone."""
    i_a = STATIC_AIR_LAYER_M2K_PER_W / CLO_M2K_PER_W
    if total_clo <= i_a:
        raise ValueError(f"total insulation {total_clo} clo is not above the still-air layer's {i_a:.3f} clo")
    b = 1.0 - 0.3 * total_clo
    return float((-b + np.sqrt(b * b - 4.0 * 0.3 * (i_a - total_clo))) / (2.0 * 0.3))


def ensemble_clothing(clothing: str, temperature_c: ArrayLike) -> tuple[NDArray[np.float64], float]:
    """Static intrinsic insulation I_cl [clo] (shaped like ``temperature_c``) and static permeability
    index i_mst of what the athlete wears: ``sports`` follows the weather (:func:`sports_clothing_clo`,
    ISO 7933's default i_mst 0.38); ``uniform`` is the combat uniform (:data:`COMBAT_UNIFORM_TOTAL_CLO`,
    :data:`COMBAT_UNIFORM_PERMEABILITY_INDEX`) in any weather. Raises ValueError for another name."""
    t = np.asarray(temperature_c, dtype=float)
    if clothing == "sports":
        return sports_clothing_clo(t), STATIC_PERMEABILITY_INDEX
    if clothing == "uniform":
        return (np.full(np.shape(t), intrinsic_from_total_clo(COMBAT_UNIFORM_TOTAL_CLO)),
                COMBAT_UNIFORM_PERMEABILITY_INDEX)
    raise ValueError(f"clothing {clothing!r}: use one of {', '.join(CLOTHING_ENSEMBLES)}")


def respiratory_heat_loss_w_per_m2(metabolic_w_per_m2: ArrayLike, air_temperature_c: ArrayLike,
                                   vapour_pressure_air_kpa: ArrayLike) -> NDArray[np.float64]:
    """Convective plus evaporative heat lost by breathing, ISO 7933:2004 [W·m⁻²]:
    ``t_ex = 28.56 + 0.115·t_a + 0.641·p_a``; ``C_res = 0.001516·M·(t_ex − t_a)``;
    ``E_res = 0.00127·M·(59.34 + 0.53·t_a − 11.63·p_a)``, M in W·m⁻², p_a in kPa.
    Not sweat: it is heat that sweat does not have to carry away."""
    m = np.asarray(metabolic_w_per_m2, dtype=float)
    t_a = np.asarray(air_temperature_c, dtype=float)
    p_a = np.asarray(vapour_pressure_air_kpa, dtype=float)
    t_ex = 28.56 + 0.115 * t_a + 0.641 * p_a
    return 0.001516 * m * (t_ex - t_a) + 0.00127 * m * (59.34 + 0.53 * t_a - 11.63 * p_a)


def dynamic_clothing(
    clothing_clo: ArrayLike,
    air_speed_m_per_s: ArrayLike,
    walk_speed_m_per_s: ArrayLike = 0.0,
    static_permeability: float = STATIC_PERMEABILITY_INDEX,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Total insulation I_T (clothing + boundary air) and permeability index i_m under wind and motion.

    ISO 7933:2004, Annex (dynamic clothing insulation):
    ``I_tot,st = I_cl + I_a,st / f_cl``, ``f_cl = 1 + 0.3·I_cl``;
    ``CORR_cl = 1.044 · exp((0.066·v − 0.398)·v + (0.094·w − 0.378)·w)`` (≤ 1);
    ``CORR_ia = exp((0.047·v − 0.472)·v + (0.117·w − 0.342)·w)`` (≤ 1);
    below 0.6 clo the two are blended linearly in I_cl;
    ``CORR_e = 2.6·CORR² − 6.5·CORR + 4.9``, ``i_m = min(0.9, i_mst · CORR_e)``.
    v is the relative air speed and w the walking speed, held at the standard's validity edges
    (3 m·s⁻¹ and 1.5 m·s⁻¹): the quadratic fits turn upward beyond them.

    Parameters
    ----------
    clothing_clo : static intrinsic clothing insulation I_cl [clo]
    air_speed_m_per_s : relative air speed [m·s⁻¹]
    walk_speed_m_per_s : walking/running speed for the pumping effect [m·s⁻¹] (0 on a bike)

    Returns
    -------
    (total_insulation_clo, permeability_index) : dynamic I_T [clo] and i_m [-]
    """
    i_cl = np.asarray(clothing_clo, dtype=float)
    v = np.clip(np.asarray(air_speed_m_per_s, dtype=float), 0.0, ISO7933_MAX_AIR_SPEED_M_PER_S)
    w = np.clip(np.asarray(walk_speed_m_per_s, dtype=float), 0.0, ISO7933_MAX_WALK_SPEED_M_PER_S)
    f_cl = 1.0 + 0.3 * i_cl
    i_a_clo = STATIC_AIR_LAYER_M2K_PER_W / CLO_M2K_PER_W
    i_tot_static_clo = i_cl + i_a_clo / f_cl
    corr_cl = np.minimum(1.044 * np.exp((0.066 * v - 0.398) * v + (0.094 * w - 0.378) * w), 1.0)
    corr_ia = np.minimum(np.exp((0.047 * v - 0.472) * v + (0.117 * w - 0.342) * w), 1.0)
    corr_tot = np.where(i_cl <= 0.6, ((0.6 - i_cl) * corr_ia + i_cl * corr_cl) / 0.6, corr_cl)
    i_tot_dyn_clo = i_tot_static_clo * corr_tot
    corr_e = (2.6 * corr_tot - 6.5) * corr_tot + 4.9
    i_m = np.minimum(static_permeability * corr_e, 0.9)
    return i_tot_dyn_clo, i_m


def skin_temperature_c(
    air_temperature_c: ArrayLike,
    vapour_pressure_air_kpa: ArrayLike,
    air_speed_m_per_s: ArrayLike,
    metabolic_w_per_m2: ArrayLike,
    clothing_clo: ArrayLike,
    radiant_excess_k: ArrayLike = 0.0,
) -> NDArray[np.float64]:
    """Steady-state mean skin temperature, ISO 7933:2004 (Mehnert et al. 2000) [°C].

    clothed (I_cl ≥ 0.6 clo): ``12.165 + 0.02017·t_a + 0.04361·t_r + 0.19354·p_a − 0.25315·v
    + 0.005346·M + 0.51274·t_re``; nude (I_cl ≤ 0.2 clo): ``7.191 + 0.064·t_a + 0.061·t_r
    + 0.198·p_a − 0.348·v + 0.616·t_re``; linear in I_cl between. Mean radiant temperature
    ``t_r = t_a + radiant_excess_k`` (the sun's, :func:`.radiation.mean_radiant_excess_k`; 0 in the
    shade, indoors and at night), rectal temperature at the standard's metabolic equilibrium
    ``t_re = 0.0036·M + 36.6``, M in W·m⁻², p_a in kPa, v ≤ 3 m·s⁻¹.
    """
    t_a = np.asarray(air_temperature_c, dtype=float)
    p_a = np.asarray(vapour_pressure_air_kpa, dtype=float)
    v = np.clip(np.asarray(air_speed_m_per_s, dtype=float), 0.0, ISO7933_MAX_AIR_SPEED_M_PER_S)
    m = np.asarray(metabolic_w_per_m2, dtype=float)
    i_cl = np.asarray(clothing_clo, dtype=float)
    t_r = t_a + np.asarray(radiant_excess_k, dtype=float)
    t_re = 0.0036 * m + 36.6
    clothed = 12.165 + 0.02017 * t_a + 0.04361 * t_r + 0.19354 * p_a - 0.25315 * v + 0.005346 * m + 0.51274 * t_re
    nude = 7.191 + 0.064 * t_a + 0.061 * t_r + 0.198 * p_a - 0.348 * v + 0.616 * t_re
    blend = np.clip((i_cl - 0.2) / 0.4, 0.0, 1.0)
    return nude + blend * (clothed - nude)


RADIATING_AREA_SHARE = 0.77
"""A_r/A_Du, the share of the body surface that exchanges radiation, standing (ISO 7933:2004)."""


def convective_coefficient_w_per_m2k(air_speed_m_per_s: ArrayLike) -> NDArray[np.float64]:
    """Forced-convection heat transfer coefficient, ISO 7933:2004: ``h_c = 3.5 + 5.2·v`` up to
    1 m·s⁻¹, ``8.7·v^0.6`` above [W·m⁻²·K⁻¹], v held at the standard's 3 m·s⁻¹ edge."""
    v = np.clip(np.asarray(air_speed_m_per_s, dtype=float), 0.0, ISO7933_MAX_AIR_SPEED_M_PER_S)
    return np.where(v <= 1.0, 3.5 + 5.2 * v, 8.7 * np.power(v, 0.6))


def radiative_coefficient_w_per_m2k(surface_temperature_c: ArrayLike, radiant_temperature_c: ArrayLike) -> NDArray[np.float64]:
    """Linear radiative heat transfer coefficient, ISO 7933:2004:
    ``h_r = 5.67·10⁻⁸ · 0.97 · A_r/A_Du · ((t_s + 273)⁴ − (t_r + 273)⁴) / (t_s − t_r)`` [W·m⁻²·K⁻¹]
    (the limit ``4·σ·ε·A_r/A_Du·T³`` when the two are equal). The surface is taken at skin
    temperature: sports kit is thin (the clothing surface temperature is not iterated)."""
    t_s = np.asarray(surface_temperature_c, dtype=float) + 273.15
    t_r = np.asarray(radiant_temperature_c, dtype=float) + 273.15
    # (a⁴ − b⁴)/(a − b) = (a + b)(a² + b²), exact and free of 0/0
    return 5.67e-8 * 0.97 * RADIATING_AREA_SHARE * (t_s + t_r) * (t_s**2 + t_r**2)


def dry_heat_gain_w_per_m2(air_temperature_c: ArrayLike, skin_temperature: ArrayLike,
                           total_insulation_clo: ArrayLike, radiant_excess_k: ArrayLike = 0.0,
                           air_speed_m_per_s: ArrayLike = 0.4) -> NDArray[np.float64]:
    """Radiative + convective heat gain ``R + C = (6.45 / I_T)·(T_o − T_sk)`` [W·m⁻²] (Givoni &
    Goldman 1972; Pandolf et al. 1986), with the operative temperature ``T_o = (h_r·t_r + h_c·t_a)
    / (h_r + h_c)`` (ISO 7730; ISO 7933 takes ``t_r`` into the dry exchange the same way) for a mean
    radiant temperature ``t_r = t_a + radiant_excess_k`` (:func:`.radiation.mean_radiant_excess_k`);
    h_c and h_r from :func:`convective_coefficient_w_per_m2k` and :func:`radiative_coefficient_w_per_m2k`
    at the relative air speed. Without sun ``T_o = T_a``: the original form. Negative when the
    body loses dry heat to cooler surroundings."""
    t_a = np.asarray(air_temperature_c, dtype=float)
    t_sk = np.asarray(skin_temperature, dtype=float)
    excess = np.asarray(radiant_excess_k, dtype=float)
    h_r = radiative_coefficient_w_per_m2k(t_sk, t_a + excess)
    h_c = convective_coefficient_w_per_m2k(air_speed_m_per_s)
    t_o = t_a + h_r / (h_r + h_c) * excess
    return DRY_CONDUCTANCE_PER_CLO_W_PER_M2K / np.asarray(total_insulation_clo, dtype=float) * (t_o - t_sk)


def max_evaporation_w_per_m2(skin_temperature: ArrayLike, vapour_pressure_air_kpa: ArrayLike,
                             total_insulation_clo: ArrayLike, permeability_index: ArrayLike) -> NDArray[np.float64]:
    """Maximal evaporative capacity ``E_max = 14.21 · (i_m / I_T) · (P_sk − P_a)`` [W·m⁻²], pressures
    in mmHg, skin fully wet at T_sk (Givoni & Goldman 1972; Pandolf et al. 1986). Never below 0."""
    p_sk_mmhg = saturation_vapour_pressure_kpa(skin_temperature) * KPA_TO_MMHG
    p_a_mmhg = np.asarray(vapour_pressure_air_kpa, dtype=float) * KPA_TO_MMHG
    e_max = (EVAP_CONDUCTANCE_PER_CLO_W_PER_M2_MMHG * np.asarray(permeability_index, dtype=float)
             / np.asarray(total_insulation_clo, dtype=float) * (p_sk_mmhg - p_a_mmhg))
    return np.maximum(e_max, 0.0)


def required_evaporation_w_per_m2(metabolic_w_per_m2: ArrayLike, external_work_w_per_m2: ArrayLike,
                                  dry_gain_w_per_m2: ArrayLike) -> NDArray[np.float64]:
    """Required evaporative heat loss ``E_req = (M − W_ext) + (R + C)`` [W·m⁻²] (Givoni & Goldman 1972;
    Gonzalez et al. 2009). Mechanical work done on the pedals or lifting the body is not heat."""
    return (np.asarray(metabolic_w_per_m2, dtype=float) - np.asarray(external_work_w_per_m2, dtype=float)
            + np.asarray(dry_gain_w_per_m2, dtype=float))
