"""The JSON report, schema_version 1 (SPEC "JSON report"), as pydantic models.

These blocks are what crosses rooms: ``fit`` fills :class:`ActivityBlock`, ``physiology``
fills :class:`EnvironmentBlock`, :class:`IntensityBlock` and :class:`SweatBlock`, ``advice``
fills :class:`PlanBlock` and the :class:`AdviceItem` list, ``report`` renders a :class:`Report`.
Required keys are SPEC's; the extra ones are marked. Units are in the names.
"""
from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from pipeline.core.notes import NoteText

SCHEMA_VERSION: Final = 1

EnvironmentSource = Literal["override", "weather", "device", "config", "forecast", "climatology"]
IntensitySource = Literal["power", "speed", "heart_rate", "device_calories", "duration"]


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ActivityBlock(_Block):
    id: str = Field(description="sha256 hex of the file as stored")
    source: str = Field(description="file name")
    sport: str = Field(description='FIT sport name ("running", "cycling", ...); "multisport" for several legs')
    sub_sport: str | None = None
    start_time: datetime | None = Field(None, description="UTC")
    elapsed_s: float | None = None
    timer_s: float | None = None
    distance_m: float | None = None
    avg_heart_rate: float | None = None
    avg_power: float | None = None
    device: str | None = Field(None, description="maker and model, e.g. 'garmin edge_530'")
    salvaged: bool = Field(False, description="true when a damaged file was read as far as it goes")
    # extra keys
    calories_kcal: float | None = None
    manufacturer: str | None = None
    product: str | None = None
    summary_source: Literal["session", "records"] = Field(
        "session", description="'records' when the file has no session message and totals were derived")
    summary_fields_from_records: list[str] = Field(
        default_factory=list,
        description="with summary_source 'session': the keys of this block the session message lacked or "
                    "held impossibly, filled from the records and timer events instead (e.g. start_time, timer_s)")
    avg_power_used: float | None = Field(
        None, description="W: the records' average power without the readings set aside as impossible or as a "
                          "power meter's dropouts (what the model used); None when nothing was set aside, so "
                          "avg_power (the device's figure) is the one used")
    warnings: list[str] = Field(default_factory=list)
    utc_offset_s: int | None = Field(
        None, description="the athlete's local time minus UTC at the activity, s, from the file's activity message "
                          "(local_timestamp − timestamp); None when the file does not record it. start_time stays UTC")


class EnvironmentBlock(_Block):
    temperature_c: float
    humidity_pct: float
    source: EnvironmentSource
    # extra keys
    air_speed_m_per_s: float | None = None
    indoor: bool = False
    notes: list[NoteText] = Field(default_factory=list)
    water_temperature_c: float | None = Field(None, description="a swim's water temperature, °C (given, the device's "
                                              "reading or the stated default); null out of the water")
    wind_speed_m_per_s: float | None = Field(None, description="weather service's mean wind at 10 m (shown; not "
                                             "added to the air speed: its direction to the route is unknown)")
    solar_radiation_w_per_m2: float | None = Field(None, description="weather service's mean shortwave radiation "
                                                   "(modelled as the sun's mean radiant temperature at each record's "
                                                   "sun elevation)")
    weather_provider: str | None = Field(None, description="who the weather service's values came from, in words")


class IntensityBlock(_Block):
    source: IntensitySource
    mean_metabolic_w: float
    # extra keys
    sources_share: dict[str, float] = Field(default_factory=dict, description="fraction of moving time per signal")
    carbohydrate_g_per_h: float | None = Field(None, description="carbohydrate oxidised per hour of moving time, g/h: "
                                               "the carbohydrate share of the mean metabolic rate at the session's "
                                               "intensity (Romijn et al. 1993; pipeline.physiology.fuel)")
    carbohydrate_low_g_per_h: float | None = Field(None, description="the same at the low end of the intensity, g/h")
    carbohydrate_high_g_per_h: float | None = Field(None, description="the same at the high end of the intensity, g/h")
    carbohydrate_g: float | None = Field(None, description="carbohydrate oxidised over the moving time, g (central)")
    heart_rate_reserve_fraction: float | None = Field(None, description="the intensity the carbohydrate share was read at: "
                                                      "mean heart rate as a fraction of the heart-rate reserve, standing for "
                                                      "the fraction of VO2max (Swain & Leutholtz 1997); None without a heart rate")


