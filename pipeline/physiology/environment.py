"""Air temperature, humidity and air speed around the athlete, and where each came from.

Temperature: an override (``--temp``) beats everything; else the weather service's hourly air
temperature along the route (per-record ``weather_*`` columns that
:mod:`pipeline.weather` put beside the records; outdoors, not in water); else the device's sensor
where it is usable; else the config's ``climate``. Humidity: override, else the weather service,
else config (FIT files rarely carry it). The weather service's wind is shown but not added to the
air speed (its direction relative to the route is not known: calm air is still assumed), and its
solar radiation is modelled outdoors in air (:mod:`.radiation`): the sun's elevation from each
record's time and position, the global radiation split into beam and diffuse, and the mean radiant
temperature that the heat balance takes as ISO 7933 does. A plan's sun is ``--solar-w-m2`` at
``--sun-elevation-deg`` (:data:`PLAN_SUN_ELEVATION_DEG` unless given).

Where the sky is not known (a plan without ``--solar-w-m2``, a recorded session the weather service
did not answer for) an outdoor session in air is assumed under the climatological daylight sky,
:data:`.radiation.DEFAULT_DAYLIGHT_SOLAR_W_PER_M2` (370 W·m⁻², Wild et al. 2013): a plan at
:data:`PLAN_SUN_ELEVATION_DEG`; a recording at each record's own sun elevation, never more than
Haurwitz (1945)'s clear sky there and nothing with the sun down (a recording without positions
gets none: the sun cannot be placed). A note says so and how to
override it (``--solar-w-m2 0`` for shade or night, ``--indoor`` indoors). Which sessions are indoors
is one rule, :func:`is_indoor` (an indoor FIT sub-sport, or a plan's ``--indoor``:
:data:`PLAN_INDOOR_SUB_SPORT`), and which the sun reaches another built on it, :func:`sun_reaches`:
not indoors, not in water.

Device sensors (SCIENCE §2): a bike-mounted computer (Edge, ELEMNT, Karoo, ROX, Dash, ...) reads
close to air temperature (high in sun, low when wet) and is used as air temperature; outdoors the
notes say it may read high in sun. A wrist-worn watch reads between skin and air: its sensor sits
in a case pressed on the skin. We model it as a sensor coupled to both,
``T_w = T_a + k·(T_sk − T_a)``, so ``T_a = T_w − k/(1 − k)·(T_sk − T_w)``, with wrist skin under a
watch at :data:`WRIST_SKIN_C` and coupling :data:`WRIST_SKIN_COUPLING`. The manufacturers say
the reading is raised by body heat (Garmin: take the watch off for 20–30 min for an air reading)
but publish no relation; k is our assumption, chosen so a watch reading 27–30 °C on a run means
about 24–29 °C air, and the correction is held at :data:`WRIST_MAX_CORRECTION_C` (a watch worn
over a sleeve, or cooled by wind and water, is less coupled to skin than the formula says).
Readings at or above skin temperature (sun, hot air) are used as they are. The result is the air
temperature of the session (source ``device``), with a wider uncertainty than a bike sensor's
(:data:`TEMPERATURE_UNCERTAINTY_C`). In water the reading is the water's, and is used only as
such. A device we cannot place is treated as a watch for foot sports and as a bike computer on a
bike.

Indoors (trainer, treadmill, virtual rides, a plan's ``--indoor``) the relative air speed is a fan's,
not the athlete's speed, whatever the speed or power (a plan's notes say so): we take 1.5 m·s⁻¹, the middle of what a pedestal fan a metre or two away gives (1–2 m·s⁻¹);
outdoors it is the athlete's ground speed (wind unknown, taken as calm), at least 0.4 m·s⁻¹.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, TypedDict

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from pipeline.core.config import ClimateConfig
from pipeline.core.notes import (
    ModelNote,
    Quantity,
    speed_m_per_s,
    temperature_c,
    temperature_difference_c,
    temperature_difference_k,
)
from pipeline.core.sports import BIKE_COMPUTER_MARKERS, INDOOR_SUB_SPORTS, WATCH_MARKERS, sport_profile
from pipeline.physiology.radiation import (
    DEFAULT_DAYLIGHT_SOLAR_W_PER_M2,
    earth_sun_distance_factor,
    haurwitz_clear_sky_w_per_m2,
    mean_radiant_excess_k,
    solar_elevation_deg,
)

INDOOR_FAN_AIR_SPEED_M_PER_S = 1.5
PLAN_INDOOR_SUB_SPORT = "indoor"
"""The sub-sport a plan's ``--indoor`` stands for (no FIT sub-sport is indoor for every sport; the
word holds 'indoor', which :func:`is_indoor` reads as indoors)."""
STILL_AIR_SPEED_M_PER_S = 0.4
DEVICE_TEMPERATURE_BOUNDS_C = (-40.0, 60.0)
WRIST_SKIN_C = 33.0
"""Wrist skin temperature under a watch during exercise [°C]: mean skin temperature in exercise is
about 32–35 °C (ISO 7933:2004 skin model at 15–30 °C air; :func:`.heat_balance.skin_temperature_c`)."""
WRIST_SKIN_COUPLING = 0.3
"""Share k of the skin-to-air difference a wrist sensor reads above air (our assumption, see module
docstring: no published relation was found)."""
WRIST_MAX_CORRECTION_C = 5.0
TEMPERATURE_UNCERTAINTY_C: dict[str, float] = {
    "override": 1.0,   # a thermometer or weather-station reading near the athlete (our assumption)
    "weather": 2.0,    # a weather model's 2-m air for a 0.1° cell and the hour: reanalysis and analyses are
                       # typically within 1-2 °C of station readings; shade, sun and towns add (our assumption)
    "bike": 2.0,       # SCIENCE §2: a bike sensor reads high in sun and low when wet
    "wrist": 4.0,      # our skin-heat correction (k assumed) on top of the sensor's own error
    "config": 6.0,     # a climate default: a day can be that much off the usual (our assumption)
}
"""One standard deviation of the air temperature by where it came from [°C]; the sweat range
(:mod:`.sweat`) carries the sweat this moves."""
MIN_TEMPERATURE_COVERAGE = 0.5

AIR_TEMPERATURE_RECORD_C = 56.7
"""The highest air temperature ever recorded on Earth [°C] (Death Valley, 10 July 1913: the WMO's
World Weather and Climate Extremes Archive; El Fadli et al. 2013, Bull Am Meteorol Soc 94(2):199-204).
A bike-mounted sensor reading more is not reading the air (direct sun on the unit, a hot car, a
fault): those readings are set aside as air temperature."""

DeviceMount = Literal["bike", "wrist"]


def is_indoor(sub_sport: str | None) -> bool:
    """Trainer, treadmill, virtual and other indoor sub-sports (FIT ``sub_sport`` names)."""
    return sub_sport is not None and (sub_sport in INDOOR_SUB_SPORTS or "indoor" in sub_sport or "virtual" in sub_sport)


def stays_in_place(records: pd.DataFrame, sport: str) -> bool:
    """Whether a recorded ride never moved: a pedalled sport with no speed above zero, no distance
    above zero and no position in any record. A trainer ride whose file does not name an indoor
    sub-sport (an Edge 800 on a turbo writes ``generic``, 0 km and no GPS) records just that;
    outdoors a bike computer writes at least positions or a wheel sensor's distance. Not on foot: a
    watch without GPS or footpod (a Forerunner 70) records a run outdoors the same way."""
    profile = sport_profile(sport)
    if records.empty or not profile.pedalled:
        return False
    for column in ("speed_m_per_s", "distance_m"):
        if column in records.columns and bool((pd.to_numeric(records[column], errors="coerce") > 0).any()):
            return False
    return not ("latitude_deg" in records.columns and bool(records["latitude_deg"].notna().any()))


def session_indoors(sub_sport: str | None, records: pd.DataFrame | None = None, sport: str | None = None) -> bool:
    """The one rule for indoors, recorded or planned: an indoor sub-sport (:func:`is_indoor`, a plan's
    ``--indoor`` being :data:`PLAN_INDOOR_SUB_SPORT`), or a recording that never moved
    (:func:`stays_in_place`). Indoors there is no sun and no weather, and the air over the athlete is a
    fan's (:data:`INDOOR_FAN_AIR_SPEED_M_PER_S`), not the breeze of their speed."""
    if is_indoor(sub_sport):
        return True
    return records is not None and sport is not None and stays_in_place(records, sport)


