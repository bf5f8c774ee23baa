"""Open-Meteo (https://open-meteo.com, no key): the request for some places and days, one bounded
HTTP exchange, and the answer parsed into :class:`pipeline.weather.models.HourlyWeather`.

Two APIs, the same JSON (Open-Meteo docs, "Weather Forecast API" and "Historical Weather API"):

* ``/v1/archive`` on ``archive-api.open-meteo.com`` — the ERA5-based archive, ``start_date`` /
  ``end_date`` (``YYYY-MM-DD``, inclusive); it lags real time by about 5 days, so it answers
  for activities older than :data:`ARCHIVE_DELAY_DAYS`;
* ``/v1/forecast`` on ``api.open-meteo.com`` — the forecast models, whose ``past_days`` (0–92)
  reaches back over the recent days the archive does not hold yet; ``forecast_days=1`` keeps
  the answer small.

Common parameters: ``latitude`` / ``longitude`` as comma-separated lists (several places in one
request; the answer is then a JSON list in the same order, one object per place),
``hourly=temperature_2m,relative_humidity_2m,wind_speed_10m,shortwave_radiation``,
``wind_speed_unit=ms``, ``timeformat=unixtime`` (times in UTC epoch seconds) and
``timezone=GMT``. The answer's ``hourly`` holds ``time`` and one array per variable (``null``
where there is no value); ``temperature_2m`` [°C], ``relative_humidity_2m`` [%] and
``wind_speed_10m`` [m/s with ``wind_speed_unit=ms``] are instantaneous at the hour,
``shortwave_radiation`` [W/m²] is the mean over the preceding hour. An error is HTTP 400 with
``{"error": true, "reason": "..."}``.

Only the rounded coordinates (:data:`pipeline.weather.models.PLACE_DEGREES`) and the dates are sent; nothing
identifies the athlete, the device or the file.
"""
from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from pipeline.weather.http import fetch_body
from pipeline.weather.models import HourlyWeather, Place, WeatherRequest, WeatherUnavailable

NAME = "open-meteo"
"""The config's ``weather.provider`` value (this module's file name, ``-`` for ``_``)."""
WORDS = "Open-Meteo"
"""Its name in notes ('Open-Meteo weather not used: ...')."""

ARCHIVE_URL = "https://archive-api.open-meteo.com"
FORECAST_URL = "https://api.open-meteo.com"
ARCHIVE_PATH = "/v1/archive"
FORECAST_PATH = "/v1/forecast"
HOURLY_VARIABLES = ("temperature_2m", "relative_humidity_2m", "wind_speed_10m", "shortwave_radiation")
ARCHIVE_DELAY_DAYS = 5
"""The archive holds days older than this (Open-Meteo: "with a 5-day delay"); newer ones come
from the forecast API's ``past_days``."""
FORECAST_MAX_PAST_DAYS = 92
MAX_PLACES_PER_REQUEST = 50
DATASET_WORDS = {"archive": "Open-Meteo's historical archive (ERA5 reanalysis)",
                 "forecast": "Open-Meteo's forecast models (their recent past days)",
                 "plan_forecast": "Open-Meteo's forecast models",
                 "climatology": "Open-Meteo's historical archive (ERA5), the same dates of earlier years "
                                "averaged (climatology)"}
_BOUNDS = {"temperature_c": (-90.0, 70.0), "humidity_pct": (0.0, 100.0), "wind_speed_m_per_s": (0.0, 120.0),
           "solar_radiation_w_per_m2": (0.0, 1500.0)}


def _coordinate(value: float) -> str:
    return f"{value:.1f}"


def build_request(places: Sequence[Place], first_day: date, last_day: date, today: date,
                  base_url: str | None = None) -> WeatherRequest:
    """The request for ``places`` over ``first_day``..``last_day`` (UTC dates), as asked on ``today``."""
    common = {
        "latitude": ",".join(_coordinate(p.latitude_deg) for p in places),
        "longitude": ",".join(_coordinate(p.longitude_deg) for p in places),
        "hourly": ",".join(HOURLY_VARIABLES),
        "wind_speed_unit": "ms",
        "timeformat": "unixtime",
        "timezone": "GMT",
    }
    age_days = (today - first_day).days
    if (today - last_day).days > ARCHIVE_DELAY_DAYS or age_days > FORECAST_MAX_PAST_DAYS:
        params = {**common, "start_date": first_day.isoformat(), "end_date": last_day.isoformat()}
        return WeatherRequest((base_url or ARCHIVE_URL) + ARCHIVE_PATH, params, "archive", tuple(places))
    ahead = min(max((last_day - today).days + 1, 1), 16)
    params = {**common, "past_days": str(max(age_days, 0)), "forecast_days": str(ahead)}
    return WeatherRequest((base_url or FORECAST_URL) + FORECAST_PATH, params, "forecast", tuple(places))


