"""The weather where and when an activity happened: Open-Meteo's hourly air
temperature, humidity, wind and solar radiation along the route, cached in the catalog and
interpolated to the records. The only room that talks to the network; physiology receives the
per-sample values and stays pure. See :mod:`pipeline.weather.service`."""
from pipeline.weather.models import PLACE_DEGREES, WEATHER_COLUMNS, HourlyWeather, Place, WeatherSamples

__all__ = ["PLACE_DEGREES", "WEATHER_COLUMNS", "HourlyWeather", "Place", "WeatherSamples", "weather_for_activity"]


def weather_for_activity(*args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - lazy: httpx only when asked
    from pipeline.weather.service import weather_for_activity as _impl

    return _impl(*args, **kwargs)