class SweatBlock(_Block):
    total_l: float
    low_l: float
    high_l: float
    rate_l_per_h: float
    sodium_mg: float
    potassium_mg: float
    body_mass_loss_pct: float | None
    calibrated: bool = False
    device_estimate_l: float | None = None
    # extra keys
    model: str | None = None
    flags: list[NoteText] = Field(default_factory=list, description="where the model left its fitted domain, etc.")
    calibration_factor: float | None = None
    calibration_n: int | None = None
    assumptions: list[NoteText] = Field(default_factory=list, description="athlete values that are population defaults, not the athlete's")
    sodium_low_mg: float | None = Field(None, description="sodium at the sex's sweat sodium mean − 1 SD (Lara et al. 2016)")
    sodium_high_mg: float | None = Field(None, description="sodium at the sex's sweat sodium mean + 1 SD (Lara et al. 2016)")
    respiratory_water_l: float | None = Field(None, description="water breathed out, L (Mitchell et al. 1972): fluid "
                                              "lost beside sweat, to drink back with it")
    metabolic_mass_l: float | None = Field(None, description="fuel burned, CO2 out minus O2 in, kg: part of a weigh-in's "
                                           "loss, not water to drink back")
    body_mass_loss_beyond_pct: float | None = Field(None, description="set (to the bound, %) when the body-mass loss "
                                                    "if nothing drunk is past the life-threatening one: "
                                                    "body_mass_loss_pct is then null, not a forecast")


class PlanBlock(_Block):
    before_ml: float = Field(description="water at least 4 h before, mL (ACSM 2007: 5 mL/kg)")
    during_ml_per_h: float = Field(description="the lower figure to drink per hour during, mL/h (SPEC)")
    during_max_ml_per_h: float = Field(description="the upper figure, mL/h: drink to thirst between the two; "
                                       "never above the central estimate of the sweat rate (SPEC)")
    carry_bottles: int
    after_ml: float = Field(description="over the hours after, mL: 1.25 L per litre still missing after "
                            "drinking the lower figure, so that upper figure + after <= the high end of the loss")
    sodium_mg_per_h: float | None = Field(None, description="sodium lost in sweat per hour, mg/h (Baker et al. 2016 "
                                          "whole-body concentration, or the athlete's measured one)")
    carbohydrate_g_per_h: float | None = Field(None, description="extra key (planned course): carbohydrate to take per "
                                               "hour, g/h (Thomas et al. 2016; Jeukendrup 2014)")
    start_time: datetime | None = Field(None, description="extra key (planned course): the start, UTC")
    weather: str | None = Field(None, description="extra key (planned course): where its weather came from: "
                                "forecast, climatology, override or config")
    start_bottles: int | None = Field(None, description="extra key (planned course): bottles carried at the "
                                      "start, the most carried at once (the thirstiest stretch between water "
                                      "points); carry_bottles is the same figure")
    refills: list[Refill] | None = Field(None, description="extra key (planned course): what to fill at each "
                                         "aid point, the drinking up to the next (drink_ml)")
    timeline: list[TimelineEntry] | None = Field(None, description="extra key (planned course): segment by segment")


class TimelineEntry(_Block):
    """Extra block: one segment of a planned course (``sweatline plan --course``), at its start."""

    elapsed_s: float = Field(description="time from the start to the segment's start, s")
    distance_m: float = Field(description="distance from the start to the segment's start, m")
    length_m: float
    duration_s: float
    grade_pct: float = Field(description="the segment's rise over its length, %")
    speed_m_per_s: float
    temperature_c: float = Field(description="the air the model used over the segment, °C")
    humidity_pct: float
    sweat_ml: float = Field(description="sweat lost over the segment (central estimate), mL")
    drink_ml: float = Field(description="to drink over the segment, mL; cumulatively never above the sweat lost")
    sodium_mg: float = Field(description="sodium to take with that drink, mg (the sweat's own concentration)")
    carbohydrate_g: float
    water: bool = Field(description="water can be had in this segment (an aid point or a water course point)")


class Refill(_Block):
    """Extra block: bottles to fill at an aid point, for the drinking up to the next one (or the finish)."""

    distance_m: float
    bottles: int
    drink_ml: float


