"""Water and mass that leave by breathing, beside sweat.

A whole-body mass balance (mass before − after + drunk − urine) measures sweat **plus** the water
breathed out **plus** the mass of fuel burned (CO₂ out weighs more than O₂ in). Only the first two
are water to drink back; all three are in what a weigh-in measures. Both rise with oxygen uptake,
and the breath water also with how dry the inspired air is (cold air holds little water).

- Respiratory water (Mitchell, Nadel & Stolwijk 1972): ``m_res = 0.019 · V̇O₂ · (44 − P_a)``
  [g·min⁻¹], V̇O₂ in L·min⁻¹, P_a the air's water vapour pressure in mmHg (44 mmHg is that of
  expired air at about 35 °C, saturated).
- Metabolic mass loss (the same paper's gas-exchange term): ``V̇O₂ · (RER · ρ_CO₂ − ρ_O₂)``
  [g·min⁻¹] with ρ_CO₂ = 1.977 and ρ_O₂ = 1.429 g·L⁻¹ (STPD) and RER 0.85, the mixed-fuel
  ratio behind :data:`.intensity.OXYGEN_ENERGY_J_PER_ML` (20.1 kJ per litre of O₂).

Cheuvront & Kenefick (2017) list both as the corrections a weigh-in needs on long sessions.

References
----------
.. [1] Mitchell JW, Nadel ER, Stolwijk JAJ (1972). Respiratory weight losses during exercise.
       J Appl Physiol 32(4):474–476. doi:10.1152/jappl.1972.32.4.474
.. [2] Cheuvront SN, Kenefick RW (2017). CORP: Improving the status quo for measuring whole body
       sweat losses. J Appl Physiol 123(3):632–636. doi:10.1152/japplphysiol.00433.2017
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from pipeline.physiology.intensity import OXYGEN_ENERGY_J_PER_ML

KPA_TO_MMHG = 7.50062
EXPIRED_VAPOUR_PRESSURE_MMHG = 44.0
"""Water vapour pressure of expired air in Mitchell et al.'s equation [mmHg]."""
RESPIRATORY_WATER_G_PER_L_O2_MMHG = 0.019
"""Mitchell et al. (1972): grams of water per litre of O₂ taken up per mmHg of vapour-pressure deficit."""
O2_DENSITY_G_PER_L = 1.429
CO2_DENSITY_G_PER_L = 1.977
RESPIRATORY_EXCHANGE_RATIO = 0.85


def oxygen_uptake_l_per_min(metabolic_w: ArrayLike) -> NDArray[np.float64]:
    """V̇O₂ [L·min⁻¹] from metabolic rate [W] at 20.1 kJ per litre of O₂."""
    return np.asarray(metabolic_w, dtype=float) * 60.0 / (OXYGEN_ENERGY_J_PER_ML * 1000.0)


def respiratory_water_g_per_h(metabolic_w: ArrayLike, vapour_pressure_air_kpa: ArrayLike) -> NDArray[np.float64]:
    """Water breathed out [g·h⁻¹] (Mitchell et al. 1972): ``0.019 · V̇O₂ · (44 − P_a) · 60``,
    P_a in mmHg; never negative (air wetter than breath adds nothing here)."""
    deficit = np.maximum(EXPIRED_VAPOUR_PRESSURE_MMHG - np.asarray(vapour_pressure_air_kpa, dtype=float) * KPA_TO_MMHG, 0.0)
    return RESPIRATORY_WATER_G_PER_L_O2_MMHG * oxygen_uptake_l_per_min(metabolic_w) * deficit * 60.0


def metabolic_mass_loss_g_per_h(metabolic_w: ArrayLike) -> NDArray[np.float64]:
    """Mass lost as CO₂ out minus O₂ in [g·h⁻¹]: ``V̇O₂ · (0.85 · 1.977 − 1.429) · 60``."""
    per_litre = RESPIRATORY_EXCHANGE_RATIO * CO2_DENSITY_G_PER_L - O2_DENSITY_G_PER_L
    return oxygen_uptake_l_per_min(metabolic_w) * per_litre * 60.0
