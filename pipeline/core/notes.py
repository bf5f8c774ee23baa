"""The model's notes (flags, assumptions, environment notes) as a template and its quantities in SI,
written in the reader's units where they are read.

A note is made where the model knows what it says ("air below the fitted 15 °C for 40% of moving
time"): :class:`ModelNote` holds the template and each quantity typed (:class:`Quantity`: a
temperature, a temperature difference, a volume, a mass, a distance, a speed, a rate), in SI. Its
metric text is the string itself (a :class:`ModelNote` is a ``str``), which is what the JSON report
keeps; :meth:`ModelNote.in_units` writes the same sentence for another reader
(:class:`pipeline.core.units.Reader`), each quantity converted once with the NIST SP 811 factors —
no text is rewritten after it is made. A note read back from JSON is a plain ``str``: its metric text.
"""
from __future__ import annotations

import string
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidatorFunctionWrapHandler, WrapValidator

from pipeline.core import units as u
from pipeline.core.units import KG_PER_LB, METRIC_READER, ML_PER_US_FL_OZ, Reader, fahrenheit, number

QuantityKind = Literal["temperature_c", "temperature_difference_c", "temperature_difference_k", "volume_l", "volume_ml", "rate_l_per_h",
                       "mass_kg", "distance_m", "speed_m_per_s", "travel_speed_m_per_s", "volume_per_mass_ml_per_kg"]

_METRIC_UNIT: dict[str, tuple[str, float]] = {
    "temperature_c": ("°C", 1.0), "temperature_difference_c": ("°C", 1.0),
    "temperature_difference_k": ("K", 1.0), "volume_l": ("L", 1.0),
    "volume_ml": ("mL", 1.0), "rate_l_per_h": ("L/h", 1.0), "mass_kg": ("kg", 1.0), "distance_m": ("km", 1e-3),
    "speed_m_per_s": ("m/s", 1.0), "travel_speed_m_per_s": ("km/h", 3.6), "volume_per_mass_ml_per_kg": ("mL per kg", 1.0)}
"""Each kind's metric unit word and the factor from its SI value to the number written before it."""


class Quantity(BaseModel):
    """One quantity of a note, in SI: ``value`` (and ``high``, the upper end of a range such as
    '18–25 °C') in °C, °C of difference, L, mL, L/h, kg, m, m/s or mL per kg, as ``kind`` names.

    Metric: the number formatted by the template's format spec (``{limit:g}`` -> '15 °C'), so the
    text is what an f-string made. Imperial: by :class:`~pipeline.core.units.Reader`, rounded as the
    report's other imperial figures are (°F whole, lb and mi one decimal, fl oz whole or one
    decimal below 10), or to ``digits`` decimals when given."""

    model_config = ConfigDict(frozen=True)

    kind: QuantityKind
    value: float
    high: float | None = None
    digits: int | None = None

    def text(self, reader: Reader = METRIC_READER, spec: str = "") -> str:
        """The quantity with its unit, in ``reader``'s units ('−2.2 °C', '28 °F', '18–25 °C'); a
        negative number's sign is :data:`~pipeline.core.units.MINUS` in both."""
        if not reader.imperial:
            unit, scale = _METRIC_UNIT[self.kind]
            low = _minus(format(self.value * scale, spec))
            return f"{low}–{_minus(format(self.high * scale, spec))} {unit}" if self.high is not None else f"{low} {unit}"
        return self._imperial(reader)

    def _imperial(self, reader: Reader) -> str:
        lo, hi, d, kind = self.value, self.high, self.digits, self.kind
        if kind == "temperature_c":
            if hi is None:
                return reader.temperature(lo, d or 0)
            return f"{number(fahrenheit(lo), d or 0)}–{number(fahrenheit(hi), d or 0)} °F"
        if kind in ("temperature_difference_c", "temperature_difference_k"):
            if hi is None:
                return reader.temperature_difference(lo, d or 0)
            return f"{number(lo * u.F_PER_C, d or 0)}–{number(hi * u.F_PER_C, d or 0)} °F"
        if kind == "volume_l":
            return reader.volume_l(lo) if hi is None else reader.volume_l_range(lo, hi)
        if kind == "volume_ml":
            return reader.volume_ml(lo) if hi is None else reader.volume_ml_range(lo, hi)
        if kind == "rate_l_per_h":
            return u.rate_l_per_h(lo, "imperial") if hi is None else u.rate_range_l_per_h(lo, hi, "imperial")
        if kind == "mass_kg":
            return reader.mass_kg(lo, 1 if d is None else d)
        if kind == "distance_m":
            return reader.distance(lo)
        if kind in ("speed_m_per_s", "travel_speed_m_per_s"):
            return reader.speed(lo, 1 if d is None else d)
        # a volume per body mass: fl oz per lb, two decimals below 1 (NIST SP 811 B.8 factors)
        scale = KG_PER_LB / ML_PER_US_FL_OZ
        values = [lo] if hi is None else [lo, hi]
        digits = d if d is not None else (2 if max(abs(v * scale) for v in values) < 1 else 0)
        return "–".join(number(v * scale, digits) for v in values) + " fl oz per lb"


def _minus(text: str) -> str:
    """A number formatted by a template's spec with its sign as :data:`~pipeline.core.units.MINUS`
    (the rule of :func:`~pipeline.core.units.number`); '-0' is '0'."""
    if not text.startswith("-"):
        return text
    return text[1:] if not any(c in "123456789" for c in text) else u.MINUS + text[1:]