def fetch(request: WeatherRequest, timeout_s: float) -> list[HourlyWeather]:
    """The parsed hours of ``request``, asked within ``timeout_s`` [s] with the room's retry
    policy (:func:`pipeline.weather.http.fetch_body`); :class:`WeatherUnavailable` otherwise."""
    return parse_answer(fetch_body(request, timeout_s, _error_reason), request)


def _error_reason(body: bytes) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return "no reason given"
    if isinstance(data, dict) and isinstance(data.get("reason"), str):
        return data["reason"][:200]
    return "no reason given"


def _number(value: Any, name: str) -> float | None:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        if value is None:
            return None
        raise ValueError(f"{name} holds a non-number")
    value = float(value)
    lo, hi = _BOUNDS[name]
    return value if math.isfinite(value) and lo <= value <= hi else None


def parse_answer(body: bytes, request: WeatherRequest) -> list[HourlyWeather]:
    """The hours of an Open-Meteo answer (one object, or a list in the order of the places);
    :class:`WeatherUnavailable` (server_down) for anything that is not that."""
    try:
        data = json.loads(body)
    except ValueError:
        raise WeatherUnavailable("answered something that is not JSON", server_down=True) from None
    if isinstance(data, dict) and data.get("error") is True:
        raise WeatherUnavailable(f"refused the request: {_error_reason(body)}", server_down=False)
    items = data if isinstance(data, list) else [data]
    if len(items) != len(request.places):
        raise WeatherUnavailable(f"answered {len(items)} places for {len(request.places)} asked", server_down=True)
    names = {"temperature_2m": "temperature_c", "relative_humidity_2m": "humidity_pct",
             "wind_speed_10m": "wind_speed_m_per_s", "shortwave_radiation": "solar_radiation_w_per_m2"}
    hours: list[HourlyWeather] = []
    try:
        for place, item in zip(request.places, items):
            hourly = item["hourly"]
            times = hourly["time"]
            if not isinstance(times, list):
                raise ValueError("time is not a list")
            columns = {}
            for variable, name in names.items():
                values = hourly.get(variable)
                if not isinstance(values, list) or len(values) != len(times):
                    raise ValueError(f"{variable} missing or of the wrong length")
                columns[name] = [_number(v, name) for v in values]
            for i, t in enumerate(times):
                if isinstance(t, bool) or not isinstance(t, (int, float)):
                    raise ValueError("time is not unix seconds")
                hour = datetime.fromtimestamp(int(t), tz=UTC)
                hours.append(HourlyWeather(place, hour, columns["temperature_c"][i], columns["humidity_pct"][i],
                                           columns["wind_speed_m_per_s"][i], columns["solar_radiation_w_per_m2"][i],
                                           request.dataset))
    except (KeyError, TypeError, ValueError, OverflowError, OSError) as exc:
        raise WeatherUnavailable(f"answered JSON not in Open-Meteo's form ({exc})", server_down=True) from None
    return hours


def zone_request(place: Place, base_url: str | None = None) -> WeatherRequest:
    """The request for the IANA time zone of ``place``: the forecast endpoint with ``timezone=auto``
    (Open-Meteo: "If auto is set as a time zone, the coordinates will be automatically resolved to
    the local time zone"; the answer's ``timezone`` names it), one day of one variable to keep it small."""
    params = {"latitude": _coordinate(place.latitude_deg), "longitude": _coordinate(place.longitude_deg),
              "hourly": "temperature_2m", "forecast_days": "1", "timezone": "auto"}
    return WeatherRequest((base_url or FORECAST_URL) + FORECAST_PATH, params, "zone", (place,))


def fetch_zone(request: WeatherRequest, timeout_s: float) -> str:
    """The IANA zone name in the answer to :func:`zone_request`, within ``timeout_s`` [s];
    :class:`WeatherUnavailable` when there is none or it is not a zone this machine knows."""
    from zoneinfo import available_timezones

    body = fetch_body(request, timeout_s, _error_reason)
    try:
        data = json.loads(body)
    except ValueError:
        raise WeatherUnavailable("answered something that is not JSON", server_down=True) from None
    zone = data.get("timezone") if isinstance(data, dict) else None
    if not isinstance(zone, str) or zone not in available_timezones():
        raise WeatherUnavailable("answered no time zone this machine knows", server_down=False)
    return zone
