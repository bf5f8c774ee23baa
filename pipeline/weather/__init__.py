"""The weather where and when an activity happened: Open-Meteo's hourly air
temperature, humidity, wind and solar radiation along the route, cached in the catalog and
interpolated to the records. The only room that talks to the network; physiology receives the
per-sample values and stays pure. See :mod:`pipeline.weather.service`."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.weather.models import PLACE_DEGREES, WEATHER_COLUMNS, HourlyWeather, Place, WeatherSamples

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from pipeline.core.config import WeatherConfig
    from pipeline.fit.models import Activity

__all__ = ["PLACE_DEGREES", "WEATHER_COLUMNS", "HourlyWeather", "Place", "WeatherSamples", "weather_for_activity"]


def weather_for_activity(activity: Activity, config: WeatherConfig, data_dir: Path, *,
                         now: datetime | None = None) -> WeatherSamples:
    """:func:`pipeline.weather.service.weather_for_activity`, imported when first called (httpx only when asked)."""
    from pipeline.weather.service import weather_for_activity as _impl

    return _impl(activity, config, data_dir, now=now)