def sun_reaches(sport: str, sub_sport: str | None = None) -> bool:
    """Whether a session of ``sport`` (and FIT ``sub_sport``) can be in the sun: not an indoor
    sub-sport (:func:`is_indoor`), not a sport done indoors (a gym workout,
    :attr:`~pipeline.core.sports.SportProfile.indoors`), not immersed (a swim's heat goes to the water)."""
    profile = sport_profile(sport)
    return not (is_indoor(sub_sport) or profile.indoors or profile.in_water)


def device_mount(device: str | None, sport: str) -> DeviceMount:
    """Where the temperature sensor sits: on the bike or on the wrist (see module docstring).

    Known bike-computer names (Edge, ELEMNT, Karoo, ROX, Dash, ...) mean ``bike``; known watch
    names (fēnix, Forerunner/``fr955``, COROS, Suunto, Polar, ...) mean ``wrist``; an unknown
    device is a watch for foot sports and a bike computer on a bike.
    """
    name = (device or "").lower()
    if any(marker in name for marker in BIKE_COMPUTER_MARKERS):
        return "bike"
    if any(marker in name for marker in WATCH_MARKERS) or re.search(r"(^|[^a-z])fr_?\d", name):
        return "wrist"
    return sport_profile(sport).sensor_mount


@dataclass(frozen=True)
class WeatherInputs:
    """Explicit temperature/humidity (``--temp``/``--humidity`` or flow parameters); None = not given.

    ``service``: who answered for the records' ``weather_*`` columns, in words (None: no weather
    service values); ``service_notes``: what the weather service said, e.g. why it was not used.
    """

    temperature_c: float | None = None
    humidity_pct: float | None = None
    service: str | None = None
    service_notes: tuple[str, ...] = ()
    water_temperature_c: float | None = None
    """Water temperature of a swim [°C] (``plan --water-temp``): beats the device's reading."""
    solar_w_m2: float | None = None
    """Global horizontal shortwave radiation [W·m⁻²] (``plan --solar-w-m2``): beats the weather service's."""
    sun_elevation_deg: float | None = None
    """Sun elevation for ``solar_w_m2`` [°] (``plan --sun-elevation-deg``; default :data:`PLAN_SUN_ELEVATION_DEG`)."""
    sky_unknown_assumed: bool = False
    """No sky was given and no weather service answered for it: an outdoor session is taken under the
    climatological daylight sky (module docstring), a plan at :data:`PLAN_SUN_ELEVATION_DEG`, a
    recording at its records' own sun elevation (none without positions). False: no sun unless given
    or forecast."""


