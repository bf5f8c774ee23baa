"""What a person reads, in the units they think in: metric (SI-derived, as computed) or imperial.

Everything inside the pipeline is SI (litres, kilograms, °C, metres) and the JSON report stays so;
this module is the one place where a number is converted for a reader (terminal, report.md/html,
index, digest, history, plan, weigh-ins; the model's notes through :class:`Reader` too:
:mod:`pipeline.core.notes`). ``units`` is the config's ``units`` or the ``--units``
flag: ``"metric"`` or ``"imperial"`` (US customary: fluid ounces, pounds, °F, miles).

Conversion factors: NIST Special Publication 811 (2008 edition), *Guide for the Use of the
International System of Units*, Appendix B.8 (factors for units listed alphabetically) and B.9.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeVar

if TYPE_CHECKING:
    import numpy as np

Units = Literal["metric", "imperial"]
_Values = TypeVar("_Values", float, "np.ndarray")
"""A number, or a NumPy array of them converted elementwise."""
UNITS: tuple[Units, ...] = ("metric", "imperial")

ML_PER_US_FL_OZ = 29.573_529_562_5
"""Millilitres per US fluid ounce: NIST SP 811 B.8, "ounce (U.S. fluid) (fl oz) = 2.957 353 E-05 m³"
(exactly 1/128 US gallon of 231 in³, 231 × 16.387 064 mL / 128 = 29.573 529 562 5 mL; NIST Handbook 44 C)."""
KG_PER_LB = 0.453_592_37
"""Kilograms per pound (avoirdupois): NIST SP 811 B.8, "pound (avoirdupois) (lb) = 4.535 924 E-01 kg"
(exact by the 1959 international yard and pound agreement)."""
M_PER_MILE = 1_609.344
"""Metres per (international) mile: NIST SP 811 B.8, "mile (mi) = 1.609 344 E+03 m" (exact)."""
M_PER_FOOT = 0.3048
"""Metres per (international) foot: NIST SP 811 B.8, "foot (ft) = 3.048 E-01 m" (exact)."""
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


def miles(distance_m: _Values) -> _Values:
    """Metres -> miles (elementwise on a NumPy array)."""
    return distance_m / M_PER_MILE


def feet(length_m: _Values) -> _Values:
    """Metres -> feet (elementwise on a NumPy array): an altitude or a climb."""
    return length_m / M_PER_FOOT


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


def _fl_oz_digits(*values_fl_oz: float) -> int:
    """The one rounding rule of every fluid ounce the project prints: whole fl oz, one decimal below
    10 fl oz (a range: when its larger end is below 10)."""
    return 1 if max(abs(v) for v in values_fl_oz) < 10 else 0


def volume_ml(value_ml: float | None, units: Units = "metric") -> str:
    """'500 mL' (whole mL) / '17 fl oz' (:func:`_fl_oz_digits`); '—' for None."""
    if value_ml is None:
        return "—"
    if units == "imperial":
        oz = fl_oz(value_ml)
        return f"{number(oz, _fl_oz_digits(oz))} fl oz"
    return f"{number(value_ml)} mL"


def volume_ml_range(low_ml: float, high_ml: float, units: Units = "metric", step_ml: float = 1.0) -> str:
    """'450–550 mL' / '15–19 fl oz' (metric rounded to ``step_ml``; fl oz by :func:`_fl_oz_digits`)."""
    if units == "imperial":
        lo, hi = fl_oz(low_ml), fl_oz(high_ml)
        d = _fl_oz_digits(lo, hi)
        return f"{number(lo, d)}–{number(hi, d)} fl oz"
    digits = -1 if step_ml >= 10 else 0
    return f"{round(low_ml, digits):,.0f}–{round(high_ml, digits):,.0f} mL"


def volume_l(value_l: float | None, digits: int = 1, units: Units = "metric") -> str:
    """'1.3 L' (``digits`` decimals) / '44 fl oz' (whole, one decimal below 10 fl oz); '—' for None."""
    if value_l is None:
        return "—"
    if units == "imperial":
        return volume_ml(value_l * 1000.0, units)
    return f"{number(value_l, digits)} L"


def volume_l_range(low_l: float, high_l: float, digits: int = 1, units: Units = "metric") -> str:
    """'0.9–1.8 L' / '30–61 fl oz'."""
    if units == "imperial":
        return volume_ml_range(low_l * 1000.0, high_l * 1000.0, units)
    return f"{number(low_l, digits)}–{number(high_l, digits)} L"


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
    return f"{number(fahrenheit(value_c), digits)} °F" if units == "imperial" else f"{number(value_c, digits)} °C"


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


def litre_digits(*values_l: float | None) -> int:
    """Decimals for a sweat volume in litres and its range: 2 below 1 L ('0.08 L (0.06–0.11 L)', not
    '0.1 L (0.1–0.1 L)'), else 1. The report's rows and the advice texts both use it."""
    known = [v for v in values_l if v is not None]
    return 2 if known and max(known) < 1 else 1


