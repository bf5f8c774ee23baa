"""The weather providers, one module each: adding one is a new module here (and its test).

A provider module holds, beside its own code:

* ``NAME`` — the config's ``weather.provider`` value, which is the module's file name with ``-``
  for ``_`` (``open_meteo.py`` is ``open-meteo``): the config reads the allowed names from this
  folder without importing it (:func:`pipeline.core.config.weather_provider_names`);
* ``WORDS`` — its name in the notes; ``DATASET_WORDS`` — each of its datasets in words, for the report;
* ``MAX_PLACES_PER_REQUEST`` — how many places one request may carry;
* ``build_request(places, first_day, last_day, today, base_url) ->``
  :class:`~pipeline.weather.models.WeatherRequest` for the UTC dates asked on ``today``;
* ``fetch(request, timeout_s) -> list[HourlyWeather]``, raising
  :class:`~pipeline.weather.models.WeatherUnavailable`; it goes to the network only through
  :mod:`pipeline.weather.http` (the room's one door, which the tests keep on 127.0.0.1).

:data:`PROVIDERS` is every module of this package, imported and keyed by its ``NAME``.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from datetime import date
from types import MappingProxyType, ModuleType
from typing import Protocol, cast

from pipeline.weather.models import HourlyWeather, Place, WeatherRequest

NO_PROVIDER = "none"
"""The config's ``weather.provider`` that asks nobody."""


class WeatherProvider(Protocol):
    """What :mod:`pipeline.weather.service` uses of a provider module (see the package docstring)."""

    NAME: str
    WORDS: str
    DATASET_WORDS: Mapping[str, str]
    MAX_PLACES_PER_REQUEST: int

    def build_request(self, places: Sequence[Place], first_day: date, last_day: date, today: date,
                      base_url: str | None = None) -> WeatherRequest: ...

    def fetch(self, request: WeatherRequest, timeout_s: float) -> list[HourlyWeather]: ...


def module_name_of(provider_name: str) -> str:
    """The module of a provider's config name: ``open-meteo`` lives in ``open_meteo``."""
    return provider_name.replace("-", "_")


def _discover() -> dict[str, WeatherProvider]:
    found: dict[str, WeatherProvider] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name.startswith("_"):
            continue
        module: ModuleType = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "NAME", None)
        if name is None or module_name_of(name) != info.name:
            raise ImportError(f"weather provider {info.name}: NAME must be its file name with '-' for '_', "
                              f"got {name!r}")
        found[name] = cast(WeatherProvider, module)
    return found


PROVIDERS: Mapping[str, WeatherProvider] = MappingProxyType(_discover())
"""Every weather provider by its config name."""


def provider(name: str) -> WeatherProvider:
    """The provider module of a config name; KeyError for a name not registered (the config's
    validation has refused it before)."""
    return PROVIDERS[name]