PLAN_SUN_ELEVATION_DEG = 45.0
"""Sun elevation a plan's ``--solar-w-m2`` is taken at when ``--sun-elevation-deg`` is not given [°]:
our assumption, halfway between horizon and zenith (mid-morning or mid-afternoon in a mid-latitude
summer). An upright body takes more of the beam when the sun is low (:func:`.radiation.projected_area_factor`)."""


WEATHER_TEMPERATURE = "weather_temperature_c"
WEATHER_HUMIDITY = "weather_humidity_pct"
WEATHER_WIND = "weather_wind_speed_m_per_s"
WEATHER_SOLAR = "weather_solar_radiation_w_per_m2"


TemperatureSource = Literal["device", "config", "override", "weather"]
"""Where a leg's air temperature came from."""


@dataclass
class ResolvedEnvironment:
    """Per-record air temperature and scalar humidity, with provenance."""

    temperature_c: NDArray[np.float64]
    humidity_pct: float
    source: TemperatureSource
    indoor: bool
    notes: list[str] = field(default_factory=list)
    uncertainty_c: float = TEMPERATURE_UNCERTAINTY_C["config"]
    """One standard deviation of the temperature from this source [°C]."""
    humidity_series: NDArray[np.float64] | None = None
    """Per-record humidity [%] when the weather service gave it (``humidity_pct`` is then its mean)."""
    wind_speed_m_per_s: float | None = None
    solar_radiation_w_per_m2: float | None = None
    weather_provider: str | None = None
    """Who the weather service's values came from, in words (None: no weather service values used)."""
    radiant_excess_k: NDArray[np.float64] | None = None
    """Per record, the sun's mean radiant temperature above the air ``t_r − t_a`` [K]
    (:func:`.radiation.mean_radiant_excess_k`); None: no sun modelled (indoors, in water, none given)."""


