"""Metabolic rate M [W] per record, from the best signal the file has, and the external work [W].

Order of preference per record: mechanical power (cycling), speed and grade (running, walking,
hiking), heart rate (any sport), the device's calorie count, and finally duration alone with the
sport's Compendium MET value. Sensor values are cleaned first: outside physiological bounds they
are missing, and a 5-sample running median removes one- or two-sample spikes (a 2,000 W or 250 bpm
blip is not averaged in). Pauses and gaps are handled on the time grid (:mod:`.estimate`).

External work is not heat: on a bike it is the power at the pedals (``W = P``, or ``GE·M`` when
the power is not measured); on foot it is the work of lifting the body, ``m·g·v_vert`` on climbs.

References
----------
.. [1] American College of Sports Medicine (2013/2018). ACSM's Guidelines for Exercise Testing and
       Prescription, metabolic equations: running ``VO2 = 3.5 + 0.2·v + 0.9·v·grade``, walking
       ``VO2 = 3.5 + 0.1·v + 1.8·v·grade`` [mL·kg⁻¹·min⁻¹], v in m·min⁻¹, grade a fraction.
.. [2] Keytel LR, Goedecke JH, Noakes TD, et al. (2005). Prediction of energy expenditure from heart
       rate monitoring during submaximal exercise. J Sports Sci 23(3):289–297.
.. [3] Ettema G, Lorås HW (2009). Efficiency in cycling: a review. Eur J Appl Physiol 106:1–14
       (gross efficiency of trained cyclists ~0.18–0.25; we default to 0.21, configurable).
.. [4] Ainsworth BE, Haskell WL, Herrmann SD, et al. (2011). 2011 Compendium of Physical Activities.
       Med Sci Sports Exerc 43(8):1575–1581.
.. [5] Pandolf KB, Givoni B, Goldman RF (1977). Predicting energy expenditure with loads while
       standing or walking very slowly. J Appl Physiol 43(4):577–581. doi:10.1152/jappl.1977.43.4.577
.. [6] Santee WR, Allison WF, Blanchard LA, Small MG (2001). A proposed model for load carriage on
       sloped terrain. Aviat Space Environ Med 72(6):562–566 (the downhill correction of Pandolf's
       equation), tested in the field by Santee WR, Blanchard LA, Speckman KL, Gonzalez JA, Wallace
       RF (2003), J Therm Biol 28(1):11–15. Citations from memory, not re-read here (verify).
.. [7] Looney DP, Santee WR, Hansen EO, Bonventre PJ, Chalmers CR, Potter AW (2019). Estimating
       energy expenditure during level, uphill, and downhill walking. Med Sci Sports Exerc
       51(9):1954–1960. doi:10.1249/MSS.0000000000002002 (the Load Carriage Decision Aid's graded
       walking equation: 95 participants, 11 studies, speeds to 1.96 m·s⁻¹, grades −40 to +45 %;
       SEE 0.20 W·kg⁻¹ level, 0.42 W·kg⁻¹ graded).
.. [8] Drain JR, Aisbett B, Lewis M, Billing DC (2017). The Pandolf equation under-predicts the
       metabolic rate of contemporary military load carriage. J Sci Med Sport 20(Suppl 4):S104–S108.
       doi:10.1016/j.jsams.2017.08.009
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from pipeline.core.sports import sport_profile
from pipeline.physiology.athlete import Athlete

OXYGEN_ENERGY_J_PER_ML = 20.1
"""Energy per mL of O2 at a mixed-fuel RER (~0.85): 20.1 kJ·L⁻¹ (≈ 4.8 kcal·L⁻¹)."""
ONE_MET_ML_PER_KG_MIN = 3.5
GRAVITY_M_PER_S2 = 9.81
STANDING_REST_MET = 1.3
"""Compendium 2011 code 07040, standing quietly: what a paused athlete spends."""
KEYTEL_MIN_HR_BPM = 90.0
"""Keytel et al. (2005) fitted exercise heart rates from about 90 bpm up; below we interpolate to rest."""

POWER_MAX_W = 2500.0
POWER_MAX_W_PER_KG = 30.0
HR_BOUNDS_BPM = (30.0, 230.0)
SPIKE_WINDOW = 5


MINETTI_MAX_GRADE = 0.45
"""Minetti et al. (2002) measured gradients from −45 % to +45 %: the cost curves are held there."""


def minetti_running_cost_j_per_kg_m(grade: ArrayLike) -> NDArray[np.float64]:
    """Net energy cost of running [J·kg⁻¹·m⁻¹] at ``grade`` (fraction, held within ±0.45), Minetti et al.
    (2002), J Appl Physiol 93:1039–1046, Fig. 1: ``155.4i⁵ − 30.4i⁴ − 43.3i³ + 46.3i² + 19.5i + 3.6``.
    Downhill it falls to its minimum, about half the level cost, near −20 %, then rises again."""
    i = np.clip(np.asarray(grade, dtype=float), -MINETTI_MAX_GRADE, MINETTI_MAX_GRADE)
    return 155.4 * i**5 - 30.4 * i**4 - 43.3 * i**3 + 46.3 * i**2 + 19.5 * i + 3.6


def acsm_running_vo2_ml_per_kg_min(speed_m_per_min: ArrayLike, grade: ArrayLike) -> NDArray[np.float64]:
    """ACSM running equation: ``VO2 = 3.5 + 0.2·v + 0.9·v·grade`` [mL·kg⁻¹·min⁻¹], v [m·min⁻¹].
    Negative grades count as level: the equation is for level and uphill running
    (:func:`running_vo2_ml_per_kg_min` adds the downhill)."""
    v = np.asarray(speed_m_per_min, dtype=float)
    return ONE_MET_ML_PER_KG_MIN + 0.2 * v + 0.9 * v * np.maximum(np.asarray(grade, dtype=float), 0.0)


def running_vo2_ml_per_kg_min(speed_m_per_min: ArrayLike, grade: ArrayLike) -> NDArray[np.float64]:
    """Running VO2 on any grade [mL·kg⁻¹·min⁻¹], v [m·min⁻¹]: the ACSM equation on the level and
    uphill (:func:`acsm_running_vo2_ml_per_kg_min`); downhill (grade < 0) its net level cost
    ``0.2·v`` scaled by Minetti et al. (2002)'s cost at that grade over their level cost,
    ``C(i)/C(0)`` (:func:`minetti_running_cost_j_per_kg_m`): about 0.76 at −5 %, 0.60 at −10 %,
    0.50 at −20 % (the least), 0.68 at −30 %."""
    v = np.asarray(speed_m_per_min, dtype=float)
    i = np.asarray(grade, dtype=float)
    level_share = minetti_running_cost_j_per_kg_m(np.minimum(i, 0.0)) / minetti_running_cost_j_per_kg_m(0.0)
    return ONE_MET_ML_PER_KG_MIN + 0.2 * v * level_share + 0.9 * v * np.maximum(i, 0.0)


def acsm_walking_vo2_ml_per_kg_min(speed_m_per_min: ArrayLike, grade: ArrayLike) -> NDArray[np.float64]:
    """ACSM walking equation: ``VO2 = 3.5 + 0.1·v + 1.8·v·grade`` [mL·kg⁻¹·min⁻¹], v [m·min⁻¹]."""
    v = np.asarray(speed_m_per_min, dtype=float)
    return ONE_MET_ML_PER_KG_MIN + 0.1 * v + 1.8 * v * np.maximum(np.asarray(grade, dtype=float), 0.0)


PANDOLF_MAX_SPEED_M_PER_S = 2.0
"""Pandolf et al. (1977) is a walking equation; above 2.0 m·s⁻¹ (7.2 km·h⁻¹) walking turns into running."""
TERRAIN_FACTOR = 1.0
"""Pandolf's terrain coefficient η: 1.0 treadmill or blacktop road, 1.1 dirt road, 1.2 light brush
(Pandolf et al. 1977). Files do not say the surface: a made path is assumed."""


def pandolf_metabolic_w(body_mass_kg: float, load_kg: float, speed_m_per_s: ArrayLike, grade_pct: ArrayLike,
                        terrain: float = TERRAIN_FACTOR) -> NDArray[np.float64]:
    """Walking with a load, Pandolf et al. (1977), with Santee et al.'s downhill correction [W]:

    ``M = 1.5·W + 2.0·(W + L)·(L/W)² + η·(W + L)·(1.5·V² + 0.35·V·G)``; for G < 0 the correction
    ``CF = η·(G·(W + L)·V/3.5 − (W + L)·(G + 6)²/W + 25 − V²)`` is subtracted (Pandolf alone turns
    negative on steep descents). W body mass and L load [kg], V speed [m·s⁻¹], G grade [%].
    Never below standing rest.
    """
    w, load = float(body_mass_kg), max(float(load_kg), 0.0)
    v = np.asarray(speed_m_per_s, dtype=float)
    g = np.asarray(grade_pct, dtype=float)
    total = w + load
    m = 1.5 * w + 2.0 * total * (load / w) ** 2 + terrain * total * (1.5 * v**2 + 0.35 * v * g)
    downhill = terrain * (g * total * v / 3.5 - total * (g + 6.0) ** 2 / w + 25.0 - v**2)
    m = np.where(g < 0, m - downhill, m)
    rest_w = float(met_to_metabolic_w(STANDING_REST_MET, w))
    return np.maximum(m, rest_w)


LCDA_MAX_SPEED_M_PER_S = 1.96
"""Fastest walking speed in the data the LCDA equation was built and validated on (Looney et al. 2019)."""


def lcda_walking_w_per_kg(speed_m_per_s: ArrayLike, grade_pct: ArrayLike) -> NDArray[np.float64]:
    """The Load Carriage Decision Aid's graded walking equation, Looney et al. (2019) [W·kg⁻¹]:
    ``M = 1.44 + 1.94·S^0.43 + 0.24·S⁴ + 0.34·S·G·(1 − 1.05^(1 − 1.1^(G + 32)))``, S speed [m·s⁻¹],
    G grade [%] (negative downhill). Its own grade term turns upward on steep descents, so no separate
    downhill correction is needed. (One secondary account prints 1.11 for the 1.1; the
    implementations we read use 1.1. Level walking does not depend on it.)"""
    v = np.asarray(speed_m_per_s, dtype=float)
    g = np.asarray(grade_pct, dtype=float)
    return 1.44 + 1.94 * np.power(v, 0.43) + 0.24 * v**4 + 0.34 * v * g * (1.0 - np.power(1.05, 1.0 - np.power(1.1, g + 32.0)))


def lcda_metabolic_w(body_mass_kg: float, load_kg: float, speed_m_per_s: ArrayLike,
                     grade_pct: ArrayLike) -> NDArray[np.float64]:
    """Walking with a load by the LCDA equation (:func:`lcda_walking_w_per_kg`) [W], per kilogram of
    total mass moved (body + load), as the LCDA walking equation is applied to load carriage
    (Looney et al. 2019). Pandolf et al. (1977) under-predicts modern load carriage (Drain et al.
    2017), which is why this replaced it for walking and hiking. Never below standing rest."""
    total = float(body_mass_kg) + max(float(load_kg), 0.0)
    m = total * lcda_walking_w_per_kg(speed_m_per_s, grade_pct)
    return np.maximum(m, float(met_to_metabolic_w(STANDING_REST_MET, float(body_mass_kg))))


def vo2_to_metabolic_w(vo2_ml_per_kg_min: ArrayLike, body_mass_kg: float) -> NDArray[np.float64]:
    """Oxygen uptake to metabolic rate: ``M = VO2 · m · 20.1 J·mL⁻¹ / 60 s`` [W]."""
    return np.asarray(vo2_ml_per_kg_min, dtype=float) * body_mass_kg * OXYGEN_ENERGY_J_PER_ML / 60.0


def met_to_metabolic_w(met: ArrayLike, body_mass_kg: float) -> NDArray[np.float64]:
    """METs to watts: 1 MET = 3.5 mL O2·kg⁻¹·min⁻¹ (Ainsworth et al. 2011) at 20.1 J·mL⁻¹ (≈ 1.17 W·kg⁻¹)."""
    return vo2_to_metabolic_w(np.asarray(met, dtype=float) * ONE_MET_ML_PER_KG_MIN, body_mass_kg)


def running_metabolic_w(speed_m_per_s: ArrayLike, grade: ArrayLike, body_mass_kg: float,
                        walking: bool = False) -> NDArray[np.float64]:
    """Metabolic rate on foot from speed and grade with the ACSM equations [W] (running downhill as
    Minetti et al. 2002 measured it, :func:`running_vo2_ml_per_kg_min`).

    Running uses the running equation from 8 km·h⁻¹ (2.22 m·s⁻¹) up and walking uses the walking
    equation up to 6 km·h⁻¹ (1.67 m·s⁻¹) — the ranges ACSM gives for them — with a linear blend in
    between. For ``walking`` sports the walking equation is used up to 2.0 m·s⁻¹ (race walking),
    then the same blend to running by 2.22 m·s⁻¹.
    """
    v_per_min = np.asarray(speed_m_per_s, dtype=float) * 60.0
    run = running_vo2_ml_per_kg_min(v_per_min, grade)
    walk = acsm_walking_vo2_ml_per_kg_min(v_per_min, grade)
    lo = 2.0 if walking else 1.667
    share_run = np.clip((np.asarray(speed_m_per_s, dtype=float) - lo) / (2.222 - lo), 0.0, 1.0)
    return vo2_to_metabolic_w((1.0 - share_run) * walk + share_run * run, body_mass_kg)


def keytel_energy_kj_per_min(heart_rate_bpm: ArrayLike, body_mass_kg: float, age: float,
                             sex: str | None) -> NDArray[np.float64]:
    """Energy expenditure from heart rate, Keytel et al. (2005), equations without VO2max [kJ·min⁻¹]:
    male ``−55.0969 + 0.6309·HR + 0.1988·W + 0.2017·A``; female ``−20.4022 + 0.4472·HR − 0.1263·W
    + 0.074·A``. Unknown sex: the mean of the two."""
    hr = np.asarray(heart_rate_bpm, dtype=float)
    male = -55.0969 + 0.6309 * hr + 0.1988 * body_mass_kg + 0.2017 * age
    female = -20.4022 + 0.4472 * hr - 0.1263 * body_mass_kg + 0.074 * age
    if sex == "male":
        return male
    if sex == "female":
        return female
    return (male + female) / 2.0


def keytel_vo2max_energy_kj_per_min(heart_rate_bpm: ArrayLike, vo2max_ml_per_kg_min: float, body_mass_kg: float,
                                    age: float, sex: str) -> NDArray[np.float64]:
    """Keytel et al. (2005) with VO2max known [kJ·min⁻¹]: male ``−95.7735 + 0.634·HR + 0.404·VO2max
    + 0.394·W + 0.271·A``; female ``−59.3954 + 0.45·HR + 0.380·VO2max + 0.103·W + 0.274·A``."""
    hr = np.asarray(heart_rate_bpm, dtype=float)
    if sex == "male":
        return -95.7735 + 0.634 * hr + 0.404 * vo2max_ml_per_kg_min + 0.394 * body_mass_kg + 0.271 * age
    return -59.3954 + 0.45 * hr + 0.380 * vo2max_ml_per_kg_min + 0.103 * body_mass_kg + 0.274 * age


def heart_rate_metabolic_w(heart_rate_bpm: ArrayLike, athlete: Athlete) -> NDArray[np.float64]:
    """Metabolic rate from heart rate [W]: Keytel et al. (2005) from 90 bpm; below, a straight line
    from standing rest (1.3 MET) at the athlete's resting heart rate to Keytel's value at 90 bpm
    (our bridge: the equation was not fitted on near-resting heart rates)."""
    hr = np.asarray(heart_rate_bpm, dtype=float)
    keytel_w = keytel_energy_kj_per_min(hr, athlete.body_mass_kg, athlete.age, athlete.sex) * 1000.0 / 60.0
    rest_w = float(met_to_metabolic_w(STANDING_REST_MET, athlete.body_mass_kg))
    at_90_w = float(keytel_energy_kj_per_min(KEYTEL_MIN_HR_BPM, athlete.body_mass_kg, athlete.age, athlete.sex)) * 1000.0 / 60.0
    hr_rest = min(athlete.hr_rest_bpm, KEYTEL_MIN_HR_BPM - 1.0)
    share = np.clip((hr - hr_rest) / (KEYTEL_MIN_HR_BPM - hr_rest), 0.0, 1.0)
    bridge = rest_w + share * (at_90_w - rest_w)
    return np.maximum(np.where(hr >= KEYTEL_MIN_HR_BPM, keytel_w, bridge), rest_w)


def power_metabolic_w(power_w: ArrayLike, gross_efficiency: float, body_mass_kg: float) -> NDArray[np.float64]:
    """Metabolic rate from mechanical power, ``M = P / GE`` [W] (Ettema & Lorås 2009), not below
    standing rest (coasting at 0 W still costs ~1.3 MET)."""
    rest_w = float(met_to_metabolic_w(STANDING_REST_MET, body_mass_kg))
    return np.maximum(np.asarray(power_w, dtype=float) / gross_efficiency, rest_w)


AIR_DENSITY_KG_PER_M3 = 1.2
ROAD_CDA_M2 = 0.32
ROLLING_RESISTANCE = 0.005
BIKE_MASS_KG = 9.0
DRIVETRAIN_EFFICIENCY = 0.976


def cycling_power_from_speed_w(speed_m_per_s: ArrayLike, grade: ArrayLike, rider_mass_kg: float) -> NDArray[np.float64]:
    """Road cycling power from speed and grade, the model of Martin et al. (1998), J Appl Biomech
    14:276–291: ``P = v·(½·ρ·CdA·v² + Crr·m·g·cos θ + m·g·sin θ) / η`` [W], calm air, no drafting.
    ρ = 1.2 kg·m⁻³, CdA = 0.32 m² (hoods), Crr = 0.005, bike 9 kg, η = 0.976 (typical values, not
    the rider's). Used only when a ride has neither power nor heart rate nor device calories."""
    v = np.asarray(speed_m_per_s, dtype=float)
    theta = np.arctan(np.asarray(grade, dtype=float))
    m = rider_mass_kg + BIKE_MASS_KG
    force = (0.5 * AIR_DENSITY_KG_PER_M3 * ROAD_CDA_M2 * v**2 + ROLLING_RESISTANCE * m * GRAVITY_M_PER_S2 * np.cos(theta)
             + m * GRAVITY_M_PER_S2 * np.sin(theta))
    return np.maximum(v * force / DRIVETRAIN_EFFICIENCY, 0.0)


CYCLING_SPEED_METS_MPH: tuple[tuple[float, float], ...] = (
    (8.0, 4.0),    # 01010 bicycling, < 10 mph, leisure
    (11.0, 6.8),   # 01020 bicycling, 10–11.9 mph, leisure, slow, light effort
    (13.0, 8.0),   # 01030 bicycling, 12–13.9 mph, leisure, moderate effort
    (15.0, 10.0),  # 01040 bicycling, 14–15.9 mph, racing or leisure, fast, vigorous effort
    (17.5, 12.0),  # 01050 bicycling, 16–19 mph, racing, not drafting, very fast
)
"""Compendium 2011 road-cycling METs by speed band, placed at each band's middle (mph)."""


def cycling_met_from_speed(speed_m_per_s: ArrayLike, grade: ArrayLike | None = None) -> NDArray[np.float64]:
    """Road cycling METs from speed, Ainsworth et al. (2011) codes 01010–01050, interpolated linearly
    between band middles (our interpolation) and held at the ends (4.0 and 12.0 METs; the >20 mph
    racing value is left out: speed alone cannot tell racing from a descent). Below 0.5 m·s⁻¹:
    standing rest; descending steeper than 3 %: the leisure value, 4.0 METs (coasting)."""
    mph = np.asarray(speed_m_per_s, dtype=float) * 2.23694
    xs = [p[0] for p in CYCLING_SPEED_METS_MPH]
    ys = [p[1] for p in CYCLING_SPEED_METS_MPH]
    met = np.interp(mph, xs, ys)
    if grade is not None:
        met = np.where(np.asarray(grade, dtype=float) < -0.03, ys[0], met)
    return np.where(np.asarray(speed_m_per_s, dtype=float) < 0.5, STANDING_REST_MET, met)


def compendium_met(sport: str) -> float:
    """The sport's MET value (Ainsworth et al. 2011; :attr:`pipeline.core.sports.SportProfile.met`,
    the generic 6 METs when unlisted)."""
    return sport_profile(sport).met


def running_median(values: ArrayLike, window: int) -> NDArray[np.float64]:
    """Centred running median of ``values`` (shape ``(n,)``, float) over ``window`` samples,
    ignoring missing values: the same numbers as pandas'
    ``Series.rolling(window, center=True, min_periods=1).median()``, without a Series.

    Sample ``i``'s window is ``[i - window + 1 + (window - 1) // 2, i + (window - 1) // 2]`` cut to
    the array (pandas' centred fixed window, so also for an even ``window``); its median is the
    middle one of the values present, or the mean ``(a + b) / 2`` of the two middle ones when their
    count is even; NaN when the window holds no value. Infinities count as missing, as in pandas. (A
    window mixing -0.0 and 0.0 may give a zero of the other sign than pandas: they compare equal.)

    The ``window`` shifted copies of the array are sorted element-wise by an odd-even transposition
    network (Knuth, The Art of Computer Programming vol. 3, 5.3.4: ``window`` rounds of
    compare-exchanges, each one ``np.minimum`` / ``np.maximum`` over whole arrays), missing values as
    +inf so they sort last. The work grows with ``window``²: this is for short windows (a few samples).

    :raises ValueError: ``window`` < 1.
    """
    if window < 1:
        raise ValueError(f"running_median needs a window of at least 1 sample, got {window}")
    v = np.asarray(values, dtype=float)
    return _median_of_present(np.where(np.isfinite(v), v, np.inf), window)


def _median_of_present(present: NDArray[np.float64], window: int) -> NDArray[np.float64]:
    """:func:`running_median` of ``present``: the values, +inf where one is missing."""
    n = len(present)
    if n == 0:
        return np.empty(0)
    after = (window - 1) // 2
    padded = np.concatenate([np.full(window - 1 - after, np.inf), present, np.full(after, np.inf)])
    rows = [padded[k:k + n] for k in range(window)]
    for step in range(window):
        for i in range(step % 2, window - 1, 2):
            rows[i], rows[i + 1] = np.minimum(rows[i], rows[i + 1]), np.maximum(rows[i], rows[i + 1])
    present_before = np.concatenate([[0], np.cumsum(padded < np.inf)])
    count = present_before[window:] - present_before[:-window]  # values present in each window
    if window % 2:  # a whole window: its middle value (pandas takes it as it is, no mean)
        out = rows[window // 2].copy()
    else:
        out = (rows[window // 2 - 1] + rows[window // 2]) / 2
    partial = np.flatnonzero(count < window)  # the ends, and windows with missing values
    if partial.size:
        have = count[partial]
        values = [row[partial] for row in rows]
        low = np.choose(np.maximum(have - 1, 0) // 2, values)
        high = np.choose(have // 2, values)
        with np.errstate(invalid="ignore"):
            out[partial] = np.where(have == 0, np.nan, np.where(have % 2 == 1, low, (low + high) / 2))
    return out


def clean_signal(values: pd.Series, lo: float, hi: float, window: int = SPIKE_WINDOW) -> pd.Series:
    """Out-of-bounds values become missing, then a centred running median over ``window`` samples
    (:func:`running_median`) removes isolated spikes. Zeros are data (0 W coasting) and are kept.
    ``values``: one number a record (text that is no number counts as missing); returns a float
    Series on the same index."""
    if values.dtype.kind == "f":
        v = values.to_numpy(dtype=float, na_value=np.nan)
    else:
        v = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    with np.errstate(invalid="ignore"):
        present = np.where((v >= lo) & (v <= hi) & np.isfinite(v), v, np.inf)
    return pd.Series(_median_of_present(present, window), index=values.index, name=values.name)


def grade_from_altitude(distance_m: pd.Series, altitude_m: pd.Series, window_m: float = 50.0) -> NDArray[np.float64]:
    """Road grade as a fraction from altitude and cumulative distance: rise over the last ``window_m``
    of distance (at least 20 m travelled), after a 5-sample median on altitude; clipped to ±0.3.
    Zero where either is missing (treadmill, no barometer)."""
    dist = pd.to_numeric(distance_m, errors="coerce").astype(float).ffill().to_numpy()
    alt = clean_signal(altitude_m, -500.0, 9000.0).ffill().to_numpy()
    n = len(dist)
    grade = np.zeros(n)
    if n == 0 or np.all(np.isnan(dist)) or np.all(np.isnan(alt)):
        return grade
    dist = np.nan_to_num(dist, nan=0.0)
    dist = np.maximum.accumulate(dist)
    j = np.searchsorted(dist, dist - window_m, side="right") - 1
    j = np.clip(j, 0, n - 1)
    run = dist - dist[j]
    rise = alt - alt[j]
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(run >= 20.0, rise / run, 0.0)
    return np.clip(np.nan_to_num(g, nan=0.0), -0.3, 0.3)


@dataclass(frozen=True)
class SampleIntensity:
    """Per-record result: metabolic rate and external work [W], the signal used, cleaned signals."""

    metabolic_w: NDArray[np.float64]
    external_work_w: NDArray[np.float64]
    source: NDArray[np.object_]
    speed_m_per_s: NDArray[np.float64]


def sample_intensity(records: pd.DataFrame, sport: str, athlete: Athlete, gross_efficiency: float,
                     device_kcal: float | None = None, device_timer_s: float | None = None,
                     indoor: bool = False, load_kg: float = 0.0) -> SampleIntensity:
    """Metabolic rate and external work per record of one leg, from the best signal present.

    ``device_kcal`` / ``device_timer_s``: the session's calorie count and timer time, used as an
    average rate where no record-level signal is usable (``device_calories``). Walking and hiking
    at walking speeds use the Load Carriage Decision Aid's walking equation with ``load_kg`` carried
    [kg] and the grade from the altitude (:func:`lcda_metabolic_w`); running speeds the ACSM equation.
    """
    n = len(records)
    mass = athlete.body_mass_kg
    profile = sport_profile(sport)
    # duration alone: the sport's Compendium MET
    metabolic = np.full(n, float(met_to_metabolic_w(compendium_met(sport), mass)))
    source = np.full(n, "duration", dtype=object)
    speed_limit = profile.record_speed_max_m_per_s
    speed = clean_signal(records["speed_m_per_s"], 0.0, speed_limit).to_numpy()
    if np.isnan(speed).all():
        speed = _speed_from_distance(records, speed_limit)
    grade = grade_from_altitude(records["distance_m"], records["altitude_m"])
    if profile.pedalled and not indoor:
        has_speed = ~np.isnan(speed)
        if has_speed.any():  # lowest-priority real signal on a bike: road speed, Compendium speed bands
            metabolic[has_speed] = met_to_metabolic_w(
                cycling_met_from_speed(speed[has_speed], grade[has_speed]), mass)
            source[has_speed] = "speed"
    if device_kcal is not None and device_timer_s and device_kcal > 0 and device_timer_s > 0:
        rate_w = device_kcal * 4184.0 / device_timer_s
        rest_w = float(met_to_metabolic_w(STANDING_REST_MET, mass))
        if rate_w >= rest_w:  # a calorie count below resting is not an exercise figure
            metabolic[:] = rate_w
            source[:] = "device_calories"

    hr = clean_signal(records["heart_rate_bpm"], *HR_BOUNDS_BPM).to_numpy()
    has_hr = ~np.isnan(hr)
    if has_hr.any():
        metabolic[has_hr] = heart_rate_metabolic_w(hr[has_hr], athlete)
        source[has_hr] = "heart_rate"

    if profile.on_foot:
        has_speed = ~np.isnan(speed)
        if has_speed.any():
            metabolic[has_speed] = running_metabolic_w(speed[has_speed], grade[has_speed], mass,
                                                       walking=profile.gait == "walk")
            if profile.gait == "walk":
                walked = has_speed & (np.nan_to_num(speed) <= PANDOLF_MAX_SPEED_M_PER_S)
                metabolic[walked] = lcda_metabolic_w(mass, load_kg, speed[walked], 100.0 * grade[walked])
            source[has_speed] = "speed"

    power = clean_signal(records["power_w"], 0.0, min(POWER_MAX_W, POWER_MAX_W_PER_KG * mass)).to_numpy()
    external = np.zeros(n)
    if profile.pedalled:
        has_power = ~np.isnan(power)
        if has_power.any():
            metabolic[has_power] = power_metabolic_w(power[has_power], gross_efficiency, mass)
            source[has_power] = "power"
        external = np.where(source == "power", np.nan_to_num(power), gross_efficiency * metabolic)
    elif profile.on_foot:
        vertical = np.nan_to_num(speed) * np.maximum(grade, 0.0)
        external = (mass + max(load_kg, 0.0)) * GRAVITY_M_PER_S2 * vertical
    external = np.minimum(external, 0.5 * metabolic)  # no more than half the energy leaves as work
    return SampleIntensity(metabolic, external, source, speed)


def _speed_from_distance(records: pd.DataFrame, limit: float) -> NDArray[np.float64]:
    """Speed from cumulative distance where the file has no speed field (older devices)."""
    dist = pd.to_numeric(records["distance_m"], errors="coerce").astype(float)
    t = pd.to_numeric(records["elapsed_s"], errors="coerce").astype(float)
    if dist.notna().sum() < 2:
        return np.full(len(records), np.nan)
    dd = dist.diff()
    dt = t.diff()
    v = (dd / dt).where(dt > 0)
    return clean_signal(v, 0.0, limit).to_numpy()
