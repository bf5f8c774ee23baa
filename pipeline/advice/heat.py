"""Heat that cannot be shed: the NWS heat index and when to warn (pure functions).

Sources:

.. [Rothfusz1990] Rothfusz LP (1990). The heat index "equation" (or, more than you ever wanted
   to know about heat index). NWS Southern Region Technical Attachment SR 90-23. As
   implemented by the NWS Weather Prediction Center, "The Heat Index Equation"
   (https://www.wpc.ncep.noaa.gov/html/heatindex_equation.shtml): the simple Steadman-consistent
   formula first, averaged with the temperature; from 80 °F the full regression with its low-
   and high-humidity adjustments. Regression error about ±1.3 °F.
.. [NWS] NWS heat index chart (e.g. https://www.srh.noaa.gov/tsa/?n=heatindex) and its
   categories: Caution 80-90 °F (fatigue possible with prolonged exposure and/or physical
   activity), Extreme Caution 90-103 °F (heat stroke, heat cramps or heat exhaustion possible),
   Danger 103-124 °F (heat cramps or heat exhaustion likely, heat stroke possible with
   prolonged exposure and/or physical activity), Extreme Danger >= 125 °F (heat stroke highly
   likely). Values are for shade; full sun adds up to 15 °F.
.. [ACSM2007EHI] Armstrong LE, Casa DJ, Millard-Stafford M, Moran DS, Pyne SW, Roberts WO (2007).
   American College of Sports Medicine position stand: Exertional heat illness during training
   and competition. Med Sci Sports Exerc 39(3):556-572. (Its WBGT table ends at > 32.2 °C:
   "cancel exercise; uncompensable heat stress exists". WBGT needs a globe thermometer, which a
   watch does not have, so the warning here rests on the heat index from air temperature and
   humidity, plus the sweat model's own sign that sweating had reached its ceiling.)

Humid heat is the hard case: at 35 °C and 90 % the air can take up little sweat,
so sweating more no longer cools (required evaporation exceeds the air's capacity, E_req >
E_max, SCIENCE.md §8) and drinking cannot fix it.
"""
from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

#: NWS heat index categories, lower bounds in °F ([NWS]).
CAUTION_F = 80.0
EXTREME_CAUTION_F = 90.0
DANGER_F = 103.0
EXTREME_DANGER_F = 125.0
#: Warn from the NWS "Danger" category ...
WARN_F = DANGER_F
#: ... or from "Extreme Caution" when the sweat model says sweating sat at its ceiling.
WARN_WITH_CEILING_F = EXTREME_CAUTION_F
#: Words in a sweat flag that mean the body could not sweat enough to shed the heat.
CEILING_WORDS = ("ceiling", "cannot be shed", "uncompensable", "e_req > e_max", "ereq > emax")
#: The NWS chart's highest value, 137 °F: above it the regression is outside Steadman's data (°C).
OFF_CHART_C = 58.0
#: From this air temperature (°C) no warm bath before exercise (our threshold: warm weather).
WARM_C = 25.0


def c_to_f(temp_c: float) -> float:
    return temp_c * 9.0 / 5.0 + 32.0


def f_to_c(temp_f: float) -> float:
    return (temp_f - 32.0) * 5.0 / 9.0


def heat_index_f(temp_f: float, rh_pct: float) -> float:
    """NWS heat index [°F] from air temperature [°F] and relative humidity [%] ([Rothfusz1990]).

    The WPC procedure: ``HI = 0.5 (T + 61 + 1.2 (T - 68) + 0.094 RH)``; if the average of that
    and ``T`` is 80 °F or more, the Rothfusz regression instead, minus
    ``(13 - RH)/4 * sqrt((17 - |T - 95|)/17)`` when RH < 13 % and 80 <= T <= 112 °F, plus
    ``(RH - 85)/10 * (87 - T)/5`` when RH > 85 % and 80 <= T <= 87 °F.
    """
    t, rh = float(temp_f), min(max(float(rh_pct), 0.0), 100.0)
    simple = 0.5 * (t + 61.0 + (t - 68.0) * 1.2 + rh * 0.094)
    if (simple + t) / 2.0 < 80.0:
        return simple
    hi = (-42.379 + 2.04901523 * t + 10.14333127 * rh - 0.22475541 * t * rh - 0.00683783 * t * t
          - 0.05481717 * rh * rh + 0.00122874 * t * t * rh + 0.00085282 * t * rh * rh
          - 0.00000199 * t * t * rh * rh)
    if rh < 13.0 and 80.0 <= t <= 112.0:
        hi -= (13.0 - rh) / 4.0 * math.sqrt((17.0 - abs(t - 95.0)) / 17.0)
    elif rh > 85.0 and 80.0 <= t <= 87.0:
        hi += (rh - 85.0) / 10.0 * (87.0 - t) / 5.0
    return hi


def heat_index_c(temp_c: float, rh_pct: float) -> float:
    """The NWS heat index in °C, from °C and % (see :func:`heat_index_f`)."""
    return f_to_c(heat_index_f(c_to_f(temp_c), rh_pct))


def heat_category(hi_f: float) -> str | None:
    """The NWS category of a heat index in °F: None below 80 °F."""
    if hi_f >= EXTREME_DANGER_F:
        return "extreme danger"
    if hi_f >= DANGER_F:
        return "danger"
    if hi_f >= EXTREME_CAUTION_F:
        return "extreme caution"
    if hi_f >= CAUTION_F:
        return "caution"
    return None


class HeatAssessment(BaseModel):
    """Why the heat topic applies: the heat index, its NWS category, the model's ceiling sign."""

    model_config = ConfigDict(frozen=True)

    temperature_c: float
    humidity_pct: float
    heat_index_c: float
    category: str | None
    at_ceiling: bool


def at_sweat_ceiling(flags: list[str] | tuple[str, ...] | None) -> bool:
    """True when a sweat flag says the rate sat at its ceiling / the heat could not be shed."""
    return any(word in flag.lower() for flag in flags or () for word in CEILING_WORDS)


def heat_assessment(temperature_c: float | None, humidity_pct: float | None,
                    flags: list[str] | tuple[str, ...] | None = None) -> HeatAssessment | None:
    """The heat warning, or None: heat index in the NWS "Danger" range (>= 103 °F, 39.4 °C), or
    in "Extreme Caution" (>= 90 °F, 32.2 °C) while the sweat model held the rate at its ceiling."""
    if temperature_c is None or humidity_pct is None:
        return None
    hi_f = heat_index_f(c_to_f(temperature_c), humidity_pct)
    ceiling = at_sweat_ceiling(flags)
    if hi_f >= WARN_F or (ceiling and hi_f >= WARN_WITH_CEILING_F):
        return HeatAssessment(temperature_c=temperature_c, humidity_pct=humidity_pct, heat_index_c=f_to_c(hi_f),
                              category=heat_category(hi_f), at_ceiling=ceiling)
    return None


def is_warm(temperature_c: float | None) -> bool:
    """Warm enough that a warm bath before exercise is the wrong advice (>= 25 °C)."""
    return temperature_c is not None and temperature_c >= WARM_C
