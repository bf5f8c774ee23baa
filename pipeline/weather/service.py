"""The weather along an activity's route and hours: positions and UTC times in, per-sample
air temperature, humidity, wind and solar radiation out (:class:`~.models.WeatherSamples`).

Who is asked: nobody with ``weather.provider: none``, for an indoor activity (trainer, treadmill,
virtual: :func:`pipeline.physiology.environment.is_indoor`), for a swim or dive (in water the
model does not use the air), or for a file without positions. Otherwise:

1. each record's position (gaps filled from the nearest fix) is rounded to a place
   (:data:`~.models.PLACE_DEGREES`); each place needs the UTC hours around its records;
2. the catalog cache (:class:`pipeline.weather.cache.WeatherCache`) answers what it holds, read
   only: nothing here writes the catalog;
3. the rest is asked of the configured provider (:mod:`pipeline.weather.providers`; Open-Meteo
   today), one request per ``MAX_PLACES_PER_REQUEST`` places, each bounded by ``weather.timeout_s``
   with one retry inside that time (:mod:`pipeline.weather.http`); the answer is returned for the
   cache (``WeatherSamples.fetched``), kept by whoever commits the file's outcome where the flow runs;
4. each record gets its place's values linearly interpolated between the hours (solar radiation,
   an hourly mean, is placed at the middle of its hour).

A dead, slow or garbage-answering server is remembered for :data:`OUTAGE_MEMORY_S` in this
process (the nightly's threads share it; requests are serialised), so a night pays its timeout
once and every later activity says in its notes that the service was not asked. Nothing here
raises for the weather: the estimate goes on with the device's sensor or the config's climate.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from pipeline.core.config import WeatherConfig
from pipeline.core.dates import clock_ahead
from pipeline.core.sports import sport_profile
from pipeline.fit.models import Activity
from pipeline.physiology.environment import is_indoor
from pipeline.weather.models import (
    HOURLY_FIELDS,
    PLACE_DEGREES,
    WEATHER_COLUMNS,
    HourlyWeather,
    Place,
    WeatherSamples,
    WeatherUnavailable,
)
from pipeline.weather.providers import NO_PROVIDER, WeatherProvider, provider

if TYPE_CHECKING:
    from pipeline.weather.cache import WeatherCache

OUTAGE_MEMORY_S = 3600.0
"""How long a failed provider is not asked again in this process (longer than a night's run,
shorter than the gap between two nights of ``sweatline serve``)."""

_LOCK = threading.Lock()
_DOWN: dict[str, tuple[float, str]] = {}


def forget_outages() -> None:
    """Forget every remembered outage (tests; a new run in a long-lived process after the memory)."""
    with _LOCK:
        _DOWN.clear()


def _outage_key(config: WeatherConfig) -> str:
    return f"{config.provider} {config.base_url or ''}"


def _remembered_outage(key: str) -> str | None:
    found = _DOWN.get(key)
    if found is None:
        return None
    when, reason = found
    if time.monotonic() - when > OUTAGE_MEMORY_S:
        _DOWN.pop(key, None)
        return None
    return reason


def asks_for(activity: Activity) -> bool:
    """Whether the weather service may be asked at all: some leg outdoors and not in water, and a start
    that is believable (:func:`pipeline.core.dates.clock_ahead`: no weather exists for a day that has not
    come, and the rider's positions would be sent for nothing)."""
    if clock_ahead(activity.summary.start_time):
        return False
    if is_indoor(activity.summary.sub_sport) and len(activity.legs) <= 1:
        return False
    legs = activity.legs or []
    return any(not is_indoor(leg.sub_sport) and not sport_profile(leg.sport).in_water for leg in legs)


def _positions(records: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(UTC epoch seconds, latitude, longitude) per record with gaps filled; None without fixes or times."""
    if records is None or records.empty or not {"latitude_deg", "longitude_deg", "timestamp"} <= set(records.columns):
        return None
    lat = pd.to_numeric(records["latitude_deg"], errors="coerce").astype(float)
    lon = pd.to_numeric(records["longitude_deg"], errors="coerce").astype(float)
    bad = ~((lat.abs() <= 90) & (lon.abs() <= 180)) | ((lat == 0) & (lon == 0))  # (0, 0): no fix
    lat, lon = lat.mask(bad), lon.mask(bad)
    if lat.notna().sum() == 0:
        return None
    times = pd.to_datetime(records["timestamp"], utc=True, errors="coerce")
    if times.notna().sum() == 0:
        return None
    seconds = (times - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    seconds = seconds.interpolate(limit_direction="both")
    return seconds.to_numpy(float), lat.ffill().bfill().to_numpy(float), lon.ffill().bfill().to_numpy(float)


def _failed(exc: Exception) -> WeatherSamples:
    """No weather, and a note saying why: a failing cache (a locked or unwritable catalog) names its
    error; anything else is an internal error, named by its type only."""
    if isinstance(exc, (sqlite3.Error, OSError)):
        return WeatherSamples(notes=[f"weather cache unusable ({type(exc).__name__}: {exc}); weather from the next "
                                     "source"], failed=True)
    return WeatherSamples(notes=[f"weather service skipped after an internal error ({type(exc).__name__}); "
                                 "weather from the next source"], failed=True)


def weather_for_activity(activity: Activity, config: WeatherConfig, data_dir, *,
                         now: datetime | None = None) -> WeatherSamples:
    """The weather at each record of ``activity`` (see the module docstring); never raises for the weather:
    a failing cache (a locked or unwritable catalog) or an unexpected answer leaves a note instead."""
    try:
        return _weather_for_activity(activity, config, data_dir, now=now)
    except Exception as exc:  # the weather is an extra: it never fails a file
        return _failed(exc)


def _weather_for_activity(activity: Activity, config: WeatherConfig, data_dir, *,
                          now: datetime | None = None) -> WeatherSamples:
    """The module docstring's steps: who is asked, the places and hours, the cache, the provider,
    the interpolation."""
    if config.provider == NO_PROVIDER or not asks_for(activity):
        return WeatherSamples()
    source = provider(config.provider)
    found = _positions(activity.records)
    if found is None:
        return WeatherSamples(notes=[f"no GPS positions in the file: {source.WORDS} was not asked for the weather"])
    seconds, lat, lon = found
    needed, place_code = _places_and_hours(seconds, lat, lon)

    from pipeline.weather.cache import WeatherCache  # the store touches disk; imported where used

    cache = WeatherCache(data_dir, config.provider) if config.cache else None
    series, missing, cached_hours = _from_cache(cache, needed)
    asked = _Asked()
    if missing:
        asked = _ask(source, config, missing, needed, cache, now)
        series.update(asked.series)
    fetched = asked.fetched if cache is not None else []
    if not series:
        return WeatherSamples(notes=asked.notes, requests=asked.requests, cached_hours=cached_hours,
                              failed=asked.failed, fetched=fetched)
    frame = _interpolate(activity.records.index, seconds, place_code, series)
    datasets = Counter(h.dataset for rows in series.values() for h in rows)
    words = source.DATASET_WORDS.get(datasets.most_common(1)[0][0], source.WORDS) if datasets else source.WORDS
    return WeatherSamples(frame=frame, provider=words, notes=asked.notes, requests=asked.requests,
                          cached_hours=cached_hours, failed=asked.failed, fetched=fetched)


def _places_and_hours(seconds: np.ndarray, lat: np.ndarray,
                      lon: np.ndarray) -> tuple[dict[Place, tuple[int, int]], np.ndarray]:
    """Each place the records pass (positions rounded to :data:`PLACE_DEGREES`) with the UTC epoch
    hours it needs (first, one past the last), and one integer per record naming its place."""
    lat_e1 = np.rint(lat / PLACE_DEGREES).astype(np.int64)
    lon_e1 = np.rint((((lon + 180.0) % 360.0) - 180.0) / PLACE_DEGREES).astype(np.int64)
    hour_of = np.floor(seconds / 3600.0).astype(np.int64)
    spans = pd.DataFrame({"lat": lat_e1, "lon": lon_e1, "hour": hour_of}).groupby(["lat", "lon"])["hour"].agg(["min", "max"])
    needed = {Place(int(a), int(b)): (int(lo), int(hi) + 1)
              for (a, b), lo, hi in zip(spans.index, spans["min"], spans["max"])}
    return needed, lat_e1 * 10_000 + lon_e1


def _from_cache(cache: WeatherCache | None,
                needed: dict[Place, tuple[int, int]]) -> tuple[dict[Place, list[HourlyWeather]], list[Place], int]:
    """What the cache holds whole: (series per place, the places still missing, hours answered)."""
    series: dict[Place, list[HourlyWeather]] = {}
    cached_hours = 0
    missing: list[Place] = []
    held = cache.lookup({p: (_hour(lo), _hour(hi)) for p, (lo, hi) in needed.items()}) if cache is not None else {}
    for place, (lo, hi) in sorted(needed.items()):
        rows = held.get(place, [])
        if len(rows) == hi - lo + 1:
            series[place] = rows
            cached_hours += len(rows)
        else:
            missing.append(place)
    return series, missing, cached_hours


@dataclass
class _Asked:
    """What asking the provider gave: hours per place, notes, requests made, whether it let us down."""

    series: dict[Place, list[HourlyWeather]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    requests: int = 0
    failed: bool = False
    fetched: list[HourlyWeather] = field(default_factory=list)


def _ask(source: WeatherProvider, config: WeatherConfig, missing: list[Place], needed: dict[Place, tuple[int, int]],
         cache: WeatherCache | None, now: datetime | None) -> _Asked:
    """Ask ``source`` for the ``missing`` places, a request per ``MAX_PLACES_PER_REQUEST``, one at a
    time (a dead server costs the timeout once, not once per thread); a remembered outage is not
    asked again, a new one is remembered; the answers are returned for the cache (``fetched``)."""
    asked = _Asked()
    key = _outage_key(config)
    with _LOCK:
        reason = _remembered_outage(key)
        if reason is not None:
            asked.notes.append(f"{source.WORDS} did not answer earlier in this run ({reason}): not asked again; "
                               "weather from the next source")
            asked.failed = True
            return asked
        today = (now or datetime.now(UTC)).astimezone(UTC).date()
        for start in range(0, len(missing), source.MAX_PLACES_PER_REQUEST):
            chunk = missing[start:start + source.MAX_PLACES_PER_REQUEST]
            first = min(_hour(needed[p][0]) for p in chunk).date()
            last = max(_hour(needed[p][1]) for p in chunk).date()
            request = source.build_request(chunk, first, last, today, config.base_url)
            asked.requests += 1
            try:
                hours = source.fetch(request, config.timeout_s)
            except WeatherUnavailable as exc:
                if exc.server_down:
                    _DOWN[key] = (time.monotonic(), exc.reason)
                asked.notes.append(f"{source.WORDS} weather not used: {exc.reason}; weather from the next source")
                asked.failed = True
                break
            asked.fetched.extend(hours)
            by_place: dict[Place, list[HourlyWeather]] = defaultdict(list)
            for h in hours:
                by_place[h.place].append(h)
            asked.series.update(by_place)
    return asked


def _hour(epoch_hour: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(hours=int(epoch_hour))


def _interpolate(index: pd.Index, seconds: np.ndarray, place_code: np.ndarray,
                 series: dict[Place, list[HourlyWeather]]) -> pd.DataFrame:
    """Each record's values, linear in time between its place's hours; NaN where its place has none."""
    out = {column: np.full(len(seconds), np.nan) for column in WEATHER_COLUMNS}
    fields = {"weather_temperature_c": ("temperature_c", 0.0),
              "weather_humidity_pct": ("humidity_pct", 0.0),
              "weather_wind_speed_m_per_s": ("wind_speed_m_per_s", 0.0),
              "weather_solar_radiation_w_per_m2": ("solar_radiation_w_per_m2", -1800.0)}  # mean of the hour before
    for place, rows in series.items():
        mask = place_code == place.lat_e1 * 10_000 + place.lon_e1
        if not mask.any():
            continue
        rows = sorted(rows, key=lambda h: h.hour)
        t_hours = np.array([h.hour.timestamp() for h in rows])
        for column, (attr, shift) in fields.items():
            values = np.array([np.nan if getattr(h, attr) is None else getattr(h, attr) for h in rows], dtype=float)
            ok = ~np.isnan(values)
            if ok.sum() == 0:
                continue
            out[column][mask] = np.interp(seconds[mask], t_hours[ok] + shift, values[ok])  # edges held
    return pd.DataFrame(out, index=index)


FORECAST_HORIZON_DAYS = 16
"""Open-Meteo's forecast reaches 16 days ahead (``forecast_days`` 0–16, "Weather Forecast API")."""
CLIMATOLOGY_YEARS = 5
"""Beyond the forecast, the same dates of the last 5 years from the archive, hour by hour averaged:
short for a climate normal (WMO's is 30 years) but one small request a year, and the recent years
already carry the warming a 30-year mean lags behind."""


def weather_for_plan(records: pd.DataFrame, config: WeatherConfig, data_dir, *,
                     now: datetime | None = None) -> WeatherSamples:
    """The weather a planned session will meet at each of its ``records`` (future UTC ``timestamp``,
    ``latitude_deg``, ``longitude_deg``): the provider's forecast for the rounded places and hours
    when the whole session lies within :data:`FORECAST_HORIZON_DAYS`, else the archive's
    climatology (:data:`CLIMATOLOGY_YEARS` years of the same dates, averaged); a session ended
    before today gets the weather it had (archive or recent days, as a recorded one). ``samples.dataset``
    says which ("forecast" | "climatology" | None for the weather it had). The forecast is neither read from nor written to the
    cache (it changes every few hours); the archive's hours are read from it and returned in
    ``fetched`` for it, as for an activity. Only rounded positions and dates are sent. Never raises
    for the weather: notes say what went wrong."""
    try:
        return _weather_for_plan(records, config, data_dir, now=now)
    except Exception as exc:  # the weather is an extra: it never fails a plan
        return _failed(exc)


def _weather_for_plan(records: pd.DataFrame, config: WeatherConfig, data_dir, *,
                      now: datetime | None = None) -> WeatherSamples:
    if config.provider == NO_PROVIDER:
        return WeatherSamples()
    source = provider(config.provider)
    found = _positions(records)
    if found is None:
        return WeatherSamples(notes=[f"no positions on the course: {source.WORDS} was not asked for the weather"])
    seconds, lat, lon = found
    needed, place_code = _places_and_hours(seconds, lat, lon)
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    last_day = max(_hour(hi) for _, hi in needed.values()).date()
    dataset: str | None
    fetched: list[HourlyWeather] = []
    if last_day < today:  # a session planned in the past: the weather it had, as for a recorded one
        dataset = None
        asked = _ask(source, config, sorted(needed), needed, None, now)
    elif (last_day - today).days < FORECAST_HORIZON_DAYS:
        dataset = "forecast"
        asked = _ask(source, config, sorted(needed), needed, None, now)
    else:
        dataset = "climatology"
        asked = _climatology(source, config, needed, data_dir, today)
        fetched = asked.fetched if config.cache else []
    if not asked.series:
        return WeatherSamples(notes=asked.notes, requests=asked.requests, failed=asked.failed, fetched=fetched,
                              dataset=dataset)
    frame = _interpolate(records.index, seconds, place_code, asked.series)
    if dataset is None:
        datasets = Counter(h.dataset for rows in asked.series.values() for h in rows)
        words = source.DATASET_WORDS.get(datasets.most_common(1)[0][0], source.WORDS) if datasets else source.WORDS
    else:
        words = source.DATASET_WORDS.get("plan_forecast" if dataset == "forecast" else dataset, source.WORDS)
    return WeatherSamples(frame=frame, provider=words, notes=asked.notes, requests=asked.requests,
                          failed=asked.failed, fetched=fetched, dataset=dataset)


def _years_back(moment: datetime, years: int) -> datetime:
    """``moment`` ``years`` earlier (29 February falls on the 28th)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def _climatology(source: WeatherProvider, config: WeatherConfig, needed: dict[Place, tuple[int, int]],
                 data_dir, today) -> _Asked:
    """The mean of each place's hours over the same dates of the last :data:`CLIMATOLOGY_YEARS`
    years before ``today`` (the archive: dates older than its delay), placed on the plan's hours;
    a year the archive does not answer is left out (the notes say so), none answering: no series."""
    from pipeline.weather.cache import WeatherCache

    cache = WeatherCache(data_dir, config.provider) if config.cache else None
    out = _Asked()
    sums: dict[tuple[Place, int], list[list[float]]] = defaultdict(list)
    first_year = _hour(min(lo for lo, _ in needed.values()))
    back0 = max(1, first_year.year - today.year + (1 if (first_year.month, first_year.day) >= (today.month, today.day)
                                                   else 0))
    years_used = 0
    for back in range(back0, back0 + CLIMATOLOGY_YEARS):
        shifted: dict[Place, tuple[int, int]] = {}
        offsets: dict[Place, int] = {}
        for place, (lo, hi) in needed.items():
            then = _years_back(_hour(lo), back)
            offset_h = int(round((_hour(lo) - then).total_seconds() / 3600.0))
            shifted[place], offsets[place] = (lo - offset_h, hi - offset_h), offset_h
        series, missing, _ = _from_cache(cache, shifted)
        if missing:
            asked = _ask(source, config, missing, shifted, None, datetime.combine(today, datetime.min.time(), UTC))
            out.requests += asked.requests
            out.notes.extend(asked.notes)
            out.failed = out.failed or asked.failed
            out.fetched.extend(asked.fetched)
            series.update(asked.series)
        if not series:
            continue
        years_used += 1
        for place, rows in series.items():
            for h in rows:
                key = (place, int(h.hour.timestamp() // 3600) + offsets[place])
                sums[key].append([np.nan if getattr(h, f) is None else float(getattr(h, f)) for f in HOURLY_FIELDS])
    for (place, epoch_hour), values in sorted(sums.items()):
        mean = np.nanmean(np.array(values, dtype=float), axis=0) if values else None
        if mean is None:
            continue
        air, humidity, wind, sun = (None if np.isnan(v) else float(v) for v in mean)
        out.series.setdefault(place, []).append(HourlyWeather(place, _hour(epoch_hour), air, humidity, wind, sun,
                                                              dataset="climatology"))
    if years_used:
        out.notes.append(f"the race is beyond the forecast's {FORECAST_HORIZON_DAYS} days: its weather is the mean "
                         f"of the same dates in {years_used} earlier years (climatology), not a forecast")
    return out


def zone_of_place(latitude_deg: float, longitude_deg: float, config: WeatherConfig) -> tuple[str | None, str | None]:
    """The IANA time zone of a place, asked of the provider when it can say (Open-Meteo's
    ``timezone=auto``; only the rounded position is sent): (zone, None), or (None, why not). Never
    raises for the network; no provider, or one that cannot say, is (None, the reason)."""
    if config.provider == NO_PROVIDER:
        return None, "no weather provider is configured"
    source = provider(config.provider)
    ask, read = getattr(source, "zone_request", None), getattr(source, "fetch_zone", None)
    if ask is None or read is None:
        return None, f"{source.WORDS} does not say a place's time zone"
    with _LOCK:
        reason = _remembered_outage(_outage_key(config))
    if reason is not None:
        return None, f"{source.WORDS} did not answer earlier ({reason})"
    try:
        return read(ask(Place.of(latitude_deg, longitude_deg), config.base_url), config.timeout_s), None
    except WeatherUnavailable as exc:
        if exc.server_down:
            with _LOCK:
                _DOWN[_outage_key(config)] = (time.monotonic(), exc.reason)
        return None, f"{source.WORDS}: {exc.reason}"
