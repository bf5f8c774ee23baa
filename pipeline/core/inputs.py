"""What a person types, bounded once: the ranges shared by the config, the command line and the
flows' parameters, and the one-line message for a value outside them.

Each quantity is an ``Annotated`` float with its pydantic ``Field`` bounds and its unit; the config
models (:mod:`pipeline.core.config`), a planned session (:class:`pipeline.physiology.planned.PlanRequest`),
a weigh-in (:class:`pipeline.physiology.calibration.WeighIn`) and a weather override
(:class:`pipeline.usecases.analyse.WeatherOverride`) all use these, so a range is written in one place.

:func:`checked` validates a model and turns the first problem into an
:class:`~pipeline.core.errors.InvalidValue` naming the *field*; the command line maps fields to its own
flags (``pre_kg`` -> ``--pre``). Nothing here knows a flag.
"""
from __future__ import annotations

import math
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, ValidationError
from pydantic_core import ErrorDetails

from pipeline.core.errors import InvalidValue

AIR_TEMPERATURE_C: dict[str, Any] = {"ge": -40, "le": 55, "json_schema_extra": {"unit": "°C"}}
"""Air temperature [°C]: the coldest and hottest air anyone trains in, with margin."""
RELATIVE_HUMIDITY_PCT: dict[str, Any] = {"ge": 0, "le": 100, "json_schema_extra": {"unit": "%"}}
WATER_TEMPERATURE_C: dict[str, Any] = {"ge": 0, "le": 40, "json_schema_extra": {"unit": "°C"}}
LOAD_KG: dict[str, Any] = {"ge": 0, "le": 100, "json_schema_extra": {"unit": "kg"}}
GRADE_PCT: dict[str, Any] = {"ge": -40, "le": 40, "json_schema_extra": {"unit": "%"}}
SOLAR_W_M2: dict[str, Any] = {"ge": 0, "le": 1500, "json_schema_extra": {"unit": "W/m²"}}
"""Global horizontal shortwave radiation: above 1500 W/m² is not sunlight at the ground (the weather
provider's own bound)."""
SUN_ELEVATION_DEG: dict[str, Any] = {"gt": 0, "le": 90, "json_schema_extra": {"unit": "°"}}
"""Relative humidity [%]."""
BODY_MASS_KG: dict[str, Any] = {"ge": 25, "le": 250, "json_schema_extra": {"unit": "kg"}}
"""Body mass of an athlete [kg]."""
HEIGHT_CM: dict[str, Any] = {"ge": 100, "le": 250, "json_schema_extra": {"unit": "cm"}}
"""Standing height [cm]."""
AGE_YEARS: dict[str, Any] = {"ge": 10, "le": 100, "json_schema_extra": {"unit": "years"}}
"""Age [years]."""

AirTemperatureC = Annotated[float, Field(**AIR_TEMPERATURE_C)]
RelativeHumidityPct = Annotated[float, Field(**RELATIVE_HUMIDITY_PCT)]
BodyMassKg = Annotated[float, Field(**BODY_MASS_KG)]
HeightCm = Annotated[float, Field(**HEIGHT_CM)]
AgeYears = Annotated[float, Field(**AGE_YEARS)]
"""The same bounds as annotated types, for required fields; an optional field uses
``Field(None, **BODY_MASS_KG)`` (pydantic applies the bounds inside the ``None`` union)."""

_M = TypeVar("_M", bound=BaseModel)


def _unit(model: type[BaseModel], field: str) -> str:
    info = model.model_fields.get(field)
    extra = getattr(info, "json_schema_extra", None) if info is not None else None
    if isinstance(extra, dict) and "unit" in extra:
        return " " + str(extra["unit"])
    for meta in getattr(info, "metadata", []) if info is not None else []:
        found = getattr(meta, "json_schema_extra", None)
        if isinstance(found, dict) and "unit" in found:
            return " " + str(found["unit"])
    return ""


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else repr(value)


def bounds(model: type[BaseModel], field: str) -> tuple[float, float, bool]:
    """``(low, high, low_is_open)`` of a numeric field of ``model``, in the field's own unit
    (``-inf``/``inf`` where unbounded; ``low_is_open`` for a ``gt`` bound). KeyError for an unknown field."""
    found: dict[str, Any] = {}
    for meta in model.model_fields[field].metadata:
        for name in ("ge", "gt", "le", "lt"):
            if getattr(meta, name, None) is not None:
                found[name] = getattr(meta, name)
    low = found.get("gt", found.get("ge", -math.inf))
    return float(low), float(found.get("le", found.get("lt", math.inf))), "gt" in found


def describe(model: type[BaseModel], error: ErrorDetails) -> tuple[str, str]:
    """``(field, one-line reason)`` for one pydantic error of ``model``.

    Bounds read ``must be between LO and HI UNIT, got V`` (``above LO and at most HI`` for an open bound);
    a cross-field check names its field in the error context (``ctx["field"]``). A reason made as a
    :class:`~pipeline.core.notes.ModelNote` (``ctx["note"]``, or a ``ValueError``'s argument) is
    returned as that note, its quantities kept.
    """
    ctx = error.get("ctx") or {}
    field = str(error["loc"][0]) if error.get("loc") else str(ctx.get("field", model.__name__))
    got = error.get("input")
    kind = error["type"]
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than", "finite_number"}:
        info = model.model_fields[field]
        bounds: dict[str, Any] = {}
        for meta in info.metadata:
            for name in ("ge", "gt", "le", "lt"):
                if getattr(meta, name, None) is not None:
                    bounds[name] = getattr(meta, name)
        high = bounds.get("le", bounds.get("lt", math.inf))
        if "gt" in bounds:
            return field, f"must be above {bounds['gt']:g} and at most {high:g}{_unit(model, field)}, got {_number(got)}"
        return field, f"must be between {bounds.get('ge', -math.inf):g} and {high:g}{_unit(model, field)}, got {_number(got)}"
    from pipeline.core.notes import ModelNote  # a refused value's note: not imported to load a valid config

    cause = ctx.get("error")
    for made in (ctx.get("note"), cause.args[0] if isinstance(cause, Exception) and cause.args else None):
        if isinstance(made, ModelNote):  # its quantities kept, to be written in the reader's units
            return field, made
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    return field, message


def checked(model: type[_M], **values: Any) -> _M:
    """``model(**values)``, or :class:`InvalidValue` for the first impossible value (one line)."""
    try:
        return model(**values)
    except ValidationError as exc:
        field, reason = describe(model, exc.errors()[0])
        raise InvalidValue(field, reason) from None


class WeatherOverride(BaseModel):
    """``--temp`` / ``--humidity`` (or the after-ride flow's parameters): beat the device and config.

    Bounded like the config's ``climate`` (the same bounds, above): build it with
    :func:`pipeline.core.inputs.checked` for an :class:`~pipeline.core.errors.InvalidValue` naming the field,
    which the command line shows as its flag.
    """

    temperature_c: float | None = Field(None, **AIR_TEMPERATURE_C)
    humidity_pct: float | None = Field(None, **RELATIVE_HUMIDITY_PCT)
    water_temperature_c: float | None = Field(None, **WATER_TEMPERATURE_C)