class AdviceItem(_Block):
    """One advice topic's text. ``text`` (the JSON's) is written in metric; an item made by the
    advice room also holds its text in every unit system (:meth:`text_in`), each written in that
    system where the sentence was made, kept out of the JSON."""

    topic: str
    text: str
    _texts: dict[str, str] = PrivateAttr(default_factory=dict)

    @classmethod
    def worded(cls, topic: str, texts: dict[str, str]) -> "AdviceItem":
        """An item from its texts by unit system (``{"metric": ..., "imperial": ...}``); ``text`` is the metric one."""
        item = cls(topic=topic, text=texts["metric"])
        item._texts = dict(texts)
        return item

    def text_in(self, units: str) -> str:
        """The text in ``units`` ("metric" or "imperial"); an item read back from JSON has its metric text only."""
        return self._texts.get(units, self.text)


class LegBlock(_Block):
    index: int
    sport: str
    sub_sport: str | None = None
    start_time: datetime | None = None
    timer_s: float | None = None
    distance_m: float | None = None
    environment: EnvironmentBlock | None = None
    intensity: IntensityBlock | None = None
    sweat: SweatBlock | None = None
    plan: PlanBlock | None = Field(None, description="extra key: this leg's own drinking plan (a "
                                   "planned triathlon's or a recorded multisport file's; no drinking during "
                                   "a leg in the water); the report's plan stays the whole session's")


class CalibrationInput(_Block):
    """A personal factor as it was applied: factor, its relative spread and the weigh-ins behind it."""

    factor: float
    cv: float
    n: int


class InputsBlock(_Block):
    """Extra block: what the estimate was made from, so a stored answer can tell it is stale.

    ``fingerprint`` is the SHA-256 (hex, first 32) of the canonical JSON of the inputs known
    before the file is decoded: ``model_version``, the config's athlete/climate/model/advice
    sections (``config``), the weather ``override`` and the personal ``calibration`` for each leg
    sport. Everything else in the report follows from those and the file's bytes (its SHA-256).
    ``athlete`` and ``weather`` are the values actually used (after the FIT profile and the device
    filled gaps), for reading only.
    """

    model_version: str
    fingerprint: str
    config: dict[str, dict[str, float | str | bool | None]]
    override: dict[str, float | None]
    calibration: dict[str, CalibrationInput | None]
    athlete: dict[str, float | str | bool | None] = Field(default_factory=dict)
    weather: dict[str, float | str | bool | None] = Field(default_factory=dict)
    decoder: str | None = None
    """Which FIT decoder read the file ("fitfast 0.1.0" or "fitparse 2.7.0"), for reading only: not
    part of ``fingerprint``, since both give the same activity (tests/fit/test_fast_decoder.py)."""


class Report(_Block):
    schema_version: Literal[1] = SCHEMA_VERSION
    activity: ActivityBlock | None = None
    environment: EnvironmentBlock | None = None
    intensity: IntensityBlock | None = None
    sweat: SweatBlock | None = None
    plan: PlanBlock | None = None
    advice: list[AdviceItem] = Field(default_factory=list)
    legs: list[LegBlock] | None = None
    disclaimer: str | None = None
    inputs: InputsBlock | None = None  # extra block

    def to_json(self) -> str:
        """The report as SPEC JSON: every SPEC block present (``plan: null`` when there is no plan, e.g.
        a session too short to estimate); the optional ``activity`` (a planned session has none),
        ``legs`` and ``inputs`` left out when None."""
        exclude: dict[str, object] = {k: True for k in ("activity", "legs", "inputs") if getattr(self, k) is None}
        if self.plan is not None:  # a planned course's keys, only on a planned course
            course_keys = {k for k in COURSE_PLAN_KEYS if getattr(self.plan, k) is None}
            if course_keys:
                exclude["plan"] = course_keys
        return self.model_dump_json(indent=2, exclude_none=False, exclude=exclude)  # type: ignore[arg-type]


COURSE_PLAN_KEYS = ("carbohydrate_g_per_h", "start_time", "weather", "start_bottles", "refills", "timeline")
""":class:`PlanBlock` keys only a planned course has (left out of other reports' JSON)."""
