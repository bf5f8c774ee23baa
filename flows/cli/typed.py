"""Numbers typed on the command line, read in the units the output is shown in.

With ``units: imperial`` in the config or ``--units imperial`` (the flag wins, as for output), the
user types pounds, US fluid ounces, °F and mph: :func:`to_si` converts them here, at the edge, with
the NIST SP 811 factors of :mod:`pipeline.core.units`, so everything behind stays SI. A value outside a
model's bounds is refused in the unit it was typed in (``--temp: must be between -40 and 131 °F, got
200 °F``); any other refusal of a converted value that was made as a
:class:`~pipeline.core.notes.ModelNote` is written in the typed units from its quantities.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pydantic import BaseModel

from pipeline.core import units as u
from pipeline.core.config import Config
from pipeline.core.errors import InvalidValue
from pipeline.core.inputs import bounds
from pipeline.core.notes import ModelNote


@dataclass(frozen=True)
class Quantity:
    """One kind of typed number: its unit as typed and shown in each system, and the conversions."""

    metric: str
    imperial: str
    to_si: Callable[[float], float]
    from_si: Callable[[float], float]


MASS = Quantity("kg", "lb", u.kilograms, u.pounds)
VOLUME = Quantity("L", "fl oz", u.litres, lambda litres: u.fl_oz(litres * 1000.0))
TEMPERATURE = Quantity("°C", "°F", u.celsius, u.fahrenheit)
SPEED = Quantity("km/h", "mph", u.km_per_h, lambda kmh: kmh * 1000.0 / u.M_PER_MILE)


def input_units(args: argparse.Namespace, config: Config) -> str:
    """``metric`` or ``imperial``: ``--units``, else the config's ``units``."""
    return getattr(args, "units", None) or config.units


@dataclass(frozen=True)
class Typed:
    """What the user typed for one flag (``value`` in ``unit``) and what it is in SI."""

    value: float
    unit: str
    si: float
    quantity: Quantity


def to_si(args: argparse.Namespace, units: str, model: type[BaseModel],
          fields: dict[str, tuple[str, Quantity]]) -> dict[str, Typed]:
    """Replace each ``args.<dest>`` by its SI value (``fields``: model field -> (dest, quantity)).

    Metric: nothing changes. Imperial: each value given is converted; one outside the model field's
    bounds raises :class:`~pipeline.core.errors.InvalidValue` for that field with the bounds and value in
    the typed unit. Returns the typed values by model field (for messages)."""
    typed: dict[str, Typed] = {}
    for field, (dest, quantity) in fields.items():
        value = getattr(args, dest, None)
        if value is None:
            continue
        unit = quantity.imperial if units == "imperial" else quantity.metric
        si = quantity.to_si(value) if units == "imperial" else value
        typed[field] = Typed(value, unit, si, quantity)
        if units != "imperial":
            continue
        low, high, open_low = bounds(model, field)
        if si != si or (si <= low if open_low else si < low) or si > high:
            lo, hi = _shown(quantity.from_si(low)), _shown(quantity.from_si(high))
            span = f"above {lo} and at most {hi}" if open_low else f"between {lo} and {hi}"
            raise InvalidValue(field, f"must be {span} {unit}, got {value:g} {unit}")
        setattr(args, dest, si)
    return typed


def _shown(value: float) -> str:
    return f"{round(value, 1):g}"


@contextmanager
def shown_as_typed(units: str, typed: dict[str, Typed], every_field: bool = False) -> Iterator[None]:
    """Inside: an :class:`~pipeline.core.errors.InvalidValue` about a converted value (a field of
    ``typed``; with ``every_field`` any field, when every mass and volume typed was converted) reads
    in ``units``: a reason made as a :class:`~pipeline.core.notes.ModelNote` (the weigh-in's and the
    plan's refusals) is written again in ``units`` from its quantities, a speed's "got" as it was typed."""
    try:
        yield
    except InvalidValue as exc:
        if units != "imperial" or not (every_field or exc.field in typed) or not isinstance(exc.worded, ModelNote):
            raise
        reason = exc.worded
        given = typed.get(exc.field)
        if given is not None and given.quantity is SPEED and "value" in reason.parts.values:
            reason = reason.with_values(value=f"{given.value:g} mph")  # the number typed, not its km/h
        raise InvalidValue(exc.field, reason.in_units(u.IMPERIAL_READER)) from None