class _WeatherExtras(TypedDict, total=False):
    """What a weather service adds to a :class:`ResolvedEnvironment` besides temperature and humidity."""

    weather_provider: str | None
    wind_speed_m_per_s: float | None
    solar_radiation_w_per_m2: float | None


def _weather_series(records: pd.DataFrame, column: str) -> pd.Series | None:
    """A weather-service column of the records, gaps filled from the nearest sample; None when absent
    or covering less than :data:`MIN_TEMPERATURE_COVERAGE` of the records."""
    if column not in records.columns or records.empty:
        return None
    values = pd.to_numeric(records[column], errors="coerce").astype(float)
    if float(values.notna().mean()) < MIN_TEMPERATURE_COVERAGE:
        return None
    return values.ffill().bfill()


def resolve_environment(records: pd.DataFrame, sport: str, sub_sport: str | None, device: str | None,
                        climate: ClimateConfig, override: WeatherInputs | None = None,
                        planned: bool = False) -> ResolvedEnvironment:
    """Air temperature per record and humidity for one leg (see module docstring for the rules), in
    its steps: the weather service's series where they apply, its wind and sun (shown), the
    humidity, the temperature. ``planned``: the records are a plan's, synthesised without a place
    (an unknown sky is then taken at :data:`PLAN_SUN_ELEVATION_DEG`)."""
    override = override or WeatherInputs()
    indoor = session_indoors(sub_sport, records if not planned else None, sport)
    weather_t, weather_h = _service_series(records, sport, indoor, override)
    extras: _WeatherExtras = {}
    extra_notes: list[str] = []  # after the temperature's and humidity's own notes
    if weather_t is not None or weather_h is not None:
        extras, extra_notes = _service_extras(records, override.service)
    humidity, humidity_series, humidity_note = _humidity(override, weather_h, climate, planned)
    air_t, source, uncertainty_c, temperature_notes = _temperature(records, sport, device, indoor, climate,
                                                                   override, weather_t)
    excess, sun_notes = _sun(records, sport, indoor, override, air_t, extras, planned)
    if indoor:
        why = "" if planned or is_indoor(sub_sport) else "the ride records no speed, distance or position (a trainer); "
        sun_notes = [*sun_notes, ModelNote("indoors: {why}no sun, and a fan's {air:g} of air assumed instead of the "
                                           "breeze of moving", why=why, air=speed_m_per_s(INDOOR_FAN_AIR_SPEED_M_PER_S))]
    notes = [*override.service_notes, humidity_note, *temperature_notes, *extra_notes, *sun_notes]
    return ResolvedEnvironment(air_t, humidity, source, indoor, notes, uncertainty_c, humidity_series, **extras,
                               radiant_excess_k=excess)