MINUS = "\u2212"
"""The sign of every negative number a text prints ('−5 °C', '−4 °F', 'UTC−5', '−1.6 %'): the minus
sign U+2212, not the hyphen-minus, as the SI Brochure (BIPM 2019, 5.4.2) and ISO 80000-1 write
numbers. One rule for the CLI lines, the reports' texts and tables, and the charts' ticks."""


def number(value: float, digits: int = 0) -> str:
    """``value`` with ``digits`` decimals and thousands separators, its sign kept as :data:`MINUS`
    ('−2', '−36.4', '1,250'); a value that rounds to zero is '0', never '−0'."""
    text = f"{value:,.{digits}f}"
    if not text.startswith("-"):
        return text
    return text[1:] if not any(c in "123456789" for c in text) else MINUS + text[1:]


def signed(value: float, digits: int = 0) -> str:
    """``value`` with its sign always written: '+1.5', '−2.0' (:data:`MINUS`); '0' rounded to zero."""
    text = number(value, digits)
    return text if text.startswith(MINUS) or not any(c in "123456789" for c in text) else "+" + text


@dataclass(frozen=True)
class Reader:
    """The quantities of a sentence in one reader's unit system, formatted where the sentence is
    made: each method takes the SI value (°C, K of difference, mL, L, kg, m, m/s) and returns the
    number with its unit, converted once with the NIST SP 811 factors above and rounded once by
    the same rule the report's tables use (so a headline and the text beside it agree).

    A temperature converts as t/°F = 1.8 t/°C + 32; a temperature *difference* as 1.8 °F per °C,
    without the 32 (NIST SP 811 B.9). Signs are kept, as :data:`MINUS` ('−4 °F')."""

    units: Units = "metric"

    @property
    def imperial(self) -> bool:
        return self.units == "imperial"

    @property
    def mass_unit(self) -> str:
        """'kg' / 'lb': the unit word of a body mass ('per kg lost', 'per lb lost')."""
        return "lb" if self.imperial else "kg"

    @property
    def volume_unit(self) -> str:
        """'L' / 'fl oz': the unit word of a volume of fluid."""
        return "fl oz" if self.imperial else "L"

    @property
    def distance_unit(self) -> str:
        """'km' / 'mi': the unit of :meth:`distance_value` (a chart's axis, a table's header)."""
        return "mi" if self.imperial else "km"

    @property
    def altitude_unit(self) -> str:
        """'m' / 'ft': the unit of :meth:`altitude_value`."""
        return "ft" if self.imperial else "m"

    @property
    def temperature_unit(self) -> str:
        """'°C' / '°F': the unit of :meth:`temperature_value`."""
        return "°F" if self.imperial else "°C"

    @property
    def fluid_unit(self) -> str:
        """'L' / 'fl oz': the unit of :meth:`fluid_value` (a chart of volumes)."""
        return "fl oz" if self.imperial else "L"

    def distance_value(self, value_m: _Values) -> _Values:
        """A distance [m] as a number of :attr:`distance_unit` (km or mi), elementwise on an array."""
        return miles(value_m) if self.imperial else value_m / 1000.0

    def altitude_value(self, value_m: _Values) -> _Values:
        """An altitude or a climb [m] as a number of :attr:`altitude_unit` (m or ft)."""
        return feet(value_m) if self.imperial else value_m

    def temperature_value(self, value_c: _Values) -> _Values:
        """A temperature [°C] as a number of :attr:`temperature_unit` (°C or °F)."""
        return fahrenheit(value_c) if self.imperial else value_c

    def temperature_difference_value(self, delta_c: float) -> float:
        """A temperature difference [K] in :attr:`temperature_unit` degrees (1.8 °F per °C, no offset)."""
        return delta_c * F_PER_C if self.imperial else delta_c

    def fluid_value(self, value_l: _Values) -> _Values:
        """A volume [L] as a number of :attr:`fluid_unit` (L or US fl oz)."""
        return value_l * 1000.0 / ML_PER_US_FL_OZ if self.imperial else value_l

    def temperature(self, value_c: float, digits: int = 0) -> str:
        """'−2 °C' / '28 °F': a temperature (t/°F = 1.8 t/°C + 32)."""
        if self.imperial:
            return f"{number(fahrenheit(value_c), digits)} °F"
        return f"{number(value_c, digits)} °C"

    def temperature_difference(self, delta_c: float, digits: int = 0) -> str:
        """'10 °C' / '18 °F': a temperature difference or uncertainty (1.8 °F per °C, no offset)."""
        if self.imperial:
            return f"{number(delta_c * F_PER_C, digits)} °F"
        return f"{number(delta_c, digits)} °C"

    def volume_ml(self, value_ml: float) -> str:
        """'1,250 mL' / '42 fl oz' (:func:`volume_ml`)."""
        return volume_ml(value_ml, self.units)

    def volume_ml_range(self, low_ml: float, high_ml: float, step_ml: float = 1.0) -> str:
        """'350–490 mL' (metric rounded to ``step_ml``) / '12–17 fl oz' (:func:`volume_ml_range`)."""
        return volume_ml_range(low_ml, high_ml, self.units, step_ml)

    def volume_l(self, value_l: float, digits: int = 1) -> str:
        """'1.3 L' / '44 fl oz' (:func:`volume_l`)."""
        return volume_l(value_l, digits, self.units)

    def volume_l_range(self, low_l: float, high_l: float, digits: int = 1) -> str:
        """'0.9–1.8 L' / '30–61 fl oz' (:func:`volume_l_range`)."""
        return volume_l_range(low_l, high_l, digits, self.units)

    def mass_kg(self, value_kg: float, digits: int = 1) -> str:
        """'70.0 kg' / '154.3 lb' (:func:`mass_kg`)."""
        return mass_kg(value_kg, digits, self.units)

    def distance(self, value_m: float) -> str:
        """'42.2 km' / '26.2 mi' (:func:`distance`)."""
        return distance(value_m, self.units)

    def speed(self, value_m_per_s: float, digits: int = 1) -> str:
        """'7.2 km/h' / '4.5 mph'."""
        if self.imperial:
            return f"{number(mph(value_m_per_s), digits)} mph"
        return f"{number(value_m_per_s * 3.6, digits)} km/h"

    def volume_per_mass(self, low_ml_per_kg: float, high_ml_per_kg: float) -> str:
        """A volume per body mass, from mL/kg: '5–7 mL' (per kg) / '0.08–0.11 fl oz' (per lb), the
        figures as written in metric, two decimals below 1 fl oz per lb in imperial; the caller
        adds 'per' and :attr:`mass_unit`."""
        if not self.imperial:
            low, high = low_ml_per_kg, high_ml_per_kg
            if min(low, high) >= 1000:
                return f"{low / 1000:g}–{high / 1000:g} L"
            return f"{low:g}–{high:g} mL"
        scale = KG_PER_LB / ML_PER_US_FL_OZ
        a, b = low_ml_per_kg * scale, high_ml_per_kg * scale
        digits = 2 if max(a, b) < 1 else 0
        return f"{number(a, digits)}–{number(b, digits)} fl oz"


METRIC_READER = Reader("metric")
IMPERIAL_READER = Reader("imperial")


def reader(units: Units) -> Reader:
    """The :class:`Reader` of ``units``."""
    return IMPERIAL_READER if units == "imperial" else METRIC_READER
