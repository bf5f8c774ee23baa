"""A session that has not happened yet (``sweatline plan``): parse and check what the user typed,
and synthesise the records the same model reads.

Durations: ``45m``, ``2h``, ``2h30m``, ``2h30``, ``1.5h``, ``90s``, ``1:45:00`` (h:mm:ss), ``1:45``
(h:mm) and a bare number, which is **minutes** (``90`` = 1 h 30 min: sessions are planned in
minutes, and nobody plans a 90-hour run). Nonsense is a one-line :class:`~pipeline.core.errors.InvalidValue` naming the field.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Literal, NoReturn

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from pipeline.core.errors import InvalidValue
from pipeline.core.inputs import (
    AGE_YEARS,
    AIR_TEMPERATURE_C,
    BODY_MASS_KG,
    GRADE_PCT,
    HEIGHT_CM,
    LOAD_KG,
    RELATIVE_HUMIDITY_PCT,
    SOLAR_W_M2,
    SUN_ELEVATION_DEG,
    WATER_TEMPERATURE_C,
    checked,
)
from pipeline.core.notes import ModelNote, travel_speed_m_per_s
from pipeline.core.sports import GENERIC, PLAN_SPORTS, sport_profile
from pipeline.fit.models import RECORD_COLUMNS
from pipeline.physiology.intensity import cycling_met_from_speed, cycling_power_from_speed_w, met_to_metabolic_w

MAX_DURATION_S = 48 * 3600.0
MAX_SPEED_KMH = GENERIC.plan_speed_max_m_per_s * 3.6
"""The fastest any plan may go [km/h]; each sport's own bound is its profile's
:attr:`~pipeline.core.sports.SportProfile.plan_speed_max_m_per_s`."""
RECORD_INTERVAL_S = 5.0
PLAN_EPOCH = pd.Timestamp("2000-01-01T00:00:00Z")

_UNIT_RE = re.compile(r"^(?:(?P<h>\d+(?:\.\d+)?)h)?(?:(?P<m>\d+(?:\.\d+)?)(?:min|m))?(?:(?P<s>\d+(?:\.\d+)?)s)?$")
_H_M_RE = re.compile(r"^(?P<h>\d+)h(?P<m>\d{1,2})$")


def parse_duration_s(text: str) -> float:
    """Seconds from ``45m``, ``2h``, ``2h30m``, ``2h30``, ``90s``, ``1:45:00``, ``1:45`` or ``90`` (minutes).

    Raises :class:`~pipeline.core.errors.InvalidValue` (field ``duration_s``) for anything else, for zero and for more
    than 48 h.
    """
    raw = str(text).strip().lower().replace(" ", "")
    seconds: float | None = None
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        seconds = float(raw) * 60.0
    elif re.fullmatch(r"\d+:\d{1,2}(:\d{1,2})?", raw):
        parts = [int(p) for p in raw.split(":")]
        if any(p >= 60 for p in parts[1:]):
            raise InvalidValue("duration_s", f"{text!r}: minutes and seconds must be below 60")
        h, m, s = (parts + [0])[:3]
        seconds = h * 3600.0 + m * 60.0 + s
    elif (hm := _H_M_RE.match(raw)) is not None:
        seconds = int(hm.group("h")) * 3600.0 + int(hm.group("m")) * 60.0
    elif raw and (match := _UNIT_RE.match(raw)) is not None and any(match.group(k) for k in ("h", "m", "s")):
        seconds = (float(match.group("h") or 0) * 3600.0 + float(match.group("m") or 0) * 60.0
                   + float(match.group("s") or 0))
    if seconds is None:
        raise InvalidValue("duration_s", f"{text!r} is not a duration: use 45m, 2h, 2h30m, 1:45:00 or minutes (90)")
    if seconds <= 0:
        raise InvalidValue("duration_s", f"{text!r}: a session must last longer than zero")
    if seconds > MAX_DURATION_S:
        raise InvalidValue("duration_s", f"{text!r}: more than 48 hours is not one session")
    return seconds


def _too_fast(fastest_kmh: float, value_kmh: float, noun: str = "") -> NoReturn:
    """Refuse a speed: "must be above 0 and at most 30 km/h for running, got 48" (``noun``: " for running"),
    kept as a note (:class:`pipeline.core.notes.ModelNote`) so its limit is written in the reader's units."""
    note = ModelNote("must be above 0 and at most {fastest:g}{noun}, got {value}",
                     fastest=travel_speed_m_per_s(fastest_kmh / 3.6), noun=noun, value=f"{value_kmh:g}")
    raise PydanticCustomError("speed", str(note), {"field": "speed_kmh", "note": note})