def _sun(records: pd.DataFrame, sport: str, indoor: bool, override: WeatherInputs, air_t: NDArray[np.float64],
         extras: _WeatherExtras, planned: bool = False) -> tuple[NDArray[np.float64] | None, list[str]]:
    """The sun's mean radiant excess per record [K] and a note: a plan's ``--solar-w-m2`` at its sun
    elevation; else the weather service's radiation at the sun's elevation for each record's time
    and position (Spencer 1971); None indoors, in water, without radiation or without positions."""
    if indoor or not sun_reaches(sport) or records.empty:
        return None, []
    n = len(records)
    if override.solar_w_m2 is None and override.sky_unknown_assumed and override.service is None:
        return _assumed_sky(records, air_t, planned)
    if override.solar_w_m2 is not None:
        given = override.sun_elevation_deg if override.sun_elevation_deg is not None else PLAN_SUN_ELEVATION_DEG
        excess = np.full(n, 0.0) + mean_radiant_excess_k(air_t, override.solar_w_m2, given)
        return excess, [ModelNote(f"sun {override.solar_w_m2:g} W/m² at {given:g}° elevation given: mean radiant "
                                  "temperature {excess:.0f} above the air", excess=_mean_excess(excess))]
    solar = _weather_series(records, WEATHER_SOLAR) if override.service is not None else None
    if solar is None or extras.get("solar_radiation_w_per_m2") is None:
        return None, []
    lat = pd.to_numeric(records["latitude_deg"], errors="coerce").astype(float).ffill().bfill()
    lon = pd.to_numeric(records["longitude_deg"], errors="coerce").astype(float).ffill().bfill()
    stamps = pd.to_datetime(records["timestamp"], utc=True, errors="coerce")
    if lat.isna().all() or lon.isna().all() or stamps.isna().any():
        return None, ["solar radiation not modelled: the records have no position or time to place the sun"]
    elevation = solar_elevation_deg(stamps, lat.to_numpy(), lon.to_numpy())
    excess = mean_radiant_excess_k(air_t, solar.to_numpy(dtype=float), elevation, earth_sun_distance_factor(stamps))
    return excess, [ModelNote("sun: mean radiant temperature {excess:.0f} above the air on average "
                              "(the weather service's radiation at the sun's elevation for each record)",
                              excess=_mean_excess(excess))]


def _mean_excess(excess: NDArray[np.float64]) -> Quantity:
    """The mean radiant excess [K] as a note's quantity: kelvin in metric text, °F in imperial."""
    return temperature_difference_k(float(np.mean(excess)))


SKY_OVERRIDE_HINT = "give --solar-w-m2 0 for shade or night, --indoor indoors, or the forecast's radiation"
"""How a plan's reader overrides the assumed sky (the ``plan`` option's name)."""


def _assumed_sky(records: pd.DataFrame, air_t: NDArray[np.float64],
                 planned: bool) -> tuple[NDArray[np.float64] | None, list[str]]:
    """The climatological daylight sky (:data:`.radiation.DEFAULT_DAYLIGHT_SOLAR_W_PER_M2`) for a
    session outdoors whose sky is not known: records with a position and a real time at their own sun
    elevation (no more than Haurwitz's clear sky there, nothing at night); a plan's synthetic records
    (no position) at :data:`PLAN_SUN_ELEVATION_DEG`. A recording without a position gets none (it
    cannot say whether the sun was up, and a file without GPS is most often a trainer's), said."""
    default = DEFAULT_DAYLIGHT_SOLAR_W_PER_M2
    placed = "latitude_deg" in records.columns and "longitude_deg" in records.columns and "timestamp" in records.columns
    if placed:
        lat = pd.to_numeric(records["latitude_deg"], errors="coerce").astype(float).ffill().bfill()
        lon = pd.to_numeric(records["longitude_deg"], errors="coerce").astype(float).ffill().bfill()
        stamps = pd.to_datetime(records["timestamp"], utc=True, errors="coerce")
        placed = not (lat.isna().all() or lon.isna().all() or stamps.isna().any())
    if not placed and not planned:
        return None, ["sun not modelled: no weather service answered and the records have no position to place "
                      "the sun (GPS off, or indoors)"]
    if not placed:
        excess = np.full(len(records), 0.0) + mean_radiant_excess_k(air_t, default, PLAN_SUN_ELEVATION_DEG)
        return excess, [ModelNote(f"sun assumed: {default:.0f} W/m² at {PLAN_SUN_ELEVATION_DEG:g}° elevation, Wild et al. "
                                  "2013's global mean daylight sky; mean radiant temperature {excess:.0f} above "
                                  f"the air; {SKY_OVERRIDE_HINT}", excess=_mean_excess(excess))]
    elevation = solar_elevation_deg(stamps, lat.to_numpy(), lon.to_numpy())
    solar = np.minimum(default, haurwitz_clear_sky_w_per_m2(elevation))
    excess = mean_radiant_excess_k(air_t, solar, elevation, earth_sun_distance_factor(stamps))
    daylight = float(np.mean(elevation > 0.0)) * 100.0
    return excess, [ModelNote("sun assumed (no weather service radiation): the mean daylight sky of the global "
                              f"climate, {default:.0f} W/m² (Wild et al. 2013), at the sun's elevation for each "
                              f"record's time and place, none at night ({daylight:.0f} % of the records in daylight); "
                              "mean radiant temperature {excess:.0f} above the air on average",
                              excess=_mean_excess(excess))]


