"""Radiant heat from the sun: where the sun is, how global shortwave radiation splits into direct
and diffuse, and the mean radiant temperature of an athlete standing or moving in it.

The weather service gives global horizontal shortwave radiation G [W·m⁻²] (Open-Meteo's
``shortwave_radiation``, the mean of the hour before); ``sweatline plan --solar-w-m2`` takes the
same quantity. A person is upright, so what matters is the beam on the body's silhouette, the
diffuse sky and the ground's reflection, not G on a horizontal plate. The steps, each published:

1. Sun elevation β from the time and place: Spencer (1971)'s declination and equation of time.
2. Direct / diffuse split of G: Erbs, Klein & Duffie (1982)'s diffuse fraction as a function of
   the clearness index ``k_t = G / (G_sc · E_0 · sin β)``, solar constant 1361 W·m⁻² (Kopp & Lean
   2011). The beam at normal incidence ``I = (G − D) / sin β`` is held at ``G_sc · E_0``.
3. Mean radiant temperature (ISO 7726:1998's definition; the integral form of VDI 3787 Part 2 and
   Thorsson et al. 2007, as RayMan computes it, Matzarakis et al. 2007/2010):
   ``T_mrt⁴ = T_a⁴ + (α_k / (ε_p · σ)) · (f_p · I + ½·D + ½·ρ·G)`` [K], where a standing body
   sees half sky and half ground (the six-direction weights 0.22 × 4 lateral + 0.06 up and down
   sum to ½ for the sky and ½ for the ground), ``α_k = 0.7`` the body's shortwave absorptivity,
   ``ε_p = 0.97`` its emissivity, ``ρ = 0.2`` the ground's albedo, and f_p the projected area
   factor of a standing person (Fanger 1970, in VDI 3787's fit
   ``f_p = 0.308 · cos(β · (0.998 − β²/50000))``, β in degrees). Long-wave exchange is taken with
   surroundings at air temperature (ISO 7933's default ``t_r = t_a``): the sky's long-wave deficit
   and a hot road's surplus are not modelled.

The heat balance (:mod:`.heat_balance`) then takes ``t_r`` where ISO 7933 does: the skin
temperature model and the dry heat exchange, through the operative temperature.

References
----------
.. [1] Spencer JW (1971). Fourier series representation of the position of the sun. Search 2(5):172.
.. [2] Erbs DG, Klein SA, Duffie JA (1982). Estimation of the diffuse radiation fraction for hourly,
       daily and monthly-average global radiation. Solar Energy 28(4):293–302.
.. [3] Kopp G, Lean JL (2011). A new, lower value of total solar irradiance. Geophys Res Lett 38:L01706.
.. [4] ISO 7726:1998 Ergonomics of the thermal environment — Instruments for measuring physical
       quantities (mean radiant temperature).
.. [5] VDI 3787 Part 2 (2008). Environmental meteorology — Methods for the human biometeorological
       evaluation of climate and air quality: Part I: Climate (T_mrt, α_k = 0.7, ε_p = 0.97, f_p).
.. [6] Thorsson S, Lindberg F, Eliasson I, Holmer B (2007). Different methods for estimating the mean
       radiant temperature in an outdoor urban setting. Int J Climatol 27:1983–1993.
.. [7] Fanger PO (1970). Thermal comfort. Copenhagen: Danish Technical Press (projected area factors).
.. [8] Matzarakis A, Rutz F, Mayer H (2010). Modelling radiation fluxes in simple and complex
       environments: basics of the RayMan model. Int J Biometeorol 54:131–139.
.. [9] Duffie JA, Beckman WA (2013). Solar engineering of thermal processes, 4th ed. (ground
       reflectance 0.2 where it is not known).
.. [10] Wild M, Folini D, Schär C, Loeb N, Dutton EG, König-Langlo G (2013). The global energy balance
       from a surface perspective. Clim Dyn 40:3107–3134, doi:10.1007/s00382-012-1569-8 (global mean
       downward solar radiation at the surface 185 W·m⁻², range 179–189).
.. [11] Haurwitz B (1945). Insolation in relation to cloudiness and cloud density. J Meteorol 2:154–166
       (clear-sky global radiation ``1098·sin β·exp(−0.057/sin β)`` W·m⁻²).
.. [12] Kasten F, Czeplak G (1980). Solar and terrestrial radiation dependent on the amount and type of
       cloud. Solar Energy 24:177–189 (``G/G_clear = 1 − 0.75·(N/8)^3.4``, N the cloud cover in oktas).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

SOLAR_CONSTANT_W_PER_M2 = 1361.0
"""Total solar irradiance at 1 AU (Kopp & Lean 2011)."""
BODY_SHORTWAVE_ABSORPTIVITY = 0.7
"""α_k: share of shortwave radiation a clothed human absorbs (VDI 3787 Part 2; Thorsson et al. 2007)."""
BODY_EMISSIVITY = 0.97
"""ε_p: long-wave emissivity of the human body (VDI 3787 Part 2; ISO 7933:2004 uses 0.97 too)."""
GROUND_ALBEDO = 0.2
"""ρ: shortwave reflectance of the ground where it is not known (Duffie & Beckman 2013)."""
SURFACE_MEAN_SOLAR_W_PER_M2 = 185.0
"""Global, annual, 24-hour mean downward shortwave radiation at the Earth's surface [W·m⁻²], all
skies (Wild et al. 2013, from surface observations: 185, range 179–189)."""
DAYLIGHT_FRACTION = 0.5
"""Share of the year's hours with the sun above the horizon: the annual mean day length is 12 h at
every latitude (the solar declination's yearly cycle is symmetric; refraction, which lengthens the
day by minutes, is left out)."""
DEFAULT_DAYLIGHT_SOLAR_W_PER_M2 = SURFACE_MEAN_SOLAR_W_PER_M2 / DAYLIGHT_FRACTION
"""The sky an outdoor session is assumed under when none is known [W·m⁻²]: 370 W·m⁻², the
climatological mean global horizontal radiation while the sun is up — Wild et al. (2013)'s 24-h
surface mean, 185 W·m⁻², over the daylight half of the hours (:data:`DAYLIGHT_FRACTION`; night
contributes nothing to the mean). An independent check: Haurwitz (1945)'s clear sky averaged over
the daylight hours of an equinox day at 45°N (438 W·m⁻²) times Kasten & Czeplak (1980)'s cloud
factor at the satellites' global mean cloud cover of about two thirds (Stubenrauch et al. 2013,
GEWEX cloud assessment, Bull Am Meteorol Soc 94:1031: 0.68; factor 0.81) gives 356 W·m⁻². Neither
figure was fitted to a sweat measurement (docs/model/default-sky.md)."""
STEFAN_BOLTZMANN_W_PER_M2_K4 = 5.670374419e-8
KELVIN = 273.15


def day_angle_rad(timestamp_utc: pd.DatetimeIndex | pd.Series) -> NDArray[np.float64]:
    """Spencer (1971)'s day angle ``Γ = 2π·(d − 1)/365`` [rad], d the day of the year (fractional)."""
    ts = pd.DatetimeIndex(pd.to_datetime(timestamp_utc, utc=True))
    day = ts.dayofyear.to_numpy(dtype=float) + (ts.hour.to_numpy() + ts.minute.to_numpy() / 60.0) / 24.0
    return 2.0 * np.pi * (day - 1.0) / 365.0


