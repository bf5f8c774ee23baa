"""What the weather room hands over: hourly values per place, and values per activity sample.

Units are in the names (SI, plus °C and %). A *place* is a cell of the rounded-position grid
(:data:`PLACE_DEGREES`), named by its integer tenths of a degree so it can be a database key.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the frame's type only: importing the models (a file's outcome carries hours) loads no pandas
    import pandas as pd


PLACE_DEGREES = 0.1
"""Positions are rounded to this grid (about 11 km north–south) before they leave the machine:
finer than the weather models' own grids (ERA5 about 25 km, the forecast models 1–11 km) is not
needed, and the exact route stays private."""

WEATHER_COLUMNS = ("weather_temperature_c", "weather_humidity_pct", "weather_wind_speed_m_per_s",
                   "weather_solar_radiation_w_per_m2")
"""Per-sample columns the analysis adds to the records (:func:`pipeline.usecases.analyse.analyse_activity`)."""

HOURLY_FIELDS = ("temperature_c", "humidity_pct", "wind_speed_m_per_s", "solar_radiation_w_per_m2")


@dataclass(frozen=True, order=True)
class Place:
    """A rounded position: ``lat_e1``/``lon_e1`` are tenths of a degree (51.5° N -> 515)."""

    lat_e1: int
    lon_e1: int

    @property
    def latitude_deg(self) -> float:
        return self.lat_e1 / 10.0

    @property
    def longitude_deg(self) -> float:
        return self.lon_e1 / 10.0

    @classmethod
    def of(cls, latitude_deg: float, longitude_deg: float) -> "Place":
        lon = ((longitude_deg + 180.0) % 360.0) - 180.0
        return cls(int(round(latitude_deg / PLACE_DEGREES)), int(round(lon / PLACE_DEGREES)))


@dataclass(frozen=True)
class HourlyWeather:
    """One place's weather at one UTC hour (Open-Meteo ``hourly``). Temperature, humidity and wind
    are the values at the hour; solar radiation is the mean of the hour before it (Open-Meteo's
    ``shortwave_radiation``). None: the provider had no value."""

    place: Place
    hour: datetime  # UTC, on the hour
    temperature_c: float | None
    humidity_pct: float | None
    wind_speed_m_per_s: float | None
    solar_radiation_w_per_m2: float | None
    dataset: str = ""  # "archive" | "forecast": which API answered


class WeatherUnavailable(Exception):
    """The provider gave no usable answer. ``server_down``: it is unreachable, too slow or answers
    garbage — not worth asking again this run; False: it refused this one request (HTTP 400)."""

    def __init__(self, reason: str, *, server_down: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.server_down = server_down


@dataclass(frozen=True)
class WeatherRequest:
    """One request to a provider: the URL, its query parameters, which of the provider's datasets
    answers it (words for the report: the provider's ``DATASET_WORDS``), and the places asked, in
    the order the answer lists them."""

    url: str
    params: dict[str, str]
    dataset: str
    places: tuple[Place, ...]


@dataclass
class WeatherSamples:
    """The weather at each record of an activity (``frame``: index = the records' index, columns
    :data:`WEATHER_COLUMNS`; NaN where nothing is known), or why there is none (``notes``).

    ``provider`` names who answered, in words, for the report (e.g. "Open-Meteo historical
    archive"); None when nobody did. ``requests`` counts the HTTP requests made and
    ``cached_hours`` the place-hours the catalog answered, for tests and the night's log.
    ``failed``: the weather was wanted and could have been asked for, but the service or the cache
    let it down (the notes say how): ``sweatline ride`` says so on the terminal, not only in the
    report.
    """

    frame: pd.DataFrame | None = None
    provider: str | None = None
    notes: list[str] = field(default_factory=list)
    requests: int = 0
    cached_hours: int = 0
    failed: bool = False
    dataset: str | None = None
    """A planned session's weather: ``forecast`` or ``climatology`` (the archive's same dates of earlier
    years, beyond the forecast's horizon); None for an activity's."""
    fetched: list[HourlyWeather] = field(default_factory=list)
    """The hours the provider answered, for the cache (``weather.cache: true``). Not written here:
    the reader may run on another machine (a Dask worker); they travel in the file's outcome and
    are kept where the flow runs (:meth:`pipeline.weather.cache.WeatherCache.store`)."""

    @property
    def usable(self) -> bool:
        return self.frame is not None and bool(self.frame["weather_temperature_c"].notna().any())