def _service_series(records: pd.DataFrame, sport: str, indoor: bool,
                    override: WeatherInputs) -> tuple[pd.Series | None, pd.Series | None]:
    """The weather service's temperature and humidity series, for a leg outdoors in air whose
    service answered; (None, None) otherwise."""
    if indoor or sport_profile(sport).in_water or override.service is None:
        return None, None
    return _weather_series(records, WEATHER_TEMPERATURE), _weather_series(records, WEATHER_HUMIDITY)


def _service_extras(records: pd.DataFrame, service: str | None) -> tuple[_WeatherExtras, list[str]]:
    """Who answered, its mean wind and sun (shown, not modelled), and a note on each."""
    wind = _weather_series(records, WEATHER_WIND)
    solar = _weather_series(records, WEATHER_SOLAR)
    extras: _WeatherExtras = {"weather_provider": service,
                              "wind_speed_m_per_s": float(wind.mean()) if wind is not None else None,
                              "solar_radiation_w_per_m2": float(solar.mean()) if solar is not None else None}
    notes: list[str] = []
    if wind is not None:
        notes.append(ModelNote("wind {wind:.1f} at 10 m from {service}: not added to the air speed, its direction "
                               "relative to the route is not known (calm air assumed)",
                               wind=speed_m_per_s(float(wind.mean())), service=str(service)))
    if solar is not None:
        notes.append(f"solar radiation {solar.mean():.0f} W/m² on average from {service}")
    return extras, notes


def _humidity(override: WeatherInputs, weather_h: pd.Series | None, climate: ClimateConfig,
              planned: bool = False) -> tuple[float, NDArray[np.float64] | None, str]:
    """Humidity [%]: the command line's, else the weather service's (per record, and its mean), else
    the config climate's; with its note (a plan's has no file to blame: it says how to give one)."""
    if override.humidity_pct is not None:
        humidity = float(override.humidity_pct)
        return humidity, None, f"humidity {humidity:g} % given on the command line"
    if weather_h is not None:
        series = weather_h.to_numpy(dtype=float)
        humidity = float(np.mean(series))
        return humidity, series, (f"humidity {humidity:.0f} % on average from {override.service}, hour by hour at the "
                                  "route's rounded positions")
    humidity = float(climate.humidity_pct)
    if planned:
        return humidity, None, f"humidity {humidity:g} % from the config climate (give --humidity for the day's)"
    return humidity, None, f"humidity {humidity:g} % from the config climate (FIT files rarely record it)"


def _temperature(records: pd.DataFrame, sport: str, device: str | None, indoor: bool, climate: ClimateConfig,
                 override: WeatherInputs, weather_t: pd.Series | None
                 ) -> tuple[NDArray[np.float64], TemperatureSource, float, list[str]]:
    """Air temperature per record [°C], where it came from, its uncertainty [°C] and notes: the
    command line's, else the weather service's, else the device's sensor (enough of it), else the
    config climate's."""
    n = len(records)
    if override.temperature_c is not None:
        return (np.full(n, float(override.temperature_c)), "override", TEMPERATURE_UNCERTAINTY_C["override"],
                [ModelNote("temperature {t:g} given on the command line", t=temperature_c(override.temperature_c))])
    if weather_t is not None:
        return _service_temperature(records, weather_t, override.service)
    reads_air = not sport_profile(sport).in_water and device_mount(device, sport) == "bike"
    device_t, notes = _device_series(records, AIR_TEMPERATURE_RECORD_C if reads_air else DEVICE_TEMPERATURE_BOUNDS_C[1])
    if device_t is None:
        config_t = float(climate.temperature_c)
        return (np.full(n, config_t), "config", TEMPERATURE_UNCERTAINTY_C["config"],
                notes + [ModelNote("temperature {t:g} from the config climate", t=temperature_c(config_t))])
    return _device_temperature(records, device_t, sport, device, indoor)