def solar_elevation_deg(timestamp_utc: pd.DatetimeIndex | pd.Series, latitude_deg: ArrayLike,
                        longitude_deg: ArrayLike) -> NDArray[np.float64]:
    """Sun elevation above the horizon [°] (negative at night), Spencer (1971):
    ``δ = 0.006918 − 0.399912·cos Γ + 0.070257·sin Γ − 0.006758·cos 2Γ + 0.000907·sin 2Γ
    − 0.002697·cos 3Γ + 0.00148·sin 3Γ`` [rad]; equation of time ``EoT = 229.18·(0.000075
    + 0.001868·cos Γ − 0.032077·sin Γ − 0.014615·cos 2Γ − 0.040849·sin 2Γ)`` [min]; hour angle
    ``ω = 15°·(t_UTC + lon/15° + EoT/60 − 12 h)``; ``sin β = sin φ·sin δ + cos φ·cos δ·cos ω``.
    Timestamps in UTC; latitude and longitude in degrees (east positive)."""
    ts = pd.DatetimeIndex(pd.to_datetime(timestamp_utc, utc=True))
    g = day_angle_rad(ts)
    decl = (0.006918 - 0.399912 * np.cos(g) + 0.070257 * np.sin(g) - 0.006758 * np.cos(2 * g)
            + 0.000907 * np.sin(2 * g) - 0.002697 * np.cos(3 * g) + 0.00148 * np.sin(3 * g))
    eot_min = 229.18 * (0.000075 + 0.001868 * np.cos(g) - 0.032077 * np.sin(g) - 0.014615 * np.cos(2 * g)
                        - 0.040849 * np.sin(2 * g))
    hours_utc = ts.hour.to_numpy() + ts.minute.to_numpy() / 60.0 + ts.second.to_numpy() / 3600.0
    lon = np.asarray(longitude_deg, dtype=float)
    lat = np.radians(np.asarray(latitude_deg, dtype=float))
    omega = np.radians(15.0 * (hours_utc + lon / 15.0 + eot_min / 60.0 - 12.0))
    sin_b = np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(omega)
    return np.degrees(np.arcsin(np.clip(sin_b, -1.0, 1.0)))


def earth_sun_distance_factor(timestamp_utc: pd.DatetimeIndex | pd.Series) -> NDArray[np.float64]:
    """Eccentricity correction E_0 = (r_0/r)², Spencer (1971): ``1.000110 + 0.034221·cos Γ
    + 0.001280·sin Γ + 0.000719·cos 2Γ + 0.000077·sin 2Γ``."""
    g = day_angle_rad(timestamp_utc)
    return 1.000110 + 0.034221 * np.cos(g) + 0.001280 * np.sin(g) + 0.000719 * np.cos(2 * g) + 0.000077 * np.sin(2 * g)


