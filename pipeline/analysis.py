"""From a decoded activity (or a planned session) to an :class:`Analysis`.

The one place where the rooms meet: ``fit`` -> ``physiology`` -> ``advice``. Pure: no disk.
``Analysis.report`` is the SPEC JSON report; ``Analysis.series`` is the per-sample time series
(records plus the model's metabolic rate and cumulative sweat) that the report charts draw.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel

from pipeline.config import Config
from pipeline.fit.models import Activity
from pipeline.schema import Report


class WeatherOverride(BaseModel):
    """``--temp`` / ``--humidity`` (or the after-ride flow's parameters): beat the device and config."""

    temperature_c: float | None = None
    humidity_pct: float | None = None


@dataclass
class Analysis:
    report: Report
    activity: Activity | None = None
    series: pd.DataFrame | None = None  # timestamp-indexed samples for charts (None for a plan)


def analyse_activity(activity: Activity, config: Config, override: WeatherOverride | None = None) -> Analysis:
    """The analysis of one activity. (Sweat model: issue #3; plan and advice: issue #4.)"""
    return Analysis(report=Report(activity=activity.summary), activity=activity)