def _service_temperature(records: pd.DataFrame, weather_t: pd.Series,
                         service: str | None) -> tuple[NDArray[np.float64], TemperatureSource, float, list[str]]:
    """The weather service's air temperature, with the device's reading beside it in the note."""
    air_t = weather_t.to_numpy(dtype=float)
    device_raw = pd.to_numeric(records["temperature_c"], errors="coerce") if "temperature_c" in records else None
    template = ("temperature from {service} (median {median:.1f}, {range:.1f}), hour by hour at the route's rounded "
                "positions")
    values: dict[str, Quantity | str] = {
        "service": str(service), "median": temperature_c(float(np.median(air_t))),
        "range": temperature_c(float(np.min(air_t)), float(np.max(air_t)))}
    if device_raw is not None and device_raw.notna().mean() >= MIN_TEMPERATURE_COVERAGE:
        template += "; the device's sensor read a median {device:.1f}"
        values["device"] = temperature_c(float(device_raw.median()))
    return air_t, "weather", TEMPERATURE_UNCERTAINTY_C["weather"], [ModelNote(template, **values)]


def _device_series(records: pd.DataFrame, upper_c: float = DEVICE_TEMPERATURE_BOUNDS_C[1],
                   ) -> tuple[NDArray[np.float64] | None, list[str]]:
    """The device's temperature within :data:`DEVICE_TEMPERATURE_BOUNDS_C` (and at most ``upper_c``
    [°C]: :data:`AIR_TEMPERATURE_RECORD_C` for a sensor that reads the air), smoothed by a 60-sample
    running median (a sensor warms up or cools down over minutes) with gaps filled; None, with a
    note when there was some, if it covers less than :data:`MIN_TEMPERATURE_COVERAGE` of the records."""
    if len(records) == 0:
        return None, []
    numbers = pd.to_numeric(records["temperature_c"], errors="coerce").astype(float)
    lo, hi = DEVICE_TEMPERATURE_BOUNDS_C
    raw = numbers.where((numbers >= lo) & (numbers <= min(hi, upper_c)))
    coverage = float(raw.notna().mean())
    above_record = float(((numbers > upper_c) & (numbers <= hi)).mean()) if upper_c < hi else 0.0
    if coverage < MIN_TEMPERATURE_COVERAGE:
        if above_record > 0:
            return None, [ModelNote("the device's sensor read above {upper:g}, hotter than any air ever measured, "
                                    "on {share:.0%} of records: it was not reading the air (sun on the unit?), not "
                                    "used", upper=temperature_c(upper_c), share=above_record)]
        return None, ([f"device temperature on only {coverage:.0%} of records: not used"] if coverage > 0 else [])
    return raw.rolling(60, center=True, min_periods=1).median().ffill().bfill().to_numpy(), []


