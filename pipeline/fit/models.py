"""What ingest hands to the rest of the pipeline: an :class:`Activity`.

The records DataFrame has one row per FIT ``record`` message, sorted by time, with these
canonical columns (SI units; a column is present even when the file has no such data, all NaN):

=====================  =========================================================
``timestamp``          tz-aware UTC ``datetime64[ns, UTC]``
``elapsed_s``          seconds since the activity's first record (float)
``timer_active``       bool: False while the device timer was stopped (pause)
``leg``                int: index into ``Activity.legs`` (0 for single-sport files)
``heart_rate_bpm``     float
``power_w``            float
``speed_m_per_s``      float (``enhanced_speed`` preferred over ``speed``)
``distance_m``         float, cumulative
``altitude_m``         float (``enhanced_altitude`` preferred over ``altitude``)
``cadence_rpm``        float (rpm for cycling, steps-per-minute/2 convention of FIT for running)
``temperature_c``      float
``latitude_deg``       float, degrees (not semicircles)
``longitude_deg``      float, degrees
``calories_kcal``      float, cumulative where the device writes it
=====================  =========================================================

Nothing downstream sees FIT field names.

A smart scale's FIT file (``weight_scale`` messages) is not an activity; ingest hands over its
readings as :class:`ScaleReading` values instead.
"""
from __future__ import annotations

from datetime import datetime

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from pipeline.core.schema import ActivityBlock
from pipeline.core.sports import sport_profile
from pipeline.fit.readings import ScaleReading  # noqa: F401  (re-exported: what ingest returns)

RECORD_COLUMNS: tuple[str, ...] = (
    "timestamp", "elapsed_s", "timer_active", "leg", "heart_rate_bpm", "power_w", "speed_m_per_s",
    "distance_m", "altitude_m", "cadence_rpm", "temperature_c", "latitude_deg", "longitude_deg",
    "calories_kcal",
)


class UserProfile(BaseModel):
    """What the file says about its wearer (FIT ``user_profile``, ``zones_target``, ``hr_zone``)."""

    model_config = ConfigDict(frozen=True)

    body_mass_kg: float | None = None
    height_cm: float | None = None
    age: float | None = None
    sex: str | None = None  # "male" | "female"
    hr_rest_bpm: float | None = None
    hr_max_bpm: float | None = None
    ftp_w: float | None = None
    hr_zone_high_bpm: list[float] = Field(default_factory=list)


class Leg(BaseModel):
    """One FIT ``session``: a single-sport file has one, a multisport file one per sport."""

    index: int
    sport: str
    sub_sport: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    elapsed_s: float | None = None
    timer_s: float | None = None
    distance_m: float | None = None
    avg_heart_rate: float | None = None
    avg_power: float | None = None
    calories_kcal: float | None = None
    device_sweat_loss_ml: float | None = Field(None, description="Garmin session field 178 for this leg (de-accumulated)")


class Activity(BaseModel):
    """One decoded activity: summary (the SPEC ``activity`` block), legs, profile and records."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    summary: ActivityBlock
    legs: list[Leg]
    profile: UserProfile = UserProfile()
    device_sweat_loss_ml: float | None = Field(None, description="Garmin session field 178, whole activity, mL")
    records: pd.DataFrame
    activity_key: str | None = Field(None, description="the activity's identity whatever file holds it "
                                     "(pipeline.fit.identity): two copies of one ride share it")
    decoder: str = Field("fitparse", description="which decoder read the file: 'fitfast' (optional, "
                         "pipeline.fit.fast) or 'fitparse'; both give the same activity")

    @property
    def is_multisport(self) -> bool:
        return len([leg for leg in self.legs if not sport_profile(leg.sport).transition]) > 1 or len(self.legs) > 1
