"""Sweat per minute from the per-area heat balance, and plain-language notes on the fitted domain.

The regression (:mod:`.sweat`) sees E_req and E_max at air speed and clothing permeability held
inside its fitted domain; the heat-balance lower bound (:mod:`.heat_balance`, ISO 7933) sees them at
the real air speed. :func:`domain_flags` says where a session left the equations' fitted domain.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.core.notes import ModelNote, speed_m_per_s, temperature_c, volume_per_mass_ml_per_kg
from pipeline.physiology import heat_balance as hb
from pipeline.physiology import sweat as sw


@dataclass
class MinuteParts:
    """Intermediate per-minute quantities of the heat balance (for flags, tests and charts)."""

    metabolic_w_per_m2: np.ndarray
    air_temperature_c: np.ndarray
    air_speed_m_per_s: np.ndarray
    required_evaporation_w_per_m2: np.ndarray
    max_evaporation_w_per_m2: np.ndarray
    regression_g_per_m2_h: np.ndarray
    required_sweat_g_per_m2_h: np.ndarray
    from_heat_balance: np.ndarray
    at_ceiling: np.ndarray
    capped_at_20c: np.ndarray
    capped_at_heat_balance: np.ndarray | None = None
    at_floor: np.ndarray | None = None


def minute_sweat_g_per_m2_h(metabolic_w_per_m2: np.ndarray, external_w_per_m2: np.ndarray, air_temperature_c: np.ndarray,
                            humidity_pct: float | np.ndarray, air_speed: np.ndarray,
                            walk_speed: np.ndarray, clothing: str = "sports",
                            radiant_excess_k: float | np.ndarray = 0.0) -> tuple[np.ndarray, MinuteParts]:
    """Sweat rate per time step [g·m⁻²·h⁻¹] from the per-area heat balance (see :mod:`.sweat`).

    The regression sees E_req and E_max at air speed and clothing permeability held inside its
    fitted domain; the heat-balance lower bound sees them at the real air speed. Below 20 °C the
    result is capped at what the same minute (same effort, clothing, air speed and relative
    humidity) gives at 20 °C with the 2009 form: Gonzalez et al. (2012) raise the cool-weather
    intercept because the 2009 form under-predicted cool conditions, but at the same effort and
    clothing colder air never makes the athlete sweatier, and the cap joins the two forms without
    a step at 20 °C. Clothing follows effort too: the rate is also held at what the same effort
    gives in every milder air temperature down from 20 °C (steps of :data:`CLOTHING_STEP_C`), each in
    the clothing that air calls for (:func:`~.heat_balance.sports_clothing_clo`), so dressing for the
    cold never makes a hard session in the cold sweatier than the same session on a mild day. Below 20 °C the
    rate is further held at the ISO 7933 required sweat plus the equation's published error
    (SEE 100 g·m⁻²·h⁻¹, Gonzalez et al. 2009): in cool air the 350 intercept of the cool form
    would otherwise dominate what the heat balance actually asks for.

    ``clothing`` is ``sports`` (dressed for the weather) or ``uniform`` (a combat uniform in any weather,
    :func:`~.heat_balance.ensemble_clothing`); a uniform is not taken off in milder air, so the
    comparison with milder air keeps it on.

    ``radiant_excess_k``: the sun's mean radiant temperature above the air, ``t_r − t_a`` [K]
    (:func:`~.radiation.mean_radiant_excess_k`; 0 in the shade, indoors, at night). It enters the
    skin temperature and the dry heat exchange as ISO 7933 takes t_r, and so both the heat-balance
    bound and the regression's E_req (Gonzalez et al. 2012 added the measured solar load to E_req
    the same way, "E_req,sol", with the regression's coefficients unchanged). The milder-air
    comparisons keep the same sun.
    """
    metabolic = np.asarray(metabolic_w_per_m2, dtype=float)
    external = np.asarray(external_w_per_m2, dtype=float)
    air = np.asarray(air_speed, dtype=float)
    walk = np.asarray(walk_speed, dtype=float)
    t_a = np.asarray(air_temperature_c, dtype=float)
    clo, i_mst = hb.ensemble_clothing(clothing, t_a)
    sun = np.asarray(radiant_excess_k, dtype=float)
    rate, parts = _evaluate(metabolic, external, t_a, humidity_pct, air, walk, clo, i_mst, sun)
    cool = t_a < sw.COOL_FORM_BELOW_C
    parts.capped_at_heat_balance = np.zeros(np.shape(rate), dtype=bool)
    if cool.any():
        reference, _ = _evaluate(metabolic, external, np.where(cool, sw.COOL_FORM_BELOW_C, t_a), humidity_pct, air,
                                 walk, clo, i_mst, sun)
        # clothing follows effort: at the same effort the athlete in colder air is never sweatier
        # than in any milder air up to 20 °C dressed for that air (the winter kit a 2-clo rule puts
        # on a skier or rower racing at −10 °C would otherwise make the cold sweatier than a mild day)
        floor_t = float(np.min(t_a))
        for t_ref in np.arange(sw.COOL_FORM_BELOW_C, floor_t, -CLOTHING_STEP_C):
            milder = cool & (t_a < t_ref)
            if not milder.any():
                continue
            milder_clo, _ = hb.ensemble_clothing(clothing, np.full(np.shape(t_a), t_ref))
            dressed, _ = _evaluate(metabolic, external, np.full(np.shape(t_a), t_ref), humidity_pct, air, walk,
                                   milder_clo, i_mst, sun)
            reference = np.where(milder, np.minimum(reference, dressed), reference)
        capped = cool & (rate > reference)
        rate = np.where(capped, reference, rate)
        parts.capped_at_20c = capped
        # the heat balance's own requirement plus the equation's published error (Gonzalez 2009 SEE)
        limit = parts.required_sweat_g_per_m2_h + sw.GONZALEZ_SEE_G_PER_M2_H
        over = cool & (rate > limit)
        rate = np.where(over, limit, rate)
        parts.capped_at_heat_balance = over
    return rate, parts


CLOTHING_STEP_C = 2.5
"""Spacing of the milder air temperatures a cool minute is compared with [°C] (see
:func:`minute_sweat_g_per_m2_h`)."""


def _evaluate(metabolic: np.ndarray, external: np.ndarray, t_a: np.ndarray, humidity_pct: float | np.ndarray,
              air: np.ndarray, walk: np.ndarray, clo: np.ndarray,
              i_mst: float = hb.STATIC_PERMEABILITY_INDEX,
              sun: float | np.ndarray = 0.0) -> tuple[np.ndarray, MinuteParts]:
    p_a = hb.vapour_pressure_kpa(t_a, humidity_pct)

    def balance(v: np.ndarray, max_permeability_ratio: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        i_t, i_m = hb.dynamic_clothing(clo, v, walk, i_mst)
        if max_permeability_ratio is not None:
            i_m = np.minimum(i_m, max_permeability_ratio * i_t)
        t_sk = hb.skin_temperature_c(t_a, p_a, v, metabolic, clo, sun)
        dry = hb.dry_heat_gain_w_per_m2(t_a, t_sk, i_t, sun, v)
        e_req = hb.required_evaporation_w_per_m2(metabolic, external, dry)
        return e_req, hb.max_evaporation_w_per_m2(t_sk, p_a, i_t, i_m)

    e_req, e_max = balance(air)
    # the heat-balance bound follows ISO 7933 fully: breathing carries part of the heat away
    e_req = e_req - hb.respiratory_heat_loss_w_per_m2(metabolic, t_a, p_a)
    lo, hi = sw.FITTED_AIR_SPEED_M_PER_S
    # the regression sees the USARIEM E_req it was fitted with (no respiratory term), with air speed
    # and clothing permeability held inside the fitted domain
    e_req_c, e_max_c = balance(np.clip(air, lo, hi), sw.FITTED_MAX_PERMEABILITY_RATIO_PER_CLO)
    regression = sw.predicted_sweat_g_per_m2_h(e_req_c, e_max_c, t_a)
    required = sw.iso7933_required_sweat_g_per_m2_h(e_req, e_max)
    bounded = sw.bounded_sweat_g_per_m2_h(regression, required, e_req)
    parts = MinuteParts(metabolic, t_a, air, e_req, e_max, regression, required, bounded.from_heat_balance,
                        bounded.at_ceiling, np.zeros(len(np.atleast_1d(t_a)), dtype=bool))
    return bounded.rate_g_per_m2_h, parts


def domain_flags(parts: MinuteParts, moving_block: np.ndarray, secs: np.ndarray, temperature: np.ndarray,
                  air: np.ndarray, moving: np.ndarray, speed: np.ndarray | None = None) -> list[str]:
    """Plain-language notes on where the session left the equations' fitted domain. ``speed`` [m/s]
    per second of the grid (NaN where none was recorded or it was set aside): when no moving second has
    a usable speed, the air speed is the sport's typical one and the note says so instead of naming "your speed"."""
    flags: list[str] = []
    if not moving.any():
        return flags
    weights = secs * moving_block
    total = weights.sum() or 1.0

    def share(mask: np.ndarray) -> float:
        return float((weights * mask).sum() / total)

    fast = float(np.mean(air[moving] > sw.FITTED_AIR_SPEED_M_PER_S[1]))
    limit = speed_m_per_s(sw.FITTED_AIR_SPEED_M_PER_S[1])
    top = speed_m_per_s(float(np.percentile(air[moving], 95))) if fast > 0.05 else limit
    assumed = speed is not None and not np.isfinite(speed[moving]).any()
    if fast > 0.05 and assumed:
        flags.append(ModelNote("relative air speed above the fitted {limit:g} for {share:.0%} of moving time "
                               "(assumed {air:.1f}, the sport's typical speed: no usable speed): the regression "
                               "was evaluated at {limit:g}", limit=limit, share=fast, air=top))
    elif fast > 0.05:
        flags.append(ModelNote("relative air speed above the fitted {limit:g} for {share:.0%} of moving time "
                               "(up to {air:.1f}): the regression was evaluated at {limit:g}",
                               limit=limit, share=fast, air=top))
    cold = float(np.mean(temperature[moving] < sw.FITTED_TEMPERATURE_C[0]))
    if cold > 0.05:
        flags.append(ModelNote("air below the fitted {limit:g} for {share:.0%} of moving time: cool-weather form "
                               "(Gonzalez 2012) with clothing assumed to match the weather",
                               limit=temperature_c(sw.FITTED_TEMPERATURE_C[0]), share=cold))
    hot = float(np.mean(temperature[moving] > sw.FITTED_TEMPERATURE_C[1]))
    if hot > 0.05:
        flags.append(ModelNote("air above the fitted {limit:g} for {share:.0%} of moving time",
                               limit=temperature_c(sw.FITTED_TEMPERATURE_C[1]), share=hot))
    intense = share(parts.metabolic_w_per_m2 > sw.FITTED_METABOLIC_W_PER_M2)
    if intense > 0.05:
        flags.append(f"metabolic rate above the fitted 450 W/m² for {intense:.0%} of moving time")
    bound = share(parts.from_heat_balance)
    if bound > 0.05:
        flags.append(f"heat-balance lower bound (ISO 7933 required sweat) set the rate for {bound:.0%} of moving "
                     "time, where the regression predicted less than the heat that must be evaporated")
    capped = share(parts.capped_at_heat_balance) if parts.capped_at_heat_balance is not None else 0.0
    if capped > 0.05:
        flags.append(f"cool air for {capped:.0%} of moving time: sweat held at what your body must shed as heat "
                     "(plus the equation's error), since the sweat equations were fitted in warmer air")
    floor = share(parts.at_floor) if parts.at_floor is not None else 0.0
    if floor > 0.05:
        flags.append(ModelNote("for {share:.0%} of moving time the air carried your heat away without sweat in the "
                               "model; the lowest rate measured in athletes ({floor:g} per hour, Baker 2016) was "
                               "used instead", share=floor, floor=volume_per_mass_ml_per_kg(sw.EXERCISE_FLOOR_ML_PER_KG_H)))
    ceiling = share(parts.at_ceiling)
    if ceiling >= 0.01:
        flags.append(f"rate held at the {sw.SWEAT_CEILING_G_PER_M2_H:.0f} g/m²/h ceiling for {ceiling:.0%} of moving time")
    return flags