def _device_temperature(records: pd.DataFrame, device_t: NDArray[np.float64], sport: str, device: str | None,
                        indoor: bool) -> tuple[NDArray[np.float64], TemperatureSource, float, list[str]]:
    """The device sensor's reading as air temperature: the water's in water, as read on a bike, and
    corrected for the skin's heat on a wrist (module docstring)."""
    if sport_profile(sport).in_water:
        return (device_t, "device", TEMPERATURE_UNCERTAINTY_C["bike"],
                [ModelNote("device temperature (median {median:.1f}) is the water's: sweat in water is modelled "
                           "from swimmers' measured losses, not from the air",
                           median=temperature_c(float(np.median(device_t))))])
    if device_mount(device, sport) == "bike":
        # the sun remark only for a ride known to be outdoors: not indoors, and with GPS positions
        # (a trainer ride's file often says neither 'indoor' nor where it was)
        outdoors = not indoor and "latitude_deg" in records.columns and bool(records["latitude_deg"].notna().any())
        sun = "; outdoors it reads high in direct sun" if outdoors else ""
        return (device_t, "device", TEMPERATURE_UNCERTAINTY_C["bike"],
                [ModelNote("temperature from the bike-mounted sensor (median {median:.1f}{sun})",
                           median=temperature_c(float(np.median(device_t))), sun=sun)])
    air = wrist_to_air_c(device_t)
    return (air, "device", TEMPERATURE_UNCERTAINTY_C["wrist"],
            [ModelNote("temperature from the wrist-worn sensor (median {median:.1f}), corrected for the skin heat it "
                       "also reads to about {air:.1f} air (our estimate, ±{spread:g})",
                       median=temperature_c(float(np.median(device_t))), air=temperature_c(float(np.median(air))),
                       spread=temperature_difference_c(TEMPERATURE_UNCERTAINTY_C["wrist"]))])


OPEN_WATER_SUB_SPORTS = frozenset({"open_water"})


def resolve_water_temperature(records: pd.DataFrame, sub_sport: str | None,
                              given: WeatherInputs | None = None) -> tuple[float, str]:
    """The water temperature of a swim [°C] and where it came from, in words: given
    (``--water-temp``), else the device's own reading (a watch in water reads the water: its
    median where at least half the records have one), else the stated default for a pool
    (:data:`.sweat.POOL_WATER_C`) or open water (:data:`.sweat.OPEN_WATER_C`)."""
    from pipeline.physiology.sweat import OPEN_WATER_C, POOL_WATER_C

    if given is not None and given.water_temperature_c is not None:
        return float(given.water_temperature_c), ModelNote("water {t:g} given on the command line",
                                                           t=temperature_c(given.water_temperature_c))
    if "temperature_c" in records and len(records):
        raw = pd.to_numeric(records["temperature_c"], errors="coerce").astype(float)
        raw = raw.where((raw >= 0.0) & (raw <= 40.0))
        if float(raw.notna().mean()) >= MIN_TEMPERATURE_COVERAGE:
            return float(raw.median()), ModelNote("water {t:.1f} from the device's sensor (median)",
                                                  t=temperature_c(float(raw.median())))
    if sub_sport in OPEN_WATER_SUB_SPORTS:
        return OPEN_WATER_C, ModelNote("water {t:g} assumed for open water (no reading; give --water-temp for a "
                                       "plan)", t=temperature_c(OPEN_WATER_C))
    return POOL_WATER_C, ModelNote("water {t:g} assumed for a pool (no reading; give --water-temp for a plan)",
                                   t=temperature_c(POOL_WATER_C))


def wrist_to_air_c(reading_c: NDArray[np.float64] | float) -> NDArray[np.float64]:
    """Air temperature from a wrist-worn sensor's reading [°C] (module docstring):
    ``T_a = T_w − min(k/(1 − k)·(T_sk − T_w), 5 °C)`` below skin temperature, ``T_w`` at or above."""
    t_w = np.asarray(reading_c, dtype=float)
    k = WRIST_SKIN_COUPLING
    correction = np.clip(k / (1.0 - k) * (WRIST_SKIN_C - t_w), 0.0, WRIST_MAX_CORRECTION_C)
    return t_w - correction


def air_speed_m_per_s(speed_m_per_s: NDArray[np.float64], moving: NDArray[np.bool_], sport: str,
                      indoor: bool) -> NDArray[np.float64]:
    """Relative air speed per sample: a fan's indoors, the athlete's ground speed outdoors (calm
    air assumed), the sport's typical speed where speed is unknown, still air when paused."""
    if indoor:
        v = np.full(len(moving), INDOOR_FAN_AIR_SPEED_M_PER_S)
    else:
        typical = sport_profile(sport).typical_speed_m_per_s
        v = np.where(np.isnan(speed_m_per_s), typical, speed_m_per_s)
        v = np.maximum(v, STILL_AIR_SPEED_M_PER_S)
    return np.where(moving, v, STILL_AIR_SPEED_M_PER_S)
