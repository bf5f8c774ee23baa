"""What a person reads, in the units they think in: metric (SI-derived, as computed) or imperial.

Everything inside the pipeline is SI (litres, kilograms, °C, metres) and the JSON report stays so;
this module is the one place where a number is converted for a reader (terminal, report.md/html,
index, digest, history, plan, weigh-ins). ``units`` is the config's ``units`` or the ``--units``
flag: ``"metric"`` or ``"imperial"`` (US customary: fluid ounces, pounds, °F, miles).

Conversion factors: NIST Special Publication 811 (2008 edition), *Guide for the Use of the
International System of Units*, Appendix B.8 (factors for units listed alphabetically) and B.9.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:
    import numpy as np

Units = Literal["metric", "imperial"]
_Values = TypeVar("_Values", float, "np.ndarray")
"""A number, or a NumPy array of them converted elementwise."""
UNITS: tuple[Units, ...] = ("metric", "imperial")

ML_PER_US_FL_OZ = 29.573_53
"""Millilitres per US fluid ounce: NIST SP 811 B.8, "ounce (U.S. fluid) (fl oz) = 2.957 353 E-05 m³"."""
KG_PER_LB = 0.453_592_37
"""Kilograms per pound (avoirdupois): NIST SP 811 B.8, "pound (avoirdupois) (lb) = 4.535 924 E-01 kg"
(exact by the 1959 international yard and pound agreement)."""
M_PER_MILE = 1_609.344
"""Metres per (international) mile: NIST SP 811 B.8, "mile (mi) = 1.609 344 E+03 m" (exact)."""
F_PER_C = 1.8
"""Degrees Fahrenheit per degree Celsius of difference; t/°F = 1.8 t/°C + 32: NIST SP 811 B.9 (exact)."""
F_AT_0_C = 32.0
"""°F at 0 °C: NIST SP 811 B.9."""


def check_units(value: str) -> Units:
    """``value`` if it is ``metric`` or ``imperial``; raises ValueError otherwise."""
    if value in UNITS:
        return value
    raise ValueError(f"must be metric or imperial, got {value!r}")


def fl_oz(volume_ml: float) -> float:
    """Millilitres -> US fluid ounces."""
    return volume_ml / ML_PER_US_FL_OZ


def pounds(mass_kg: float) -> float:
    """Kilograms -> pounds."""
    return mass_kg / KG_PER_LB


def fahrenheit(temperature_c: _Values) -> _Values:
    """°C -> °F (elementwise on a NumPy array)."""
    return temperature_c * F_PER_C + F_AT_0_C


def miles(distance_m: float) -> float:
    """Metres -> miles."""
    return distance_m / M_PER_MILE


def mph(speed_m_per_s: _Values) -> _Values:
    """Metres per second -> miles per hour (3,600 s per hour, :data:`M_PER_MILE` metres per mile).
    Works elementwise on a NumPy array or pandas Series of speeds too."""
    return speed_m_per_s * 3_600.0 / M_PER_MILE


# What a person types, back to SI: the inverses of the above, with the same NIST SP 811 factors.

def kilograms(mass_lb: float) -> float:
    """Pounds (avoirdupois) -> kilograms: × :data:`KG_PER_LB` (NIST SP 811 B.8, exact)."""
    return mass_lb * KG_PER_LB


def litres(volume_fl_oz: float) -> float:
    """US fluid ounces -> litres: × :data:`ML_PER_US_FL_OZ` / 1000 (NIST SP 811 B.8)."""
    return volume_fl_oz * ML_PER_US_FL_OZ / 1000.0


def celsius(temperature_f: float) -> float:
    """°F -> °C: t/°C = (t/°F − 32) / 1.8 (NIST SP 811 B.9, exact)."""
    return (temperature_f - F_AT_0_C) / F_PER_C


def km_per_h(speed_mph: float) -> float:
    """Miles per hour -> kilometres per hour: × :data:`M_PER_MILE` / 1000 (NIST SP 811 B.8, exact)."""
    return speed_mph * M_PER_MILE / 1000.0


def volume_ml(value_ml: float | None, units: Units = "metric") -> str:
    """'500 mL' / '17 fl oz' (whole units); '—' for None."""
    if value_ml is None:
        return "—"
    return f"{fl_oz(value_ml):,.0f} fl oz" if units == "imperial" else f"{value_ml:,.0f} mL"


def volume_ml_range(low_ml: float, high_ml: float, units: Units = "metric", step_ml: float = 1.0) -> str:
    """'450–550 mL' / '15–19 fl oz' (metric rounded to ``step_ml``)."""
    if units == "imperial":
        return f"{fl_oz(low_ml):,.0f}–{fl_oz(high_ml):,.0f} fl oz"
    digits = -1 if step_ml >= 10 else 0
    return f"{round(low_ml, digits):,.0f}–{round(high_ml, digits):,.0f} mL"


def volume_l(value_l: float | None, digits: int = 1, units: Units = "metric") -> str:
    """'1.3 L' (``digits`` decimals) / '44 fl oz' (whole, one decimal below 10 fl oz); '—' for None."""
    if value_l is None:
        return "—"
    if units == "imperial":
        oz = fl_oz(value_l * 1000.0)
        return f"{oz:,.1f} fl oz" if abs(oz) < 10 else f"{oz:,.0f} fl oz"
    return f"{value_l:,.{digits}f} L"


def volume_l_range(low_l: float, high_l: float, digits: int = 1, units: Units = "metric") -> str:
    """'0.9–1.8 L' / '30–61 fl oz'."""
    if units == "imperial":
        lo, hi = fl_oz(low_l * 1000.0), fl_oz(high_l * 1000.0)
        d = 1 if hi < 10 else 0
        return f"{lo:,.{d}f}–{hi:,.{d}f} fl oz"
    return f"{low_l:.{digits}f}–{high_l:.{digits}f} L"


def rate_l_per_h(value_l_per_h: float | None, units: Units = "metric") -> str:
    """'0.85 L/h' / '29 fl oz/h'; '—' for None."""
    if value_l_per_h is None:
        return "—"
    return f"{fl_oz(value_l_per_h * 1000.0):,.0f} fl oz/h" if units == "imperial" else f"{value_l_per_h:.2f} L/h"


def rate_range_l_per_h(low: float, high: float, units: Units = "metric") -> str:
    """'0.70–1.10 L/h' / '24–37 fl oz/h'."""
    if units == "imperial":
        return f"{fl_oz(low * 1000.0):,.0f}–{fl_oz(high * 1000.0):,.0f} fl oz/h"
    return f"{low:.2f}–{high:.2f} L/h"


def temperature(value_c: float | None, digits: int = 1, units: Units = "metric") -> str:
    """'24.0 °C' / '75.2 °F'; '—' for None."""
    if value_c is None:
        return "—"
    return f"{fahrenheit(value_c):.{digits}f} °F" if units == "imperial" else f"{value_c:.{digits}f} °C"


def mass_kg(value_kg: float | None, digits: int = 1, units: Units = "metric") -> str:
    """'70.0 kg' / '154.3 lb'; '—' for None."""
    if value_kg is None:
        return "—"
    return f"{pounds(value_kg):,.{digits}f} lb" if units == "imperial" else f"{value_kg:,.{digits}f} kg"


def distance(value_m: float | None, units: Units = "metric") -> str:
    """'42.2 km' / '26.2 mi'; '—' for None or not positive."""
    if value_m is None or value_m <= 0:
        return "—"
    return f"{miles(value_m):,.1f} mi" if units == "imperial" else f"{value_m / 1000:,.1f} km"


_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_TEXT_UNITS = re.compile(_NUMBER + r"(?:(–|-| to )" + _NUMBER + r")?\s?(mL/h|mL|L/h|L|°C|kg|km)(?![\w/²])")


_PER_KG = re.compile(_NUMBER + r"(?:(–|-)" + _NUMBER + r")? (mL|L) (per|for each) kg")
_PER_LITRE = re.compile(r"(\d+(?:\.\d+)?) L for each litre")
_TEMPERATURE_SPREAD = re.compile(r"±\s?" + _NUMBER + r"\s?°C")
"""'±4 °C': a temperature *difference* (an uncertainty), converted by the kelvin-to-°F ratio 1.8
(NIST SP 811 B.8), never by the +32 of a temperature."""


def _per_lb(match: re.Match[str]) -> str:
    """'5–7 mL per kg' -> '0.08–0.11 fl oz per lb' (a volume per body mass)."""
    first, joiner, second, unit, word = match.groups()
    scale = (1000.0 if unit == "L" else 1.0) * KG_PER_LB / ML_PER_US_FL_OZ
    a = _float(first) * scale
    digits = 2 if a < 1 else 0
    if second is None:
        return f"{a:.{digits}f} fl oz {word} lb"
    return f"{a:.{digits}f}{joiner}{_float(second) * scale:.{digits}f} fl oz {word} lb"


def _float(text: str) -> float:
    return float(text.replace(",", ""))


def convert_text(text: str, units: Units = "metric") -> str:
    """Prose the pipeline wrote in metric ("drink 500–750 mL per hour", "at 31 °C", "1.2 kg") with
    each quantity in ``units``; unchanged for metric. Used at the edge for advice and notes, whose
    text is stored in the JSON report in SI units."""
    if units != "imperial":
        return text
    text = _PER_KG.sub(_per_lb, text)
    text = _PER_LITRE.sub(lambda m: f"{m[1]} fl oz for each fl oz", text)
    text = _TEMPERATURE_SPREAD.sub(lambda m: f"±{_float(m[1]) * 1.8:.0f} °F", text)

    def one(value: float, unit: str) -> tuple[float, str]:
        if unit == "mL":
            return fl_oz(value), "fl oz"
        if unit == "mL/h":
            return fl_oz(value), "fl oz/h"
        if unit == "L":
            return fl_oz(value * 1000.0), "fl oz"
        if unit == "L/h":
            return fl_oz(value * 1000.0), "fl oz/h"
        if unit == "°C":
            return fahrenheit(value), "°F"
        if unit == "kg":
            return pounds(value), "lb"
        return miles(value * 1000.0), "mi"  # km

    def replace(match: re.Match[str]) -> str:
        first, joiner, second, unit = match.groups()
        a, word = one(_float(first), unit)
        digits = 1 if (unit in ("kg", "km") or abs(a) < 10) and unit not in ("°C",) else 0
        if second is None:
            return f"{a:,.{digits}f} {word}"
        b, _ = one(_float(second), unit)
        digits = 1 if unit in ("kg", "km") or max(abs(a), abs(b)) < 10 else 0
        if unit == "°C":
            digits = 0
        return f"{a:,.{digits}f}{joiner}{b:,.{digits}f} {word}"

    return _TEXT_UNITS.sub(replace, text)