def haurwitz_clear_sky_w_per_m2(sun_elevation_deg: ArrayLike) -> NDArray[np.float64]:
    """Clear-sky global horizontal radiation [W·m⁻²] for the sun at elevation β [°], Haurwitz (1945):
    ``1098·sin β·exp(−0.057/sin β)``; 0 with the sun at or below the horizon."""
    sin_b = np.sin(np.radians(np.asarray(sun_elevation_deg, dtype=float)))
    up = sin_b > 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(up, 1098.0 * sin_b * np.exp(-0.057 / np.where(up, sin_b, 1.0)), 0.0)


def erbs_diffuse_fraction(clearness_index: ArrayLike) -> NDArray[np.float64]:
    """Diffuse share of hourly global radiation, Erbs, Klein & Duffie (1982):
    ``1 − 0.09·k_t`` (k_t ≤ 0.22); ``0.9511 − 0.1604·k_t + 4.388·k_t² − 16.638·k_t³ + 12.336·k_t⁴``
    (0.22 < k_t ≤ 0.80); ``0.165`` above."""
    k = np.asarray(clearness_index, dtype=float)
    mid = 0.9511 - 0.1604 * k + 4.388 * k**2 - 16.638 * k**3 + 12.336 * k**4
    return np.where(k <= 0.22, 1.0 - 0.09 * k, np.where(k <= 0.80, mid, 0.165))


def projected_area_factor(sun_elevation_deg: ArrayLike) -> NDArray[np.float64]:
    """Projected area factor f_p of a standing person for the sun at elevation β [°], averaged over
    azimuth: Fanger (1970)'s factors in VDI 3787 Part 2's fit ``0.308·cos(β·(0.998 − β²/50000))``."""
    b = np.clip(np.asarray(sun_elevation_deg, dtype=float), 0.0, 90.0)
    return 0.308 * np.cos(np.radians(b * (0.998 - b**2 / 50000.0)))


def split_global_radiation(global_w_per_m2: ArrayLike, sun_elevation_deg: ArrayLike,
                           distance_factor: ArrayLike = 1.0) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Direct beam at normal incidence I and diffuse horizontal D [W·m⁻²] from global horizontal G
    (Erbs et al. 1982; module docstring). With the sun at or below the horizon all of G is diffuse."""
    g = np.maximum(np.asarray(global_w_per_m2, dtype=float), 0.0)
    sin_b = np.sin(np.radians(np.asarray(sun_elevation_deg, dtype=float)))
    extra = SOLAR_CONSTANT_W_PER_M2 * np.asarray(distance_factor, dtype=float)
    up = sin_b > 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        kt = np.where(up, np.minimum(g / (extra * np.where(up, sin_b, 1.0)), 1.0), 0.0)
        diffuse = np.where(up, g * erbs_diffuse_fraction(kt), g)
        beam = np.where(up, np.minimum((g - diffuse) / np.where(up, sin_b, 1.0), extra), 0.0)
    return beam, diffuse


def mean_radiant_excess_k(air_temperature_c: ArrayLike, global_w_per_m2: ArrayLike, sun_elevation_deg: ArrayLike,
                          distance_factor: ArrayLike = 1.0, albedo: float = GROUND_ALBEDO) -> NDArray[np.float64]:
    """How much warmer than the air the mean radiant temperature is in the sun, ``T_mrt − T_a`` [K]
    (module docstring, step 3). Zero without radiation."""
    beam, diffuse = split_global_radiation(global_w_per_m2, sun_elevation_deg, distance_factor)
    return radiant_excess_from_components_k(air_temperature_c, beam, diffuse, global_w_per_m2, sun_elevation_deg, albedo)


def radiant_excess_from_components_k(air_temperature_c: ArrayLike, beam_w_per_m2: ArrayLike,
                                     diffuse_w_per_m2: ArrayLike, global_w_per_m2: ArrayLike,
                                     sun_elevation_deg: ArrayLike, albedo: float = GROUND_ALBEDO) -> NDArray[np.float64]:
    """``T_mrt − T_a`` [K] from the beam at normal incidence, the diffuse sky and the global
    horizontal radiation [W·m⁻²] (module docstring, step 3)."""
    g = np.maximum(np.asarray(global_w_per_m2, dtype=float), 0.0)
    absorbed = (projected_area_factor(sun_elevation_deg) * np.asarray(beam_w_per_m2, dtype=float)
                + 0.5 * np.asarray(diffuse_w_per_m2, dtype=float) + 0.5 * albedo * g)
    t_a = np.asarray(air_temperature_c, dtype=float) + KELVIN
    t_mrt = np.power(t_a**4 + BODY_SHORTWAVE_ABSORPTIVITY / (BODY_EMISSIVITY * STEFAN_BOLTZMANN_W_PER_M2_K4)
                     * absorbed, 0.25)
    return t_mrt - t_a