@dataclass(frozen=True)
class PlannedSession:
    """What ``sweatline plan`` was asked, checked."""

    sport: str
    duration_s: float
    speed_kmh: float | None = None
    power_w: float | None = None
    heart_rate_bpm: float | None = None
    water_temperature_c: float | None = None
    load_kg: float = 0.0
    grade_pct: float = 0.0
    clothing: str = "sports"
    solar_w_m2: float | None = None
    sun_elevation_deg: float | None = None
    indoor: bool = False
    """On a treadmill, a trainer or in a gym: no sun, and a fan's air instead of the breeze of moving
    (:func:`pipeline.physiology.environment.sun_reaches`, :data:`~pipeline.physiology.environment.INDOOR_FAN_AIR_SPEED_M_PER_S`)."""


INDOOR_PLAN_HINTS = {"treadmill": "running", "indoor_running": "running", "indoor_cycling": "cycling",
                     "trainer": "cycling", "spin": "cycling", "virtual_activity": "cycling", "indoor_walking": "walking",
                     "indoor_rowing": "rowing"}
"""Indoor FIT sub-sports a plan's ``--sport`` may be given as, and the sport to plan with ``--indoor``
instead (a plan's sport is a FIT sport; indoors is its own option)."""


class PlanRequest(BaseModel):
    """What ``sweatline plan`` was asked, before it is believed: the boundary model.

    Bounds: duration (0, 48 h]; speed (0, the sport's plan bound] (the lower of the fastest record
    its model believes and the fastest a human moves in it, :mod:`pipeline.core.sports`); power
    (0, 2000] W (pedalled sports only); and, once the athlete's mass is known, power and speed no
    more than the best humans have held for the duration (:mod:`pipeline.physiology.effort_limits`); heart rate [40, 230] bpm; weather and athlete values within the config's own ranges
    (:mod:`pipeline.core.inputs`). Exactly one of speed, power or heart rate sets the intensity.
    Water temperature [0, 40] °C for swimming only; load [0, 100] kg and grade [−40, 40] % on foot;
    clothing ``sports`` (default, dressed for the weather) or ``uniform`` (a combat uniform, on foot).
    Sun: global horizontal shortwave radiation [0, 1500] W·m⁻² (what weather services forecast as
    "solar radiation"; when not given, an outdoor session is planned under the climatological daylight
    sky, :data:`pipeline.physiology.radiation.DEFAULT_DAYLIGHT_SOLAR_W_PER_M2`) at a sun elevation
    (0, 90]°, which needs the radiation; in water neither applies. ``indoor`` (a treadmill, a trainer,
    a gym): no sun, so no radiation may be given with it, not in water, and not with a speed on a bike
    (a trainer's speed is its own reckoning: a recorded indoor ride's speed is not costed either).
    """

    model_config = ConfigDict(frozen=True)

    sport: str
    duration_s: float = Field(gt=0, le=MAX_DURATION_S, json_schema_extra={"unit": "s"})
    speed_kmh: float | None = Field(None, gt=0, le=MAX_SPEED_KMH, json_schema_extra={"unit": "km/h"})
    power_w: float | None = Field(None, gt=0, le=2000, json_schema_extra={"unit": "W"})
    heart_rate_bpm: float | None = Field(None, ge=40, le=230, json_schema_extra={"unit": "bpm"})
    temperature_c: float | None = Field(None, **AIR_TEMPERATURE_C)
    humidity_pct: float | None = Field(None, **RELATIVE_HUMIDITY_PCT)
    body_mass_kg: float | None = Field(None, **BODY_MASS_KG)
    height_cm: float | None = Field(None, **HEIGHT_CM)
    age: float | None = Field(None, **AGE_YEARS)
    water_temperature_c: float | None = Field(None, **WATER_TEMPERATURE_C)
    load_kg: float | None = Field(None, **LOAD_KG)
    grade_pct: float | None = Field(None, **GRADE_PCT)
    clothing: Literal["sports", "uniform"] | None = None
    solar_w_m2: float | None = Field(None, **SOLAR_W_M2)
    sun_elevation_deg: float | None = Field(None, **SUN_ELEVATION_DEG)
    indoor: bool = False

    @field_validator("sport", mode="before")
    @classmethod
    def _known_sport(cls, value: object) -> str:
        name = str(value).strip().lower().replace("-", "_")
        if name not in PLAN_SPORTS and name in INDOOR_PLAN_HINTS:
            raise ValueError(f"{value!r} is a way of doing a sport indoors: give --sport {INDOOR_PLAN_HINTS[name]} --indoor")
        if name not in PLAN_SPORTS:
            raise ValueError(f"{value!r} is not a sport the model knows: use one of {', '.join(PLAN_SPORTS)}, "
                             "or triathlon (with --legs SWIM,BIKE,RUN)")
        return name

    @field_validator("speed_kmh", mode="before")
    @classmethod
    def _speed_within_the_sport(cls, value: object, info: ValidationInfo) -> object:
        """One message for every speed out of range, NaN and ∞ included: the sport's own limit."""
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return value
        sport = info.data.get("sport")
        fastest = round((sport_profile(sport).plan_speed_max_m_per_s if sport else MAX_SPEED_KMH / 3.6) * 3.6, 1)
        if not (math.isfinite(value) and 0 < value <= fastest):
            _too_fast(fastest, value, f" for {sport.replace('_', ' ')}" if sport else "")
        return value

    @field_validator("duration_s", mode="before")
    @classmethod
    def _parse_duration(cls, value: object) -> object:
        return parse_duration_s(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _one_intensity(self) -> "PlanRequest":
        if sum(v is not None for v in (self.speed_kmh, self.power_w, self.heart_rate_bpm)) != 1:
            raise PydanticCustomError("intensity", "give exactly one of speed, power or heart rate",
                                      {"field": "intensity"})
        profile = sport_profile(self.sport)
        fastest = round(profile.plan_speed_max_m_per_s * 3.6, 1)
        if self.speed_kmh is not None and self.speed_kmh > fastest:
            _too_fast(fastest, self.speed_kmh, f" for {self.sport.replace('_', ' ')}")
        if self.power_w is not None and not profile.pedalled:
            raise PydanticCustomError("power", "is used for cycling only; for {sport} give a speed or a heart rate",
                                      {"field": "power_w", "sport": self.sport})
        if self.water_temperature_c is not None and not profile.in_water:
            raise PydanticCustomError("water", "is for swimming only", {"field": "water_temperature_c"})
        for name in ("load_kg", "grade_pct", "clothing"):  # on foot: walking, hiking, running
            if getattr(self, name) is not None and not profile.on_foot:
                raise PydanticCustomError("foot", "is for walking, hiking or running",
                                          {"field": name})
        if (self.solar_w_m2 is not None or self.sun_elevation_deg is not None) and profile.in_water:
            raise PydanticCustomError("sun", "is for sessions in air: in water the body's heat goes to the water",
                                      {"field": "solar_w_m2"})
        if self.sun_elevation_deg is not None and self.solar_w_m2 is None:
            raise PydanticCustomError("sun", "needs the radiation too (--solar-w-m2)", {"field": "sun_elevation_deg"})
        if self.indoor and profile.in_water:
            raise PydanticCustomError("indoor", "is for sessions in air: a pool's water is given by --water-temp",
                                      {"field": "indoor"})
        if self.indoor and profile.pedalled and self.speed_kmh is not None:  # as a recorded indoor ride's speed
            raise PydanticCustomError("indoor", "on a trainer the speed is the trainer's own reckoning, not a cost "
                                      "the model can take: give --power or --hr", {"field": "speed_kmh"})
        if self.indoor and (self.solar_w_m2 is not None or self.sun_elevation_deg is not None):
            raise PydanticCustomError("indoor", "indoors no sun reaches the athlete: drop --solar-w-m2 and "
                                      "--sun-elevation-deg", {"field": "indoor"})
        if self.load_kg and profile.gait != "walk":  # the LCDA equation (Looney et al. 2019) is a walking equation
            raise PydanticCustomError("load", "is modelled for walking and hiking only (the Load Carriage Decision "
                                      "Aid's equation, Looney et al. 2019, is a walking equation; no published "
                                      "equation gives the cost of running laden)",
                                      {"field": "load_kg"})
        return self

    def session(self) -> PlannedSession:
        return PlannedSession(self.sport, self.duration_s, self.speed_kmh, self.power_w, self.heart_rate_bpm,
                              self.water_temperature_c, self.load_kg or 0.0, self.grade_pct or 0.0,
                              self.clothing or "sports", self.solar_w_m2, self.sun_elevation_deg, self.indoor)


class CourseRequest(BaseModel):
    """What ``sweatline plan --course`` was asked, before it is believed: the sport (one that moves
    along a course: pedalled or on foot), exactly one of level speed, power (pedalled only), heart
    rate or finish time (the course gives the rest), the air and sun if typed, the load carried
    (walking and hiking only), the athlete's values for this answer. Bounds as :class:`PlanRequest`'s."""

    model_config = ConfigDict(frozen=True)

    sport: str
    speed_kmh: float | None = Field(None, gt=0, le=MAX_SPEED_KMH, json_schema_extra={"unit": "km/h"})
    power_w: float | None = Field(None, gt=0, le=2000, json_schema_extra={"unit": "W"})
    heart_rate_bpm: float | None = Field(None, ge=40, le=230, json_schema_extra={"unit": "bpm"})
    finish_s: float | None = Field(None, gt=0, le=MAX_DURATION_S, json_schema_extra={"unit": "s"})
    temperature_c: float | None = Field(None, **AIR_TEMPERATURE_C)
    humidity_pct: float | None = Field(None, **RELATIVE_HUMIDITY_PCT)
    body_mass_kg: float | None = Field(None, **BODY_MASS_KG)
    height_cm: float | None = Field(None, **HEIGHT_CM)
    age: float | None = Field(None, **AGE_YEARS)
    solar_w_m2: float | None = Field(None, **SOLAR_W_M2)
    sun_elevation_deg: float | None = Field(None, **SUN_ELEVATION_DEG)
    load_kg: float | None = Field(None, **LOAD_KG)

    _known_sport = field_validator("sport", mode="before")(PlanRequest._known_sport.__func__)  # type: ignore[attr-defined]

    @field_validator("finish_s", mode="before")
    @classmethod
    def _parse_finish(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return parse_duration_s(value)
            except InvalidValue as exc:
                raise ValueError(str(exc).split(": ", 1)[-1].replace("a session must last", "a race must last")) from None
        return value

    @model_validator(mode="after")
    def _one_effort(self) -> "CourseRequest":
        if sum(v is not None for v in (self.speed_kmh, self.power_w, self.heart_rate_bpm, self.finish_s)) != 1:
            raise PydanticCustomError("intensity", "give exactly one of speed, power, heart rate or finish time",
                                      {"field": "intensity"})
        profile = sport_profile(self.sport)
        if not (profile.pedalled or profile.on_foot):
            raise PydanticCustomError("sport", "{sport}: a course is planned for cycling, running, walking or hiking",
                                      {"field": "sport", "sport": self.sport})
        fastest = round(profile.plan_speed_max_m_per_s * 3.6, 1)
        if self.speed_kmh is not None and self.speed_kmh > fastest:
            _too_fast(fastest, self.speed_kmh)
        if self.power_w is not None and not profile.pedalled:
            raise PydanticCustomError("power", "is used for cycling only; for {sport} give a speed or a heart rate",
                                      {"field": "power_w", "sport": self.sport})
        if self.sun_elevation_deg is not None and self.solar_w_m2 is None:
            raise PydanticCustomError("sun", "needs the radiation too (--solar-w-m2)", {"field": "sun_elevation_deg"})
        if self.load_kg and profile.gait != "walk":  # as PlanRequest: the LCDA is a walking equation
            raise PydanticCustomError("load", "is modelled for walking and hiking only (the Load Carriage Decision "
                                      "Aid's equation, Looney et al. 2019, is a walking equation)", {"field": "load_kg"})
        return self


def check_plan(sport: str, duration: str, speed_kmh: float | None = None, power_w: float | None = None,
               heart_rate_bpm: float | None = None, temperature_c: float | None = None,
               humidity_pct: float | None = None, body_mass_kg: float | None = None,
               height_cm: float | None = None, age: float | None = None, water_temp_c: float | None = None,
               load_kg: float | None = None, grade_pct: float | None = None,
               clothing: str | None = None, solar_w_m2: float | None = None,
               sun_elevation_deg: float | None = None, indoor: bool = False) -> PlannedSession:
    """Validate every ``sweatline plan`` value (:class:`PlanRequest`); the first impossible one is a
    one-line :class:`~pipeline.core.errors.InvalidValue` naming its field."""
    return checked(PlanRequest, sport=sport, duration_s=duration, speed_kmh=speed_kmh, power_w=power_w,
                   heart_rate_bpm=heart_rate_bpm, temperature_c=temperature_c, humidity_pct=humidity_pct,
                   body_mass_kg=body_mass_kg, height_cm=height_cm, age=age, water_temperature_c=water_temp_c,
                   load_kg=load_kg, grade_pct=grade_pct, clothing=clothing, solar_w_m2=solar_w_m2,
                   sun_elevation_deg=sun_elevation_deg, indoor=indoor).session()


def flat_speed_for_power_m_per_s(power_w: float, rider_mass_kg: float) -> float:
    """The calm-air, flat-road speed at which Martin et al. (1998) give ``power_w`` (bisection)."""
    lo, hi = 0.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2.0
        if float(cycling_power_from_speed_w(mid, 0.0, rider_mass_kg)) < power_w:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def planned_power_w(plan: PlannedSession, body_mass_kg: float) -> float | None:
    """The power [W] a planned bike session is ridden at: ``--power`` as given, or for ``--speed`` the
    power of Martin et al. (1998) on a flat road in calm air
    (:func:`~pipeline.physiology.intensity.cycling_power_from_speed_w`: ρ 1.2 kg·m⁻³, CdA 0.32 m²,
    Crr 0.005, bike 9 kg, drivetrain 0.976) for a rider of ``body_mass_kg`` [kg]; the metabolic rate
    is then ``P / GE`` (Ettema & Lorås 2009). None for other sports and for ``--hr``."""
    if not sport_profile(plan.sport).pedalled:
        return None
    if plan.power_w is not None:
        return float(plan.power_w)
    if plan.speed_kmh is not None:
        return float(cycling_power_from_speed_w(plan.speed_kmh / 3.6, 0.0, body_mass_kg))
    return None


def synthetic_frame(elapsed_s: NDArray[np.float64], start_utc: pd.Timestamp) -> pd.DataFrame:
    """An all-missing frame of :data:`RECORD_COLUMNS` with a record at each of ``elapsed_s`` [s]
    after ``start_utc``: timestamps, elapsed time, the timer running, one leg. Planned sessions and
    course plans fill in the signals they set."""
    n = len(elapsed_s)
    frame = pd.DataFrame({c: np.full(n, np.nan) for c in RECORD_COLUMNS})
    frame["timestamp"] = start_utc + pd.to_timedelta(elapsed_s, unit="s")
    frame["elapsed_s"] = elapsed_s
    frame["timer_active"] = True
    frame["leg"] = 0
    return frame


PLAN_MAX_START_ALTITUDE_M = 8800.0
"""The highest a planned descent starts [m]: about Everest's 8849 m, so its records stay within the
plausible altitudes (up to 9000 m, :func:`pipeline.physiology.intensity.grade_from_altitude`)."""


def planned_records(plan: PlannedSession, body_mass_kg: float, gross_efficiency: float | None = None) -> pd.DataFrame:
    """A steady synthetic session in the canonical RECORD_COLUMNS shape, one record every 5 s.

    ``--speed`` sets speed and distance (flat, or climbing at ``--grade`` %: the altitude rises by
    grade × distance, as a FIT file's altitude would). On a bike, with the ``gross_efficiency``
    of a plan given, it sets the power too where the physics asks more than the Compendium does:
    the road-cycling speed bands (Ainsworth et al. 2011) are measured costs of real riding, but
    they stop at 12 METs (16–19 mph; about 985 W at 70 kg from 28 km/h up), while the power a speed
    takes on a flat road alone in calm air (Martin et al. 1998, :func:`planned_power_w`) keeps
    rising with the cube of the speed; where ``P / GE`` (Ettema & Lorås 2009) exceeds the band's
    metabolic rate (from about 34 km/h at 70 kg), the power is the record's, so the effort rises with
    speed as in a course plan. A session synthesised from a recorded leg's summary passes no
    ``gross_efficiency`` and is left as it was. ``--power`` sets power, and speed from the
    flat-road Martin et al. (1998) model so the air speed matches; ``--hr`` sets heart rate only
    (air speed then defaults to the sport's typical speed).
    """
    elapsed = np.arange(0.0, plan.duration_s + 1e-9, RECORD_INTERVAL_S)
    if elapsed[-1] < plan.duration_s:
        elapsed = np.append(elapsed, plan.duration_s)
    frame = synthetic_frame(elapsed, PLAN_EPOCH)
    speed = None
    if plan.power_w is not None:
        frame["power_w"] = float(plan.power_w)
        speed = flat_speed_for_power_m_per_s(plan.power_w, body_mass_kg)
    if plan.speed_kmh is not None:
        speed = plan.speed_kmh / 3.6
        power_w = planned_power_w(plan, body_mass_kg)
        if power_w is not None and gross_efficiency is not None and (
                power_w / gross_efficiency > float(met_to_metabolic_w(cycling_met_from_speed(speed), body_mass_kg))):
            frame["power_w"] = power_w  # the physics asks more than the Compendium's speed bands give
    if plan.heart_rate_bpm is not None:
        frame["heart_rate_bpm"] = float(plan.heart_rate_bpm)
    if speed is not None:
        frame["speed_m_per_s"] = speed
        frame["distance_m"] = speed * elapsed
        climb = speed * elapsed * plan.grade_pct / 100.0
        # a descent starts high enough to stay above the lowest altitude a record may hold (-500 m,
        # the records' plausible range): otherwise its altitude is set aside there and the rest runs flat
        frame["altitude_m"] = climb + min(max(0.0, -float(climb.min())), PLAN_MAX_START_ALTITUDE_M)
    return frame[list(RECORD_COLUMNS)]
