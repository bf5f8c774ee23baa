"""What a report is made from: the :class:`Analysis` of one activity or planned session, as the
use cases (:mod:`pipeline.usecases.analyse`) build it and the renderers read it."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.core.schema import Report
from pipeline.fit.models import Activity
from pipeline.physiology.athlete import Athlete
from pipeline.physiology.planned import PlannedSession


@dataclass
class Analysis:
    report: Report
    activity: Activity | None = None
    series: pd.DataFrame | None = None  # timestamp-indexed samples for charts (None for a plan)
    athlete: Athlete | None = None
    planned: PlannedSession | None = None  # the session `sweatline plan` was asked about (None for a FIT file)
    model_total_l: float | None = None  # the model's uncalibrated litres, unrounded (weigh-ins compare with it)
    display: object = None  # pipeline.report.view.Display: units and time zone the reports are written in (None: metric, UTC)