def temperature_c(value_c: float, high_c: float | None = None, digits: int | None = None) -> Quantity:
    """A temperature (t/°F = 1.8 t/°C + 32), or the range ``value_c``–``high_c``."""
    return Quantity(kind="temperature_c", value=value_c, high=high_c, digits=digits)


def temperature_difference_c(delta_c: float, digits: int | None = None) -> Quantity:
    """A temperature difference or uncertainty ('±4 °C' -> '±7 °F': 1.8 °F per °C, no 32)."""
    return Quantity(kind="temperature_difference_c", value=delta_c, digits=digits)


def temperature_difference_k(delta_k: float, digits: int | None = None) -> Quantity:
    """A temperature difference written in kelvin in metric text ('31 K above the air', as physics
    writes a difference of temperatures) and in °F in imperial ('56 °F': 1.8 °F per K, no offset)."""
    return Quantity(kind="temperature_difference_k", value=delta_k, digits=digits)


def volume_l(value_l: float, high_l: float | None = None) -> Quantity:
    """A volume of fluid in litres (fl oz in imperial)."""
    return Quantity(kind="volume_l", value=value_l, high=high_l)


def volume_ml(value_ml: float, high_ml: float | None = None) -> Quantity:
    """A volume of fluid in millilitres (fl oz in imperial)."""
    return Quantity(kind="volume_ml", value=value_ml, high=high_ml)


def rate_l_per_h(value_l_per_h: float, high_l_per_h: float | None = None) -> Quantity:
    """A sweat rate in litres per hour (fl oz/h in imperial), or the range ``value``–``high``."""
    return Quantity(kind="rate_l_per_h", value=value_l_per_h, high=high_l_per_h)


def mass_kg(value_kg: float, digits: int | None = None) -> Quantity:
    """A body mass in kilograms (lb in imperial)."""
    return Quantity(kind="mass_kg", value=value_kg, digits=digits)


def speed_m_per_s(value_m_per_s: float, digits: int | None = None) -> Quantity:
    """A speed in metres per second (mph in imperial)."""
    return Quantity(kind="speed_m_per_s", value=value_m_per_s, digits=digits)


def travel_speed_m_per_s(value_m_per_s: float, digits: int | None = None) -> Quantity:
    """A person's speed, stored in metres per second, written in km/h (mph in imperial)."""
    return Quantity(kind="travel_speed_m_per_s", value=value_m_per_s, digits=digits)


def volume_per_mass_ml_per_kg(value_ml_per_kg: float) -> Quantity:
    """A volume per body mass: 'mL per kg' (fl oz per lb in imperial)."""
    return Quantity(kind="volume_per_mass_ml_per_kg", value=value_ml_per_kg)


class NoteParts(BaseModel):
    """A note's template (``str.format`` syntax, its fields named) and the values of its fields: a
    :class:`Quantity` in SI, or a plain number or word (a share, a count, a source's name) formatted
    by the field's spec as an f-string would."""

    model_config = ConfigDict(frozen=True)

    template: str
    values: dict[str, Quantity | int | float | str] = {}

    def text(self, reader: Reader = METRIC_READER) -> str:
        """The note in ``reader``'s units."""
        return _Formatter(reader).vformat(self.template, (), self.values)


class _Formatter(string.Formatter):
    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Quantity):
            return value.text(self.reader, format_spec)
        return format(value, format_spec)


class ModelNote(str):
    """A note of the model: the string is its metric text (what the JSON report keeps);
    :attr:`parts` its template and quantities, :meth:`in_units` the text for any reader.

    ``ModelNote("air below the fitted {limit:g} for {share:.0%} of moving time", limit=temperature_c(15),
    share=0.4)`` is "air below the fitted 15 °C for 40% of moving time"."""

    parts: NoteParts

    def __new__(cls, template: str, /, **values: Quantity | int | float | str) -> ModelNote:
        return cls.of(NoteParts(template=template, values=values))

    @classmethod
    def of(cls, parts: NoteParts) -> ModelNote:
        """The note of ``parts``."""
        note = str.__new__(cls, parts.text(METRIC_READER))
        note.parts = parts
        return note

    def __reduce__(self) -> tuple[Any, ...]:  # pickled (a guarded run's result) with its parts
        return (ModelNote.of, (self.parts,))

    def in_units(self, reader: Reader) -> str:
        """The note written in ``reader``'s units."""
        return self.parts.text(reader)

    def with_values(self, **values: Quantity | int | float | str) -> ModelNote:
        """The same note with some of its values replaced (a number as the user typed it)."""
        return ModelNote.of(self.parts.model_copy(update={"values": {**self.parts.values, **values}}))


def in_units(note: str, reader: Reader) -> str:
    """``note`` in ``reader``'s units: a :class:`ModelNote`'s own rendering; a plain string (a note
    without quantities, or one read back from a JSON report) as it is."""
    return note.in_units(reader) if isinstance(note, ModelNote) else note


def prefixed(prefix: str, note: str) -> str:
    """``prefix + note``, a :class:`ModelNote` kept one ('running: ' + its note)."""
    if not isinstance(note, ModelNote):
        return prefix + note
    escaped = prefix.replace("{", "{{").replace("}", "}}")
    return ModelNote.of(NoteParts(template=escaped + note.parts.template, values=note.parts.values))


def _keep_note(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    return value if isinstance(value, ModelNote) else handler(value)


NoteText = Annotated[str, WrapValidator(_keep_note)]
"""A note's field type in the report's models: a ``str`` in the JSON; a :class:`ModelNote` is kept
as one (pydantic would otherwise copy a ``str`` subclass to a plain ``str``)."""
